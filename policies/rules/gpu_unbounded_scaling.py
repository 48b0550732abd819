"""CR-GPU-003 — GPU scaling without a bound, or a max that exposes more than the budget.

Trigger: a scaling group of GPU/accelerator capacity — ``aws_autoscaling_group`` (its own
types or its launch template's), ``aws_eks_node_group`` (``scaling_config.max_size``), or an
``aws_appautoscaling_target`` on a SageMaker endpoint variant whose endpoint configuration
uses ``ml.*`` GPU instances — where

- the maximum is missing or not known offline (no bound), or
- the monthly cost at max (``CostedResource.max_monthly_cost`` from pricing, else max ×
  priced hourly rate × 730, else max × catalog on-demand rate × 730) is above
  ``budgets.max_exposure_usd`` (or, when the config sets none, the pack parameter
  ``max_exposure_usd``; the ``finops-ai`` pack sets 50000). The message carries the monthly
  cost at max.

Fails (with ``budgets.max_exposure_usd: 50000``):

```hcl
resource "aws_autoscaling_group" "fail_gpu" {
  max_size = 20                       # 20 × p4d.24xlarge: over $300k/month at max
  launch_template { id = aws_launch_template.p4d.id }
}
```

Passes:

```hcl
resource "aws_autoscaling_group" "pass_gpu" {
  max_size = 2                        # 2 × g5.xlarge: about $1.5k/month at max
  launch_template { id = aws_launch_template.g5.id }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from estimator.cost_model import cents, whole_instances
from estimator.model import Resource, Unknown
from policies.context import HOURS_PER_MONTH, RuleContext, as_decimal, asg_weight, scaling_gpu_types
from policies.finding import Finding
from policies.prices import instance_hourly

ID = "CR-GPU-003"
TITLE = "GPU scaling without a bound, or a max above the exposure budget"
SEVERITY = "high"
DEFAULT_ENFORCEMENT = "mandatory"
PARAMS: dict[str, object] = {"max_exposure_usd": None}
WHY = (
    "An autoscaler follows load, bugs and retry storms alike. On GPUs, an unbounded or generous max turns one "
    "incident into the month's budget; the max is the real spending limit of a scaling group."
)
FIX = (
    "Set an explicit max sized to the traffic you plan for, so that max × hourly price stays within "
    "`budgets.max_exposure_usd`; raise the budget in `.costrail.yml` deliberately if the exposure is intended."
)


def _money(value: Decimal) -> str:
    return f"${cents(value):,}"


def _at_max(ctx: RuleContext, costed_res: list[Resource], max_n: Decimal, itype: str, region: object) -> Decimal | None:
    for res in costed_res:
        costed = ctx.cost(res)
        if costed is not None and costed.max_monthly_cost is not None:
            return costed.max_monthly_cost
    for res in costed_res:
        hourly = ctx.hourly_price(res, itype)
        if hourly is not None:
            return hourly * max_n * HOURS_PER_MONTH
    if isinstance(region, str):
        hourly = instance_hourly(itype, region)
        if hourly is not None:
            return hourly * max_n * HOURS_PER_MONTH
    return None


def _judge(
    ctx: RuleContext, res: Resource, max_attr: str, max_value: object, itype: str, costed_res: list[Resource],
    mixed: bool = False,
) -> Iterator[Finding]:
    if max_value is None or isinstance(max_value, Unknown):
        why = max_value.reason if isinstance(max_value, Unknown) else "not set"
        yield ctx.finding(res, f"GPU scaling ({itype}) has no known bound: {max_attr} {why}")
        return
    max_n = as_decimal(max_value)
    budget = ctx.cfg.budgets.max_exposure_usd
    source = "budgets.max_exposure_usd"
    if budget is None and ctx.params.get("max_exposure_usd") is not None:
        budget = Decimal(str(ctx.params["max_exposure_usd"]))
        source = "the pack's max_exposure_usd"
    if max_n is None or budget is None:
        return
    weight = asg_weight(res, itype)
    instances = whole_instances(max_n, weight) if weight is not None else max_n
    cost = _at_max(ctx, costed_res, instances, itype, res.region)
    if cost is not None and cost > budget:
        size = (f"{max_n.normalize():f} capacity units ({instances.normalize():f} × {itype} at weight "
                f"{weight.normalize():f})" if weight is not None else f"{max_n.normalize():f} × {itype}")
        if mixed:  # an on-demand base of the first type, the spot share bounded by the dearest override
            bound = "its dearest override's whole instances" if weight is not None else itype
            size = (f"{max_n.normalize():f}{' capacity units' if weight is not None else ''} "
                    f"(on-demand base and spot share, the spot share bounded by {bound})")
        yield ctx.finding(
            res,
            f"at {max_attr} = {size} the monthly cost is {_money(cost)}, above {source} {_money(budget)}",
            monthly_cost_at_max=str(cents(cost)),
        )


def check(ctx: RuleContext) -> Iterator[Finding]:
    for res in ctx.managed("aws_autoscaling_group", "aws_eks_node_group", "aws_appautoscaling_target"):
        if res.type == "aws_appautoscaling_target":
            from policies.context import sagemaker_scaled_variants

            if res.attributes.get("service_namespace") not in (None, "sagemaker"):
                continue
            # the variant endpoint/<ep>/variant/<v> names, not the configuration's first GPU type:
            # a CPU variant's max is no GPU exposure
            scaled = sagemaker_scaled_variants(ctx, res.attributes.get("resource_id"))
            if scaled.gpu:
                costed = [res, *([scaled.endpoint] if scaled.endpoint else []), *scaled.configs]
                yield from _judge(ctx, res, "max_capacity", res.attributes.get("max_capacity"), scaled.gpu[0][1],
                                  costed)
            continue
        types = scaling_gpu_types(ctx, res)
        if not types:
            continue
        if res.type == "aws_eks_node_group":
            itype = types[0][1]
            if str(res.get("capacity_type") or "").upper() == "SPOT" and len({t[1] for t in types}) > 1 \
                    and isinstance(res.region, str):
                # spot capacity may come from any listed type: the bound (and the message) is the dearest's
                itype = max(types, key=lambda t: instance_hourly(t[1], res.region) or Decimal(0))[1]
            yield from _judge(ctx, res, "scaling_config.max_size", res.get("scaling_config.max_size"), itype, [res])
        else:
            itype = types[0][1]
            share = res.get("mixed_instances_policy.instances_distribution.on_demand_percentage_above_base_capacity")
            spot = share is not None and (as_decimal(share) is None or as_decimal(share) < 100)
            mixed = spot and len({t[1] for t in types}) > 1 and isinstance(res.region, str)
            if mixed:  # its spot share may be any override: the priced bound is the dearest's
                itype = max(types, key=lambda t: instance_hourly(t[1], res.region) or Decimal(0))[1]
            yield from _judge(ctx, res, "max_size", res.attributes.get("max_size"), itype, [res], mixed=bool(mixed))
