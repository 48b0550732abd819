"""aws_eks_cluster (control plane hours) and aws_eks_node_group (desired × instance type + disk).

Control plane: standard support ($0.10/h), or extended support ($0.60/h) when, on the run
date, the cluster's ``version`` is past its end of standard support in AWS's release calendar
(``pricing/data/eks_versions.json``, with its source) and ``upgrade_policy.support_type`` is
EXTENDED (AWS's default; STANDARD clusters are upgraded instead). Past the end of extended
support EKS auto-upgrades the cluster to "the oldest currently supported extended version" (EKS
user guide, kubernetes-versions): still extended support. A version not in the calendar is
priced at standard support with a note; no version set = AWS's latest.

Node group instance type: ``instance_types[0]``, else its launch template's, else AWS's
default t3.medium (ON_DEMAND launches in that prioritized order). Disk: ``disk_size`` (default
20 GB, gp2) when no launch template sets the volumes. ``capacity_type = SPOT`` shows the on-demand
price as an upper bound: of the dearest listed type, as spot capacity may be launched from any of
them (the line name says so), so the bound and the cost at max (CR-GPU-003) truly bound.
``max_monthly_cost`` is the same at ``scaling_config.max_size``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    known_or_default,
    known_value,
    line,
    missing_price,
    number,
    region_of,
    unknown_reason,
)
from .autoscaling import template_lines, template_of
from .ec2 import dearest_type, instance_line

DEFAULT_INSTANCE_TYPE = "t3.medium"
DEFAULT_DISK_GB = Decimal(20)


CALENDAR = Path(catalog.__file__).with_name("data") / "eks_versions.json"


def run_date() -> dt.date:
    """Today in UTC: the day that decides standard or extended support (tests inject their own)."""
    return dt.datetime.now(dt.timezone.utc).date()


@lru_cache(maxsize=1)
def _calendar() -> dict[tuple[int, int], tuple[dt.date, dt.date]]:
    """Kubernetes (major, minor) → (end of standard support, end of extended support)."""
    doc = json.loads(CALENDAR.read_text(encoding="utf-8"))
    return {_version_key(v): (dt.date.fromisoformat(std), dt.date.fromisoformat(ext))
            for v, (std, ext) in doc["versions"].items()}


def _version_key(value: Any) -> tuple[int, int]:
    """``"1.32"`` → (1, 32); an HCL number 1.3 is 1.30 (no EKS version has a one-digit minor)."""
    text = str(value).strip()
    major, _, minor = text.partition(".")
    minor = minor.split(".")[0]
    key = (int(major), int(minor))
    if not isinstance(value, str) and len(minor) == 1:
        key = (key[0], key[1] * 10)
    return key


def _price_cluster(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    standard = hourly("EKS cluster", catalog.service("eks_hour", region),
                      missing=missing_price("EKS cluster hours", region))
    version = res.get("version")
    if version is None:
        return Priced([standard])  # not set: AWS creates the latest version, in standard support
    if is_unknown(version):
        why = unknown_reason("version", version)
        # computed at apply = not configured (the latest version); a value costrail cannot read is noted
        return Priced([standard], reason=None if "after apply" in why else
                      f"{why}: standard support assumed (a version past it bills extended support, $0.60/h)")
    try:
        key = _version_key(version)
    except ValueError:
        return Priced([standard], reason=f"version {version} is not a Kubernetes minor version: standard support assumed")
    # A wholly computed block (plans: not configured) is AWS's default, EXTENDED; a configured unknown is not guessed.
    policy = None if is_unknown(res.get("upgrade_policy")) else res.get("upgrade_policy.support_type")
    if isinstance(policy, str) and policy.upper() == "STANDARD":
        return Priced([standard])  # upgraded at the end of standard support, never billed extended
    calendar = _calendar()
    today = run_date()
    dates = calendar.get(key)
    text = f"{key[0]}.{key[1]}"
    if dates is None:
        newest = max(calendar)
        if key > newest and today < calendar[newest][0]:
            return Priced([standard])  # released after every listed version: still in standard support
        return Priced([standard], reason=f"Kubernetes {text} is not in the bundled EKS calendar: standard support "
                                         "assumed (extended support bills $0.60/h)")
    end_standard, end_extended = dates
    if today < end_standard:
        return Priced([standard])
    if is_unknown(policy):
        return Priced([line("EKS cluster", "hours", None, None,
                            missing=f"Kubernetes {text} is past its end of standard support ({end_standard}) and "
                                    + unknown_reason("upgrade_policy.support_type", policy)
                                    + " (EXTENDED bills $0.60/h, STANDARD upgrades the cluster)")])
    name = f"EKS cluster (extended support: Kubernetes {text} past end of standard support {end_standard})"
    if today >= end_extended:  # AWS then auto-upgrades it to the oldest version still in extended support
        name = (f"EKS cluster (extended support: Kubernetes {text} past end of extended support {end_extended}, "
                "auto-upgraded to the oldest version in extended support)")
    return Priced([hourly(name, catalog.service("eks_extended_hour", region),
                          missing=missing_price("EKS extended support cluster hours", region))])


def _node_lines(res: Resource, ctx: PriceContext, region: str, count: Decimal) -> list[CostComponent]:
    capacity = known_value(res, "capacity_type", "ON_DEMAND")
    spot = str(capacity).upper() == "SPOT"
    types = res.get("instance_types")
    if is_unknown(spec := res.get("launch_template")):
        raise NotPriceable(unknown_reason("launch_template", spec))
    if is_unknown(types):
        raise NotPriceable(unknown_reason("instance_types", types))
    template = template_of(res.get("launch_template"), ctx) if res.get("launch_template") else None
    itype = types[0] if isinstance(types, list) and types else None
    of_types = len(types) if spot and isinstance(types, list) else 1
    if of_types > 1:  # SPOT launches from any listed type (price-capacity-optimized): bound by the dearest
        if (unknown := next((t for t in types if is_unknown(t)), None)) is not None:
            raise NotPriceable(unknown_reason("instance_types", unknown))
        itype = dearest_type([str(t) for t in types], region)[0]
    if itype is None and template is not None:
        itype = template.get("instance_type")
    if is_unknown(itype):
        raise NotPriceable(unknown_reason("instance_type", itype))
    itype = str(itype or DEFAULT_INSTANCE_TYPE)
    if template is not None:
        return template_lines(template, itype, region, count, spot=spot, of_types=of_types)
    disk = known_or_default(res, "disk_size", DEFAULT_DISK_GB)  # an Unknown stays unknown (ebs says why)
    return [instance_line(itype, region, spot=spot, count=count, of_types=of_types),
            *ebs.volume_lines({"volume_type": "gp2", "volume_size": disk}, region, group="disk", count=count,
                              size_attr="disk_size")]


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
