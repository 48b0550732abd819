"""Terraform JSON configuration (``*.tf.json``, e.g. CDKTF output) as our ``ast`` nodes.

JSON has no block syntax, so Terraform decides blocks vs. arguments from the provider
schema. Without the schema we decide by shape: a list of objects, or an object under a
known nested-block name, is a block; anything else is an argument. Strings are templates
(``"${var.x}"``), as in Terraform. Lines are found by searching the text for the block name,
so they are approximate.
"""

from __future__ import annotations

import json
import re
from typing import Any

from estimator.errors import TOO_DEEP, InputError
from estimator.hcl import ast
from estimator.hcl.hcl2_frontend import assemble_template, parse_expression, scan_template
from estimator.model import Location

# Nested blocks often written as a single JSON object (a list of objects is always a block).
NESTED_BLOCKS = frozenset({
    "root_block_device", "ebs_block_device", "ephemeral_block_device", "launch_template", "production_variants",
    "default_tags", "scaling_config", "mixed_instances_policy", "instances_distribution",
    "launch_template_specification", "override", "vpc_config", "capacity_reservation_specification",
    "instance_market_options", "spot_options", "metadata_options", "credit_specification", "data_capture_config",
    "async_inference_config", "serverless_config", "content", "lifecycle", "block_device_mappings", "ebs",
    "core_instance_group", "master_instance_group", "tag", "ingress", "egress", "versioning",
    "server_side_encryption_configuration", "point_in_time_recovery", "ttl", "attribute", "setting",
    "timeouts", "primary_container", "container", "resource_spec", "default_resource_spec",
    "compute_resources", "instance_requirements", "cluster_config", "ebs_options", "encrypt_at_rest",
    "node_to_node_encryption", "environment", "logging_config", "tracing_config", "ephemeral_storage",
})
_EXPRESSION_KEYS = {"provider", "depends_on"}
# Values nested deeper are TOO_DEEP: the conversion recurses per level, and whether Python's recursion
# limit (raised once tree-sitter is loaded, not on a warm cache) was reached decided error or traceback.
MAX_DEPTH = 100


def parse_json_text(path: str, text: str) -> ast.File:
    """One ``.tf.json`` file; raises ``InputError`` with a line for invalid JSON, a key written twice in
    one object, a wrong shape or values nested too deeply."""
    data = loads_strict(path, text, config=True)
    if not isinstance(data, dict):
        raise InputError("a Terraform JSON file must hold an object", Location(path, 1, 1))
    conv = _Converter(path, text)
    body = ast.Body()
    try:
        for kind, value in data.items():
            if kind.startswith("//") or kind == "terraform":
                continue
            body.blocks.extend(conv.top(kind, value))
    except RecursionError:
        raise InputError(TOO_DEEP, Location(path, 1, 1)) from None
    return ast.File(path=path, body=body)


class _DuplicateKey(Exception):
    pass


class _Pairs(dict):  # type: ignore[type-arg]
    """An object as read, with the keys it repeats (kept apart until we know the level they sit at)."""

    repeated: list[tuple[str, Any]]


def _keep_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = _Pairs()
    out.repeated = []
    for key, value in pairs:
        if key in out:
            out.repeated.append((key, value))
        else:
            out[key] = value
    return out


# Labels under each top-level block type of Terraform's JSON syntax: two objects of one type are
# merged down to their labels, and the same label twice is a duplicate (two ``"resource"`` objects
# may each hold resources; the same resource twice is "Duplicate resource").
BLOCK_LABELS = {"resource": 2, "data": 2, "ephemeral": 2, "module": 1, "variable": 1, "output": 1, "locals": 1,
                "check": 1, "import": 0, "moved": 0, "removed": 0}


def _settle(value: Any, labels: int, depth: int = 0) -> Any:
    """Repeated keys of one object as terraform's JSON syntax reads them: a ``//`` comment may repeat
    anywhere; in an object of ``labels`` label levels a label written twice merges one level down; any
    other key set twice is terraform's "Duplicate argument"."""
    if depth > MAX_DEPTH:
        return value  # left to the converter, which names where it is too deep
    if isinstance(value, list):
        return [_settle(v, 0, depth + 1) for v in value]
    if not isinstance(value, _Pairs):
        return value
    out = {k: _settle(v, labels - 1, depth + 1) for k, v in value.items()}
    for key, again in value.repeated:
        if key.startswith("//"):
            continue
        again = _settle(again, labels - 1, depth + 1)
        if labels <= 0 and key not in MAP_ARGUMENTS and _blocks(out[key]) and _blocks(again):
            # a nested block written twice in one body (two "dynamic", "ebs_block_device", "validation"):
            # two blocks, as terraform reads repeated block keys (QA22: the project was rejected)
            out[key] = [*_as_list(out[key]), *_as_list(again)]
            continue
        out[key] = _merge(key, out[key], again, labels - 1)
    return out


