"""The PR comment: golden Markdown, the hidden marker and state, the size limit."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import diff as diffing
from estimator.model import Location
from estimator.report.diff_table import render_table
from estimator.report.pr_comment import GITHUB_LIMIT, MARKER, parse_state, pie_dimension, render_comment
from policies.finding import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"
UPDATE = os.environ.get("COSTRAIL_UPDATE_GOLDEN") == "1"
CATALOG = {"ec2": "2025-11-01", "sagemaker": "2026-01-15"}


def load(name: str) -> list[diffing.ProjectCost]:
    return diffing.projects_from_json(json.loads((FIXTURES / name).read_text()), name)


def sample_diff() -> diffing.CostDiff:
    change = diffing.compute_diff(load("base.json"), load("head.json"))
    change.budget_usd = Decimal(500)
    change.budget_percent = Decimal(25)
    change.budget_findings = [
        Finding(
            "CR-BUD-002",
            "high",
            "mandatory",
            "stacks/rag",
            "monthly cost rises by $882.46 (+47.79%), over the budget of +$500.00 or 25%",
            project="stacks/rag",
        )
    ]
    return change


def file_url(project: str, location: Location) -> str:
    return f"https://github.com/o/r/blob/abc123/{project}/{location.file}#L{location.line}"


def check_golden(name: str, text: str) -> None:
    path = FIXTURES / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"golden {name} differs (COSTRAIL_UPDATE_GOLDEN=1 to regenerate)"


def test_comment_golden() -> None:
    check_golden("comment.golden.md", render_comment(sample_diff(), catalog=CATALOG, file_url=file_url))


def test_table_golden() -> None:
    check_golden("diff_table.golden.txt", render_table(sample_diff()))


def test_comment_parts() -> None:
    body = render_comment(sample_diff(), catalog=CATALOG, file_url=file_url)
    lines = body.splitlines()
    assert lines[0] == MARKER
    verdict = lines[2]
    assert verdict.startswith("### ") and "+$1,123.94" in verdict and "+58.93%" in verdict
    assert "❌ fails: 1 mandatory finding, budget exceeded" in verdict
    # Mandatory first, with a file:line link.
    new_rows = [line for line in lines if line.startswith(("| ❌ |", "| ⚠️ |", "| 🔕 |"))]
    assert new_rows[0].startswith("| ❌ | CR-TAG-001")
    assert "[main.tf:40](https://github.com/o/r/blob/abc123/stacks/rag/main.tf#L40)" in new_rows[0]
    assert "batch GPU capacity on on-demand \\| use spot" in body  # pipes escaped in cells
    assert "```mermaid\npie showData title Monthly cost by cost-center (USD)" in body
    assert '    "untagged" : 734.38' in body
    assert "| `aws_sagemaker_endpoint.advisor` | 3,000,000 | $1,073.10 | $0.3577 |" in body
    assert "ec2 2025-11-01, sagemaker 2026-01-15" in body
    assert parse_state(body) == (Decimal("1123.94"), 6)


def test_pie_groups_by_first_tag_present() -> None:
    change = sample_diff()
    assert pie_dimension(change) == "cost-center"
    for project in change.projects:
        for side in (project.base, project.head):
            for resource in (side.resources.values() if side else []):
                resource.tags.pop("cost-center", None)
    assert pie_dimension(change) == "team"


def test_no_change_comment() -> None:
    change = diffing.compute_diff(load("head.json"), load("head.json"))
    body = render_comment(change, catalog=CATALOG)
    assert "monthly cost will not change" in body
    assert "No resource cost changed." in body
    assert parse_state(body) == (Decimal(0), 0)
    # The fixture used by the --skip-no-diff test is this kind of body.
    assert parse_state((FIXTURES / "no_change_comment.md").read_text()) == (Decimal(0), 0)


def test_only_a_change_of_unknown_cost_is_an_unknown_change_never_no_change() -> None:
    """Adding a MemoryDB cluster costrail cannot price yet changes nothing priced: the headline says the
    change is unknown, not that the cost will not change (QA17a)."""
    head = json.loads((FIXTURES / "head.json").read_text())
    head["projects"][0]["unsupported"].append({"address": "aws_memorydb_cluster.c", "type": "aws_memorydb_cluster"})
    change = diffing.compute_diff(load("head.json"), diffing.projects_from_json(head, "h"))
    headline = render_comment(change, catalog=CATALOG).splitlines()[2]
    assert "monthly cost change is unknown (1 changed resource of unknown cost; the priced rest does not change)" \
        in headline
    assert "will not change" not in headline


def test_huge_diff_is_cut_under_the_limit_with_a_note() -> None:
    head = load("head.json")
    template = head[0].resources["aws_instance.gpu_extra"]
    for i in range(3000):
        head[0].resources[f"aws_instance.fleet_with_a_long_name_for_size[{i}]"] = diffing.ResourceCost(
            address=f"aws_instance.fleet_with_a_long_name_for_size[{i}]",
            type="aws_instance",
            monthly_cost=template.monthly_cost + i,  # type: ignore[operator]
            status="priced",
            components=list(template.components),
        )
    change = diffing.compute_diff(load("base.json"), head)
    full = render_comment(change, max_chars=10**9)
    assert len(full) > GITHUB_LIMIT
    body = render_comment(change)
    assert len(body) < GITHUB_LIMIT
    assert body.startswith(MARKER)
    assert "details were cut to keep this comment under GitHub's 65,536-character limit" in body
    assert "more not shown" in body
    # The largest change is kept.
    assert "fleet_with_a_long_name_for_size[2999]" in body
    assert "#### Budget" in body and "```mermaid" in body


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1234.5"), "+$1,234.50"), (Decimal("-0.004"), "$0.00"), (Decimal("-12"), "-$12.00"), (None, "unknown"),
     (Decimal("9920.465"), "+$9,920.47")],  # half up, as breakdown's table rounds it (QA18b: $9,920.46 here)
)
def test_signed_money(value: Decimal | None, text: str) -> None:
    from estimator.report.pr_comment import signed_usd
    from estimator.report.table import usd

    assert signed_usd(value) == text
    if value is not None and value > 0:
        assert text == "+" + usd(value)  # the same total reads the same in breakdown and in diff


def test_renamed_line() -> None:
    from estimator.report.pr_comment import renamed

    assert renamed("Instance usage (Linux/UNIX, on-demand, g5.xlarge)", "Instance usage (Linux/UNIX, on-demand, g5.2xlarge)") == (
        "Instance usage (Linux/UNIX, on-demand, g5.xlarge → g5.2xlarge)"
    )
    assert renamed("Storage (gp2)", "Storage (gp3)") == "Storage (gp2 → gp3)"
    assert renamed("Hosting instance (ml.g5.2xlarge, variant primary)", "Hosting instance (ml.g5.4xlarge, variant primary)") == (
        "Hosting instance (ml.g5.2xlarge → ml.g5.4xlarge, variant primary)"
    )
    assert renamed("X (a, b, c)", "X (a, d, c)") == "X (a, b → d, c)"
    assert renamed("X (a, b)", "X (a, b, c)") == "X (a, b → b, c)"
    assert renamed("A", "B") == "A → B"


def test_budget_lines() -> None:
    change = diffing.compute_diff(load("head.json"), load("head.json"))
    assert "No monthly increase budget configured" in render_comment(change)
    change.budget_usd = Decimal(5000)
    assert "✅ Within the monthly increase budget (+$5,000.00 a month, CR-BUD-002)." in render_comment(change)


def test_a_delta_that_is_not_head_minus_base_says_what_it_compares() -> None:
    """A resource that loses a price keeps only its lines priced on both sides in the delta: the table
    says so beside the totals, which then differ by more than the delta (QA19a)."""
    def side(storage: Decimal | None) -> list[diffing.ProjectCost]:
        hours = diffing.ComponentCost("Instance usage (m5.large)", "hours", Decimal(730), Decimal("0.096"),
                                      Decimal("70.08"))
        disk = diffing.ComponentCost("Storage (gp3)", "GB", Decimal(100), Decimal("0.08") if storage else None,
                                     storage)
        cost = Decimal("70.08") + (storage or 0)
        res = diffing.ResourceCost("aws_instance.a", "aws_instance", cost, "priced" if storage else "partial",
                                   components=[hours, disk])
        return [diffing.ProjectCost("p", "terraform-hcl", cost, {"aws_instance.a": res})]

    table = render_table(diffing.compute_diff(side(Decimal(8)), side(None)))
    assert "Total monthly cost: $78.08 -> $70.08 ($0.00 on what is priced on both sides, 0.00%)" in table
    same = render_table(diffing.compute_diff(side(Decimal(8)), side(Decimal(8))))
    assert "on what is priced on both sides" not in same
