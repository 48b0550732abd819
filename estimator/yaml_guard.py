"""A bound on what a YAML document expands to: aliases make a few lines stand for billions of nodes.

``yaml.compose`` itself shares an aliased node instead of copying it, but every walk over the
result (validation, building dicts) visits it once per reference: 25 lines of nested aliases were
a hang (found by QA). The size is counted once per distinct node, so the check is linear.
"""

from __future__ import annotations

import yaml

from estimator.errors import ConfigError
from estimator.model import Location

MAX_EXPANDED_NODES = 200_000  # a realistic config or usage file has a few thousand


def check_expansion(root: yaml.Node | None, path: str, limit: int = MAX_EXPANDED_NODES) -> None:
    """ConfigError when ``root`` stands for more than ``limit`` nodes once its aliases are expanded."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the current path: met again, the document contains itself
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not done:
            if id(node) in open_nodes:
                raise ConfigError("YAML alias refers to a node that contains it (the document would be infinite)",
                                  Location(path, node.start_mark.line + 1))
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(id(node))
        size = 1 + sum(sizes.get(id(child), 1) for child in children)
        sizes[id(node)] = size
        if size > limit:
            raise ConfigError(f"YAML expands to more than {limit:,} values (anchors and aliases nested too deep)",
                              Location(path, node.start_mark.line + 1))


def safe_load(text: str, path: str, loader: type = yaml.SafeLoader) -> object:
    """``yaml.load(text, loader)`` with the checks of ``compose`` between composing and constructing:
    too deep, expanding without bound or a duplicate key is refused. YAMLError and ConfigError propagate."""
    reader = loader(text)
    try:
        try:
            node = reader.get_single_node()
        except RecursionError:
            raise ConfigError(TOO_DEEP_YAML, Location(path, 1)) from None
        check_depth(node, path)
        check_expansion(node, path)
        check_duplicates(node, path)
        return reader.construct_document(node) if node is not None else None
    finally:
        reader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


MAX_DEPTH = 100  # mappings/lists inside each other; a real config or usage file nests fewer than 10
TOO_DEEP_YAML = f"YAML nested too deeply (more than {MAX_DEPTH} lists or mappings inside each other)"


def decode_utf8(data: bytes, path: str) -> str:
    """The text of a YAML file (a UTF-8 BOM dropped): invalid UTF-8 is a ConfigError naming the line,
    worded as the ``.tf`` reader words it, never a UnicodeDecodeError traceback."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(f"invalid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
                          Location(path, line, 1)) from None


def compose(text: str, path: str, loader: type = yaml.SafeLoader, duplicates: bool = True) -> yaml.Node | None:
    """``yaml.compose`` with the checks every YAML reader needs: nesting depth (PyYAML's composer
    recurses per level, so a deep document was a RecursionError whose outcome depended on the
    recursion limit), expansion (``check_expansion``) and duplicate keys (``check_duplicates``).
    YAMLError propagates for the caller to word; the rest are ConfigError with a line. A reader that
    names keys by their path calls ``duplicate_key`` itself (``duplicates=False``)."""
    try:
        root = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise ConfigError(TOO_DEEP_YAML, Location(path, 1)) from None
    check_depth(root, path)
    check_expansion(root, path)
    if duplicates:
        check_duplicates(root, path)
    return root


def check_depth(root: yaml.Node | None, path: str, limit: int = MAX_DEPTH) -> None:
    """ConfigError when collections nest more than ``limit`` deep (iterative: never recurses)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 0)] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise ConfigError(TOO_DEEP_YAML, Location(path, node.start_mark.line + 1))
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend((child, depth + 1) for child in _children(node))


def duplicate_key(node: yaml.MappingNode) -> tuple[yaml.Node, yaml.Node] | None:
    """The first key of ``node`` written twice, as (first, again) key nodes; merge keys (``<<``)
    and non-scalar keys are not compared. The one duplicate check of the YAML readers: YAML forbids
    duplicate keys (go-yaml, which Pulumi uses, rejects them) and PyYAML silently keeps the last."""
    first: dict[tuple[str, str], yaml.Node] = {}
    for knode, _vnode in node.value:
        if not isinstance(knode, yaml.ScalarNode) or knode.tag == "tag:yaml.org,2002:merge":
            continue
        key = (knode.tag, str(knode.value))
        if key in first:
            return first[key], knode
        first[key] = knode
    return None


def check_duplicates(root: yaml.Node | None, path: str) -> None:
    """ConfigError naming the duplicate key, its line and the line of its first setting."""
    stack: list[yaml.Node] = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            dup = duplicate_key(node)
            if dup is not None:
                was, again = dup
                raise ConfigError(f"duplicate key {again.value!r} (first set on line {was.start_mark.line + 1})",
                                  Location(path, again.start_mark.line + 1))
        stack.extend(_children(node))
