"""The pre-merge gate: CR-BUD-002 from the config's budgets, and the diff's exit code."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import diff as diffing
from estimator.config import BudgetConfig, Config
from policies.finding import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"


def load(name: str, findings: bool = True) -> list[diffing.ProjectCost]:
    doc = json.loads((FIXTURES / name).read_text())
    if not findings:
        doc["findings"] = []
    return diffing.projects_from_json(doc, name)


def change(findings: bool = True) -> diffing.CostDiff:
    return diffing.compute_diff(load("base.json", findings), load("head.json", findings))


def test_absolute_budget_per_project_and_total() -> None:
    diff = change()
    diffing.apply_budget(diff, Config(budgets=BudgetConfig(monthly_increase_usd=Decimal(500))))
    # stacks/rag +882.46 and the total +1123.94 are over $500; stacks/batch +302.22 is not.
    assert [(f.rule, f.project, f.enforcement) for f in diff.budget_findings] == [
        ("CR-BUD-002", "stacks/rag", "mandatory"),
        ("CR-BUD-002", "(all projects)", "mandatory"),
    ]
    assert diff.budget_exceeded
    budget = diff.to_json()["budget"]
    assert (budget["exceeded"], budget["monthly_increase_usd"], budget["monthly_increase_percent"]) == (
        True,
        "500.00",
        None,
    )


def test_percent_budget() -> None:
    diff = change()
    diffing.apply_budget(diff, Config(budgets=BudgetConfig(monthly_increase_percent=Decimal(50))))
    # rag +47.79% passes, the total +58.93% fails; a new project (base 0) has no percentage.
    assert [f.project for f in diff.budget_findings] == ["(all projects)"]


def test_no_budget_configured() -> None:
    diff = change()
    diffing.apply_budget(diff, Config())
    assert diff.budget_findings == [] and not diff.budget_exceeded
    diffing.apply_budget(diff, None)
    assert diff.budget_findings == []


def test_budget_as_advisory_does_not_fail() -> None:
    diff = change(findings=False)
    config = Config(budgets=BudgetConfig(monthly_increase_usd=Decimal(1)), policies={"CR-BUD-002": "advisory"})
    diffing.apply_budget(diff, config)
    assert diff.budget_findings and not diff.budget_exceeded
    assert diffing.exit_code(diff, input_failed=False) == 0


def test_exit_2_on_input_errors_first() -> None:
    assert diffing.exit_code(change(), input_failed=True) == 2


def test_exit_1_on_a_new_mandatory_finding() -> None:
    assert diffing.exit_code(change(), input_failed=False) == 1  # CR-TAG-001 on aws_instance.gpu_extra


def test_exit_1_on_a_pre_existing_mandatory_finding() -> None:
    """Documented choice: a mandatory violation present in head fails, even if the base had it."""
    diff = change(findings=False)
    old = Finding("CR-TAG-001", "high", "mandatory", "aws_nat_gateway.main", "missing tags", project="stacks/rag")
    diff.existing_findings = [old]
    assert diffing.exit_code(diff, input_failed=False) == 1


@pytest.mark.parametrize("suppressed", [True, False])
def test_suppressed_and_resolved_do_not_fail(suppressed: bool) -> None:
    diff = change(findings=False)
    finding = Finding("CR-TAG-001", "high", "mandatory", "a", "m", project="stacks/rag", suppressed=suppressed)
    if suppressed:
        diff.new_findings = [finding]
    else:
        diff.resolved_findings = [finding]  # fixed by this change: no longer in head
    assert diffing.exit_code(diff, input_failed=False) == 0


def test_exit_1_on_budget_alone() -> None:
    diff = change(findings=False)
    diffing.apply_budget(diff, Config(budgets=BudgetConfig(monthly_increase_usd=Decimal(1000))))
    assert [f.project for f in diff.budget_findings] == ["(all projects)"]
    assert diffing.exit_code(diff, input_failed=False) == 1


def test_a_budget_message_says_when_changes_of_unknown_cost_are_left_out() -> None:
    """stacks/rag adds an unpriced Bedrock custom model: the budget judges the comparable cost, whose
    "base → head" is not the totals, and says why (QA17b: a head figure that appeared nowhere else)."""
    diff = change()
    diffing.apply_budget(diff, Config(budgets=BudgetConfig(monthly_increase_usd=Decimal(500))))
    rag = next(f for f in diff.budget_findings if f.project == "stacks/rag")
    assert rag.message.endswith("(the cost that can be compared on both sides: 1 change of unknown cost left out)")
    assert rag.extra["delta_monthly_cost"] == "882.46"
