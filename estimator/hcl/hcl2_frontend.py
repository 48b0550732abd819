"""python-hcl2 front-end: its Lark parse tree converted into our ``ast`` nodes, with positions.

python-hcl2 is imported lazily (only when this front-end is used). Its grammar already
encodes HCL operator precedence; heredoc bodies arrive as raw text, so their templates are
scanned here and their ``${...}`` expressions parsed by the same grammar.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from estimator.errors import InputError
from estimator.hcl import ast
from estimator.model import Location

MAX_NESTING = 200  # bracket levels (tuples, objects, calls, parens, templates)
MAX_TREE_DEPTH = 3000  # parse-tree depth, for long operator chains
_OPERATOR_TOKENS = {"DOUBLE_EQ", "NEQ", "LT", "GT", "LEQ", "GEQ", "ASTERISK", "SLASH", "PERCENT",
                    "DOUBLE_AMP", "DOUBLE_PIPE", "PLUS", "QMARK", "MINUS"}
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def parse_text(path: str, text: str) -> ast.File:
    """Parse a whole file (text already checked for size/encoding by the registry)."""
    tree = _parse(path, text, 0)
    conv = _Converter(path)
    limit = sys.getrecursionlimit()
    if limit < MAX_TREE_DEPTH * 3 + 500:
        sys.setrecursionlimit(MAX_TREE_DEPTH * 3 + 500)
    body = conv.body(tree.children[0], 0)
    comments = _comments(tree)
    return ast.File(path=path, body=body, comments=comments)


def parse_expression(path: str, text: str, line: int = 1, column: int = 1) -> Any:
    """One expression (a heredoc interpolation, or ``--var`` HCL literal) as an ast node."""
    tree = _parse(path, "x = " + text.strip(), line - 1, column)
    conv = _Converter(path, line - 1)
    body = conv.body(tree.children[0], 0)
    if "x" not in body.attributes or len(body.attributes) != 1 or body.blocks:
        raise InputError("not a single expression", Location(path, line, column))
    return body.attributes["x"].expr


def rewrite_strip_interpolations(text: str) -> str:
    """``${~ x ~}`` as ``%{~ if true }${x}%{ endif ~}``: the same stripping, in syntax python-hcl2 reads.

    python-hcl2's grammar has strip markers on directives only; the rewrite stays on the same
    line, so line numbers in messages are unchanged.
    """
    out: list[str] = []
    i = 0
    while True:
        j = text.find("${", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        if j > 0 and text[j - 1] == "$":
            out.append(text[i : j + 2])
            i = j + 2
            continue
        end = _matching_brace(text, j + 2)
        if end < 0:
            out.append(text[i:])
            return "".join(out)
        inner = text[j + 2 : end]
        left, right = inner.startswith("~"), inner.endswith("~")
        out.append(text[i:j])
        if left or right:
            core = inner[1 if left else 0 : len(inner) - (1 if right else 0)]
            out.append(f"%{{{'~' if left else ''} if true }}${{{core}}}%{{ endif {'~' if right else ''}}}")
        else:
            out.append(text[j : end + 1])
        i = end + 1


def _parse(path: str, text: str, line_offset: int, column: int = 1) -> Any:
    import hcl2
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if "~}" in text or "${~" in text:
        text = rewrite_strip_interpolations(text)
    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedCharacters as err:
        char = text[err.pos_in_stream] if err.pos_in_stream is not None and err.pos_in_stream < len(text) else ""
        message = _char_message(text, err.pos_in_stream or 0, char)
        raise InputError(message, Location(path, err.line + line_offset, err.column)) from None
    except UnexpectedToken as err:
        tok = err.token
        if tok.type == "$END":
            raise _eof_error(path, text, line_offset) from None
        value = str(tok).strip() or repr(str(tok))
        line, column = tok.line, tok.column
        if "\n" in value and tok.type in _OPERATOR_TOKENS:  # newline/comment merged into an operator
            line = tok.end_line or line
            value = value.splitlines()[-1].strip()
            column = (tok.end_column or column + 1) - len(value)
        if tok.type == "NL_OR_COMMENT":
            value = "newline"
        elif tok.type == "STRING_CHARS":
            if value.startswith("<<"):
                raise InputError("unterminated heredoc (closing marker not found)",
                                 Location(path, tok.line + line_offset, tok.column)) from None
            raise InputError(f"unexpected character '{value[:1]}'",
                             Location(path, tok.line + line_offset, tok.column)) from None
        raise InputError(f"unexpected token '{value}'", Location(path, line + line_offset, column)) from None
    except UnexpectedEOF:
        raise _eof_error(path, text, line_offset) from None
    except LarkError as err:
        raise InputError(f"syntax error: {str(err).splitlines()[0]}", Location(path, 1 + line_offset, 1)) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_NESTING} levels", Location(path, 1 + line_offset, 1)) from None


def _eof_error(path: str, text: str, line_offset: int) -> InputError:
    """At end of file: name an unterminated string's line if there is one, else the file end."""
    heredoc: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        code = line.replace('\\\\', "").replace('\\"', "")
        m = re.search(r"<<-?([A-Za-z][\w.-]*)\s*$", code)
        quotes = [i for i, ch in enumerate(code) if ch == '"']
        comment = min([i for i in (code.find("#"), code.find("//")) if i >= 0], default=-1)
        if comment >= 0:
            quotes_before = [q for q in quotes if q < comment]
            if len(quotes_before) % 2 == 0:
                quotes = quotes_before
        if len(quotes) % 2 == 1:
            return InputError("unterminated string", Location(path, number + line_offset, quotes[-1] + 1))
        if m:
            heredoc = m.group(1)
    if heredoc is not None:
        return InputError(f"unterminated heredoc (no closing {heredoc} line)", Location(path, 1 + line_offset, 1))
    opened = _unclosed(text)
    if opened is not None:
        message, line, column = opened
        return InputError(message, Location(path, line + line_offset, column))
    line = text.count("\n") + 1 + line_offset
    return InputError("unexpected end of file (unclosed block or bracket?)", Location(path, line, 1))


