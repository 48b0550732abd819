"""tree-sitter-hcl front-end: the fast parser, producing the same ``ast`` as python-hcl2.

python-hcl2 parses ~0.3 MB/s here (Lark plus its transformer); tree-sitter parses in C, so
the Python cost left is one walk over the concrete tree (~2 MB/s in all). The conventions
(positions, number text, escape decoding, heredoc stripping, strip markers) are python-hcl2's,
so the two front-ends yield identical trees; ``tests/perf/test_differential.py`` holds them to
that. Template assembly and heredoc rules reuse ``hcl2_frontend``'s pure-Python helpers so
their semantics cannot drift apart.

When tree-sitter rejects a file, the reference front-end decides: tree-sitter-hcl 1.2 lacks a
few rare forms (``1e3``), so a file python-hcl2 accepts is never an error here, and a file
both reject gets python-hcl2's message, the same whichever ``--parser`` was chosen. That costs
a python-hcl2 import on the error path only.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import threading
from typing import Any

from estimator.errors import InputError
from estimator.hcl import ast
from estimator.hcl.hcl2_frontend import (
    MAX_NESTING,
    assemble_template,
    decode_escapes,
    heredoc_parts,
    rewrite_strip_interpolations,
)
from estimator.hcl.hcl2_frontend import scan_template as _scan_template
from estimator.model import Location

NAME = "tree-sitter"
_RECURSION_LIMIT = 20000
_local = threading.local()
_BINARY_OPS = frozenset({"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})
_TOKEN = re.compile(r"([\w.-]+|\S)?")
_ESCAPED = re.compile(r"\$\$\{|%%\{")


def _parser() -> Any:
    """One parser per thread (tree-sitter parsers are not thread-safe); built on first use."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser

        parser = Parser(Language(tree_sitter_hcl.language()))
        _local.parser = parser
    return parser


def parse(path: str, text: str) -> ast.File:
    """Parse a whole file (text already checked for size/encoding by the registry)."""
    try:
        return _parse(path, text)
    except InputError as err:
        return _reference(path, text, err)


def _reference(path: str, text: str, err: InputError) -> ast.File:
    """python-hcl2's tree when it accepts what tree-sitter rejected, else its error."""
    try:
        from estimator.hcl import hcl2_frontend

        return hcl2_frontend.parse_text(path, text)
    except ImportError:
        raise err from None


def _parse(path: str, text: str) -> ast.File:
    if "~}" in text or "${~" in text:
        text = rewrite_strip_interpolations(text)  # python-hcl2's convention, so the trees match
    conv = _Converter(path, text, 0)
    root = conv.tree()
    conv.collect_comments(root)
    body_node = None
    for child in conv.kids(root):
        if child.type == "body":
            body_node = child
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)  # long operator chains nest deeply
    try:
        body = conv.body(body_node, 0) if body_node is not None else ast.Body()
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_NESTING} levels", Location(path, 1, 1)) from None
    conv.comments.sort()
    return ast.File(path=path, body=body, comments=conv.comments)


parse_text = parse


def parse_expression(path: str, text: str, line: int = 1, column: int = 1) -> Any:
    """One expression (a heredoc interpolation), positioned as python-hcl2 positions it."""
    source = "x = " + text.strip()
    conv = _Converter(path, source, line - 1)
    root = conv.tree()
    body = ast.Body()
    for child in conv.kids(root):
        if child.type == "body":
            body = conv.body(child, 0)
    if "x" not in body.attributes or len(body.attributes) != 1 or body.blocks:
        raise InputError("not a single expression", Location(path, line, column))
    return body.attributes["x"].expr


def _query_cursor() -> Any:
    cursor = getattr(_local, "comments", None)
    if cursor is None:
        import tree_sitter_hcl
        from tree_sitter import Language, Query, QueryCursor

        cursor = QueryCursor(Query(Language(tree_sitter_hcl.language()), "(comment) @c"))
        _local.comments = cursor
    return cursor


