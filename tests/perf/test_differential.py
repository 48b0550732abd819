"""Differential test: the tree-sitter and python-hcl2 front-ends yield identical trees and models.

Identical means dataclass equality of the whole ``ast.File`` (positions and comments
included) on every fixture, every ``stacks/`` root and a generated tree; the same resource
model from the loader; and an error (same message, same line) where python-hcl2 rejects the
text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.hcl import hcl2_frontend, treesitter_frontend
from estimator.hcl.frontend import check_text, parse
from estimator.loaders import LoadOptions, load_project
from tests.conftest import FIXTURES, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

CORPUS = sorted(
    p for p in [*FIXTURES.rglob("*.tf"), *(REPO / "stacks").rglob("*.tf")] if "/.terraform/" not in str(p)
)


def _both(path: str, text: str) -> tuple[object, object]:
    out = []
    for fn in (hcl2_frontend.parse_text, treesitter_frontend.parse):
        try:
            out.append(fn(path, text))
        except InputError as err:
            out.append(("error", err.message, err.location.line if err.location else None))
    return out[0], out[1]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(REPO)))
def test_same_tree_on_every_fixture_and_stack(path: Path) -> None:
    shown = str(path.relative_to(REPO))
    try:  # what the registry hands a front-end (a UTF-8 BOM removed, NUL/size rejected)
        text = check_text(shown, path.read_bytes())
    except InputError:
        return  # neither front-end ever sees this file
    reference, fast = _both(shown, text)
    if isinstance(reference, tuple):
        assert isinstance(fast, tuple), f"python-hcl2 rejects this file ({reference}), tree-sitter accepts it"
    else:
        assert fast == reference


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS) >= 50
    assert any("snippets" in str(p) for p in CORPUS)


def test_same_tree_on_a_generated_tree(tmp_path: Path) -> None:
    generate(tmp_path, 12, seed=11)
    for path in sorted(tmp_path.glob("*.tf")):
        reference, fast = _both(path.name, path.read_text(encoding="utf-8"))
        assert not isinstance(reference, tuple)
        assert fast == reference, path.name


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('a = "abc\nb = 1\n', "unterminated string", 1),
        ('resource "a" "b" {\n  x = 1\n', "unclosed block: no closing brace", 1),
        ("a = 1 @ 2\n", "unexpected character '@'", 1),
        ("a = <<EOT\nfoo\n", "unterminated heredoc", 1),
        ("a = 1\na = 2\n", "duplicate argument 'a'", 2),
        ("x = {\n", "unexpected end of file", 2),
        ("x = " + "[" * 300 + "]" * 300, "nesting deeper than 200", 1),
    ],
)
def test_same_error_message_and_line(text: str, message: str, line: int) -> None:
    for parser in ("python-hcl2", "tree-sitter"):
        with pytest.raises(InputError) as info:
            parse("bad.tf", text, parser)
        assert message in info.value.message, parser
        assert info.value.location.file == "bad.tf" and info.value.location.line == line, parser


@pytest.mark.parametrize("text", ["a = b c\n", 'x = "${a"\n', 'resource "a" "b" {\n}\n}\n', "x = 1e\n"])
def test_both_reject_other_syntax_errors(text: str) -> None:
    for parser in ("python-hcl2", "tree-sitter"):
        with pytest.raises(InputError):
            parse("bad.tf", text, parser)


def test_non_ascii_columns_count_characters_not_bytes() -> None:
    text = 'a = "é ü ${x} ${y.z}"\n'
    fast = treesitter_frontend.parse("u.tf", text)
    assert fast == hcl2_frontend.parse_text("u.tf", text)
    assert fast.body.attributes["a"].expr.parts[3].pos.column == 18


def test_nested_conditionals_are_right_associative() -> None:
    node = treesitter_frontend.parse("c.tf", "x = a ? 1 : b ? 2 : 3\n").body.attributes["x"].expr
    assert node.condition.name == "a" and node.false_expr.condition.name == "b"


@pytest.mark.parametrize("root", ["stacks/gpu-training-eks", "stacks/rag-inference", "stacks/pr-demo/head"])
def test_same_resource_model_from_the_loader(root: str) -> None:
    models = [load_project(str(REPO / root), LoadOptions(parser=p, environ={})) for p in ("python-hcl2", "tree-sitter")]
    assert models[0].resources, root
    assert models[1].resources == models[0].resources
    assert models[1].diagnostics == models[0].diagnostics


def test_same_resource_model_on_a_generated_tree(tmp_path: Path) -> None:
    stats = generate(tmp_path, 8, seed=3)
    models = [load_project(str(tmp_path), LoadOptions(parser=p, environ={})) for p in ("python-hcl2", "tree-sitter")]
    assert len(models[0].resources) == stats["resources"]
    assert models[1].resources == models[0].resources


def test_mutated_inputs_never_crash_and_agree_when_both_accept() -> None:
    """Seeded mutations of the corpus: tree-sitter raises only InputError; trees match where both parse."""
    import random

    rng = random.Random(6)
    alphabet = list('{}[]()"=:,.?*!<>-+%$~#/\\\n ab1_') + ["${", "%{", "<<EOT\n", "..."]
    both = 0
    for _ in range(150):
        text = rng.choice(CORPUS).read_text(encoding="utf-8")
        for _ in range(rng.randint(1, 3)):
            p = rng.randrange(max(len(text), 1))
            if rng.random() < 0.5:
                text = text[:p] + rng.choice(alphabet) + text[p:]
            else:
                text = text[:p] + text[p + rng.randint(1, 5) :]
        reference, fast = _both("m.tf", text)
        if not isinstance(reference, tuple) and not isinstance(fast, tuple):
            both += 1
            assert fast == reference, text
    assert both > 20  # the comparison really happened


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('a = "abc\nb = 1\n', "unterminated string", 1),
        ('resource "a" "b" {\n  x = 1\n', "unclosed block: no closing brace", 1),
        ("a = 1 @ 2\n", "unexpected character '@'", 1),
        ("a = <<EOT\nfoo\n", "unterminated heredoc", 1),
        ("x = {\n", "unexpected end of file", 2),
    ],
)
def test_tree_sitter_own_errors_are_worded_like_the_reference(text: str, message: str, line: int) -> None:
    """Where python-hcl2 is absent (checkov's venv) tree-sitter's own message is the one shown."""
    with pytest.raises(InputError) as info:
        treesitter_frontend._parse("bad.tf", text)
    assert message in info.value.message
    assert info.value.location.line == line


def test_forms_tree_sitter_hcl_lacks_fall_back_to_the_reference() -> None:
    text = "x = 1e3\ny = 2.5e-1\n"
    with pytest.raises(InputError):
        treesitter_frontend._parse("n.tf", text)  # tree-sitter-hcl 1.2 has no exponent without a fraction
    tree = parse("n.tf", text, "tree-sitter")
    assert tree == hcl2_frontend.parse_text("n.tf", text)
    assert tree.body.attributes["x"].expr.value == 1000


ROOTS = sorted({p.parent for p in CORPUS})


@pytest.mark.parametrize("root", ROOTS, ids=lambda p: str(p.relative_to(REPO)))
def test_same_model_or_error_for_every_fixture_directory(root: Path) -> None:
    """Each directory holding .tf files, loaded as a root: same resources and diagnostics."""
    from estimator.errors import CostrailError

    out = []
    for parser in ("python-hcl2", "tree-sitter"):
        try:
            project = load_project(str(root), LoadOptions(parser=parser, environ={}))
            out.append((project.resources, [str(d) for d in project.diagnostics]))
        except CostrailError as err:
            out.append(("error", str(err)))
    assert out[1] == out[0]
