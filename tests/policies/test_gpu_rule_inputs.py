"""GPU rules: a SageMaker shadow variant runs (and is billed) like a production one; defaults named by kind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.config import Config
from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project
from policies.engine import check_project
from policies.prices import instance_hourly
from tests.conftest import FIXTURES
from tests.policies.helpers import POLICY_FIXTURES


def test_a_shadow_variants_oversized_gpu_default_is_found() -> None:
    project = load_project(str(POLICY_FIXTURES / "shadow-variant"), LoadOptions(environ={}))
    findings = check_project(project, price_project(project, None), Config())
    (gpu001,) = [f for f in findings if f.rule == "CR-GPU-001"]
    assert "ml.p4d.24xlarge" in gpu001.message and "shadow_production_variants" in gpu001.message
    assert gpu001.location is not None and gpu001.location.line == 8
    assert any(f.rule == "CR-BUD-001" for f in findings)  # the shadow's GPUs are GPU spend too


def test_a_pulumi_yaml_default_is_named_so_in_cr_gpu_001() -> None:
    from tests.pulumi.test_qa16c import PROGRAMS

    project = load_project(str(PROGRAMS / "qa16c_yaml_default"), LoadOptions(stack="dev"))
    findings = check_project(project, price_project(project, None), Config())
    (default,) = [f for f in findings if f.rule == "CR-GPU-001" and f.location and f.location.file == "Pulumi.yaml"]
    assert default.message.startswith("Pulumi.yaml default of config:instanceType is p4d.24xlarge")


def _findings(fixture: Path, config: Config) -> list:
    project = load_project(str(fixture), LoadOptions(environ={}))
    return check_project(project, price_project(project, None), config)


def test_the_hourly_price_is_one_instances_not_the_sum_of_the_bill_lines() -> None:
    """An ASG's on-demand and spot lines of g5.xlarge are two instances at $1.006/h, not one at $2.012/h:
    gpu.max_hourly_usd 1.5 is not exceeded (QA17b: a false mandatory CR-GPU-001)."""
    config = Config()
    config.gpu.max_hourly_usd = {"default": Decimal("1.5")}
    assert not [f for f in _findings(POLICY_FIXTURES / "asg-mixed-hourly", config) if f.rule == "CR-GPU-001"]
    config.gpu.max_hourly_usd = {"default": Decimal("1.0")}
    (over,) = [f for f in _findings(POLICY_FIXTURES / "asg-mixed-hourly", config) if f.rule == "CR-GPU-001"]
    assert "$1.006/hour is above gpu.max_hourly_usd" in over.message


def test_a_saving_counts_every_instance_running() -> None:
    """2 × ml.p3.2xlarge on a shadow variant: CR-GPU-005 saves the difference twice (QA17a)."""
    (finding,) = [f for f in _findings(POLICY_FIXTURES / "variant-count", Config())
                  if f.rule == "CR-GPU-005" and "shadow" in f.message]
    one = instance_hourly("ml.p3.2xlarge", "us-east-1") - instance_hourly(finding.extra["suggestion"], "us-east-1")
    assert finding.monthly_saving == one * 730 * 2


def test_a_weighted_groups_max_is_said_in_capacity_units_and_instances() -> None:
    config = Config()
    config.budgets.max_exposure_usd = Decimal(1000)
    messages = {f.address: f.message for f in _findings(FIXTURES / "pricing" / "qa16b_compute" / "asg_weighted", config)
                if f.rule == "CR-GPU-003"}
    assert "at max_size = 64 capacity units (4 × g5.4xlarge at weight 16)" in messages["aws_autoscaling_group.weighted"]
    assert "20 capacity units (3 × g5.xlarge at weight 8)" in messages["aws_autoscaling_group.rounded"]


def test_cpu_scaling_written_as_metric_math_is_cpu_scaling() -> None:
    """``customized_metric_specification { metrics { metric_stat { metric { metric_name = "CPUUtilization" }}}}``
    scales a GPU variant on CPU as the plain form does (QA19a: CR-GPU-004 missed it)."""
    (finding,) = [f for f in _findings(POLICY_FIXTURES / "CR-GPU-004-math", Config()) if f.rule == "CR-GPU-004"]
    assert finding.address == "aws_appautoscaling_policy.math_cpu"


def test_a_spot_node_groups_max_names_the_dearest_type_it_is_priced_at() -> None:
    """SPOT with g5.xlarge and g5.12xlarge is bounded by g5.12xlarge: CR-GPU-003's message names it, as the
    amount already does (QA19a)."""
    config = Config()
    config.budgets.max_exposure_usd = Decimal(50000)
    (finding,) = [f for f in _findings(FIXTURES / "pricing" / "qa19a" / "spot_eks", config) if f.rule == "CR-GPU-003"]
    assert "× g5.12xlarge" in finding.message


def test_a_mixed_groups_max_message_says_how_its_amount_is_made() -> None:
    """An on-demand base of the first type and a spot share bounded by the dearest override: the message
    says so, not "N × one type", which would not multiply to the amount (QA21a)."""
    config = Config()
    config.budgets.max_exposure_usd = Decimal(1000)
    (finding,) = [f for f in _findings(POLICY_FIXTURES / "CR-GPU-003-mixed", config) if f.rule == "CR-GPU-003"]
    assert "(on-demand base and spot share, the spot share bounded by its dearest override's whole instances)" \
        in finding.message
