"""Evaluator semantics the oracle cannot cover: unknowns, references, type conversion, errors."""

from __future__ import annotations

from typing import Any

import pytest

from estimator.hcl.evaluator import EvalError, Evaluator, InstanceValue, convert, parse_type
from estimator.hcl.functions import FunctionError
from estimator.hcl.hcl2_frontend import parse_expression
from estimator.model import Unknown
from tests.hcl.scope import Scope

LT = InstanceValue.make("aws_launch_template.gpu", {"instance_type": "g5.xlarge"})
LTS = [InstanceValue.make(f"aws_launch_template.many[{i}]", {"name": f"n{i}"}) for i in range(2)]
NAMES = {
    "aws_launch_template": {"gpu": LT, "many": LTS},
    "var": {"unknown": Unknown("var.unknown has no value"), "n": 2},
}


def ev(text: str) -> Any:
    return Evaluator(Scope(NAMES), "t.tf").value(parse_expression("t.tf", text))


def test_config_attribute_of_a_resource_resolves() -> None:
    assert ev("aws_launch_template.gpu.instance_type") == "g5.xlarge"


def test_computed_attribute_is_unknown_with_the_instance_ref() -> None:
    value = ev("aws_launch_template.gpu.id")
    assert isinstance(value, Unknown)
    assert value.ref == "aws_launch_template.gpu"
    assert value.reason == "aws_launch_template.gpu.id is known only after apply"
    indexed = ev("aws_launch_template.many[1].arn")
    assert indexed.ref == "aws_launch_template.many[1]"
    assert ev('"${aws_launch_template.gpu.id}"').ref == "aws_launch_template.gpu"  # a lone interpolation keeps it


def test_a_template_around_one_unknown_keeps_its_ref() -> None:
    """``endpoint/${aws_sagemaker_endpoint.llm.name}/variant/a`` of an unnamed endpoint still points at it
    (an autoscaling target's endpoint: CR-GPU-003/004 went silent without the link)."""
    assert ev('"endpoint/${aws_launch_template.gpu.id}/variant/a"').ref == "aws_launch_template.gpu"
    assert ev('"${aws_launch_template.many[0].id}-${aws_launch_template.many[1].id}"').ref is None
    assert ev('"${aws_launch_template.gpu.id}-${var.unknown}"').ref is None
    assert ev('"${var.unknown}-${aws_launch_template.gpu.id}"').ref is None


def test_splat_over_resources_keeps_known_and_unknown() -> None:
    assert ev("aws_launch_template.many[*].name") == ["n0", "n1"]
    ids = ev("aws_launch_template.many[*].id")
    assert all(isinstance(i, Unknown) for i in ids) and ids[0].ref == "aws_launch_template.many[0]"


@pytest.mark.parametrize(
    "text",
    [
        "var.unknown + 1", "-var.unknown", "!var.unknown", "var.unknown == 1", "var.unknown ? 1 : 2",
        "upper(var.unknown)", '"x-${var.unknown}"', "[for x in var.unknown : x]", "var.unknown.attr",
        "var.unknown[0]", "format(\"%s\", var.unknown)", "jsonencode([var.unknown])", "max(var.unknown, 1)",
        "aws_launch_template.gpu.id == \"x\"", "\"%{if var.unknown}a%{endif}\"", "timestamp()", "uuid()",
    ],
)
def test_unknown_propagates_through_operators_and_functions(text: str) -> None:
    assert isinstance(ev(text), Unknown)