# Object-valued arguments (not blocks): written twice in one body, terraform's "Duplicate argument".
MAP_ARGUMENTS = frozenset({"tags", "tags_all", "labels", "environment", "variables", "parameters", "default"})


def _blocks(value: Any) -> bool:
    """An object, or a list of objects: what a nested block is written as."""
    return isinstance(value, dict) or (isinstance(value, list) and bool(value)
                                       and all(isinstance(v, dict) for v in value))


def _settle_top(value: Any) -> Any:
    """The top object of a ``.tf.json``: each block type settled by its labels; a block type written
    twice merged (``"provider"`` twice: both configurations, as a list; ``"terraform"``: ignored here)."""
    if not isinstance(value, _Pairs):
        return _settle(value, 0)
    out = {k: _providers(v, {}) if k == "provider" else _settle(v, BLOCK_LABELS.get(k, 0 if k == "terraform" else 1))
           for k, v in value.items()}
    for key, again in value.repeated:
        if key.startswith("//") or key == "terraform":
            continue
        if key == "provider":
            out[key] = _providers(out[key], again)
            continue
        labels = BLOCK_LABELS.get(key, 1)
        out[key] = _merge(key, out[key], _settle(again, labels), labels)
    return out


def _providers(first: Any, again: Any) -> Any:
    """Provider configurations from every ``"provider"`` object or array, a name written again being another
    configuration of that provider (a default and an alias), as terraform reads repeated block keys."""
    merged: dict[str, Any] = {}
    for part in (*_as_list(first), *_as_list(again)):
        if not isinstance(part, dict):
            return first  # not the JSON syntax's shape: the converter names the problem
        pairs = [*part.items(), *getattr(part, "repeated", [])]
        for name, config in pairs:
            if str(name).startswith("//"):
                continue
            config = _settle(config, 0)
            merged[name] = [*_as_list(merged[name]), *_as_list(config)] if name in merged else config
    return merged


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _merge(key: str, first: Any, again: Any, levels: int) -> Any:
    """Two settings of a block type (or of its labels, ``levels`` deep) as one; anything else twice is
    a duplicate."""
    if levels <= 0 or not isinstance(first, dict) or not isinstance(again, dict):
        raise _DuplicateKey(key)
    merged = dict(first)
    for name, value in again.items():
        merged[name] = _merge(name, merged[name], value, levels - 1) if name in merged else value
    return merged


def loads_strict(path: str, text: str, config: bool = False) -> Any:
    """``json.loads`` for Terraform's JSON files (``.tf.json``, ``.tfvars.json``): a key written twice in
    one object is an ``InputError`` naming both lines, as terraform's "Duplicate attribute definition"
    (plain ``json.loads`` keeps the last one silently, and a plan priced the wrong instance). A ``//``
    comment may repeat, and in a configuration (``config``) a block type written twice is merged as
    terraform reads it (QA20a/QA21a: valid files were rejected)."""
    try:
        data = json.loads(text, object_pairs_hook=_keep_pairs)
        return _settle_top(data) if config else _settle(data, 0)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON: {err.msg}", Location(path, err.lineno, err.colno)) from None
    except RecursionError:
        raise InputError(TOO_DEEP, Location(path, 1, 1)) from None
    except _DuplicateKey as dup:
        key = str(dup.args[0])
        spots = _duplicate_positions(text, key)
        where = "in one object" if spots else "in two block objects of one type"  # a label set twice
        first, again = spots or _key_positions(text, key)
        raise InputError(f"duplicate key {json.dumps(key)} {where} (first set at {first[0]}:{first[1]})",
                         Location(path, *again)) from None


