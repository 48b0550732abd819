"""CR-BUD-001: a stack with GPUs needs a budget or an anomaly monitor."""

from __future__ import annotations

from policies.context import RuleContext, run_rule
from policies.finding import Finding
from policies.rules import BY_ID
from tests.policies.helpers import costed_for, load, run, where


def test_gpu_stack_without_budget_fails_once() -> None:
    assert where(run("CR-BUD-001")) == {("aws_instance.fail_gpu", "main.tf:5")}


def test_budget_guards_the_stack() -> None:
    assert run("CR-BUD-001", "CR-BUD-001-guarded") == []


def _anchor(keep: set[str], reverse: bool) -> Finding:
    """CR-BUD-001 over the anchor fixture's ``keep`` instances, in file order or reversed (another reader's order)."""
    project, config = load("CR-BUD-001-anchor")
    costs = {c.address: c for c in costed_for(project)}
    resources = [r for r in project.resources if r.name in keep]
    ctx = RuleContext(resources=resources[::-1] if reverse else resources, costs=costs, config=config)
    (finding,) = run_rule(BY_ID["CR-BUD-001"], ctx)
    return finding


def test_anchor_is_the_lowest_address_in_any_order() -> None:
    """HCL, plan and Pulumi order resources differently; suppressions and diff key on the address (QA bud001)."""
    for reverse in (False, True):
        finding = _anchor({"b", "a", "small", "big"}, reverse)
        assert finding.address == "aws_instance.a"
        assert finding.location is not None and finding.location.line == 10
        assert finding.extra["gpu_resources"] == ["aws_instance.a", "aws_instance.b", "aws_instance.big",
                                                  "aws_instance.small"]
        assert "(aws_instance.a, aws_instance.b, aws_instance.big and 1 more)" in finding.message


def test_anchor_does_not_move_when_another_gpu_resource_costs_more() -> None:
    """A pull request resizing another GPU resource must not move the finding (its suppression would be
    lost, and diff would call it resolved and new; QA13)."""
    assert {_anchor(keep, False).address for keep in ({"a", "big"}, {"a", "small"})} == {"aws_instance.a"}


def test_anchor_tie_is_the_lowest_address() -> None:
    assert {_anchor({"b", "a"}, reverse).address for reverse in (False, True)} == {"aws_instance.a"}
