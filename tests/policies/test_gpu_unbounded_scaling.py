"""CR-GPU-003: unbounded GPU scaling, or monthly cost at max above budgets.max_exposure_usd."""

from __future__ import annotations

from estimator.config import Config
from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail_with_cost_at_max() -> None:
    findings = run("CR-GPU-003")
    assert where(findings) == {
        ("aws_autoscaling_group.fail_big_max", "main.tf:15"),
        ("aws_eks_node_group.fail_no_scaling_config", "main.tf:33"),
        ("aws_appautoscaling_target.fail_endpoint_max", "main.tf:67"),
    }
    assert_pass_fail(load("CR-GPU-003")[0], findings)
    by = {f.address: f for f in findings}
    # 20 × p4d.24xlarge at $21.957642/h × 730 h
    assert "$320,581.57" in by["aws_autoscaling_group.fail_big_max"].message
    # 10 × ml.g5.48xlarge at $20.36/h × 730 h
    assert by["aws_appautoscaling_target.fail_endpoint_max"].extra["monthly_cost_at_max"] == "148628.00"
    assert "no known bound" in by["aws_eks_node_group.fail_no_scaling_config"].message


def test_without_budget_only_unbounded_fails() -> None:
    assert where(run("CR-GPU-003", config=Config())) == {("aws_eks_node_group.fail_no_scaling_config", "main.tf:33")}


def test_pack_default_budget_when_config_sets_none() -> None:
    from policies.context import RuleContext, run_rule
    from policies.pack import load_pack
    from policies.rules import gpu_unbounded_scaling as rule
    from tests.policies.helpers import costed_for

    params = next(r.params for r in load_pack("finops-ai").rules if r.id == rule.ID)
    assert params == {"max_exposure_usd": 50000}
    project, _ = load("CR-GPU-003")
    ctx = RuleContext(resources=project.resources, costs={c.address: c for c in costed_for(project)}, config=Config())
    found = run_rule(rule, ctx, params)
    assert {f.address for f in found} == {"aws_autoscaling_group.fail_big_max", "aws_eks_node_group.fail_no_scaling_config",
                                          "aws_appautoscaling_target.fail_endpoint_max"}
    assert "the pack's max_exposure_usd $50,000.00" in next(f.message for f in found if "big_max" in f.address)


def test_an_unnamed_endpoint_is_found_through_its_target_resource_id(tmp_path) -> None:
    """``resource_id = "endpoint/${aws_sagemaker_endpoint.llm.name}/variant/primary"`` of an endpoint whose
    name AWS picks: the target still points at it (found by QA on a Terraform twin of a Pulumi program)."""
    from estimator.loaders import LoadOptions
    from estimator.loaders.terraform_hcl import load
    from estimator.pricing.engine import price_project
    from policies.engine import check_project

    (tmp_path / "main.tf").write_text("""
provider "aws" { region = "us-east-1" }
resource "aws_sagemaker_endpoint_configuration" "cfg" {
  production_variants {
    variant_name           = "primary"
    model_name             = "m"
    instance_type          = "ml.g5.12xlarge"
    initial_instance_count = 1
  }
}
resource "aws_sagemaker_endpoint" "llm" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.cfg.name
}
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.llm.name}/variant/primary"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = 1
  max_capacity       = 100
}
""")
    project = load(str(tmp_path), LoadOptions(environ={}))
    findings = check_project(project, price_project(project, None), None)
    assert [(f.rule, f.address) for f in findings if f.rule == "CR-GPU-003"] == [
        ("CR-GPU-003", "aws_appautoscaling_target.t")]


def test_only_the_scaled_variant_counts() -> None:
    """endpoint/<ep>/variant/cpu scales a CPU variant: no GPU exposure, whatever GPU variants sit next to it."""
    from decimal import Decimal

    config = Config()
    config.budgets.max_exposure_usd = Decimal(100)
    findings = run("CR-GPU-003", "CR-GPU-004-variants", config=config)
    assert [f.address for f in findings if f.address == "aws_appautoscaling_target.cpu"] == []