def _key_positions(text: str, key: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(line, column) of the first two places ``key`` is written as a key, in any objects (a label set
    in two merged block objects); (1, 1) where not found."""
    found = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)][:2]
    spots = [(text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)) for i in found] + [(1, 1), (1, 1)]
    return spots[0], spots[1]


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SPACE = re.compile(r"\s*")


def _duplicate_positions(text: str, key: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(line, column) of the first and second setting of ``key`` in one object: one linear scan with a
    stack of the objects open at each point (only run once a duplicate is known to exist)."""
    stack: list[dict[str, int] | None] = []  # per open object its keys' offsets; None for an array
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            m = _STRING.match(text, i)
            if m is None:
                return None
            end = _SPACE.match(text, m.end()).end()
            if stack and stack[-1] is not None and text.startswith(":", end):
                name = json.loads(m.group())
                seen = stack[-1]
                if name == key and name in seen:
                    return _pos(text, seen[name]), _pos(text, i)
                seen.setdefault(name, i)
            i = m.end()
            continue
        if ch == "{":
            stack.append({})
        elif ch == "[":
            stack.append(None)
        elif ch in "]}" and stack:
            stack.pop()
        i += 1
    return None


def _pos(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class _Converter:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.cursor = 0

    def line_of(self, name: str) -> ast.Pos:
        idx = self.text.find(json.dumps(name), self.cursor)
        if idx < 0:
            idx = self.text.find(json.dumps(name))
        if idx < 0:
            return ast.Pos(1, 1)
        self.cursor = idx
        line_start = self.text.rfind("\n", 0, idx) + 1
        return ast.Pos(self.text.count("\n", 0, idx) + 1, idx - line_start + 1)

    def top(self, kind: str, value: Any) -> list[ast.Block]:
        blocks: list[ast.Block] = []
        for item in value if isinstance(value, list) else [value]:
            self.need_object(kind, item)
            if kind == "locals":
                pos = self.line_of(kind)
                blocks.append(ast.Block("locals", [], self.body(item, attributes_only=True), pos))
            elif kind in ("resource", "data"):
                for rtype, named in item.items():
                    self.need_object(rtype, named)  # {"aws_eip": "x"} was an AttributeError traceback
                    for name, bodies in named.items():
                        for b in bodies if isinstance(bodies, list) else [bodies]:
                            pos = self.line_of(name)
                            self.need_object(name, b)
                            blocks.append(ast.Block(kind, [rtype, name], self.body(b), pos))
            else:
                for name, bodies in item.items():
                    for b in bodies if isinstance(bodies, list) else [bodies]:
                        pos = self.line_of(name)
                        self.need_object(name, b)
                        blocks.append(ast.Block(kind, [name], self.body(b, top_kind=kind), pos))
        return blocks

    def need_object(self, name: str, value: Any) -> None:
        """An ``InputError`` naming ``name`` and its line unless ``value`` is a JSON object."""
        if not isinstance(value, dict):
            raise InputError(f"{json.dumps(name)} must be an object", Location(self.path, self.line_of(name).line))

    def body(self, data: Any, attributes_only: bool = False, top_kind: str = "", depth: int = 0) -> ast.Body:
        if not isinstance(data, dict):
            raise InputError("a block body must be an object", Location(self.path, 1))
        if depth > MAX_DEPTH:
            raise InputError(TOO_DEEP, Location(self.path, self.line_of(next(iter(data), "")).line))
        body = ast.Body()
        for key, value in data.items():
            if key.startswith("//"):
                continue
            pos = self.line_of(key)
            if not attributes_only and key == "dynamic" and isinstance(value, dict):
                for label, spec in value.items():
                    for s in spec if isinstance(spec, list) else [spec]:
                        self.need_object(label, s)
                        body.blocks.append(ast.Block("dynamic", [label], self.body(s, depth=depth + 1), pos))
                continue
            is_block_list = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
            if not attributes_only and (is_block_list or (isinstance(value, dict) and key in NESTED_BLOCKS)):
                for v in value if isinstance(value, list) else [value]:
                    body.blocks.append(ast.Block(key, [], self.body(v, depth=depth + 1), pos))
                continue
            if isinstance(value, str) and (key in _EXPRESSION_KEYS and top_kind not in ("output", "variable")
                                           or (key == "type" and top_kind == "variable")):
                expr = parse_expression(self.path, value.removeprefix("${").removesuffix("}"), pos.line)
            else:
                expr = self.expr(value, pos)
            body.attributes[key] = ast.Attribute(key, expr, pos)
        return body

    def expr(self, value: Any, pos: ast.Pos, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise InputError(TOO_DEEP, Location(self.path, pos.line, pos.column))
        if isinstance(value, str):
            if "${" not in value and "%{" not in value:
                return ast.Literal(value, pos)
            return assemble_template(scan_template(value, self.path, pos.line), pos, self.path)
        if isinstance(value, list):
            return ast.TupleExpr([self.expr(v, pos, depth + 1) for v in value], pos)
        if isinstance(value, dict):
            return ast.ObjectExpr([(ast.Literal(k, pos), self.expr(v, pos, depth + 1)) for k, v in value.items()], pos)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return ast.Literal(value, pos)
