"""aws_ecs_service on Fargate: desired_count × (vCPU + memory) hours of its task definition.

Task definition by ``Unknown.ref``, else ``family`` name, else the only one. CPU units/1024
= vCPU; memory MiB/1024 = GB. Where tasks run: the service's ``launch_type``, else its
``capacity_provider_strategy``, else (as ECS does) its cluster's default strategy
(``aws_ecs_cluster_capacity_providers`` or the cluster's inline one); a cluster with none
uses the EC2 launch type. EC2 tasks bill through their instances (free); a strategy that
cannot be read (cluster not in the project) is unpriced, never free: it may be Fargate.

The catalog has Fargate's on-demand Linux/x86 rates only: FARGATE_SPOT and ARM64 tasks
(``runtime_platform.cpu_architecture``) are shown at those rates as an upper bound, said in the
line names (as EC2 spot is); a strategy that also names EC2 providers is an upper bound too.
Windows tasks have no rows: unpriced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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

EC2_FREE = "not on Fargate: tasks run on (and bill through) EC2 instances"


def _providers(strategy: Any, what: str) -> list[str]:
    """The capacity provider names of a strategy block list."""
    if is_unknown(strategy):
        raise NotPriceable(unknown_reason(what, strategy))
    entries = strategy if isinstance(strategy, list) else [strategy] if isinstance(strategy, dict) else []
    names = []
    for entry in entries:
        name = entry.get("capacity_provider") if isinstance(entry, dict) else None
        if is_unknown(name):
            raise NotPriceable(unknown_reason(f"{what}.capacity_provider", name))
        if name:
            names.append(str(name))
    return names


def _default_strategy(res: Resource, ctx: PriceContext) -> list[str]:
    """The providers of the service's cluster's default strategy ([] = EC2 launch type)."""
    cluster_ref = res.get("cluster")
    if is_unknown(cluster_ref) and not cluster_ref.ref:
        raise NotPriceable(unknown_reason("cluster (whose default capacity provider strategy places the tasks)",
                                          cluster_ref))
    cluster = ctx.link(cluster_ref, ("aws_ecs_cluster",))
    if cluster is None:
        where = (f"cluster {cluster_ref}" if isinstance(cluster_ref, str) and cluster_ref
                 else "the default cluster" if cluster_ref is None else "its cluster")
        raise NotPriceable(f"no launch_type or capacity_provider_strategy: the default capacity provider strategy "
                           f"of {where} (not in the project) decides whether the tasks run on Fargate")
    for providers in ctx.of_type("aws_ecs_cluster_capacity_providers"):
        if ctx.link(providers.get("cluster_name"), ("aws_ecs_cluster",)) is cluster:
            return _providers(providers.get("default_capacity_provider_strategy"),
                              f"{providers.address} default_capacity_provider_strategy")
    return _providers(cluster.get("default_capacity_provider_strategy"),
                      f"{cluster.address} default_capacity_provider_strategy")


def _placement(res: Resource, ctx: PriceContext) -> list[str] | None:
    """The capacity providers the tasks run on; None = the EC2/EXTERNAL launch type."""
    launch_type = res.get("launch_type")
    if is_unknown(launch_type):
        raise NotPriceable(unknown_reason("launch_type", launch_type))
    if launch_type:
        return ["FARGATE"] if str(launch_type).upper() == "FARGATE" else None
    strategy = res.get("capacity_provider_strategy")  # an Unknown one is never "none" (the cluster default)
    own = _providers([] if strategy is None else strategy, "capacity_provider_strategy")
    return own or _default_strategy(res, ctx) or None


def _price_service(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    providers = _placement(res, ctx)
    if not providers or not any(p.upper().startswith("FARGATE") for p in providers):
        return Priced(status="free", reason=EC2_FREE)
    task = ctx.link(res.get("task_definition"), ("aws_ecs_task_definition",), name_attr="family")
    if task is None:
        raise NotPriceable("task definition not resolvable")
    for attr in ("cpu", "memory"):
        if is_unknown(value := task.get(attr)):
            raise NotPriceable(unknown_reason(f"{attr} of {task.address}", value))
    cpu = number(task.get("cpu"))
    memory = number(task.get("memory"))
    if cpu is None or memory is None:
        raise NotPriceable(f"{task.address} sets no task-level cpu/memory (Fargate requires both)")
    desired = res.get("desired_count")
    if is_unknown(desired):
        raise NotPriceable(unknown_reason("desired_count", desired))
    count = number(desired, Decimal(0)) or Decimal(0)  # not set: Terraform's default is 0 tasks
    vcpu = cpu / 1024 * count
    gb = memory / 1024 * count
    bound = "".join(f"; {label}" for label in _upper_bounds(providers, task))
    return Priced([
        hourly(f"Per vCPU per hour ({cpu / 1024} vCPU × {count}{bound})", catalog.service("fargate_vcpu_hour", region),
               vcpu, missing=missing_price("Fargate vCPU", region)),
        hourly(f"Per GB per hour ({memory / 1024} GB × {count}{bound})", catalog.service("fargate_gb_hour", region), gb,
               missing=missing_price("Fargate memory", region)),
    ])


def _upper_bounds(providers: list[str], task: Resource) -> list[str]:
    """Why the on-demand x86 rates are only an upper bound for these tasks (labels for the line names)."""
    labels = []
    upper = [p.upper() for p in providers]
    if "FARGATE_SPOT" in upper:
        labels.append("FARGATE_SPOT: on-demand upper bound")
    if any(not p.startswith("FARGATE") for p in upper):
        labels.append("some tasks may run on EC2 capacity providers: all priced on Fargate, an upper bound")
    os_family = task.get("runtime_platform.operating_system_family")
    if isinstance(os_family, str) and os_family.upper().startswith("WINDOWS"):
        raise NotPriceable(f"no Fargate Windows prices in the catalog ({task.address} runs {os_family})")
    arch = task.get("runtime_platform.cpu_architecture")
    if is_unknown(arch):
        labels.append("cpu_architecture unknown: x86 upper bound")
    elif isinstance(arch, str) and arch.upper() == "ARM64":
        labels.append("ARM64: x86 upper bound")
    return labels


RESOURCES = (
    ResourceSpec("aws_ecs_service", "aws:ecs/service:Service", _price_service, (), "ECS services on Fargate"),
)
