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
    """``yaml.load(text, loader)`` with ``check_expansion`` between composing and constructing: the
    one place a document that expands without bound is refused. YAMLError and ConfigError propagate."""
    reader = loader(text)
    try:
        node = reader.get_single_node()
        check_expansion(node, path)
        return reader.construct_document(node) if node is not None else None
    finally:
        reader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
