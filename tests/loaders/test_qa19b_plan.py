"""QA19b: a hostile plan JSON (a value nested 500 deep, an address listed twice) is an input error naming
file and line, never a traceback nor a silently doubled total; the other resources are still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.errors import TOO_DEEP
from estimator.loaders import LoadOptions, load_project

FIXTURES = Path(__file__).parent.parent / "fixtures" / "qa19b"



def _errors(project: object) -> list[str]:
    return sorted(str(d) for d in project.errors)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("default_recursion_limit")
def test_plan_value_500_deep_is_an_error_naming_the_resource() -> None:
    project = load_project(str(FIXTURES / "plan_deep.json"), LoadOptions(environ={}))
    assert _errors(project) == [f"plan_deep.json:1: {TOO_DEEP}: a value of aws_instance.deep"]
    assert [r.address for r in project.resources] == ["aws_instance.ok"]


def test_plan_same_address_twice_is_an_error_and_counted_once() -> None:
    project = load_project(str(FIXTURES / "plan_dup.json"), LoadOptions(environ={}))
    assert _errors(project) == [
        "plan_dup.json:24: resource_changes lists aws_instance.web twice (entries 0 and 1, first on line 6): "
        "the second is not read"]
    assert [(r.address, r.attributes["instance_type"]) for r in project.resources] == [("aws_instance.web", "m5.large")]
