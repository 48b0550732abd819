"""aws_instance: on-demand, spot (on-demand price as the upper bound) or reserved, plus its volumes.

aws_spot_instance_request is an instance on spot by definition: the same pricing, its
``spot_price`` as the max price.

Spot: costrail has no spot price feed, so a spot instance shows the on-demand price as an
upper bound and says so in the line name; no discount is invented. A ``max_price`` below the
on-demand price is the tighter bound (AWS never bills above it), named as such. Dedicated
tenancy (``tenancy``, a template's ``placement.tenancy``) has no catalog rows: the instance
line is unpriced, never the shared rate. ``cpu_credits = "unlimited"`` may bill surplus
credits; the catalog has no credit price, so the resource's reason notes it. Reserved (any usage file
``reserved_instance_*`` key, the term alone too): with ``all_upfront`` there is no hourly charge (line
at $0) and the upfront fee is an unpriced line (no RI prices in the data); other payment options are
unpriced, the reason naming the keys given. ``monthly_hours`` (usage) overrides 730.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from estimator.cost_model import HOURS_PER_MONTH, CostComponent, whole_instances
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from . import ebs
from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    hourly,
    known_str,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
    unknown_reason,
)

SPOT = "spot: on-demand upper bound"
RI_KEYS = ("reserved_instance_type", "reserved_instance_term", "reserved_instance_payment_option")


SPOT_MAX = "spot: max_price upper bound"
SHARED = ("default", "")
CREDITS_NOTE = ("cpu_credits = unlimited: surplus CPU credits above the baseline bill per vCPU-hour, "
                "no price for them in the catalog (not included)")


def instance_line(itype: str, region: str, *, spot: bool = False, count: Decimal = Decimal(1),
                  hours: Decimal = HOURS_PER_MONTH, tenancy: Any = None, max_price: Any = None,
                  of_types: int = 1) -> CostComponent:
    """The instance hours; dedicated/host tenancy unpriced; spot bounded by the lower of on-demand and max_price.
    ``of_types`` > 1: spot capacity that may launch any of that many types, ``itype`` being the dearest."""
    if is_unknown(tenancy):  # never the shared rate for a tenancy that may be dedicated
        return line(f"Instance usage (Linux/UNIX, {itype})", "hours", hours * count, None,
                    missing=unknown_reason("tenancy", tenancy))
    if isinstance(tenancy, str) and tenancy.lower() not in SHARED:
        reason = (f"no dedicated-tenancy prices in the catalog (tenancy {tenancy}; the shared rate would understate it)"
                  if tenancy.lower() == "dedicated" else
                  f"tenancy {tenancy}: the Dedicated Host bills, no host prices in the catalog")
        return line(f"Instance usage (Linux/UNIX, {tenancy} tenancy, {itype})", "hours", hours * count, None,
                    missing=reason)
    on_demand = catalog.ec2_hourly(itype, region)
    cap = number(max_price) if spot else None
    if cap is not None and cap > 0 and (on_demand is None or cap < on_demand.value):
        return CostComponent(f"Instance usage (Linux/UNIX, {SPOT_MAX}, {itype})", "hours", hours * count, cap)
    kind = SPOT if spot else "on-demand"
    if spot and of_types > 1:
        kind = f"{kind}, dearest of {of_types} types"
    return hourly(f"Instance usage (Linux/UNIX, {kind}, {itype})", on_demand, count,
                  missing=missing_price(itype, region), hours=hours)


def dearest_type(types: list[str], region: str, weights: list[Decimal] | None = None,
                 units: Decimal | None = None) -> tuple[str, Decimal]:
    """(type, weight) of the dearest on-demand bill among ``types``: spot capacity may be launched from any
    of them, so only the dearest bounds the bill. With ``weights`` (capacity units per instance) the bill
    of ``units`` is ceil(units / weight) whole instances (per unit when ``units`` is not given). A type
    without a price wins (the bound is then unknown and its line says why), never a cheaper priced one."""
    weights = weights or [Decimal(1)] * len(types)
    best: tuple[str, Decimal] | None = None
    best_rate: Decimal | None = None
    for itype, weight in zip(types, weights, strict=True):
        price = catalog.ec2_hourly(itype, region)
        if price is None:
            return itype, weight
        rate = price.value / weight if units is None else price.value * whole_instances(units, weight)
        if best_rate is None or rate > best_rate:
            best, best_rate = (itype, weight), rate
    assert best is not None, "dearest_type needs at least one type"
    return best


def credits_note(owner: Resource | None, *fallbacks: Resource | None) -> str | None:
    """The note for unlimited CPU credits (set on the instance, else its template), None otherwise."""
    for res in (owner, *fallbacks):
        if res is None:
            continue
        value = res.get("credit_specification.cpu_credits")
        if value is not None:
            return CREDITS_NOTE if isinstance(value, str) and value.lower() == "unlimited" else None
    return None


def block_device_lines(attrs: Any, region: str, count: Decimal = Decimal(1)) -> list[CostComponent]:
    """root_block_device and every ebs_block_device, as groups like infracost's tree."""
    attrs = attrs if isinstance(attrs, dict) else {}
    lines: list[CostComponent] = []
    root = attrs.get("root_block_device")
    root = root[0] if isinstance(root, list) and root else root
    lines += ebs.volume_lines(root if isinstance(root, dict) else {}, region, group="root_block_device", count=count)
    devices = attrs.get("ebs_block_device") or []
    if isinstance(devices, dict):
        devices = [devices]
    for i, dev in enumerate(devices if isinstance(devices, list) else []):
        dev = dev.get("ebs", dev) if isinstance(dev, dict) else dev
        if isinstance(dev, list):
            dev = dev[0] if dev else {}
        lines += ebs.volume_lines(dev, region, group=f"ebs_block_device[{i}]", count=count)
    return lines