@functools.lru_cache(maxsize=1)
def _comment_id() -> int:
    """The grammar's symbol id of ``comment`` (an int compare is cheaper than ``node.type``)."""
    import tree_sitter_hcl
    from tree_sitter import Language

    return Language(tree_sitter_hcl.language()).id_for_node_kind("comment", True)


# Only a block: at an object or tuple left open terraform says "Missing expression" at the end of
# the file, which is what the end-of-file message already says.
_CLOSERS = {"block_end": "block"}


def unclosed_opening(text: str) -> tuple[str, int, int] | None:
    """(what, line, column) of the block left open at the end of ``text``, as terraform names it
    ("Unclosed configuration block" at the block's first line); None if that is not the error."""
    root = _parser().parse(text.encode("utf-8")).root_node
    if not root.has_error:
        return None
    bad = _first_error(root)
    start = _opening(bad)
    if start is None:
        return None
    row, col = start.start_point
    column = len(text.split("\n")[row].encode("utf-8")[:col].decode("utf-8", "replace")) + 1
    return _CLOSERS[bad.parent.type], row + 1, column


def _opening(bad: Any) -> Any:
    """The block whose closing brace is the MISSING node ``bad``; None for anything else."""
    closer = bad.parent
    if not bad.is_missing or closer is None or closer.type not in _CLOSERS:
        return None
    return closer.parent


def unclosed_message(what: str) -> str:
    """The message for a block left open at the end of the file (both front-ends use it)."""
    return f"unclosed {what}: no closing brace before the end of the file"


def _first_error(node: Any) -> Any:
    """The first ERROR or MISSING node in document order."""
    if node.type == "ERROR" or node.is_missing:
        for child in node.children:  # an ERROR's own first bad token is more precise
            if child.type == "ERROR" or child.is_missing:
                return _first_error(child)
        return node
    for child in node.children:
        if child.has_error:
            return _first_error(child)
    return node


