"""The diff engine on two saved costrail/v1 reports (fixtures), and its JSON form."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import diff as diffing
from estimator.cost_model import CostComponent, CostedResource
from estimator.errors import InputError
from estimator.model import Location, Resource, Tag
from estimator.pipeline import ProjectResult, ProjectSpec
from policies.finding import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"


def load(name: str) -> list[diffing.ProjectCost]:
    return diffing.projects_from_json(json.loads((FIXTURES / name).read_text()), name)


@pytest.fixture
def change() -> diffing.CostDiff:
    return diffing.compute_diff(load("base.json"), load("head.json"))


def test_totals_and_percent(change: diffing.CostDiff) -> None:
    assert change.base_cost == Decimal("1907.37")
    assert change.head_cost == Decimal("3031.31")
    assert change.delta == Decimal("1123.94")
    assert change.percent is not None
    assert change.percent.quantize(Decimal("0.01")) == Decimal("58.93")


def test_projects_only_in_one_side(change: diffing.CostDiff) -> None:
    presence = {p.path: (p.presence, p.base_cost, p.head_cost) for p in change.projects}
    assert presence == {
        "stacks/rag": ("both", Decimal("1846.63"), Decimal("2729.09")),
        "stacks/batch": ("added", Decimal(0), Decimal("302.22")),
        "stacks/old": ("removed", Decimal("60.74"), Decimal(0)),
    }
    assert [p.path for p in change.projects] == ["stacks/rag", "stacks/batch", "stacks/old"]


def test_resource_changes_largest_first_unknown_last(change: diffing.CostDiff) -> None:
    rag = change.projects[0]
    assert [(r.address, r.change, r.delta) for r in rag.resources] == [
        ("aws_instance.gpu_extra", "added", Decimal("734.38")),
        ("aws_instance.gpu", "changed", Decimal("150.38")),
        ("aws_s3_bucket.legacy", "removed", Decimal("-2.30")),
        ("aws_bedrock_custom_model.tuned", "added", None),  # unpriced: unknown, never $0
    ]
    # Unchanged resources (nat gateway, sagemaker, an unsupported IAM role on both sides) are not listed.
    assert {r.address for r in change.resources} == {
        "aws_instance.gpu_extra",
        "aws_instance.gpu",
        "aws_s3_bucket.legacy",
        "aws_bedrock_custom_model.tuned",
        "aws_instance.batch[0]",
        "aws_db_instance.old",
    }


def test_an_added_or_removed_unsupported_resource_is_a_change_of_unknown_cost() -> None:
    """costrail cannot price a MemoryDB cluster yet, but it costs money: adding one is never "no change"
    (QA16b: it appeared nowhere, and the comment said the cost will not change)."""
    base_doc = json.loads((FIXTURES / "base.json").read_text())
    head_doc = json.loads((FIXTURES / "head.json").read_text())
    head_doc["projects"][0]["unsupported"].append({"address": "aws_memorydb_cluster.cache", "type": "aws_memorydb_cluster"})
    change = diffing.compute_diff(diffing.projects_from_json(base_doc, "b"), diffing.projects_from_json(head_doc, "h"))
    added = next(r for r in change.resources if r.address == "aws_memorydb_cluster.cache")
    assert (added.change, added.delta, added.unpriced_sides) == ("added", None, ["head"])
    assert added in change.unpriced_changes
    assert "aws_iam_role.gpu" not in {r.address for r in change.resources}  # unsupported on both sides: unchanged
    assert change.delta == Decimal("1123.94")  # the known part of the change is unchanged
    removed = diffing.compute_diff(diffing.projects_from_json(head_doc, "h"), diffing.projects_from_json(base_doc, "b"))
    gone = next(r for r in removed.resources if r.address == "aws_memorydb_cluster.cache")
    assert (gone.change, gone.delta) == ("removed", None)


def test_component_before_after(change: diffing.CostDiff) -> None:
    gpu = next(r for r in change.resources if r.address == "aws_instance.gpu")
    # The storage line did not change and is dropped; the renamed instance line is one changed line.
    assert [(c.name, c.base_cost, c.head_cost, c.delta) for c in gpu.components] == [
        ("Instance usage (Linux/UNIX, on-demand, g5.2xlarge)", Decimal("734.38"), Decimal("884.76"), Decimal("150.38")),
    ]
    assert gpu.components[0].to_json()["base_name"] == "Instance usage (Linux/UNIX, on-demand, g5.xlarge)"


def test_components_added_and_removed_when_not_a_rename() -> None:
    def res(*lines: tuple[str, str]) -> diffing.ResourceCost:
        comps = [diffing.ComponentCost(n, u, Decimal(1), Decimal(1), Decimal(1)) for n, u in lines]
        return diffing.ResourceCost("a", "t", Decimal(len(comps)), "priced", comps)

    deltas = diffing.diff_components(res(("Storage (gp2)", "GB"), ("IOPS", "IOPS")), res(("Storage (gp3)", "GB-month")))
    assert [(c.name, c.base is None, c.head is None) for c in deltas] == [
        ("Storage (gp3)", True, False),
        ("Storage (gp2)", False, True),
        ("IOPS", False, True),
    ]


def test_findings_new_existing_resolved(change: diffing.CostDiff) -> None:
    assert [(f.rule, f.address) for f in change.new_findings] == [
        ("CR-TAG-001", "aws_instance.gpu_extra"),
        ("CR-EBS-001", "aws_instance.gpu"),
        ("CR-GPU-002", "aws_instance.batch[0]"),
    ]
    assert [(f.rule, f.address) for f in change.existing_findings] == [
        ("CR-GPU-005", "aws_sagemaker_endpoint.advisor")
    ]
    assert [(f.rule, f.address) for f in change.resolved_findings] == [("CR-TAG-001", "aws_s3_bucket.legacy")]


def test_json_contract_keys(change: diffing.CostDiff) -> None:
    data = change.to_json()
    assert (data["base_monthly_cost"], data["head_monthly_cost"], data["delta_monthly_cost"]) == (
        "1907.37",
        "3031.31",
        "1123.94",
    )
    assert data["delta_percent"] == "58.93"
    first = data["resources"][0]
    assert {"address", "change", "base_monthly_cost", "head_monthly_cost", "delta_monthly_cost"} <= set(first)
    assert first == {
        **first,
        "address": "aws_instance.gpu_extra",
        "change": "added",
        "base_monthly_cost": "0.00",
        "head_monthly_cost": "734.38",
        "delta_monthly_cost": "734.38",
    }
    unpriced = next(r for r in data["resources"] if r["address"] == "aws_bedrock_custom_model.tuned")
    assert unpriced["head_monthly_cost"] is None and unpriced["delta_monthly_cost"] is None
    assert [f["rule"] for f in data["findings"]["resolved"]] == ["CR-TAG-001"]
    assert json.loads(json.dumps(data)) == data  # plain JSON, money as strings


def test_identical_sides_have_no_changes() -> None:
    change = diffing.compute_diff(load("head.json"), load("head.json"))
    assert change.delta == 0 and change.resources == [] and not change.has_changes
    assert change.new_findings == [] and change.resolved_findings == [] and len(change.existing_findings) == 4


def test_single_projects_with_different_paths_are_the_same_project() -> None:
    base = load("head.json")[:1]
    head = load("head.json")[:1]
    base[0].path = "/ci/checkout/stacks/rag"
    change = diffing.compute_diff(base, head)
    assert [p.presence for p in change.projects] == ["both"]
    assert change.resources == []


def test_not_a_costrail_report() -> None:
    with pytest.raises(InputError, match="not a costrail/v1 JSON report"):
        diffing.projects_from_json({"schema": "other"}, "x.json")
    with pytest.raises(InputError, match=r"resources\[0\]: not a decimal"):
        diffing.projects_from_json(
            {"schema": "costrail/v1", "projects": [{"path": "p", "resources": [{"address": "a", "monthly_cost": "x"}]}]},
            "x.json",
        )


def test_snapshot_of_a_pipeline_result_matches_its_json() -> None:
    """The two ways a side is read (pipeline result, saved JSON) give the same snapshot."""
    from estimator.model import Project
    from estimator.report.json_report import report_json

    resource = Resource(
        address="aws_instance.gpu",
        type="aws_instance",
        name="gpu",
        tags={"team": Tag("ml")},
        location=Location("main.tf", 3),
    )
    costed = CostedResource(
        resource,
        [CostComponent("Instance usage (g5.xlarge)", "hours", Decimal(730), Decimal("1.006"))],
        monthly_requests=Decimal(1000000),
    )
    finding = Finding("CR-TAG-001", "high", "mandatory", "aws_instance.gpu", "missing tags", Location("main.tf", 3))
    result = ProjectResult(
        spec=ProjectSpec(path="stacks/x"),
        project=Project(path="stacks/x", source="terraform-hcl", resources=[resource]),
        costed=[costed],
        findings=[finding],
    )
    from_result = diffing.project_from_result(result)
    from_json = diffing.projects_from_json(json.loads(json.dumps(report_json([result]), default=str)), "r.json")[0]
    assert from_result.resources == from_json.resources
    assert from_result.monthly_cost == from_json.monthly_cost == Decimal("734.38")
    assert [f.key for f in from_result.findings] == [f.key for f in from_json.findings] == [
        ("stacks/x", "CR-TAG-001", "aws_instance.gpu")
    ]
    assert from_result.resources["aws_instance.gpu"].cost_per_1k_requests == Decimal("0.73438")


def test_free_resources_are_not_cost_changes() -> None:
    base = load("head.json")[:1]
    head = load("head.json")[:1]
    head[0].resources["aws_route_table.private"] = diffing.ResourceCost("aws_route_table.private", "aws_route_table", Decimal(0), "free")
    base[0].resources["aws_subnet.old"] = diffing.ResourceCost("aws_subnet.old", "aws_subnet", Decimal(0), "free")
    assert diffing.compute_diff(base, head).resources == []


def _instance(address: str, hours_cost: str | None, root_cost: str | None) -> diffing.ResourceCost:
    """An instance whose root volume line misses a price when ``root_cost`` is None (size unknown)."""
    lines = [diffing.ComponentCost("Instance usage (p4d.24xlarge)", "hours", Decimal(730),
                                   Decimal("21.957642"), Decimal(hours_cost) if hours_cost else None),
             diffing.ComponentCost("Root volume", "GB", None if root_cost is None else Decimal(8), Decimal("0.08"),
                                   Decimal(root_cost) if root_cost else None)]
    priced = [c.monthly_cost for c in lines if c.monthly_cost is not None]
    full = all(c.monthly_cost is not None for c in lines)
    return diffing.ResourceCost(address, "aws_instance", sum(priced, Decimal(0)) if priced else None,
                                "priced" if full else ("partial" if priced else "unpriced"), lines)


def _project(*resources: diffing.ResourceCost) -> list[diffing.ProjectCost]:
    total = sum((r.monthly_cost or Decimal(0) for r in resources), Decimal(0))
    return [diffing.ProjectCost("app", "terraform-hcl", total, {r.address: r for r in resources})]


def test_partly_priced_additions_count_their_priced_lines() -> None:
    """40 new GPU instances whose root volume size is unknown still add their instance hours:
    the budget gate must see them (it saw $0.00)."""
    base = _project(_instance("aws_instance.w[0]", "16029.08", None))
    head = _project(*(_instance(f"aws_instance.w[{i}]", "16029.08", None) for i in range(40)))
    change = diffing.compute_diff(base, head)
    assert change.delta == Decimal("16029.08") * 39
    added = [r for r in change.resources if r.change == "added"]
    assert len(added) == 39 and all(r.partial and r.delta == Decimal("16029.08") for r in added)
    assert len(change.unpriced_changes) == 39  # and they are still reported as not fully priced
    assert change.to_json()["delta_monthly_cost"] == "625134.12"


def test_a_line_priced_on_one_side_only_is_never_a_saving() -> None:
    """Base knows the root volume ($0.64), head does not: the head's hours change counts, the
    volume line is left out instead of reading as a -$0.64 saving."""
    base = _project(_instance("aws_instance.w", "16029.08", "0.64"))
    head = _project(_instance("aws_instance.w", "16100.00", None))
    (r,) = diffing.compute_diff(base, head).resources
    assert r.partial and r.delta == Decimal("70.92")
    assert diffing.compute_diff(base, head).delta == Decimal("70.92")


def test_a_side_with_no_price_at_all_keeps_the_change_unknown() -> None:
    base = _project(_instance("aws_instance.w", "16029.08", "0.64"))
    head = _project(_instance("aws_instance.w", None, None))
    change = diffing.compute_diff(base, head)
    (r,) = change.resources
    assert r.delta is None and not r.partial
    assert change.delta == 0 and change.unpriced_changes == [r]


def _bucket(address: str) -> diffing.ResourceCost:
    """An S3 bucket with no usage file: every line waits for usage (the pricing engine calls it unpriced)."""
    lines = [diffing.ComponentCost("Standard / Storage", "GB", None, Decimal("0.023"), None, usage_based=True),
             diffing.ComponentCost("GET requests", "1k requests", None, Decimal("0.0004"), None, usage_based=True)]
    return diffing.ResourceCost(address, "aws_s3_bucket", None, "unpriced", lines, reason="depends on usage")


def test_a_resource_priced_only_by_usage_misses_no_price() -> None:
    """Adding a bucket with no usage given changes the known cost by $0 and is not a missing price
    (it was counted among the resources that "miss a price")."""
    base = _project(_instance("aws_instance.w", "16029.08", "0.64"))
    head = _project(_instance("aws_instance.w", "16029.08", "0.64"), _bucket("aws_s3_bucket.b"))
    change = diffing.compute_diff(base, head)
    (r,) = change.resources
    assert r.change == "added" and r.delta == 0 and r.head_cost == 0 and not r.partial
    assert change.unpriced_changes == [] and change.delta == 0
    from estimator.report.diff_table import render_table
    from estimator.report.pr_comment import render_comment

    comment = render_comment(change)
    assert "| + | `aws_s3_bucket.b` | $0.00 | usage-based | $0.00 |" in comment
    assert "| | ↳ Standard / Storage | – | usage-based | usage-based |" in comment
    assert "miss a price" not in render_table(change)


def test_a_count_that_becomes_known_only_after_apply_is_an_unknown_change_not_a_removal() -> None:
    """Base x[0], x[1]; head only the stand-in x[*] (count known after apply): x[0]/x[1] did not go
    away, their change is unknown and left out, so the budget still sees the real change of y (found
    by QA11: "-$32,058.16", and a +$3,356.25 change passed a $500 budget)."""
    x0, x1 = _instance("aws_instance.x[0]", "16029.08", "0.64"), _instance("aws_instance.x[1]", "16029.08", "0.64")
    y_base, y_head = _instance("aws_instance.y", "7.59", "0.64"), _instance("aws_instance.y", "3363.84", "0.64")
    stand_in = diffing.ResourceCost("aws_instance.x[*]", "aws_instance", None, "unpriced", [],
                                    reason="count is known only after apply")
    change = diffing.compute_diff(_project(x0, x1, y_base), _project(stand_in, y_head))
    by = {r.address: r for r in change.resources}
    for address in ("aws_instance.x[0]", "aws_instance.x[1]"):
        assert by[address].change == "removed" and by[address].count_unknown_on == "head"
        assert by[address].delta is None and by[address].head_cost is None
    assert change.delta == Decimal("3356.25")
    from estimator.config import Config

    config = Config()
    config.budgets.monthly_increase_usd = Decimal(500)
    diffing.apply_budget(change, config)
    assert change.budget_exceeded


def test_an_old_report_without_policies_checked_is_checked_only_if_it_holds_findings() -> None:
    """Saved before the key existed: empty findings cannot tell "none found" from "not checked" (QA11)."""
    doc = json.loads((FIXTURES / "base.json").read_text())
    doc.pop("policies_checked", None)
    assert doc["findings"]
    assert all(p.findings_checked for p in diffing.projects_from_json(doc, "old-check.json"))
    doc["findings"] = []
    assert not any(p.findings_checked for p in diffing.projects_from_json(doc, "old-breakdown.json"))


def test_usage_no_longer_given_is_not_a_saving() -> None:
    """Base priced the bucket's storage from the usage file, head has no usage for it: never a -$230
    saving (QA11), nor a $0 change (QA15: all that changed is that line): unknown, left out of the totals;
    the usage-only side is null in JSON as in breakdown."""
    base_b = diffing.ResourceCost("aws_s3_bucket.b", "aws_s3_bucket", Decimal("230"), "priced", [
        diffing.ComponentCost("Standard / Storage", "GB", Decimal(10000), Decimal("0.023"), Decimal("230"),
                              usage_based=True)])
    head_b = _bucket("aws_s3_bucket.b")
    (r,) = diffing.compute_diff(_project(base_b), _project(head_b)).resources
    assert r.delta is None and r.unpriced_sides == ["head"]
    doc = r.to_json()
    assert doc["head_monthly_cost"] is None and doc["base_monthly_cost"] == "230.00"


def test_a_pulumi_resource_renamed_by_a_new_sibling_is_unchanged() -> None:
    """``chat`` becomes ``chat:aws_lambda_function`` when a log group named ``chat`` is added: the same
    resource, not a removal and an addition, and its finding stays existing (found by QA13)."""
    def side(*resources: tuple[str, str, str]) -> diffing.ProjectCost:
        res = {a: diffing.ResourceCost(a, t, Decimal(cost), "priced") for a, t, cost in resources}
        findings = [Finding("CR-TAG-001", "high", "mandatory", a, "missing tags", project="p")
                    for a, t, _ in resources if t == "aws_lambda_function"]
        return diffing.ProjectCost("p", "pulumi-program", sum((r.monthly_cost for r in res.values()), Decimal(0)),
                                   res, findings)

    base = side(("chat", "aws_lambda_function", "5"))
    head = side(("chat:aws_lambda_function", "aws_lambda_function", "5"),
                ("chat:aws_cloudwatch_log_group", "aws_cloudwatch_log_group", "1"))
    change = diffing.compute_diff([base], [head])
    assert [(r.address, r.change) for r in change.resources] == [("chat:aws_cloudwatch_log_group", "added")]
    assert [f.address for f in change.existing_findings] == ["chat:aws_lambda_function"]
    assert change.new_findings == [] and change.resolved_findings == []


def test_a_stack_finding_whose_anchor_moves_is_existing() -> None:
    """CR-BUD-001 is one finding per stack: a GPU resource added below its anchor's address moves the anchor,
    which is no new finding and nothing resolved; a saved base keeps what makes it stack-level (QA14)."""
    def bud(address: str, listed: list[str]) -> Finding:
        return Finding("CR-BUD-001", "medium", "advisory", address, "no budget", project="p",
                       extra={"gpu_resources": listed})

    base_finding = bud("aws_instance.serve", ["aws_instance.serve"])
    saved = diffing.projects_from_json({"schema": "costrail/v1", "projects": [
        {"path": "p", "monthly_cost": "1", "resources": []}], "findings": [base_finding.to_json()]}, "base.json")
    for base_findings in ([base_finding], saved[0].findings):
        base = diffing.ProjectCost("p", "terraform-hcl", Decimal(1), {}, list(base_findings))
        head = diffing.ProjectCost("p", "terraform-hcl", Decimal(1), {},
                                   [bud("aws_instance.embed", ["aws_instance.embed", "aws_instance.serve"])])
        change = diffing.compute_diff([base], [head])
        assert ([f.address for f in change.existing_findings], change.new_findings, change.resolved_findings) == (
            ["aws_instance.embed"], [], [])


def test_llm_spend_stays_on_a_project_of_both_sides_even_one_broken_in_the_head() -> None:
    """Head a broken, b new: the spend stays on a (out of the comparison), not handed to b as an
    increase that fails its budget (found by QA14)."""
    def spend() -> dict[str, diffing.ResourceCost]:
        return {"llm_usage[0]": diffing.ResourceCost("llm_usage[0]", "bedrock_llm_usage", Decimal(1000), "priced")}

    base_a = diffing.ProjectCost("a", "terraform-hcl", Decimal(1008), spend())
    head_a = diffing.ProjectCost("a", "terraform-hcl", Decimal(0), {}, failed=True)
    head_b = diffing.ProjectCost("b", "terraform-hcl", Decimal(1008), spend())  # the pipeline's heir
    diffing.place_llm_spend([base_a], [head_a, head_b], [["a", "b"]])
    assert (head_b.monthly_cost, list(head_b.resources)) == (Decimal(8), [])
    assert list(head_a.resources) == ["llm_usage[0]"] and list(base_a.resources) == ["llm_usage[0]"]


def test_usage_first_given_is_an_unknown_change_not_zero() -> None:
    """Base gives no duration, head does: the only changed line is priced on one side, so the change is
    unknown (counted as such in the comment's state), never "$0.00, will not change" (found by QA15)."""
    waiting = diffing.ComponentCost("Duration", "GB-seconds", None, Decimal("0.0000166667"), None, usage_based=True)
    given = diffing.ComponentCost("Duration", "GB-seconds", Decimal(7500000), Decimal("0.0000166667"),
                                  Decimal("125"), usage_based=True)
    requests = diffing.ComponentCost("Requests", "1M requests", Decimal(1), Decimal("0.2"), Decimal("0.2"))
    base_f = diffing.ResourceCost("aws_lambda_function.fn", "aws_lambda_function", Decimal("0.2"), "priced",
                                  [requests, waiting])
    head_f = diffing.ResourceCost("aws_lambda_function.fn", "aws_lambda_function", Decimal("125.2"), "priced",
                                  [requests, given])
    (r,) = diffing.compute_diff(_project(base_f), _project(head_f)).resources
    assert r.delta is None and r.unpriced_sides == ["base"]


def test_lines_of_one_name_are_each_compared_with_their_own_counterpart() -> None:
    """A mixed ASG bills its on-demand and its spot volumes under one name: both changes are shown,
    and the line deltas add up to the resource's (QA17a: the second line was lost)."""
    def group(gb_cost: str) -> diffing.ResourceCost:
        storage = diffing.ComponentCost("Storage (gp3)", "GB", Decimal(100), Decimal("0.08"), Decimal(gb_cost),
                                        group="block_device_mappings[0]")
        return diffing.ResourceCost("aws_autoscaling_group.g", "aws_autoscaling_group", Decimal(gb_cost) * 2,
                                    "priced", components=[storage, storage])
    lines = diffing.diff_components(group("8"), group("16"))
    assert [(c.base_cost, c.head_cost) for c in lines] == [(Decimal(8), Decimal(16))] * 2
    assert sum(c.delta for c in lines) == Decimal(16)


def test_a_line_whose_resource_lost_its_price_is_unknown_never_a_saving() -> None:
    """The head's instance type became unknown: the resource has no lines; its base line's counterpart is
    unknown, not $0 with a -$734.38 delta (QA21a)."""
    hours = diffing.ComponentCost("Instance usage (g5.xlarge)", "hours", Decimal(730), Decimal("1.006"),
                                  Decimal("734.38"))
    base = diffing.ResourceCost("aws_instance.w", "aws_instance", Decimal("734.38"), "priced", components=[hours])
    head = diffing.ResourceCost("aws_instance.w", "aws_instance", None, "unpriced", reason="instance_type unknown")
    (line,) = diffing.diff_components(base, head)
    assert (line.base_cost, line.head_cost, line.delta) == (Decimal("734.38"), None, None)
    assert line.to_json()["head_monthly_cost"] is None
