"""The HCL syntax tree the evaluator consumes, whichever front-end parsed the text.

Front-ends (python-hcl2's Lark tree, tree-sitter-hcl) must produce exactly these nodes, so
the evaluator never sees a parser's own types. Every node carries its position (1-based line
and column). Numbers are ``int`` when integral, else ``float`` (decimal text kept in
``Literal.text`` for exactness). Heredocs arrive as ``Template`` with indentation already
stripped for ``<<-``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True, unsafe_hash=True)
class Pos:
    """Treat as immutable; not ``frozen``, whose ``__init__`` costs three times as much, for
    the ~100,000 positions a 300-file tree creates (parsed or read from the cache)."""

    line: int
    column: int


@dataclass(slots=True)
class Literal:
    """A number, bool, null or a string with no interpolation."""

    value: Any
    pos: Pos
    text: str | None = None


@dataclass(slots=True)
class Template:
    """A quoted string or heredoc with interpolations and directives.

    ``parts`` holds ``str`` chunks (escapes already decoded), expressions (``${...}``),
    ``TemplateIf`` and ``TemplateFor``. Strip markers (``~``) are applied by the front-end.
    """

    parts: list[Any]
    pos: Pos


@dataclass(slots=True)
class TemplateIf:
    condition: Any
    then_parts: list[Any]
    else_parts: list[Any]
    pos: Pos


@dataclass(slots=True)
class TemplateFor:
    key_var: str | None
    value_var: str
    collection: Any
    body: list[Any]
    pos: Pos


@dataclass(slots=True)
class Variable:
    """A root name: ``var``, ``local``, ``module``, ``each``, ``count``, ``aws_instance``..."""

    name: str
    pos: Pos


@dataclass(slots=True)
class GetAttr:
    obj: Any
    name: str
    pos: Pos


@dataclass(slots=True)
class Index:
    obj: Any
    key: Any
    pos: Pos


@dataclass(slots=True)
class SplatItem:
    """The element placeholder inside ``Splat.each``."""

    pos: Pos


@dataclass(slots=True)
class Splat:
    """``source[*].a.b`` (full) or ``source.*.a`` (attribute-only): ``each`` uses SplatItem."""

    source: Any
    each: Any
    full: bool
    pos: Pos


def nest_splat(source: Any, each: Any, full: bool, pos: Pos) -> Splat:
    """``a[*].b[*].c``: a splat after a full splat's traversal belongs to that traversal, so it
    applies per element (``Splat(a, Splat(item.b, item.c))``), as in HCL; a legacy ``a.*.b``
    ends its traversal, so a splat after it applies to the resulting list. Both front-ends build
    splats with it, so their trees stay identical."""
    if type(source) is Splat and source.full:
        return Splat(source.source, nest_splat(source.each, each, full, pos), True, source.pos)
    return Splat(source, each, full, pos)


@dataclass(slots=True)
class Call:
    name: str
    args: list[Any]
    expand_final: bool
    pos: Pos


@dataclass(slots=True)
class Conditional:
    condition: Any
    true_expr: Any
    false_expr: Any
    pos: Pos


@dataclass(slots=True)
class BinaryOp:
    op: str  # + - * / % == != < > <= >= && ||
    left: Any
    right: Any
    pos: Pos


@dataclass(slots=True)
class UnaryOp:
    op: str  # - !
    operand: Any
    pos: Pos


@dataclass(slots=True)
class TupleExpr:
    items: list[Any]
    pos: Pos


@dataclass(slots=True)
class ObjectExpr:
    """``{ key = value }``; a bare identifier key arrives as ``Literal`` string."""

    items: list[tuple[Any, Any]]
    pos: Pos


@dataclass(slots=True)
class ForExpr:
    key_var: str | None
    value_var: str
    collection: Any
    key_expr: Any | None  # set for object for-expressions
    value_expr: Any
    condition: Any | None
    grouping: bool  # the ``...`` after the value
    pos: Pos


@dataclass(slots=True)
class Parens:
    """Kept so templates and the differential tests can round-trip; evaluates to ``expr``."""

    expr: Any
    pos: Pos


Expression = (
    Literal | Template | Variable | GetAttr | Index | Splat | Call | Conditional | BinaryOp
    | UnaryOp | TupleExpr | ObjectExpr | ForExpr | Parens | SplatItem
)


@dataclass(slots=True)
class Attribute:
    name: str
    expr: Any
    pos: Pos


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    body: Body
    pos: Pos


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class File:
    """One parsed ``.tf`` file: ``path`` as given to the front-end."""

    path: str
    body: Body
    comments: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of # and // comments


def _pickle_by_fields(cls: type) -> None:
    """Pickle a node as ``cls(*fields)``: three times faster than the generic slots protocol.

    ``dataclass(slots=True)`` pickles through a Python ``__getstate__`` that walks
    ``fields()`` per object; the parsed-file cache pickles ~200,000 nodes per 300 files, so
    that walk was most of a cold run's cache write. ``attrgetter`` reads the fields in C.
    """
    names = tuple(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    if len(names) == 1:
        single = operator.attrgetter(names[0])

        def reduce_one(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, (single(self),)

        cls.__reduce__ = reduce_one  # type: ignore[method-assign,assignment]
    else:
        many = operator.attrgetter(*names)

        def reduce_many(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, many(self)

        cls.__reduce__ = reduce_many  # type: ignore[method-assign,assignment]


NODE_TYPES: tuple[type, ...] = (Pos, Literal, Template, TemplateIf, TemplateFor, Variable, GetAttr, Index, SplatItem,
                                 Splat, Call, Conditional, BinaryOp, UnaryOp, TupleExpr, ObjectExpr, ForExpr, Parens,
                                 Attribute, Block, Body, File)

for _node in NODE_TYPES:
    _pickle_by_fields(_node)
del _node
