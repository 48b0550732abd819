"""YAML aliases nested into billions of values are an error naming the file and line, never a hang."""

from __future__ import annotations

import pytest

from estimator.config_file import parse_config_text
from estimator.errors import ConfigError
from estimator.hcl.functions import FunctionError, f_yamldecode
from estimator.usage import parse_usage


def _nested(indent: str, first: str, levels: int = 24) -> str:
    """``levels`` lines, each three aliases of the one before: 3**24 values once expanded."""
    out = f"{indent}l0: &l0 {first}\n"
    for i in range(1, levels + 1):
        out += f"{indent}l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]\n"
    return out


def test_usage_file() -> None:
    text = "version: 0.1\nresource_type_default_usage:\n  l0: &l0 {monthly_requests: 1}\n" + "".join(
        f"  l{i}: &l{i} {{a: *l{i - 1}, b: *l{i - 1}, c: *l{i - 1}}}\n" for i in range(1, 25))
    with pytest.raises(ConfigError, match="expands to more than") as info:
        parse_usage(text, "u.yml")
    assert info.value.location is not None and info.value.location.file == "u.yml"


def test_config_file() -> None:
    with pytest.raises(ConfigError, match="expands to more than") as info:
        parse_config_text("version: 1\nallowed_tag_values:\n" + _nested("  ", "[a, b]"), "c.yml")
    assert info.value.location is not None and info.value.location.line > 1


def test_yamldecode() -> None:
    with pytest.raises(FunctionError, match="expands to more than"):
        f_yamldecode(_nested("", "[a, b]"))


def test_ordinary_aliases_still_load() -> None:
    usage = parse_usage("version: 0.1\nresource_usage:\n  aws_lambda_function.a: &l {monthly_requests: 5}\n"
                        "  aws_lambda_function.b: *l\n", "u.yml")
    assert usage.resource_usage["aws_lambda_function.b"] == {"monthly_requests": 5}
    assert f_yamldecode("a: &x [1]\nb: *x\n") == {"a": [1], "b": [1]}


def test_pulumi_stack_file(tmp_path) -> None:
    """A stack config whose value expands to billions (its JSON for the runner was a hang)."""
    from estimator.errors import InputError
    from estimator.loaders import LoadOptions, load_project

    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text("import pulumi\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(_nested("", "[a, b]") + "config:\n  p:x: *l24\n", encoding="utf-8")
    with pytest.raises(InputError, match="expands to more than") as info:
        load_project(str(tmp_path), LoadOptions(environ={}, stack="dev"))
    assert info.value.location is not None and info.value.location.file == "Pulumi.dev.yaml"


def test_usage_file_merge_keys_apply_and_explicit_keys_win() -> None:
    """``<<: *defaults`` as PyYAML's loader applies it (it was an unknown key and its quantities were dropped)."""
    usage = parse_usage("version: 0.1\nresource_usage:\n"
                        "  aws_lambda_function.a: &d {monthly_requests: 10, request_duration_ms: 300}\n"
                        "  aws_lambda_function.b:\n    <<: *d\n    monthly_requests: 20\n", "u.yml")
    assert usage.resource_usage["aws_lambda_function.b"] == {"monthly_requests": 20, "request_duration_ms": 300}


@pytest.mark.parametrize("text", ["x: &a [1, *a]\n", "x: &a\n  k: 1\n  <<: *a\n"])
def test_an_alias_inside_its_own_anchor_is_an_error_not_a_hang(text: str) -> None:
    """A document that contains itself (QA14: a .tf's yamldecode could hang CI, growing without bound)."""
    with pytest.raises(ConfigError, match="contains it"):
        parse_config_text("version: 1\n" + text, "c.yml")
    with pytest.raises(FunctionError, match="contains it"):
        f_yamldecode(text)