def _launch_template(res: Resource, ctx: PriceContext) -> Resource | None:
    """The launch template an instance is launched from (``launch_template { id = ... }``), if any."""
    spec = res.get("launch_template")
    if not spec:
        return None
    from .autoscaling import template_of  # autoscaling prices instance lines with this module

    try:
        return template_of(spec, ctx)
    except NotPriceable:
        if res.get("instance_type") is not None:
            return None  # its own type prices it; the template only adds what it cannot say
        raise


def _instance_type(res: Resource, template: Resource | None) -> str:
    """The instance's own type, else its launch template's (as EC2 resolves it at launch)."""
    if template is None or res.get("instance_type") is not None:
        return known_str(res, "instance_type", "instance_type")
    value = template.get("instance_type")
    if is_unknown(value):
        raise NotPriceable(unknown_reason(f"instance_type of {template.address}", value))
    if not value:
        raise NotPriceable(f"instance_type is set neither on the instance nor in {template.address}")
    return str(value)


def _price_instance(res: Resource, ctx: PriceContext) -> Priced:
    return _priced_instance(res, ctx)


def _price_spot_request(res: Resource, ctx: PriceContext) -> Priced:
    """A spot instance request launches one spot instance: priced as ``aws_instance`` on spot."""
    return _priced_instance(res, ctx, spot_request=True)


def _priced_instance(res: Resource, ctx: PriceContext, *, spot_request: bool = False) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    template = _launch_template(res, ctx)
    itype = _instance_type(res, template)
    hours = number(usage.get("monthly_hours"), HOURS_PER_MONTH)
    lines: list[CostComponent] = []
    ri_payment = usage.get("reserved_instance_payment_option")
    reserved = [f"{key} {usage[key]}" for key in RI_KEYS if usage.get(key) is not None]
    if spot_request:
        lines.append(instance_line(itype, region, spot=True, hours=hours, tenancy=res.get("tenancy"),
                                   max_price=res.get("spot_price")))
    elif reserved:  # any RI key makes it reserved: never silently on-demand, never "(None)" in the reason
        name = f"Instance usage (Linux/UNIX, reserved, {itype})"
        if ri_payment == "all_upfront":
            given = "; ".join(r for r in reserved if not r.startswith("reserved_instance_payment_option"))
            lines.append(CostComponent(name, "hours", hours, Decimal(0)))
            lines.append(unknown_line("Reserved instance upfront fee", "months",
                                      "no reserved-instance prices in the catalog (all_upfront: no hourly charge"
                                      + (f"; {given})" if given else ")")))
        else:
            lines.append(unknown_line(name, "hours",
                                      f"no reserved-instance prices in the catalog ({', '.join(reserved)})"))
    else:
        # A wholly computed block (plans: not configured) is on-demand; a configured unknown is not guessed.
        owner = res if template is None or res.get("instance_market_options") is not None else template
        block = owner.get("instance_market_options")
        market = None if is_unknown(block) else owner.get("instance_market_options.market_type")
        if is_unknown(market):
            raise NotPriceable(unknown_reason("instance_market_options.market_type", market))
        spot = market == "spot"
        tenancy = res.get("tenancy")
        if tenancy is None and template is not None:
            tenancy = template.get("placement.tenancy")
        lines.append(instance_line(itype, region, spot=spot, hours=hours, tenancy=tenancy,
                                   max_price=owner.get("instance_market_options.spot_options.max_price")))
    own_disks = res.get("root_block_device") is not None or res.get("ebs_block_device")
    template_disks: list[CostComponent] = []
    if template is not None and not own_disks:
        from .autoscaling import template_volume_lines

        template_disks = template_volume_lines(template, region)
    lines += template_disks or block_device_lines(res.attributes, region)
    return Priced(lines, reason=credits_note(res, template))


RESOURCES = (
    ResourceSpec("aws_instance", "aws:ec2/instance:Instance", _price_instance,
                 (UsageKey("monthly_hours", "hours a month the instance runs", 730),
                  # Read, never priced: the catalog has no RI rows, so any of them makes the instance
                  # line unpriced with that reason (``usage init`` notes them as not priced here).
                  UsageKey("reserved_instance_type", "standard or convertible (not priced: no RI prices)", None,
                           "standard"),
                  UsageKey("reserved_instance_term", "1_year or 3_year (not priced: no RI prices)", None, "1_year"),
                  UsageKey("reserved_instance_payment_option",
                           "no_upfront, partial_upfront or all_upfront (not priced: no RI prices)", None,
                           "all_upfront")),
                 "EC2 instances: instance hours (on-demand/spot/reserved) and block devices"),
    ResourceSpec("aws_spot_instance_request", "aws:ec2/spotInstanceRequest:SpotInstanceRequest", _price_spot_request,
                 (UsageKey("monthly_hours", "hours a month the instance runs", 730),),
                 "EC2 spot instance requests: spot instance hours (upper bound) and block devices"),
)
