"""CR-TAG-004: AI resources that cost money carry the ai_tags (after default_tags, launch template tag specs)."""

from __future__ import annotations

from estimator.config import Config
from estimator.pricing.engine import price_project
from policies.context import RuleContext, run_rule
from policies.finding import Finding
from policies.rules import BY_ID
from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-TAG-004")
    assert where(findings) == {
        ("aws_sagemaker_endpoint.fail_no_model_tag", "main.tf:23"),
        ("aws_instance.fail_gpu_untagged", "main.tf:34"),
        ("aws_instance.fail_gpu_from_template", "main.tf:54"),  # a GPU by its launch template's type
        ("aws_eks_node_group.fail_node_group_from_template", "main.tf:77"),
    }
    assert_pass_fail(load("CR-TAG-004")[0], findings)
    assert all(f.extra["missing_tags"] == ["model"] for f in findings)  # workload from default_tags


def _run_priced(rule_id: str, config: Config | None = None) -> list[Finding]:
    """The rule over QA12's stack, priced by the real pricing engine (free: model, endpoint config, template)."""
    project, found = load("CR-TAG-004-costed")
    costs = {c.address: c for c in price_project(project, None)}
    assert {a for a, c in costs.items() if c.status == "free"} == {
        "aws_sagemaker_model.llm", "aws_sagemaker_endpoint_configuration.rt", "aws_launch_template.ng"}
    ctx = RuleContext(resources=project.resources, costs=costs, config=config or found, project=project.path)
    return run_rule(BY_ID[rule_id], ctx)


def test_free_resources_are_not_judged() -> None:
    """The tagged endpoint and the node group whose template tags its instances pass; the free ones are not
    judged (found by QA12: the model, endpoint configuration and launch template were flagged)."""
    assert _run_priced("CR-TAG-004") == []


def test_scope_all_judges_free_resources_too() -> None:
    flagged = {f.address for f in _run_priced("CR-TAG-004", Config(required_tags_scope="all"))}
    assert flagged == {"aws_sagemaker_model.llm", "aws_sagemaker_endpoint_configuration.rt",
                       "aws_launch_template.ng"}


def test_bud001_anchors_on_gpu_spend() -> None:
    """CR-BUD-001 lists and anchors on resources that cost money: the endpoint (GPU by its configuration) and
    the node group (GPU by its launch template), not the free configuration or template."""
    (finding,) = _run_priced("CR-BUD-001")
    assert finding.address == "aws_eks_node_group.inf"
    assert finding.location is not None and finding.location.line == 38
    assert finding.extra["gpu_resources"] == ["aws_eks_node_group.inf", "aws_sagemaker_endpoint.rt"]
