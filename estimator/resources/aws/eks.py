"""aws_eks_cluster (control plane hours) and aws_eks_node_group (desired × instance type + disk).

Node group instance type: ``instance_types[0]``, else its launch template's, else AWS's
default t3.medium. Disk: ``disk_size`` (default 20 GB, gp2) when no launch template sets the
volumes. ``capacity_type = SPOT`` shows the on-demand price as an upper bound.
``max_monthly_cost`` is the same at ``scaling_config.max_size``.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostComponent
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from . import ebs
from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    hourly,
    missing_price,
    number,
    region_of,
    unknown_reason,
)
from .autoscaling import template_lines, template_of
from .ec2 import instance_line

DEFAULT_INSTANCE_TYPE = "t3.medium"
DEFAULT_DISK_GB = Decimal(20)


def _price_cluster(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    return Priced([hourly("EKS cluster", catalog.service("eks_hour", region),
                          missing=missing_price("EKS cluster hours", region))])


def _node_lines(res: Resource, ctx: PriceContext, region: str, count: Decimal) -> list[CostComponent]:
    spot = str(res.get("capacity_type") or "").upper() == "SPOT"
    types = res.get("instance_types")
    if is_unknown(types):
        raise NotPriceable(unknown_reason("instance_types", types))
    template = template_of(res.get("launch_template"), ctx) if res.get("launch_template") else None
    itype = types[0] if isinstance(types, list) and types else None
    if itype is None and template is not None:
        itype = template.get("instance_type")
    if is_unknown(itype):
        raise NotPriceable(unknown_reason("instance_type", itype))
    itype = str(itype or DEFAULT_INSTANCE_TYPE)
    if template is not None:
        return template_lines(template, itype, region, count, spot=spot)
    disk = number(res.get("disk_size"), DEFAULT_DISK_GB)
    return [instance_line(itype, region, spot=spot, count=count),
            *ebs.volume_lines({"volume_type": "gp2", "volume_size": disk}, region, group="disk", count=count)]


def _price_node_group(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    desired = res.get("scaling_config.desired_size")
    count = number(desired)
    if count is None:
        raise NotPriceable(unknown_reason("scaling_config.desired_size", desired) if is_unknown(desired)
                           else "scaling_config.desired_size is not set")
    lines = _node_lines(res, ctx, region, count)
    max_size = number(res.get("scaling_config.max_size"))
    max_cost = None
    if max_size is not None:
        at_max = _node_lines(res, ctx, region, max_size)
        if at_max and at_max[0].monthly_cost is not None:  # the instances; unpriced disks are listed apart
            max_cost = sum((c.monthly_cost for c in at_max if c.monthly_cost is not None), Decimal(0))
    return Priced(lines, max_monthly_cost=max_cost)


RESOURCES = (
    ResourceSpec("aws_eks_cluster", "aws:eks/cluster:Cluster", _price_cluster, (), "EKS control plane hours"),
    ResourceSpec("aws_eks_node_group", "aws:eks/nodeGroup:NodeGroup", _price_node_group, (),
                 "EKS managed node groups: desired × instance type and disk; cost at max size"),
)