def test_structural_functions_pass_unknowns_through() -> None:
    value = ev("concat([aws_launch_template.gpu.id], [1])")
    assert isinstance(value[0], Unknown) and value[1] == 1
    assert ev("length([var.unknown, 1])") == 2
    assert ev("true || var.unknown") is True and ev("false && var.unknown") is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope.x", "unknown name"),
        ("var.nope", "does not have an attribute named \"nope\""),
        ("nosuch(1)", 'unknown function "nosuch"'),
        ('"a" + 1', "invalid operand for +"),
        ("[1][5]", "out of range"),
        ('{a = 1}["b"]', 'key "b" does not exist'),
        ('"a${[1]}"', "cannot include a list"),
        ("1 / 0", "division by zero"),
        ('{for k in ["a", "a"] : k => 1}', "duplicate object key"),
        ('lookup({}, "k")', "lookup:"),
        ("element([], 0)", "element:"),
    ],
)
def test_errors_name_the_problem_and_position(text: str, message: str) -> None:
    with pytest.raises(EvalError) as info:
        Evaluator(Scope({"var": {}}), "t.tf").value(parse_expression("t.tf", text, line=7))
    assert message in info.value.message
    if "unknown name" not in message:
        assert info.value.location.file == "t.tf" and info.value.location.line == 7


def type_of(text: str) -> Any:
    return parse_type(parse_expression("v.tf", text), "v.tf")


def test_type_conversion() -> None:
    assert convert("5", type_of("number")) == 5
    assert convert(5, type_of("string")) == "5"
    assert convert("true", type_of("bool")) is True
    assert convert(["b", "a", "b"], type_of("set(string)")) == ["a", "b"]
    assert convert({"a": 1}, type_of("map(string)")) == {"a": "1"}
    spec = type_of('object({ size = number, kind = optional(string, "gp3"), tags = optional(map(string)) })')
    evaluator = Evaluator(Scope({}), "v.tf")
    assert convert({"size": "10", "extra": 1}, spec, evaluator) == {"size": 10, "kind": "gp3", "tags": None}
    assert convert([1, "x"], type_of("tuple([number, string])")) == [1, "x"]
    with pytest.raises(FunctionError):
        convert({"kind": "x"}, spec, evaluator)
    with pytest.raises(FunctionError):
        convert("abc", type_of("number"))
    with pytest.raises(FunctionError):
        convert("abc", type_of("list(string)"))
    assert isinstance(convert(Unknown(), type_of("number")), Unknown)


def test_legacy_attribute_splat_then_index_indexes_the_result() -> None:
    assert ev('[{ id = "a" }, { id = "b" }].*.id[0]') == "a"
    assert ev("[{ a = [1, 2] }, { a = [3, 4] }].*.a[0]") == [1, 2]
    assert ev("[{ a = [1, 2] }, { a = [3, 4] }][*].a[0]") == [1, 3]  # a full splat covers the index
    assert ev("aws_launch_template.many.*.name[1]") == "n1"
    assert isinstance(ev("var.unknown.*.id[0]"), Unknown)


@pytest.mark.parametrize(("template", "expected"), [
    ("$$", "$$$"), ("[$g]", "[a][a][a]"), ("$1x", ""), ("${1}x", "axaxax"), ("${g", "${g${g${g"), ("$-", "$-$-$-"),
])
def test_replace_regex_template_is_go_expand(template: str, expected: str) -> None:
    """terraform 1.11: replace("aaa", "/(?P<g>a)/", T) for each template T."""
    from estimator.hcl.functions import f_replace

    assert f_replace("aaa", "/(?P<g>a)/", template) == expected


def test_tomap_mixed_kinds_fail_but_unknown_values_do_not() -> None:
    with pytest.raises(EvalError, match="no single element type"):
        ev("tomap({ a = 1, b = [1] })")
    assert ev("tomap({ a = var.unknown, b = [1] })")["b"] == [1]


def test_a_template_over_the_string_limit_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Locals that each double the last reach 2^40 characters: a template result has a bound (QA19b)."""
    from estimator.hcl import evaluator

    monkeypatch.setattr(evaluator, "MAX_STRING", 10)
    assert ev('"${var.n}abc"') == "2abc"
    with pytest.raises(EvalError, match="over the limit of 10"):
        ev('"${var.n}abcdefghijk"')
