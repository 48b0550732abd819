"""What a total leaves out is said. A usage-based line whose price is missing is a missing price, whatever
the usage file gives: the table says why it is not priced and counts it in "(+ N not priced)", and the JSON
does not call it usage-based (QA17a: an INFREQUENT_ACCESS log group read as only waiting for usage).
Modules not installed are counted too (QA19b)."""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostComponent, CostedResource
from estimator.model import Resource
from estimator.pipeline import ProjectResult, ProjectSpec
from estimator.report.json_report import project_json
from estimator.report.table import not_priced_note, summary_lines

NO_RATE = CostComponent("Data ingested (INFREQUENT_ACCESS)", "GB", Decimal(1000), None, usage_based=True,
                        unpriced_reason="no price for CloudWatch Logs INFREQUENT_ACCESS ingestion in the catalog")
WAITING = CostComponent("Insights queries data scanned", "GB", None, Decimal("0.005"), usage_based=True,
                        unpriced_reason="depends on usage: $0.005 per GB")
PRICED = CostComponent("Archival Storage", "GB", Decimal(100), Decimal("0.03"), usage_based=True)


def _log_group(*lines: CostComponent) -> CostedResource:
    res = Resource("aws_cloudwatch_log_group.lg", "aws_cloudwatch_log_group", "lg")
    return CostedResource(resource=res, components=list(lines), status="partial", reason="; ".join(
        c.unpriced_reason for c in lines if c.unpriced_reason))


def test_the_line_kinds() -> None:
    assert NO_RATE.missing_price and not NO_RATE.waits_for_usage
    assert WAITING.waits_for_usage and not WAITING.missing_price
    assert not PRICED.missing_price and not PRICED.waits_for_usage


def test_a_usage_line_without_a_rate_is_left_out_of_the_total_and_said_so() -> None:
    costed = _log_group(NO_RATE, PRICED, WAITING)
    assert not_priced_note([costed]) == " (+ 1 not priced)"
    assert any(line.startswith("  partly priced: aws_cloudwatch_log_group.lg: no price for CloudWatch Logs")
               for line in summary_lines([costed]))
    result = ProjectResult(ProjectSpec("p"), None, costed=[costed])
    (entry,) = project_json(result)["unpriced"]
    assert "usage_based" not in entry


def test_a_usage_line_only_waiting_for_usage_is_not_a_missing_price() -> None:
    costed = _log_group(PRICED, WAITING)
    assert not_priced_note([costed]) == ""
    (entry,) = project_json(ProjectResult(ProjectSpec("p"), None, costed=[costed]))["unpriced"]
    assert entry["usage_based"] is True


def test_a_total_says_how_many_modules_were_not_installed() -> None:
    """Registry or git modules not downloaded are not read: the total says so (QA19b: a plain $3.65)."""
    from estimator.model import Project
    from estimator.report.table import overall_total, project_total

    project = Project(path="p", source="terraform-hcl", unresolved_modules=["module.vpc", "module.eks"])
    result = ProjectResult(ProjectSpec("p"), project, costed=[])
    assert project_total(result) == "$0.00 (+ 2 modules not installed)"
    assert overall_total([result])[1] == "$0.00 (+ 2 modules not installed)"