class _Converter:
    """Walks the tree-sitter tree; ``level`` counts bracket nesting for the nesting limit."""

    def __init__(self, path: str, text: str, line_offset: int) -> None:
        self.path = path
        self.line_offset = line_offset
        self.comments: list[tuple[int, str]] = []
        self.comment_starts: list[int] | None = None  # byte offsets, for ``kids`` (None: not collected)
        self.level = 0
        self.cursor = 0
        self.data = text.encode("utf-8")
        self.ascii = text.isascii()
        self._lines: list[bytes] | None = None

    def tree(self) -> Any:
        tree = _parser().parse(self.data)
        root = tree.root_node
        if root.has_error:
            raise self.syntax_error(_first_error(root))
        return root

    def syntax_error(self, bad: Any) -> InputError:
        """One clear line for the first ERROR/MISSING node, worded like python-hcl2's messages."""
        where = bad
        if bad.is_missing:
            parent = bad.parent
            if bad.type == "quoted_template_end" and parent is not None:
                message, where = "unterminated string", parent
            elif bad.type == "heredoc_identifier" and parent is not None:
                message, where = "unterminated heredoc (closing marker not found)", parent
            elif not self.data[bad.start_byte :].strip():
                message = "unexpected end of file (unclosed block or bracket?)"
                opening = _opening(bad)
                if opening is not None:  # terraform's "Unclosed configuration block", at its first line
                    message, where = unclosed_message(_CLOSERS[bad.parent.type]), opening
            else:
                message = f"missing '{bad.type}'"
        else:
            m = _TOKEN.match(self.text(bad))
            token = m.group(1) if m else ""
            if not token:
                message = "unexpected end of file (unclosed block or bracket?)"
            elif len(token) == 1 and not (token.isalnum() or token == "_"):
                message = f"unexpected character '{token}'"
            else:
                message = f"unexpected token '{token}'"
        p = self.pos(where)
        return InputError(message, Location(self.path, p.line, p.column))

    # ---- helpers ---------------------------------------------------------------------
    def pos(self, node: Any) -> ast.Pos:
        row, col = node.start_point
        if not self.ascii:
            if self._lines is None:
                self._lines = self.data.split(b"\n")
            col = len(self._lines[row][:col].decode("utf-8", "replace"))
        return ast.Pos(row + 1 + self.line_offset, col + 1)

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8")

    def kids(self, node: Any) -> list[Any]:
        """Children without comments (comments are collected once per file by ``collect_comments``);
        only a node whose span holds a comment is filtered."""
        starts = self.comment_starts
        if starts is not None:
            i = bisect.bisect_left(starts, node.start_byte)
            if i == len(starts) or starts[i] >= node.end_byte:
                return node.children
        comment = _comment_id()
        return [c for c in node.children if c.kind_id != comment]

    def collect_comments(self, root: Any) -> None:
        """All comments in one C-side query, in python-hcl2's (line, text) format."""
        if b"#" not in self.data and b"//" not in self.data and b"/*" not in self.data:
            self.comment_starts = []
            return
        nodes = _query_cursor().captures(root).get("c", [])
        for node in nodes:
            self.comment(node)
        self.comment_starts = sorted(node.start_byte for node in nodes)

    def comment(self, node: Any) -> None:
        raw = self.text(node)
        line = self.pos(node).line
        if raw.startswith("/*"):
            for i, part in enumerate(raw[2:].split("*/", 1)[0].split("\n")):
                self.comments.append((line + i, part.strip()))
        else:
            self.comments.append((line, raw.split("\n", 1)[0].rstrip("\r")))

    def error(self, message: str, node: Any) -> InputError:
        p = self.pos(node)
        return InputError(message, Location(self.path, p.line, p.column))

    # ---- structure -------------------------------------------------------------------
    def body(self, node: Any, depth: int) -> ast.Body:
        body = ast.Body()
        for child in self.kids(node):
            kind = child.type
            if kind == "attribute":
                parts = self.kids(child)
                name = self.text(parts[0])
                if name in body.attributes:
                    raise self.error(f"duplicate argument {name!r} (first set on line "
                                     f"{body.attributes[name].pos.line})", child)
                body.attributes[name] = ast.Attribute(name, self.expr(parts[2]), self.pos(child))
            elif kind == "block":
                body.blocks.append(self.block(child, depth))
        return body

    def block(self, node: Any, depth: int) -> ast.Block:
        if depth > MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", node)
        parts = self.kids(node)
        labels: list[str] = []
        inner = None
        for part in parts[1:]:
            kind = part.type
            if kind == "string_lit":
                labels.append(self.plain_string(part))
            elif kind == "identifier":
                labels.append(self.text(part))
            elif kind == "body":
                inner = part
        body = self.body(inner, depth + 1) if inner is not None else ast.Body()
        return ast.Block(self.text(parts[0]), labels, body, self.pos(node))

    def plain_string(self, node: Any) -> str:
        tpl = self.quoted(node)
        if isinstance(tpl, ast.Literal):
            return str(tpl.value)
        raise self.error("a block label must be a plain string, without interpolation", node)

    # ---- expressions -----------------------------------------------------------------
    def sub(self, node: Any) -> Any:
        """Convert a nested bracket expression, counting one nesting level."""
        if self.level >= MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", node)
        self.level += 1
        try:
            return self.expr(node)
        finally:
            self.level -= 1

    def expr(self, node: Any) -> Any:
        kind = node.type
        if kind == "expression":
            return self.sequence(self.kids(node))
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise self.error(f"unsupported syntax ({kind})", node)
        return handler(self, node)

    def expression(self, node: Any) -> Any:
        return self.sequence(self.kids(node))

    def sequence(self, parts: list[Any]) -> Any:
        """A primary (or parenthesised expression) followed by traversals and splats.

        tree-sitter-hcl inlines this sequence into operations and conditionals, so it is
        converted from a list of siblings rather than from one node.
        """
        if parts[0].type == "(":
            value = ast.Parens(self.sub(parts[1]), self.pos(parts[0]))
            rest = parts[3:]
        else:
            value = self.expr(parts[0])
            rest = parts[1:]
        if rest:
            start = self.pos(parts[0])
            for step in rest:
                value = self.traverse(value, step, start)
        return value

    def traverse(self, obj: Any, step: Any, start: ast.Pos) -> Any:
        kind = step.type
        if kind == "get_attr":
            return ast.GetAttr(obj, self.text(self.kids(step)[-1]), self.pos(step))
        if kind == "index":
            inner = self.kids(step)[0]
            if inner.type == "legacy_index":
                digits = self.text(inner)[1:].strip()
                return ast.Index(obj, ast.Literal(int(digits), self.pos(inner), digits), self.pos(inner))
            key = self.sub(self.kids(inner)[1])
            return ast.Index(obj, key, self.pos(inner))
        if kind == "splat":
            inner = self.kids(step)[0]
            parts = self.kids(inner)
            each: Any = ast.SplatItem(self.pos(parts[0]))
            for sub in parts[1:]:
                each = self.traverse(each, sub, start)
            return ast.nest_splat(obj, each, inner.type == "full_splat", start)
        raise self.error(f"unsupported traversal ({kind})", step)

    def x_literal_value(self, node: Any) -> Any:
        inner = self.kids(node)[0]
        kind = inner.type
        if kind == "numeric_lit":
            text = self.text(inner)
            if text.isdigit():
                return ast.Literal(int(text), self.pos(node), text)
            value = float(text)
            if value.is_integer() and abs(value) < 2**53:
                return ast.Literal(int(value), self.pos(node), text)
            return ast.Literal(value, self.pos(node), text)
        if kind == "bool_lit":
            text = self.text(inner)
            return ast.Literal(text == "true", self.pos(node), text)
        if kind == "null_lit":
            return ast.Literal(None, self.pos(node), "null")
        if kind == "string_lit":
            return self.quoted(inner)
        raise self.error(f"unsupported literal ({kind})", inner)

    def x_variable_expr(self, node: Any) -> Any:
        return ast.Variable(self.text(node), self.pos(node))

    def x_collection_value(self, node: Any) -> Any:
        return self.expr(self.kids(node)[0])

    def x_tuple(self, node: Any) -> Any:
        items = [self.sub(c) for c in self.kids(node) if c.type == "expression"]
        return ast.TupleExpr(items, self.pos(node))

    def x_object(self, node: Any) -> Any:
        items = []
        for elem in self.kids(node):
            if elem.type != "object_elem":
                continue
            parts = self.kids(elem)
            key_node, value_node = parts[0], parts[-1]
            items.append((self.object_key(key_node), self.sub(value_node)))
        return ast.ObjectExpr(items, self.pos(node))

    def object_key(self, node: Any) -> Any:
        parts = self.kids(node)
        if len(parts) == 1 and parts[0].type == "variable_expr":
            return ast.Literal(self.text(parts[0]), self.pos(node))
        return self.sub(node)

    def x_function_call(self, node: Any) -> Any:
        parts = self.kids(node)
        name = self.text(parts[0])
        args: list[Any] = []
        expand = False
        for part in parts:
            if part.type == "function_arguments":
                for arg in self.kids(part):
                    if arg.type == "expression":
                        args.append(self.sub(arg))
                    elif arg.type == "ellipsis":
                        expand = True
        return ast.Call(name, args, expand, self.pos(node))

    def x_conditional(self, node: Any) -> Any:
        """``a ? b : c ? d : e`` is right-associative in HCL; tree-sitter-hcl nests it leftwards."""
        segments = self.cond_segments(node)
        value = self.sequence(segments[-1])
        for i in range(len(segments) - 3, -1, -2):
            cond = segments[i]
            value = ast.Conditional(self.sequence(cond), self.sequence(segments[i + 1]), value, self.pos(cond[0]))
        return value

    def cond_segments(self, node: Any) -> list[list[Any]]:
        """[cond, yes, no] sibling lists, flattened: ((A ? B : C) ? D : E) -> [A, B, C, D, E]."""
        parts = self.kids(node)
        q = next(i for i, c in enumerate(parts) if c.type == "?")
        c = next(i for i in range(len(parts) - 1, q, -1) if parts[i].type == ":")
        first = parts[:q]
        if len(first) == 1 and first[0].type == "expression":
            inner = self.kids(first[0])
            if len(inner) == 1:
                first = inner
        head = self.cond_segments(first[0]) if len(first) == 1 and first[0].type == "conditional" else [parts[:q]]
        return head + [parts[q + 1 : c], parts[c + 1 :]]

    def x_operation(self, node: Any) -> Any:
        return self.expr(self.kids(node)[0])

    def x_binary_operation(self, node: Any) -> Any:
        parts = self.kids(node)
        i = next(i for i, c in enumerate(parts) if c.type in _BINARY_OPS and i > 0)
        return ast.BinaryOp(parts[i].type, self.sequence(parts[:i]), self.sequence(parts[i + 1 :]), self.pos(node))

    def x_unary_operation(self, node: Any) -> Any:
        parts = self.kids(node)
        return ast.UnaryOp(parts[0].type, self.sequence(parts[1:]), self.pos(node))

    def x_template_expr(self, node: Any) -> Any:
        inner = self.kids(node)[0]
        if inner.type == "quoted_template":
            return self.quoted(inner)
        return self.heredoc(inner)

    # ---- for expressions ---------------------------------------------------------------
    def for_intro(self, intro: Any) -> tuple[str | None, str, Any]:
        parts = self.kids(intro)
        names = [self.text(p) for p in parts if p.type == "identifier"]
        coll = self.sub([p for p in parts if p.type == "expression"][0])
        if len(names) == 2:
            return names[0], names[1], coll
        return None, names[0], coll

    def x_for_expr(self, node: Any) -> Any:
        return self.expr(self.kids(node)[0])

    def x_for_tuple_expr(self, node: Any) -> Any:
        parts = self.kids(node)
        key_var, value_var, coll = self.for_intro(parts[1])
        value = self.sub(parts[2])
        cond = None
        for part in parts[3:]:
            if part.type == "for_cond":
                cond = self.sub(self.kids(part)[1])
        return ast.ForExpr(key_var, value_var, coll, None, value, cond, False, self.pos(node))

    def x_for_object_expr(self, node: Any) -> Any:
        parts = self.kids(node)
        key_var, value_var, coll = self.for_intro(parts[1])
        exprs = [p for p in parts if p.type == "expression"]
        grouping = any(p.type == "ellipsis" for p in parts)
        cond = None
        for part in parts:
            if part.type == "for_cond":
                cond = self.sub(self.kids(part)[1])
        return ast.ForExpr(key_var, value_var, coll, self.sub(exprs[0]), self.sub(exprs[1]), cond, grouping,
                           self.pos(node))

    # ---- templates ---------------------------------------------------------------------
    def quoted(self, node: Any) -> Any:
        """A quoted string or template: flat parts, then python-hcl2's assembly into if/for."""
        parts = self.kids(node)
        if len(parts) <= 3 and (len(parts) < 3 or parts[1].type == "template_literal"):
            # a plain string (most of them): its text, without the flat-parts round trip
            end = parts[-1]
            start = parts[0].end_byte
            raw = self.data[start : end.start_byte].decode("utf-8") if end.start_byte > start else ""
            return ast.Literal(self.literal_chunk(raw, end) if raw else "", self.pos(node))
        flat: list[Any] = []
        outer = self.cursor  # a template nested in an interpolation must not move ours
        self.cursor = parts[0].end_byte  # after the opening quote
        for part in parts[1:-1]:
            self.template_part(part, flat)
        self.gap(parts[-1], flat)
        self.cursor = outer
        return assemble_template(flat, self.pos(node), self.path)

    def gap(self, node: Any, flat: list[Any]) -> None:
        """Literal text between template parts (tree-sitter leaves whitespace out of its literals)."""
        if node.start_byte > self.cursor:
            flat.append(self.literal_chunk(self.data[self.cursor : node.start_byte].decode("utf-8"), node))
        self.cursor = node.end_byte

    def literal_chunk(self, raw: str, node: Any) -> str:
        if "$${" not in raw and "%%{" not in raw:
            # the position is only for an invalid escape's message: skip making it when there is none
            return decode_escapes(raw, self.path, self.pos(node)) if "\\" in raw else raw
        out: list[str] = []
        last = 0
        for m in _ESCAPED.finditer(raw):
            out.append(decode_escapes(raw[last : m.start()], self.path, self.pos(node)))
            out.append(m.group()[1:])
            last = m.end()
        out.append(decode_escapes(raw[last:], self.path, self.pos(node)))
        return "".join(out)

    def template_part(self, part: Any, flat: list[Any]) -> None:
        kind = part.type
        if kind == "template_literal":
            return  # covered by the gaps
        if kind == "template_interpolation":
            self.gap(part, flat)
            exprs = [c for c in self.kids(part) if c.type == "expression"]
            flat.append(("expr", self.sub(exprs[0])))
        elif kind in ("template_directive", "template_if", "template_for"):
            for inner in self.kids(part):
                self.template_part(inner, flat)
        elif kind in ("template_if_intro", "template_else_intro", "template_if_end", "template_for_start",
                      "template_for_end"):
            self.gap(part, flat)
            flat.append(self.directive(part))
        # quoted_template_start / _end carry nothing

    def directive(self, node: Any) -> tuple:
        parts = self.kids(node)
        marks = [i for i, p in enumerate(parts) if p.type == "strip_marker"]
        strip_left = bool(marks) and marks[0] == 1
        strip_right = bool(marks) and marks[-1] == len(parts) - 2
        p = self.pos(node)
        kind = node.type
        exprs = [c for c in parts if c.type == "expression"]
        if kind == "template_if_intro":
            return ("dir", "if", strip_left, strip_right, self.sub(exprs[0]), p)
        if kind == "template_for_start":
            names = [self.text(c) for c in parts if c.type == "identifier"]
            return ("dir", "for", strip_left, strip_right, (names, self.sub(exprs[0])), p)
        word = {"template_else_intro": "else", "template_if_end": "endif", "template_for_end": "endfor"}[kind]
        return ("dir", word, strip_left, strip_right, None, p)

    def heredoc(self, node: Any) -> Any:
        """Heredoc body handled exactly as python-hcl2's front-end does (raw text, then scanned)."""
        raw = self.text(node)
        trim = raw.startswith("<<-")
        p = self.pos(node)
        first_nl = raw.index("\n")
        body = raw[first_nl + 1 :]
        body = body[: body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
        flat = heredoc_parts(body, trim, self.path, p.line + 1, scan=scan_template)
        return assemble_template(flat, p, self.path)


def scan_template(text: str, path: str, line: int) -> list[Any]:
    """Heredoc text as one literal per line, ``${}`` expressions and ``%{}`` directives: the
    shared scanner of ``hcl2_frontend``, with tree-sitter parsing the embedded expressions."""
    return _scan_template(text, path, line, per_line=True, parse=parse_expression)


# ``expr`` dispatch: node type -> converter method (built once, not ``getattr`` per node).
_HANDLERS: dict[str, Any] = {name[2:]: fn for name, fn in vars(_Converter).items() if name.startswith("x_")}
