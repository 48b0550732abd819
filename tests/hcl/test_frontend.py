"""python-hcl2 front-end: tree shape, positions, comments, templates, heredocs, and clean errors."""

from __future__ import annotations

import random

import pytest

from estimator.errors import InputError
from estimator.hcl import ast
from estimator.hcl.frontend import available, parse
from tests.conftest import FIXTURES


def expr(text: str) -> object:
    return parse("t.tf", f"x = {text}\n").body.attributes["x"].expr


def test_blocks_labels_positions_and_comments() -> None:
    path = FIXTURES / "hcl" / "basic" / "main.tf"
    f = parse("main.tf", path.read_text())
    kinds = [(b.type, b.labels) for b in f.body.blocks]
    assert ("resource", ["aws_launch_template", "gpu"]) in kinds
    asg = next(b for b in f.body.blocks if b.labels == ["aws_autoscaling_group", "gpu"])
    assert asg.pos == ast.Pos(30, 1)
    assert asg.body.blocks[0].type == "launch_template"
    assert (29, '# costrail:ignore CR-TAG-001 reason="test"') in f.comments


def test_numbers_keep_int_float_and_text() -> None:
    lit = expr("12")
    assert isinstance(lit, ast.Literal) and lit.value == 12 and isinstance(lit.value, int) and lit.text == "12"
    lit = expr("1.50")
    assert lit.value == 1.5 and lit.text == "1.50"


def test_operator_precedence() -> None:
    node = expr("1 + 2 * 3 == 7 || false")
    assert isinstance(node, ast.BinaryOp) and node.op == "||"
    eq = node.left
    assert eq.op == "==" and eq.left.op == "+" and eq.left.right.op == "*"


def test_template_directives_and_strip_markers() -> None:
    node = expr('"a ${var.x} %{ if true ~} yes %{~ else } no %{ endif }"')
    assert isinstance(node, ast.Template)
    assert node.parts[0] == "a "
    assert isinstance(node.parts[1], ast.GetAttr)
    cond = node.parts[3]
    assert isinstance(cond, ast.TemplateIf)
    assert cond.then_parts == ["yes"] and cond.else_parts == [" no "]


def test_heredoc_flush_strips_indentation() -> None:
    text = "x = <<-EOT\n    a\n      ${b}\n    EOT\n"
    node = parse("t.tf", text).body.attributes["x"].expr
    assert isinstance(node, ast.Template)
    assert node.parts[0] == "a\n  " and isinstance(node.parts[1], ast.Variable) and node.parts[2] == "\n"


def test_splats_calls_for_expressions() -> None:
    splat = expr("aws_instance.x[*].id")
    assert isinstance(splat, ast.Splat) and splat.full and isinstance(splat.each.obj, ast.SplatItem)
    call = expr("max(1, [2]...)")
    assert isinstance(call, ast.Call) and call.expand_final and len(call.args) == 2
    fe = expr("{ for k, v in m : k => v... if v != null }")
    assert isinstance(fe, ast.ForExpr) and fe.grouping and fe.key_var == "k" and fe.condition is not None


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('a = "abc\nb = 1\n', "unterminated string", 1),
        ('resource "a" "b" {\n  x = 1\n}\n}\n', "unexpected token '}'", 4),
        ('resource "a" "b" {\n  x = 1\n', "unclosed block: no closing brace", 1),
        ("a = 1 @ 2\n", "unexpected character '@'", 1),
        ("a = <<EOT\nfoo\n", "unterminated heredoc", 1),
        ("a = 1\na = 2\n", "duplicate argument 'a'", 2),
    ],
)
def test_syntax_errors_name_file_line_and_problem(text: str, message: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        parse("bad.tf", text)
    assert message in info.value.message
    assert info.value.location.file == "bad.tf" and info.value.location.line == line


def test_random_bytes_and_nul_are_clean_errors() -> None:
    noise = bytes([0xFF, 0xFE]) + bytes(random.Random(7).randrange(256) for _ in range(4096))
    with pytest.raises(InputError, match="invalid UTF-8"):
        parse("noise.tf", noise)
    with pytest.raises(InputError, match="NUL"):
        parse("nul.tf", b"a = 1\n\x00\n")


def test_size_limit_names_file_and_limit() -> None:
    big = b'a = "' + b"x" * (10 * 1024 * 1024) + b'"\n'
    with pytest.raises(InputError) as info:
        parse("big.tf", big)
    assert "5 MB limit" in info.value.message and info.value.location.file == "big.tf"


@pytest.mark.parametrize("text", ["[" * 500 + "]" * 500, "(" * 400 + "1" + ")" * 400, "f(" * 300 + ")" * 300])
def test_deep_nesting_is_an_error_not_recursion(text: str) -> None:
    with pytest.raises(InputError, match="nesting deeper than 200"):
        parse("deep.tf", f"x = {text}\n")


def test_long_operator_chain_parses() -> None:
    node = expr(" + ".join(["1"] * 1500))
    assert isinstance(node, ast.BinaryOp)


def test_registry_knows_both_frontends() -> None:
    assert "python-hcl2" in available()
    with pytest.raises(InputError, match="unknown HCL parser"):
        parse("t.tf", "a = 1\n", parser="nope")


def test_comments_are_collected_with_lines_but_not_from_strings() -> None:
    path = FIXTURES / "hcl" / "frontend" / "comments.tf"
    f = parse("comments.tf", path.read_text())
    assert f.comments == [
        (1, "block"),
        (2, 'costrail:ignore CR-GPU-001 reason="x"'),
        (3, "# trailing"),
        (5, "# inside an expression"),
        (10, "// slashes"),
    ]


def test_comment_merged_into_an_operator_reports_the_operator() -> None:
    """python-hcl2 (the reference front-end) rejects this; Terraform and tree-sitter accept it (= 3)."""
    text = "b = (1\n  # inside\n  + 2)\n"
    with pytest.raises(InputError) as info:
        parse("t.tf", text, parser="python-hcl2")
    assert str(info.value) == "t.tf:3:3: unexpected token '+'"
    attr = parse("t.tf", text, parser="tree-sitter").body.attributes["b"]
    assert isinstance(attr.expr, ast.Parens) and isinstance(attr.expr.expr, ast.BinaryOp)
