"""Edge conversion from checkov's list-wrapped ``conf`` dicts to our resource model.

checkov wraps every attribute value in a one-element list, nested blocks are lists of dicts
whose values are wrapped again, maps (``tags``) are dicts of plain values, and it leaves
unresolved expressions as ``${...}`` / ``var.x`` strings: those become ``Unknown`` here, never
a guess. Imports only the standard library, pyyaml and the model (checkov's own venv).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]  # checkov execs this file by path: find the checkout's packages
if (_ROOT / "estimator" / "model.py").is_file() and str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from estimator.model import Location, Resource, Tag, Unknown, tag_blocks  # noqa: E402

_UNRESOLVED = re.compile(r"\$\{|^(var|local|module|data|each|count)\.")
_MAP_ATTRIBUTES = {"tags", "labels", "tags_all", "environment", "variables", "taints_map"}


def _is_block(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(v, list) for v in value.values())


def plain(value: Any, key: str = "") -> Any:
    """One attribute value without checkov's wrapping."""
    if isinstance(value, str):
        return Unknown(f"not resolved by checkov: {value}") if _UNRESOLVED.search(value) else value
    if isinstance(value, dict):
        if key not in _MAP_ATTRIBUTES and _is_block(value):
            return {k: unwrap_attr(k, v) for k, v in value.items() if not k.startswith("__")}
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, key) for v in value]
    return value


def unwrap_attr(key: str, value: Any) -> Any:
    """``[x]`` → x for attributes; a list of block dicts stays a list of (unwrapped) blocks."""
    if not isinstance(value, list):
        return plain(value, key)
    if value and key not in _MAP_ATTRIBUTES and all(_is_block(v) for v in value):
        return [plain(v, key) for v in value]
    if len(value) == 1:
        return plain(value[0], key)
    return [plain(v, key) for v in value]


def blocks_of(value: Any) -> list[Any] | None:
    """Repeated blocks as a list (checkov unwraps a single block to its dict)."""
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else None


def to_resource(conf: dict[str, Any], resource_type: str, file: str = "") -> Resource:
    attributes = {k: unwrap_attr(k, v) for k, v in conf.items() if not k.startswith("__")}
    address = conf.get("__address__") or f"{resource_type}.{conf.get('__name__', 'resource')}"
    if isinstance(address, list):
        address = address[0]
    name = str(address).rsplit(".", 1)[-1]
    line = conf.get("__start_line__") or 0
    location = Location(file, int(line)) if line else None
    tags_value = attributes.get("tags")
    tags = {str(k): Tag(v) for k, v in tags_value.items()} if isinstance(tags_value, dict) else {}
    if resource_type == "aws_autoscaling_group":  # its tags are `tag { key value }` blocks, as the loaders read them
        tags.update(tag_blocks(blocks_of(attributes.get("tag")), location))
    return Resource(
        address=str(address), type=resource_type, name=name, attributes=attributes,
        region=Unknown("checkov does not resolve the provider region"),
        tags=tags, location=location, taggable=None,
    )
