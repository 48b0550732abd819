"""Compute pricing defects QA16b reproduced: weighted ASGs, ECS default strategies, Fargate spot/ARM,
templates without disks, EC2 tenancy/credits/spot max price, spot instance requests.

Fixtures are HCL folders under ``tests/fixtures/pricing/qa16b_compute``; every expected number is
a catalog row × quantity worked out by hand in the test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from estimator.cost_model import CostedResource
from estimator.pricing.engine import price_project
from estimator.resources.aws import eks
from tests.pricing.helpers import PRICING_FIXTURES, priced_dir

FIXTURES = PRICING_FIXTURES / "qa16b_compute"


def priced(case: str) -> dict[str, CostedResource]:
    return priced_dir(FIXTURES / case)


def test_weighted_capacity_counts_whole_instances_of_the_first_override() -> None:
    got = priced("asg_weighted")["aws_autoscaling_group.weighted"]
    inst = got.components[0]
    # 16 units / weight 16 = 1 x g5.4xlarge: 1.624 x 730 = 1185.52 (ec2_ondemand.csv us-east-1 g5.4xlarge)
    assert inst.quantity == Decimal(730) and inst.unit_price == Decimal("1.624")
    assert inst.monthly_cost == Decimal("1185.520")
    assert "g5.4xlarge" in inst.name and "weight 16" in inst.name and "first override" in inst.name
    # the template's 100 GB gp2 disk, on 1 instance: 100 x 0.10
    disk = got.components[1]
    assert disk.quantity == Decimal(100)
    # max 64 units / 16 = 4 instances: 4 x 1185.52 + 4 x 10.00
    assert got.max_monthly_cost == Decimal("4742.080") + Decimal("40.00")


def test_weighted_capacity_rounds_up_and_splits_units_on_demand_and_spot() -> None:
    got = priced("asg_weighted")["aws_autoscaling_group.rounded"]
    inst = [c for c in got.components if c.name.startswith("Instance usage")]
    # base 8 units on-demand = 1 instance; the other 12 units spot = ceil(12/8) = 2 instances
    assert [(c.quantity, "spot" in c.name) for c in inst] == [(Decimal(730), False), (Decimal(1460), True)]
    assert all("weight 8" in c.name and "first override" not in c.name for c in inst)  # one weight: no mix
    assert inst[0].monthly_cost == Decimal("734.380")  # 1.006 x 730


def test_ecs_service_without_launch_type_uses_the_cluster_default_strategy() -> None:
    got = priced("ecs_default_strategy")
    fargate = got["aws_ecs_service.on_fargate_default"]
    # 4 tasks x 1 vCPU x 0.04048 x 730 + 4 x 2 GB x 0.004445 x 730 (aws_services_us_east_1.csv Fargate rows)
    assert fargate.status == "priced"
    assert [c.monthly_cost for c in fargate.components] == [Decimal("118.2016"), Decimal("25.95880")]
    assert fargate.monthly_cost is not None and round(fargate.monthly_cost, 2) == Decimal("144.16")
    assert got["aws_ecs_service.on_ec2_default"].status == "free"
    assert got["aws_ecs_service.on_bare"].status == "free"
    elsewhere = got["aws_ecs_service.elsewhere"]
    assert elsewhere.status == "unpriced" and elsewhere.monthly_cost is None
    assert "default capacity provider strategy" in (elsewhere.reason or "")


def test_fargate_spot_and_arm64_show_the_on_demand_x86_rate_as_a_labelled_upper_bound() -> None:
    got = priced("ecs_spot_arm")
    spot = got["aws_ecs_service.spot"].components
    # 4 x 0.5 vCPU x 0.04048 x 730; the catalog has no Fargate Spot row: on-demand as the upper bound
    assert spot[0].unit_price == Decimal("0.04048") and spot[0].monthly_cost == Decimal("59.10080")
    assert all("FARGATE_SPOT: on-demand upper bound" in c.name for c in spot)
    arm = got["aws_ecs_service.arm"].components
    assert arm[1].unit_price == Decimal("0.004445") and arm[1].quantity == Decimal(2920)  # 2 x 2 GB x 730
    assert all("ARM64: x86 upper bound" in c.name for c in arm)
    assert not any("upper bound" in c.name for c in got["aws_ecs_service.plain"].components)


def test_template_without_block_devices_has_an_unpriced_root_volume_like_an_instance() -> None:
    got = priced("lt_no_disks")
    reason = "volume size is not set (it comes from the AMI or snapshot)"
    assert got["aws_instance.plain"].status == "partial" and got["aws_instance.plain"].reason == reason
    for address in ("aws_eks_node_group.ng", "aws_autoscaling_group.asg"):
        group = got[address]
        assert group.status == "partial" and group.reason == reason, address
        root = group.components[-1]
        assert root.group == "root_block_device" and root.monthly_cost is None
    nodes = got["aws_eks_node_group.ng"]
    assert nodes.components[0].monthly_cost == Decimal("1468.760")  # 2 x 1.006 x 730
    assert nodes.max_monthly_cost == Decimal("2203.140")  # 3 x 1.006 x 730: the disk is listed apart


def test_dedicated_tenancy_is_unpriced_never_the_shared_rate() -> None:
    got = priced("ec2_tenancy_credits_spot")
    for address in ("aws_instance.ded", "aws_autoscaling_group.ded"):
        res = got[address]
        inst = res.components[0]
        assert res.status == "partial" and inst.monthly_cost is None and "dedicated" in inst.name, address
        assert "no dedicated-tenancy prices" in (inst.unpriced_reason or "")
    assert got["aws_instance.ded"].monthly_cost == Decimal("1.00")  # the 10 GB gp2 root volume only
    assert got["aws_autoscaling_group.ded"].max_monthly_cost is None  # no price at max without the instances


def test_unlimited_cpu_credits_without_a_catalog_price_is_a_note_in_the_reason() -> None:
    burst = priced("ec2_tenancy_credits_spot")["aws_instance.burst"]
    assert burst.status == "priced"
    assert burst.monthly_cost == Decimal("121.472") + Decimal("1.0")  # 0.1664 x 730 + 10 GB x 0.10
    assert "unlimited" in (burst.reason or "") and "not included" in (burst.reason or "")


def test_spot_upper_bound_is_the_lower_of_on_demand_and_max_price() -> None:
    got = priced("ec2_tenancy_credits_spot")
    capped = got["aws_instance.spot"].components[0]
    assert capped.unit_price == Decimal("0.50") and capped.monthly_cost == Decimal("365.00")
    assert "max_price upper bound" in capped.name
    high = got["aws_instance.spot_high_cap"].components[0]
    assert high.unit_price == Decimal("1.006") and "spot: on-demand upper bound" in high.name


def test_spot_instance_request_is_priced_like_a_spot_instance() -> None:
    got = priced("spot_request")
    trainer = got["aws_spot_instance_request.trainer"]
    inst = trainer.components[0]
    # p4d.24xlarge us-east-1 21.957642 x 730 (ec2_ondemand.csv), the on-demand upper bound
    assert inst.name == "Instance usage (Linux/UNIX, spot: on-demand upper bound, p4d.24xlarge)"
    assert inst.monthly_cost == Decimal("16029.078660")
    assert trainer.status == "partial"  # root volume size comes from the AMI, as for aws_instance
    capped = got["aws_spot_instance_request.capped"]
    assert capped.status == "priced"
    # spot_price 0.40 < 1.006: 0.40 x 730 = 292; 200 GB gp3 x 0.08 = 16
    assert [c.monthly_cost for c in capped.components] == [Decimal("292.00"), Decimal("16.00")]
    assert "max_price upper bound" in capped.components[0].name


def test_eks_version_in_extended_support_on_the_run_date_bills_the_extended_rate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eks, "run_date", lambda: dt.date(2026, 11, 29))
    got = priced("eks_support")
    for address in ("aws_eks_cluster.old", "aws_eks_cluster.old_default_policy"):
        line = got[address].components[0]
        # aws_services_us_east_1.csv "EKS cluster hour (extended support)" 0.6 x 730
        assert line.unit_price == Decimal("0.6") and line.monthly_cost == Decimal("438.0"), address
        assert "extended support" in line.name and "1.32" in line.name and "2026-03-23" in line.name
    for address in ("aws_eks_cluster.standard_policy", "aws_eks_cluster.current", "aws_eks_cluster.latest"):
        assert got[address].components[0].monthly_cost == Decimal("73.0"), address  # 0.1 x 730
        assert got[address].status == "priced" and not got[address].reason, address
    expired = got["aws_eks_cluster.expired"]  # auto-upgraded to the oldest version in extended support (QA17a)
    assert expired.status == "priced" and expired.components[0].monthly_cost == Decimal("438.0")
    assert "past end of extended support 2025-07-24" in expired.components[0].name
    unlisted = got["aws_eks_cluster.unlisted"]
    assert unlisted.components[0].monthly_cost == Decimal("73.0")
    assert "not in the bundled EKS calendar" in (unlisted.reason or "")


def test_eks_version_before_its_end_of_standard_support_is_standard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eks, "run_date", lambda: dt.date(2026, 3, 22))  # the day before 1.32 enters extended
    assert priced("eks_support")["aws_eks_cluster.old"].components[0].monthly_cost == Decimal("73.0")
    monkeypatch.setattr(eks, "run_date", lambda: dt.date(2026, 3, 23))  # billing starts that day (UTC)
    assert priced("eks_support")["aws_eks_cluster.old"].components[0].monthly_cost == Decimal("438.0")


def test_eks_unknown_support_type_past_standard_support_is_unpriced_not_guessed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from estimator.model import Project, Resource, Unknown

    monkeypatch.setattr(eks, "run_date", lambda: dt.date(2026, 6, 1))
    cluster = Resource(address="aws_eks_cluster.c", type="aws_eks_cluster", name="c", region="us-east-1",
                       attributes={"version": "1.31", "upgrade_policy": [{"support_type": Unknown("var.p has no value")}]})
    computed = Resource(address="aws_eks_cluster.d", type="aws_eks_cluster", name="d", region="us-east-1",
                        attributes={"version": "1.31", "upgrade_policy": Unknown()})
    got = {c.address: c for c in price_project(Project("p", "terraform-plan", [cluster, computed]), None)}
    assert got["aws_eks_cluster.c"].status == "unpriced" and "support_type" in (got["aws_eks_cluster.c"].reason or "")
    # a wholly computed block is not configured: AWS's default EXTENDED (1.31: extended 2025-11-26..2026-11-26)
    assert got["aws_eks_cluster.d"].components[0].monthly_cost == Decimal("438.0")


def test_mixed_instances_spot_max_price_caps_the_spot_upper_bound() -> None:
    group = priced("asg_weighted")["aws_autoscaling_group.spot_capped"]
    inst = group.components[0]
    # 2 spot instances capped at 0.30 (< g5.xlarge 1.006): 2 x 730 x 0.30 = 438; max 4 x 730 x 0.30 + 4 x 10 GB
    assert "max_price upper bound" in inst.name and inst.monthly_cost == Decimal("438.00")
    assert group.max_monthly_cost == Decimal("876.00") + Decimal("40.0")
