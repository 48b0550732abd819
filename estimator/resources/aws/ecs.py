"""aws_ecs_service on Fargate: desired_count × (vCPU + memory) hours of its task definition.

Task definition by ``Unknown.ref``, else ``family`` name, else the only one. CPU units/1024
= vCPU; memory MiB/1024 = GB. EC2-launch-type services bill through their instances (free).
"""

from __future__ import annotations

from decimal import Decimal

from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

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


def _is_fargate(res: Resource) -> bool:
    if str(res.get("launch_type") or "").upper() == "FARGATE":
        return True
    strategy = res.get("capacity_provider_strategy") or []
    return any(isinstance(s, dict) and str(s.get("capacity_provider", "")).startswith("FARGATE") for s in strategy)


def _price_service(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    if not _is_fargate(res):
        return Priced(status="free", reason="not on Fargate: tasks run on (and bill through) EC2 instances")
    task = ctx.link(res.get("task_definition"), ("aws_ecs_task_definition",), name_attr="family")
    if task is None:
        raise NotPriceable("task definition not resolvable")
    cpu = number(task.get("cpu"))
    memory = number(task.get("memory"))
    if cpu is None or memory is None:
        raise NotPriceable("task definition cpu/memory not known")
    desired = res.get("desired_count")
    if is_unknown(desired):
        raise NotPriceable(unknown_reason("desired_count", desired))
    count = number(desired, Decimal(0)) or Decimal(0)  # not set: Terraform's default is 0 tasks
    vcpu = cpu / 1024 * count
    gb = memory / 1024 * count
    return Priced([
        hourly(f"Per vCPU per hour ({cpu / 1024} vCPU × {count})", catalog.service("fargate_vcpu_hour", region), vcpu,
               missing=missing_price("Fargate vCPU", region)),
        hourly(f"Per GB per hour ({memory / 1024} GB × {count})", catalog.service("fargate_gb_hour", region), gb,
               missing=missing_price("Fargate memory", region)),
    ])


RESOURCES = (
    ResourceSpec("aws_ecs_service", "aws:ecs/service:Service", _price_service, (), "ECS services on Fargate"),
)
