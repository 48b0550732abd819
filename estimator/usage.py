"""The usage file (``costrail-usage.yml``, infracost-compatible): monthly quantities by address or type.

``resource_usage`` keys are addresses, with ``[*]`` matching any index
(``aws_instance.embedder[*]``); ``resource_type_default_usage`` gives per-type defaults;
``llm_usage`` lists model token volumes priced from Bedrock token prices. Errors name the key
and its line (``ConfigError``), never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from estimator.errors import ConfigError
from estimator.model import Location
from estimator.yaml_guard import compose, decode_utf8

TOP_KEYS = {"version", "resource_usage", "resource_type_default_usage", "llm_usage"}
LLM_KEYS = {"model", "monthly_input_tokens", "monthly_output_tokens", "name"}
MAX_QUANTITY = Decimal("1e18")  # beyond any real monthly volume; a bigger product overflows money rounding
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass
class UsageFile:
    """Parsed usage: exact addresses, wildcard patterns, type defaults and LLM token volumes."""

    path: str = ""
    resource_usage: dict[str, dict[str, Any]] = field(default_factory=dict)
    type_defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    llm_usage: list[dict[str, Any]] = field(default_factory=list)
    llm_usage_lines: list[int] = field(default_factory=list)  # line of each llm_usage entry
    # (section, entry, key, nested key...) → line, so a warning about a key can name where it is written
    key_lines: dict[tuple[str, ...], int] = field(default_factory=dict)
    _patterns: list[tuple[re.Pattern[str], str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for key, values in self.resource_usage.items():
            if "[*]" in key:
                pattern = re.escape(key).replace(re.escape("[*]"), r"\[[^\]]+\]")
                self._patterns.append((re.compile(f"^{pattern}$"), key, values))

    def for_resource(self, address: str, resource_type: str) -> dict[str, Any]:
        """Type default, then wildcard matches, then a Pulumi resource's plain name, then the exact
        address: later wins, key by key."""
        merged: dict[str, Any] = dict(self.type_defaults.get(resource_type, {}))
        for pattern, _, values in self._patterns:
            if pattern.match(address):
                merged.update(values)
        plain = self._plain_entry(address, resource_type)
        if plain is not None:
            merged.update(plain[1])
        merged.update(self.resource_usage.get(address, {}))
        return merged

    def _plain_entry(self, address: str, resource_type: str) -> tuple[str, dict[str, Any]] | None:
        """The entry keyed ``chat`` for the Pulumi resource ``chat:aws_lambda_function``, when it gives
        a key that type reads, with only such keys (so the role also named ``chat`` takes nothing, and
        the HTTP API only the requests)."""
        plain = _plain_name(address, resource_type)
        values = self.resource_usage.get(plain) if plain is not None else None
        reads = _type_reads(resource_type)
        if plain is None or not values or not reads & {str(k) for k in values}:
            return None
        # only the keys this type reads: the function's request_duration_ms is no key of the API namesake
        return plain, {k: v for k, v in values.items() if str(k) in reads}

    def unmatched(self, addresses: set[str]) -> list[tuple[str, int]]:
        """The ``resource_usage`` entries (exact or ``[*]``) that match none of ``addresses``, with
        their lines: a typo, or a Terraform address given to the Pulumi form of a stack."""
        patterns = {entry: pattern for pattern, entry, _ in self._patterns}
        out = []
        for entry in self.resource_usage:
            pattern = patterns.get(entry)
            if entry in addresses or (pattern is not None and any(pattern.match(a) for a in addresses)):
                continue
            if any(a.startswith(f"{entry}:") and _plain_name(a, a.rpartition(":")[2]) == entry for a in addresses):
                continue  # a Pulumi name that several resources share: for_resource gives it to the one that reads it
            out.append((entry, self.key_lines.get(("resource_usage", entry), 0)))
        return out

    def line_of(self, address: str, resource_type: str, key_path: tuple[str, ...]) -> int:
        """The line of the entry whose ``key_path`` ``for_resource`` uses (the same precedence); 0 if unknown."""
        sources: list[tuple[str, str, dict[str, Any]]] = [
            ("resource_type_default_usage", resource_type, self.type_defaults.get(resource_type, {}))]
        sources += [("resource_usage", entry, values) for pattern, entry, values in self._patterns
                    if pattern.match(address)]
        plain = self._plain_entry(address, resource_type)
        if plain is not None:
            sources.append(("resource_usage", *plain))
        sources.append(("resource_usage", address, self.resource_usage.get(address, {})))
        for section, entry, values in reversed(sources):
            if key_path[0] in values:
                return self.key_lines.get((section, entry, *key_path), 0)
        return 0


def _plain_name(address: str, resource_type: str) -> str | None:
    """``chat`` for the Pulumi address ``chat:aws_lambda_function``: a name path is qualified by its
    type only while several resources share the name (a role and a function both called ``chat``), so
    an entry keyed by the plain name, as the program spells it, still reaches the resource that reads
    its keys, and does not stop matching when a PR adds a namesake."""
    plain, sep, qualifier = address.rpartition(":")
    return plain if sep and plain and qualifier == resource_type else None


@cache
def _type_reads(resource_type: str) -> frozenset[str]:
    """The top-level usage keys ``resource_type`` reads (with aliases)."""
    from estimator.resources.aws import REGISTRY

    spec = REGISTRY.get(resource_type)
    if spec is None:
        return frozenset()
    return frozenset(name.split(".", 1)[0] for k in spec.usage_keys for name in (k.name, *k.aliases))


def _loc(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(path: str, node: yaml.Node, key: str) -> Any:
    """A number (int/float/decimal-looking string such as ``3.0e9``) or a plain string value."""
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(f"usage key {key!r} must be a number or text", _loc(path, node))
    value = yaml.constructor.SafeConstructor().construct_object(node)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return value.strip()  # PyYAML reads 3.0e9 as a string; Decimal(str) reads it exactly
    return value


@cache
def _numeric_keys() -> frozenset[str]:
    """Usage keys costrail reads as quantities (leaf names): their values must be numbers."""
    from estimator.resources.aws import REGISTRY  # the priced types declare their usage keys

    names = {k.name.rsplit(".", 1)[-1] for spec in REGISTRY.values() for k in spec.usage_keys
             if not isinstance(k.default, str) and not isinstance(k.example, str)}
    return frozenset(names | {"monthly_input_tokens", "monthly_output_tokens"})


def _check_quantity(path: str, node: yaml.Node, key: str, value: Any, numeric: frozenset[str]) -> None:
    """A quantity is a number >= 0: text, a boolean or a negative number would price as nothing or
    as a negative cost, so it is an error naming the key and line, never ignored."""
    leaf = key.rsplit(".", 1)[-1]
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not _NUMBER.fullmatch(value)):
        if leaf in numeric and value is not None:
            raise ConfigError(f"usage key {key!r} must be a number, got {node.value!r}", _loc(path, node))
        return
    if isinstance(value, (int, float, str)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return
        if not number.is_finite():
            raise ConfigError(f"usage key {key!r} must be a finite number, got {node.value!r}", _loc(path, node))
        if number < 0:
            raise ConfigError(f"usage key {key!r} must not be negative, got {node.value!r}", _loc(path, node))
        if number > MAX_QUANTITY:  # a typo with extra zeros; 1e400 would crash every report's rounding
            raise ConfigError(f"usage key {key!r} is out of range (at most {MAX_QUANTITY:,.0f}), got {node.value!r}",
                              _loc(path, node))


def _mapping(path: str, node: yaml.Node, key: str, numeric: frozenset[str] | None = None,
             lines: dict[tuple[str, ...], int] | None = None, at: tuple[str, ...] = ()) -> dict[str, Any]:
    """A mapping of usage keys; with ``numeric``, every quantity among them is checked; with
    ``lines``, the line of each key is recorded under ``at`` + its key path."""
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{key!r} must be a mapping", _loc(path, node))
    try:  # YAML merge keys (`<<: *defaults`), as PyYAML's loader applies them: explicit keys win
        yaml.constructor.SafeConstructor().flatten_mapping(node)
    except yaml.YAMLError as err:
        raise ConfigError(f"{key!r}: {getattr(err, 'problem', err)}", _loc(path, node)) from None
    out: dict[str, Any] = {}
    for knode, vnode in node.value:
        name = str(knode.value)
        # inside an entry, `standard.storage_gb: 500` is `standard: {storage_gb: 500}`: the dotted names
        # docs/resources.md lists and the unknown-key warning suggests (an address's own dots stay)
        *parents, leaf = name.split(".") if len(at) >= 2 else [name]
        target = out
        for part in parents:
            nested = target.setdefault(part, {})
            if not isinstance(nested, dict):
                raise ConfigError(f"{key}.{name}: {part!r} is both a quantity and a group of keys", _loc(path, knode))
            target = nested
        where = (*at, *parents, leaf)
        if lines is not None:
            lines[where] = knode.start_mark.line + 1
        if isinstance(vnode, yaml.MappingNode):
            target[leaf] = _mapping(path, vnode, f"{key}.{name}", numeric, lines, where)
        else:
            target[leaf] = _scalar(path, vnode, f"{key}.{name}")
            if numeric is not None:
                _check_quantity(path, vnode, f"{key}.{name}", target[leaf], numeric)
    return out


ANCHOR_HINT = ("; to share quantities with a YAML anchor, put the anchor on an entry under resource_usage "
               "or resource_type_default_usage and alias it from the others")


def _aliased(node: yaml.Node, root: yaml.MappingNode) -> bool:
    """Whether ``node`` is aliased from elsewhere in the file: a top-level key kept only to hold an anchor,
    a docker-compose habit (``x-defaults: &d``) that the strict key check would otherwise just reject."""
    seen = 0
    stack: list[yaml.Node] = [root]
    visited: set[int] = set()
    while stack:
        current = stack.pop()
        if current is node:
            seen += 1
            if seen > 1:
                return True
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack += (k, v)
        elif isinstance(current, yaml.SequenceNode):
            stack += current.value
    return False


def _check_entry_keys(path: str, node: yaml.Node, section: str) -> None:
    """Every key of a ``resource_usage`` / ``resource_type_default_usage`` mapping is text: a number
    (``123:``) or a list (``? [a, b]``) is no address or type, and its quantities would go nowhere."""
    if not isinstance(node, yaml.MappingNode):
        return
    what = "resource address" if section == "resource_usage" else "resource type"
    for knode, _vnode in node.value:
        if knode.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"):
            continue
        shown = knode.value if isinstance(knode, yaml.ScalarNode) else "a " + (
            "list" if isinstance(knode, yaml.SequenceNode) else "mapping")
        raise ConfigError(f"{section} key {shown} is not a {what} (write it as text)", _loc(path, knode))


def parse_usage(text: str, path: str = "costrail-usage.yml") -> UsageFile:
    try:  # too deep, alias bombs and duplicate keys (the last would win silently) are errors with a line
        root = compose(text, path)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1)
        raise ConfigError(f"usage file is not valid YAML: {getattr(err, 'problem', err)}", loc) from None
    usage = UsageFile(path=path)
    if root is None:
        return usage
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError("usage file must be a mapping", _loc(path, root))
    resource_usage: dict[str, dict[str, Any]] = {}
    for knode, vnode in root.value:
        key = str(knode.value)
        if key not in TOP_KEYS:
            hint = ANCHOR_HINT if _aliased(vnode, root) else ""
            raise ConfigError(f"unknown usage file key {key!r} (expected one of {', '.join(sorted(TOP_KEYS))}){hint}",
                              _loc(path, knode))
        if key == "version":
            _scalar(path, vnode, key)
        elif key == "llm_usage" and isinstance(vnode, yaml.ScalarNode) and vnode.value in ("", "null", "~"):
            continue
        elif key in ("resource_usage", "resource_type_default_usage"):
            if isinstance(vnode, yaml.ScalarNode) and vnode.value in ("", "null", "~"):
                continue
            _check_entry_keys(path, vnode, key)
            section = _mapping(path, vnode, key, _numeric_keys(), usage.key_lines, (key,))
            for address, values in section.items():
                if values is None:
                    section[address] = values = {}  # an address whose keys are all commented out
                if not isinstance(values, dict):
                    raise ConfigError(f"{key}.{address} must be a mapping of usage keys", _loc(path, vnode))
            if key == "resource_usage":
                resource_usage = section
            else:
                usage.type_defaults = section
        else:
            if not isinstance(vnode, yaml.SequenceNode):
                raise ConfigError("'llm_usage' must be a list", _loc(path, vnode))
            for item in vnode.value:
                entry = _mapping(path, item, "llm_usage[]", _numeric_keys())
                unknown = set(entry) - LLM_KEYS
                if unknown:
                    raise ConfigError(f"unknown llm_usage key {sorted(unknown)[0]!r}", _loc(path, item))
                if "model" not in entry:
                    raise ConfigError("llm_usage entry needs 'model'", _loc(path, item))
                usage.llm_usage.append(entry)
                usage.llm_usage_lines.append(_loc(path, item).line)
    usage.resource_usage = resource_usage
    usage.__post_init__()
    return usage


def load_usage(path: str) -> UsageFile:
    """Read and validate a usage file; a missing or unreadable file is a ConfigError."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ConfigError(f"cannot read usage file: {err.strerror or err}", Location(path, 0)) from None
    return parse_usage(decode_utf8(data, path), path)