def _unclosed(text: str) -> tuple[str, int, int] | None:
    """(message, line, column) of the block or bracket left open, at its start (tree-sitter's error
    recovery finds it; python-hcl2 only knows that the file ended), as terraform reports it; None
    without tree-sitter."""
    try:
        from estimator.hcl.treesitter_frontend import unclosed_message, unclosed_opening

        found = unclosed_opening(text)
    except ImportError:
        return None
    return None if found is None else (unclosed_message(found[0]), found[1], found[2])


def _char_message(text: str, pos: int, char: str) -> str:
    if char == '"' or _in_open_string(text, pos):
        return "unterminated string"
    if char == "<" and text.startswith("<<", pos):
        return "unterminated heredoc (closing marker not found)"
    if char == "\n":
        return "unexpected newline"
    return f"unexpected character {char!r}"


def _in_open_string(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    segment = text[line_start:pos]
    return segment.replace('\\"', "").count('"') % 2 == 1


def _comments(tree: Any) -> list[tuple[int, str]]:
    from lark import Token

    found: list[tuple[int, str]] = []
    for tok in tree.scan_values(lambda v: isinstance(v, Token)):
        if tok.type == "NL_OR_COMMENT" or (tok.type in _OPERATOR_TOKENS and "\n" in tok):
            value = str(tok)
            stripped = value.lstrip(" \t\n")
            if stripped.startswith(("#", "//")):
                line = tok.line + value[: len(value) - len(stripped)].count("\n")
                found.append((line, stripped.split("\n", 1)[0].rstrip("\r")))
            elif stripped.startswith("/*"):
                line = tok.line + value[: len(value) - len(stripped)].count("\n")
                for i, part in enumerate(stripped.split("*/", 1)[0][2:].split("\n")):
                    found.append((line + i, part.strip()))
    found.sort()
    return found


def _pos(node: Any, line_offset: int = 0) -> ast.Pos:
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return ast.Pos(meta.line + line_offset, meta.column)
    line = getattr(node, "line", None)
    if line is not None:
        return ast.Pos(line + line_offset, node.column)
    return ast.Pos(1 + line_offset, 1)


def decode_escapes(raw: str, path: str = "", pos: ast.Pos | None = None) -> str:
    """HCL string escapes: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch != "\\" or i + 1 >= len(raw):
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "uU":
            width = 4 if nxt == "u" else 8
            digits = raw[i + 2 : i + 2 + width]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                where = Location(path, pos.line, pos.column) if pos else None
                raise InputError(f"invalid escape \\{nxt}{digits}", where) from None
            i += 2 + width
        else:
            where = Location(path, pos.line, pos.column) if pos else None
            raise InputError(f"invalid escape sequence \\{nxt}", where)
    return "".join(out)


class _Converter:
    """Walks the Lark tree; ``depth`` counts bracket nesting for the nesting limit."""

    def __init__(self, path: str, line_offset: int = 0) -> None:
        self.path = path
        self.line_offset = line_offset

    def pos(self, node: Any) -> ast.Pos:
        return _pos(node, self.line_offset)

    def error(self, message: str, node: Any) -> InputError:
        p = self.pos(node)
        return InputError(message, Location(self.path, p.line, p.column))

    # ---- structure -------------------------------------------------------------------
    def body(self, tree: Any, depth: int) -> ast.Body:
        body = ast.Body()
        for child in tree.children:
            data = getattr(child, "data", None)
            if data == "attribute":
                name = self.name_of(child.children[0])
                if name in body.attributes:
                    raise self.error(f"duplicate argument {name!r} (first set on line "
                                     f"{body.attributes[name].pos.line})", child)
                body.attributes[name] = ast.Attribute(name, self.expr(child.children[2], depth), self.pos(child))
            elif data == "block":
                body.blocks.append(self.block(child, depth))
        return body

    def block(self, tree: Any, depth: int) -> ast.Block:
        from lark import Token

        if depth > MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", tree)
        parts = [c for c in tree.children if not isinstance(c, Token) and c.data != "new_line_or_comment"]
        inner = parts[-1]
        labels = []
        for part in parts[1:-1]:
            if part.data == "string":
                labels.append(self.plain_string(part))
            else:
                labels.append(self.name_of(part))
        return ast.Block(self.name_of(parts[0]), labels, self.body(inner, depth + 1), self.pos(tree))

    def name_of(self, node: Any) -> str:
        if hasattr(node, "children"):
            if node.data == "string":
                return self.plain_string(node)
            return "".join(str(c) for c in node.children)
        return str(node)

    def plain_string(self, node: Any) -> str:
        tpl = self.string(node, 0)
        if isinstance(tpl, ast.Literal):
            return str(tpl.value)
        raise self.error("a block label must be a plain string, without interpolation", node)

    # ---- expressions -----------------------------------------------------------------
    def expr(self, node: Any, depth: int) -> Any:
        from lark import Token

        if depth > MAX_TREE_DEPTH:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", node)
        if isinstance(node, Token):
            raise self.error(f"unexpected token '{node}'", node)
        data = node.data
        handler = getattr(self, "x_" + data, None)
        if handler is None:
            raise self.error(f"unsupported syntax ({data})", node)
        return handler(node, depth + 1)

    def sub(self, node: Any, depth: int) -> Any:
        """Convert a nested bracket expression, counting one nesting level."""
        level = getattr(self, "_level", 0)
        if level >= MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", node)
        self._level = level + 1
        try:
            return self.expr(node, depth)
        finally:
            self._level = level

    def trees(self, node: Any) -> list[Any]:
        from lark import Token

        return [c for c in node.children if not isinstance(c, Token) and c.data != "new_line_or_comment"]

    def x_expr_term(self, node: Any, depth: int) -> Any:
        from lark import Token

        kids = self.trees(node)
        first = node.children[0]
        if isinstance(first, Token) and first.type == "LPAR":
            return ast.Parens(self.sub(kids[0], depth), self.pos(node))
        return self.expr(kids[0], depth)

    def x_int_lit(self, node: Any, depth: int) -> Any:
        text = str(node.children[0])
        return ast.Literal(int(text), self.pos(node), text)

    def x_float_lit(self, node: Any, depth: int) -> Any:
        text = str(node.children[0])
        value = float(text)
        if value.is_integer() and abs(value) < 2**53:
            return ast.Literal(int(value), self.pos(node), text)
        return ast.Literal(value, self.pos(node), text)

    def x_literal_value(self, node: Any, depth: int) -> Any:
        text = str(node.children[0])
        return ast.Literal({"true": True, "false": False, "null": None}[text], self.pos(node), text)

    def x_identifier(self, node: Any, depth: int) -> Any:
        return ast.Variable(str(node.children[0]), self.pos(node))

    def x_keyword(self, node: Any, depth: int) -> Any:
        return ast.Variable(str(node.children[0]), self.pos(node))

    def x_string(self, node: Any, depth: int) -> Any:
        return self.string(node, depth)

    def x_template_string(self, node: Any, depth: int) -> Any:
        raw = str(node.children[0])
        inner = raw[2:-2] if raw.startswith('\\"') else raw.strip('"')
        return ast.Literal(decode_escapes(inner, self.path, self.pos(node)), self.pos(node))

    def x_tuple(self, node: Any, depth: int) -> Any:
        return ast.TupleExpr([self.sub(c, depth) for c in self.trees(node)], self.pos(node))

    def x_object(self, node: Any, depth: int) -> Any:
        items = []
        for elem in self.trees(node):
            key_node, value_node = self.trees(elem)
            key_inner = self.trees(key_node)[0] if key_node.data == "object_elem_key" else key_node
            key = self.object_key(key_inner, depth)
            items.append((key, self.sub(value_node, depth)))
        return ast.ObjectExpr(items, self.pos(node))

    def object_key(self, node: Any, depth: int) -> Any:
        if node.data == "keyword":
            return ast.Literal(str(node.children[0]), self.pos(node))
        if node.data == "expr_term":
            kids = self.trees(node)
            first = node.children[0]
            if len(kids) == 1 and kids[0].data == "identifier" and not (hasattr(first, "type") and first.type == "LPAR"):
                return ast.Literal(str(kids[0].children[0]), self.pos(node))
        if node.data == "identifier":
            return ast.Literal(str(node.children[0]), self.pos(node))
        return self.sub(node, depth)

    def x_function_call(self, node: Any, depth: int) -> Any:
        from lark import Token

        kids = self.trees(node)
        names = [self.name_of(k) for k in kids if k.data == "identifier"]
        name = "::".join(names)
        args: list[Any] = []
        expand = False
        for k in kids:
            if k.data == "arguments":
                for a in k.children:
                    if isinstance(a, Token):
                        if a.type == "ELLIPSIS":
                            expand = True
                        continue
                    if a.data == "new_line_or_comment":
                        continue
                    args.append(self.sub(a, depth))
        return ast.Call(name, args, expand, self.pos(node))

    def x_conditional(self, node: Any, depth: int) -> Any:
        cond, yes, no = self.trees(node)
        return ast.Conditional(self.expr(cond, depth), self.expr(yes, depth), self.expr(no, depth), self.pos(node))

    def x_binary_op(self, node: Any, depth: int) -> Any:
        left, term = self.trees(node)[:2]
        op_node, right = self.trees(term)
        op = str(op_node.children[0]).strip()
        return ast.BinaryOp(op, self.expr(left, depth), self.expr(right, depth), self.pos(node))

    def x_unary_op(self, node: Any, depth: int) -> Any:
        op = str(node.children[0]).strip()
        return ast.UnaryOp(op, self.expr(node.children[1], depth), self.pos(node))

    def x_heredoc_template(self, node: Any, depth: int) -> Any:
        return self.heredoc(node, trim=False)

    def x_heredoc_template_trim(self, node: Any, depth: int) -> Any:
        return self.heredoc(node, trim=True)

    # ---- traversals --------------------------------------------------------------------
    def x_get_attr_expr_term(self, node: Any, depth: int) -> Any:
        obj, attr = self.trees(node)
        return self.apply_traversal(self.expr(obj, depth), attr, depth)

    def x_index_expr_term(self, node: Any, depth: int) -> Any:
        obj, index = self.trees(node)
        return self.apply_traversal(self.expr(obj, depth), index, depth)

    def apply_traversal(self, obj: Any, step: Any, depth: int) -> Any:
        from lark import Token

        if step.data == "get_attr":
            name = self.name_of(self.trees(step)[0])
            return ast.GetAttr(obj, name, self.pos(step))
        if step.data == "short_index":
            tok = [c for c in step.children if isinstance(c, Token) and c.type == "INT_LITERAL"][0]
            return ast.Index(obj, ast.Literal(int(str(tok)), self.pos(step), str(tok)), self.pos(step))
        if step.data == "braces_index":
            return ast.Index(obj, self.sub(self.trees(step)[0], depth), self.pos(step))
        raise self.error(f"unsupported traversal ({step.data})", step)

    def splat(self, node: Any, depth: int, full: bool) -> Any:
        source_node, splat_node = self.trees(node)
        source = self.expr(source_node, depth)
        each: Any = ast.SplatItem(self.pos(splat_node))
        for step in self.trees(splat_node):
            each = self.apply_traversal(each, step, depth)
        return ast.nest_splat(source, each, full, self.pos(node))

    def x_full_splat_expr_term(self, node: Any, depth: int) -> Any:
        return self.splat(node, depth, True)

    def x_attr_splat_expr_term(self, node: Any, depth: int) -> Any:
        return self.splat(node, depth, False)

    # ---- for expressions ---------------------------------------------------------------
    def for_intro(self, intro: Any) -> tuple[str | None, str, Any]:
        kids = self.trees(intro)
        idents = [self.name_of(k) for k in kids if k.data == "identifier"]
        coll = [k for k in kids if k.data != "identifier"][0]
        if len(idents) == 2:
            return idents[0], idents[1], coll
        return None, idents[0], coll

    def x_for_tuple_expr(self, node: Any, depth: int) -> Any:
        kids = self.trees(node)
        key_var, value_var, coll = self.for_intro(kids[0])
        value = self.sub(kids[1], depth)
        cond = self.sub(self.trees(kids[2])[0], depth) if len(kids) > 2 else None
        return ast.ForExpr(key_var, value_var, self.sub(coll, depth), None, value, cond, False, self.pos(node))

    def x_for_object_expr(self, node: Any, depth: int) -> Any:
        from lark import Token

        kids = self.trees(node)
        key_var, value_var, coll = self.for_intro(kids[0])
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        cond = None
        if kids[-1].data == "for_cond":
            cond = self.sub(self.trees(kids[-1])[0], depth)
        return ast.ForExpr(key_var, value_var, self.sub(coll, depth), self.sub(kids[1], depth),
                           self.sub(kids[2], depth), cond, grouping, self.pos(node))

    # ---- templates ---------------------------------------------------------------------
    def string(self, node: Any, depth: int) -> Any:
        """Quoted string: flat parts with directives, assembled into if/for structure."""
        from lark import Token

        flat: list[Any] = []  # str | ("expr", node) | ("dir", kind, strip_left, strip_right, data, pos)
        for part in node.children:
            if isinstance(part, Token):
                continue
            inner = part.children[0]
            if isinstance(inner, Token):
                text = str(inner)
                if inner.type == "ESCAPED_INTERPOLATION":
                    flat.append("$" + text[2:])
                elif inner.type == "ESCAPED_DIRECTIVE":
                    flat.append("%" + text[2:])
                else:
                    flat.append(decode_escapes(text, self.path, self.pos(inner)))
                continue
            kind = inner.data
            if kind == "interpolation":
                flat.append(("expr", self.sub(self.trees(inner)[0], depth)))
                continue
            toks = [c for c in inner.children if isinstance(c, Token)]
            strip_marks = [i for i, t in enumerate(toks) if t.type == "STRIP_MARKER"]
            strip_left = bool(strip_marks) and strip_marks[0] == 1
            strip_right = bool(strip_marks) and strip_marks[-1] == len(toks) - 2
            exprs = self.trees(inner)
            p = self.pos(inner)
            if kind == "template_if_start":
                flat.append(("dir", "if", strip_left, strip_right, self.sub(exprs[0], depth), p))
            elif kind == "template_for_start":
                names = [self.name_of(e) for e in exprs if e.data == "identifier"]
                coll = [e for e in exprs if e.data != "identifier"][0]
                flat.append(("dir", "for", strip_left, strip_right, (names, self.sub(coll, depth)), p))
            else:
                flat.append(("dir", kind.split("_")[1], strip_left, strip_right, None, p))
        return assemble_template(flat, self.pos(node), self.path)

    def heredoc(self, node: Any, trim: bool) -> Any:
        raw = str(node.children[0])
        p = self.pos(node)
        first_nl = raw.index("\n")
        body = raw[first_nl + 1 :]
        body = body[: body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
        return assemble_template(heredoc_parts(body, trim, self.path, p.line + 1), p, self.path)


def heredoc_parts(body: str, trim: bool, path: str, line: int,
                  scan: Callable[[str, str, int], list[Any]] | None = None) -> list[Any]:
    """A heredoc body as template parts, with HCL's heredoc rules: one literal per line, strip
    markers that stop at the line end, then ``<<-`` indentation removal. ``scan`` lets another
    front-end split the text with its own expression parser (same parts, one set of rules)."""
    flat = scan(body, path, line) if scan else scan_template(body, path, line, per_line=True)
    apply_strip_markers(flat)
    if trim:
        flush_heredoc(flat)
    return flat


def apply_strip_markers(items: list[Any]) -> None:
    """A directive's left ``~`` trims the literal before it, a right ``~`` the literal after it.
    In a heredoc the literals are one line each, so a marker never reaches past a line end."""
    for idx, item in enumerate(items):
        if isinstance(item, tuple) and item[0] == "dir":
            if item[2] and idx > 0 and isinstance(items[idx - 1], str):
                items[idx - 1] = items[idx - 1].rstrip(" \t\r\n")
            if item[3] and idx + 1 < len(items) and isinstance(items[idx + 1], str):
                items[idx + 1] = items[idx + 1].lstrip(" \t\r\n")
        elif (isinstance(item, tuple) and item[0] == "expr" and len(item) > 2 and item[2]
              and idx + 1 < len(items) and isinstance(items[idx + 1], str)):
            items[idx + 1] = items[idx + 1].lstrip(" \t\r\n")


def flush_heredoc(items: list[Any]) -> None:
    """``<<-`` indentation removal as HCL does it, after strip markers: the smallest indent of
    the line-starting pieces (a line starting with ``${``/``%{``, or emptied by a strip marker,
    counts as 0; blank lines do not count) is cut from every line-starting literal."""
    smallest: int | None = None
    adjust: list[int] = []
    newline = True
    for idx, item in enumerate(items):
        if newline:
            newline = False
            if isinstance(item, str):
                trimmed = item.lstrip(" \t\r\n\v\f")
                if not trimmed and item.endswith("\n"):
                    spaces = None  # a blank line
                else:
                    spaces = len(item) - len(trimmed)
                    adjust.append(idx)
            else:
                spaces = 0
            if spaces is not None and (smallest is None or spaces < smallest):
                smallest = spaces
        if isinstance(item, str) and item.endswith("\n"):
            newline = True
    if smallest:
        for idx in adjust:
            items[idx] = items[idx][smallest:]


_SIGIL = re.compile(r"[$%]")
_FOR = re.compile(r"for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s+(.*)$", re.S)


def scan_template(
    text: str, path: str, line: int, per_line: bool = False, parse: Callable[..., Any] | None = None
) -> list[Any]:
    """Split heredoc text into literal chunks, ``${}`` expressions and ``%{}`` directives.

    ``per_line``: one literal per line, as HCL's heredoc scanner yields them. ``parse`` parses
    one embedded expression (default: python-hcl2's; the tree-sitter front-end passes its own),
    so both front-ends share this one scanner and cannot drift apart.
    """
    parse = parse or parse_expression
    if per_line and "${" not in text and "%{" not in text:
        return text.splitlines(keepends=True)
    flat: list[Any] = []

    def literal(chunk: str) -> None:
        if per_line:
            flat.extend(chunk.splitlines(keepends=True))
        else:
            flat.append(chunk)

    i = 0
    buf: list[str] = []
    n = len(text)
    while i < n:
        sigil = _SIGIL.search(text, i)  # text without $ or % is literal: copy it in one slice
        if sigil is None:
            buf.append(text[i:])
            break
        if sigil.start() > i:
            buf.append(text[i : sigil.start()])
            i = sigil.start()
        if text.startswith("$${", i) or text.startswith("%%{", i):
            buf.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            end = _matching_brace(text, i + 2)
            if end < 0:
                ln = line + text.count("\n", 0, i)
                raise InputError("unterminated template sequence (missing '}')", Location(path, ln, 1))
            if buf:
                literal("".join(buf))
                buf = []
            inner = text[i + 2 : end]
            ln = line + text.count("\n", 0, i)
            strip_left = inner.startswith("~")
            strip_right = inner.endswith("~")
            inner = inner[1 if strip_left else 0 : len(inner) - (1 if strip_right else 0)]
            if text[i] == "$":
                expr = parse(path, inner, ln)
                if strip_left and flat and isinstance(flat[-1], str):
                    flat[-1] = flat[-1].rstrip()
                flat.append(("expr", expr, strip_right))
            else:
                flat.append(_directive(inner.strip(), strip_left, strip_right, path, ln, parse))
            i = end + 1
            continue
        buf.append(text[i])
        i += 1
    if buf:
        literal("".join(buf))
    return flat


def _directive(
    inner: str, strip_left: bool, strip_right: bool, path: str, line: int, parse: Callable[..., Any]
) -> tuple:
    p = ast.Pos(line, 1)
    if inner.startswith("if ") or inner.startswith("if("):
        return ("dir", "if", strip_left, strip_right, parse(path, inner[2:], line), p)
    m = _FOR.match(inner)
    if m:
        names = [m.group(1)] + ([m.group(2)] if m.group(2) else [])
        return ("dir", "for", strip_left, strip_right, (names, parse(path, m.group(3), line)), p)
    if inner in ("else", "endif", "endfor"):
        return ("dir", inner, strip_left, strip_right, None, p)
    raise InputError(f"invalid template directive %{{{inner}}}", Location(path, line, 1))


def _matching_brace(text: str, start: int) -> int:
    depth = 0
    i = start
    quote = False
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                quote = False
            elif text.startswith("${", i) or text.startswith("%{", i):
                depth += 1
                quote = False  # nested template inside a string: approximate
                i += 2
                continue
        elif ch == '"':
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def assemble_template(flat: list[Any], pos: ast.Pos, path: str) -> Any:
    """Apply strip markers and nest if/for directives; a plain string becomes a Literal."""
    items = list(flat)
    apply_strip_markers(items)

    root: list[Any] = []
    stack: list[tuple[str, Any, list[Any]]] = []  # (kind, node, current parts list)
    current = root
    for item in items:
        if isinstance(item, str):
            if item:
                if current and isinstance(current[-1], str):
                    current[-1] += item
                else:
                    current.append(item)
            continue
        if item[0] == "expr":
            current.append(item[1])
            continue
        _, kind, _, _, data, p = item
        if kind == "if":
            node = ast.TemplateIf(data, [], [], p)
            current.append(node)
            stack.append(("if", node, current))
            current = node.then_parts
        elif kind == "else":
            if not stack or stack[-1][0] != "if" or current is stack[-1][1].else_parts:
                raise InputError("%{else} without a matching %{if}", Location(path, p.line, p.column))
            current = stack[-1][1].else_parts
        elif kind == "endif":
            if not stack or stack[-1][0] != "if":
                raise InputError("%{endif} without a matching %{if}", Location(path, p.line, p.column))
            current = stack.pop()[2]
        elif kind == "for":
            names, coll = data
            key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
            node = ast.TemplateFor(key_var, value_var, coll, [], p)
            current.append(node)
            stack.append(("for", node, current))
            current = node.body
        elif kind == "endfor":
            if not stack or stack[-1][0] != "for":
                raise InputError("%{endfor} without a matching %{for}", Location(path, p.line, p.column))
            current = stack.pop()[2]
    if stack:
        p = stack[-1][1].pos
        raise InputError(f"unclosed %{{{stack[-1][0]}}} directive", Location(path, p.line, p.column))
    if not root:
        return ast.Literal("", pos)
    if len(root) == 1 and isinstance(root[0], str):
        return ast.Literal(root[0], pos)
    return ast.Template(root, pos)
