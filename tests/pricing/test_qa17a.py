"""Pricing defects QA17a reproduced: a serverless SageMaker variant dropping the endpoint's cost at
max capacity; Auto Scaling groups whose capacity is in vCPUs or MiB (``desired_capacity_type``).

Fixtures are HCL folders under ``tests/fixtures/pricing/qa17a``; every expected number is a catalog
row × quantity worked out by hand in the test.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostedResource
from tests.pricing.helpers import PRICING_FIXTURES, priced_dir

FIXTURES = PRICING_FIXTURES / "qa17a"


def priced(case: str) -> dict[str, CostedResource]:
    return priced_dir(FIXTURES / case)


def test_serverless_shadow_variant_keeps_the_instance_max() -> None:
    got = priced("sagemaker_serverless_shadow")["aws_sagemaker_endpoint.ep"]
    # ml.g5.xlarge hosting $1.4084/h (sagemaker.csv us-east-1) x 730 = 1028.132; autoscaling max 4 -> 4112.528
    assert got.status == "partial" and got.monthly_cost == Decimal("1028.132")
    assert got.max_monthly_cost == Decimal("4112.528")
    serverless = [c for c in got.components if c.name == "Serverless inference (shadow variant shadow)"]
    assert serverless and serverless[0].monthly_cost is None
    assert "instance variants only" in got.reason and "shadow variant shadow" in got.reason
    assert got.to_json()["max_monthly_cost"] == "4112.528"  # the JSON key is back


def test_an_all_serverless_endpoint_has_no_max() -> None:
    got = priced("sagemaker_all_serverless")["aws_sagemaker_endpoint.ep"]
    assert got.status == "unpriced" and got.max_monthly_cost is None
    assert got.reason == "no SageMaker serverless inference price in the catalog"


def test_vcpu_capacity_is_not_counted_as_instances() -> None:
    got = priced("asg_vcpu")["aws_autoscaling_group.abis"]
    assert got.status == "unpriced" and got.monthly_cost is None and got.max_monthly_cost is None
    assert got.reason.startswith('desired_capacity_type is "vcpu": desired/min/max capacity are vCPUs, not instances')


def test_memory_capacity_is_unpriced_even_with_named_types() -> None:
    got = priced("asg_memory_mib")["aws_autoscaling_group.mem"]
    assert got.status == "unpriced" and got.max_monthly_cost is None
    assert "MiB of memory, not instances" in got.reason and "no per-type vCPU/memory facts" in got.reason


def test_instance_requirements_types_are_not_the_templates() -> None:
    got = priced("asg_requirements_units")["aws_autoscaling_group.abis"]
    assert got.status == "unpriced" and got.monthly_cost is None
    assert "chosen by AWS from the overrides' instance_requirements" in got.reason


def test_units_capacity_still_counts_instances() -> None:
    got = priced("asg_units")["aws_autoscaling_group.units"]
    # 2 x m5.large $0.096/h (ec2_ondemand.csv us-east-1) x 730 = 140.16; 2 x 20 GB gp3 x $0.08 = 3.20
    assert [c.monthly_cost for c in got.components] == [Decimal("140.160"), Decimal("3.20")]
    assert got.status == "priced" and got.max_monthly_cost == Decimal("286.720")  # 4 x (70.08 + 1.60)
