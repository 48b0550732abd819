"""aws_autoscaling_group (with its launch template or launch configuration) and aws_launch_template.

The instances of a group are priced on the group: desired capacity (else min size) × the
instance type of its launch template, launch configuration, or mixed-instances override
(the first override's type, AWS's prioritized on-demand order; the on-demand base and percentage
split on-demand from spot, spot shown at the on-demand price of the DEAREST override per capacity
unit (whole instances of the spot share) as an upper bound, since spot capacity may be launched from any override; the line says so). A mixed-instances group whose template
is not in the project (a literal ``lt-…`` id) is priced from its overrides, as AWS launches
them, with its volumes unknown (the template holds them). ``max_monthly_cost`` is the same at
``max_size``. Overrides with ``weighted_capacity`` make desired/min/max capacity UNITS: the
instances are ceil(units / weight) of the first override (AWS launches whole instances; the
on-demand base and percentage split the units first); when the overrides' weights or types
differ, the line name says it is priced on the first override (AWS's allocation picks the mix).
``desired_capacity_type`` ``vcpu``/``memory-mib`` (capacities in vCPUs or MiB) and overrides with
``instance_requirements`` only (AWS picks the types) are unpriced with that reason: never vCPUs
counted as instances of the template's type. A launch template alone runs nothing: it is ``free`` with a note. Link order:
``Unknown.ref``, then the literal template name, then the only template in the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from estimator.cost_model import CostComponent, decimal_text, whole_instances
from estimator.model import Resource, is_unknown

from . import ebs
from ._base import NotPriceable, PriceContext, Priced, ResourceSpec, number, region_of, unknown_line, unknown_reason
from .ec2 import block_device_lines, dearest_type, instance_line

TEMPLATE_TYPES = ("aws_launch_template",)


def template_of(spec: Any, ctx: PriceContext) -> Resource:
    """The launch template a ``launch_template`` block (id or name) points at."""
    spec = spec[0] if isinstance(spec, list) and spec else spec
    if not isinstance(spec, dict):
        raise NotPriceable("launch template not resolvable")
    for key in ("id", "name", "launch_template_id", "launch_template_name"):
        value = spec.get(key)
        if value is None:
            continue
        found = ctx.link(value, TEMPLATE_TYPES)
        if found is not None:
            return found
    raise NotPriceable("launch template not resolvable")


def template_lines(template: Resource | str, itype: str, region: str, count: Decimal, *, spot: bool | None = None,
                   spot_max_price: Any = None, of_types: int = 1) -> list[CostComponent]:
    """The instances and volumes; ``template`` is the template, or how to name one not in the project.
    ``spot_max_price``: a mixed-instances group's own cap (its templates carry no market options)."""
    if isinstance(template, str):
        return [instance_line(itype, region, spot=bool(spot), count=count, max_price=spot_max_price,
                              of_types=of_types),
                unknown_line("Volumes", "GB", f"launch template {template} is not in the project: its root "
                                              "volume and other disks are unknown")]
    market = template.get("instance_market_options.market_type")
    max_price = template.get("instance_market_options.spot_options.max_price")
    tenancy = template.get("placement.tenancy")
    if template.type == "aws_launch_configuration":
        tenancy = template.get("placement_tenancy")
        max_price = template.get("spot_price")
        if max_price:
            market = "spot"  # a launch configuration asks for spot by its spot_price (its max price)
    is_spot = spot if spot is not None else market == "spot"
    if spot_max_price is not None:
        max_price = spot_max_price
    return [instance_line(itype, region, spot=is_spot, count=count, tenancy=tenancy, max_price=max_price,
                          of_types=of_types if is_spot else 1),
            *template_volume_lines(template, region, count)]


def template_volume_lines(template: Resource, region: str, count: Decimal = Decimal(1)) -> list[CostComponent]:
    """The EBS volumes of a launch template's ``block_device_mappings`` (a launch configuration's
    ``root_block_device`` / ``ebs_block_device``), per instance × count. None set: the AMI's root
    volume, unpriced (its size comes from the AMI), as for an ``aws_instance``."""
    if template.type == "aws_launch_configuration":
        return block_device_lines(template.attributes, region, count)
    lines: list[CostComponent] = []
    mappings = template.get("block_device_mappings")
    if is_unknown(mappings):
        return [unknown_line("Volumes", "GB", unknown_reason(f"block_device_mappings of {template.address}", mappings))]
    if not mappings:  # the root volume comes from the AMI, as for an aws_instance without root_block_device
        return ebs.volume_lines({}, region, group="root_block_device", count=count)
    for i, mapping in enumerate(mappings if isinstance(mappings, list) else []):
        volume = mapping.get("ebs") if isinstance(mapping, dict) else None
        volume = volume[0] if isinstance(volume, list) and volume else volume
        if isinstance(volume, dict):
            lines += ebs.volume_lines(volume, region, group=f"block_device_mappings[{i}]", count=count)
    return lines


@dataclass
class _Shape:
    """What a group launches: the template (or the name of one not in the project), type, split, weight."""

    template: Resource | str
    itype: str
    dist: dict[str, Any] = field(default_factory=dict)
    weight: Decimal = Decimal(1)  # capacity units per instance (override ``weighted_capacity``)
    label: str = ""  # appended to the instance line names when weights make counts units
    types: list[str] = field(default_factory=list)  # the overrides' types: spot may launch any of them
    weights: list[Decimal] = field(default_factory=list)  # their capacity units per instance


def _group_shape(res: Resource, ctx: PriceContext) -> _Shape:
    mixed = res.get("mixed_instances_policy")
    if mixed:
        spec = res.get("mixed_instances_policy.launch_template.launch_template_specification")
        overrides = res.get("mixed_instances_policy.launch_template.override") or []
        overrides = [o for o in overrides if isinstance(o, dict)] if isinstance(overrides, list) else []
        itype = overrides[0].get("instance_type") if overrides else None
        template: Resource | str
        try:
            template = template_of(spec, ctx)
        except NotPriceable:
            if not itype:
                raise
            template = _template_name(spec)
        else:
            itype = itype or template.get("instance_type")
        dist = res.get("mixed_instances_policy.instances_distribution") or {}
        dist = dist[0] if isinstance(dist, list) and dist else dist
        known = _known_type(itype)
        weight, label = _weight(overrides)
        typed = [o for o in overrides if o.get("instance_type") is not None]
        types = [_known_type(o.get("instance_type")) for o in typed]
        weights = [number(o.get("weighted_capacity"), Decimal(1)) or Decimal(1) for o in typed]
        return _Shape(template, known, dist if isinstance(dist, dict) else {}, weight, label, types, weights)
    if res.get("launch_template"):
        template = template_of(res.get("launch_template"), ctx)
        return _Shape(template, _known_type(template.get("instance_type")))
    config = res.get("launch_configuration")
    if config is not None:
        found = ctx.link(config, ("aws_launch_configuration",))
        if found is None:
            raise NotPriceable("launch configuration not resolvable")
        return _Shape(found, _known_type(found.get("instance_type")))
    raise NotPriceable("launch template not resolvable")


def _weight(overrides: list[dict[str, Any]]) -> tuple[Decimal, str]:
    """(units per instance of the first override, the line-name label saying so); (1, "") without weights."""
    raw = [o.get("weighted_capacity") for o in overrides]
    if not any(w is not None for w in raw):
        return Decimal(1), ""
    for w in raw:
        if is_unknown(w):
            raise NotPriceable(unknown_reason("mixed_instances_policy override weighted_capacity", w))
    weights = [number(w, Decimal(1)) or Decimal(1) for w in raw]  # an override without a weight counts 1 unit
    if any(w <= 0 for w in weights):
        raise NotPriceable("mixed_instances_policy override weighted_capacity is not a positive number")
    weight = weights[0]
    label = f"sizes in capacity units ÷ weight {decimal_text(weight)}"
    if len(set(weights)) > 1 or len({o.get("instance_type") for o in overrides}) > 1:
        label += ", priced on the first override (AWS's allocation picks the mix)"
    return weight, label


def _template_name(spec: Any) -> str:
    """How a launch template not in the project is written (``lt-0abc…`` or its name)."""
    spec = spec[0] if isinstance(spec, list) and spec else spec
    if isinstance(spec, dict):
        for key in ("launch_template_id", "id", "launch_template_name", "name"):
            value = spec.get(key)
            if isinstance(value, str) and value:
                return value
    return "(not resolvable)"


def _known_type(value: Any) -> str:
    if is_unknown(value):
        raise NotPriceable(unknown_reason("instance_type", value))
    if not value:
        raise NotPriceable("the launch template sets no instance_type")
    return str(value)


def _split(count: Decimal, dist: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(on-demand, spot) instance counts from an instances_distribution."""
    if not dist:
        return count, Decimal(0)
    for key in ("on_demand_base_capacity", "on_demand_percentage_above_base_capacity"):
        if is_unknown(value := dist.get(key)):  # never the default split (all on-demand) for an unknown one
            raise NotPriceable(unknown_reason(f"instances_distribution.{key}", value))
    base = min(number(dist.get("on_demand_base_capacity"), Decimal(0)) or Decimal(0), count)
    pct = number(dist.get("on_demand_percentage_above_base_capacity"), Decimal(100)) or Decimal(0)
    above = count - base
    on_demand = base + (above * pct / 100).to_integral_value(rounding=ROUND_CEILING)
    return on_demand, count - on_demand


def _lines_for(shape: _Shape, region: str, units: Decimal) -> list[CostComponent]:
    template, itype, dist, weight = shape.template, shape.itype, shape.dist, shape.weight
    spot_weight = weight
    if not dist:
        lines = template_lines(template, itype, region, whole_instances(units, weight))
    elif not units:  # an idle group still shows what one instance would cost
        lines = template_lines(template, itype, region, units, spot=_split(Decimal(1), dist)[1] > 0)
    else:
        on_demand, spot = _split(units, dist)
        lines = []
        if on_demand:
            lines += template_lines(template, itype, region, whole_instances(on_demand, weight), spot=False)
        if spot:  # spot may launch from any override: bounded by the dearest per capacity unit
            spot_type, spot_weight = itype, weight
            if len(set(shape.types)) > 1:
                spot_type, spot_weight = dearest_type(shape.types, region, shape.weights, spot)
            lines += template_lines(template, spot_type, region, whole_instances(spot, spot_weight), spot=True,
                                    spot_max_price=dist.get("spot_max_price") or None,
                                    of_types=len(set(shape.types)))
        if isinstance(template, str):  # the unknown volumes of a template not in the project, said once
            unknown = [c for c in lines if c.quantity is None and c.price is None]
            lines = [c for c in lines if c not in unknown] + unknown[:1]
    if shape.label:
        for comp in lines:
            if comp.name.startswith("Instance usage"):
                label = shape.label
                if "dearest of" in comp.name:  # the spot share: weighed by its own override, not the first
                    label = f"sizes in capacity units ÷ weight {decimal_text(spot_weight)}"
                comp.name = f"{comp.name[:-1]}; {label})"
    return lines


_UNIT_WORDS = {"vcpu": "vCPUs", "memory-mib": "MiB of memory"}


def _check_capacity_units(res: Resource) -> None:
    """Capacities in vCPUs or MiB (``desired_capacity_type``), or instance types AWS picks from
    ``instance_requirements``: no instance count or type to price, so unpriced with why, never
    ``desired_capacity`` instances of the template's type. (Converting vCPUs to instances needs
    per-type vCPU/memory facts this package does not carry.)"""
    kind = res.get("desired_capacity_type")
    if is_unknown(kind):
        raise NotPriceable(unknown_reason("desired_capacity_type", kind))
    if isinstance(kind, str) and kind in _UNIT_WORDS:
        raise NotPriceable(f'desired_capacity_type is "{kind}": desired/min/max capacity are {_UNIT_WORDS[kind]}, '
                           "not instances, and the catalog has no per-type vCPU/memory facts to convert them")
    overrides = res.get("mixed_instances_policy.launch_template.override") or []
    overrides = [o for o in overrides if isinstance(o, dict)] if isinstance(overrides, list) else []
    if any(o.get("instance_requirements") for o in overrides) and not any(o.get("instance_type") for o in overrides):
        raise NotPriceable("the instance types are chosen by AWS from the overrides' instance_requirements "
                           "(attribute-based selection; the launch template's instance_type is not used)")


def _price_group(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    _check_capacity_units(res)
    shape = _group_shape(res, ctx)
    desired = res.get("desired_capacity")
    if desired is None:
        desired = res.get("min_size")
    count = number(desired)
    if count is None:
        raise NotPriceable(unknown_reason("desired_capacity", desired) if is_unknown(desired) else "desired capacity not set")
    lines = _lines_for(shape, region, count)
    max_size = number(res.get("max_size"))
    max_cost = None
    if max_size is not None:
        at_max = _lines_for(shape, region, max_size)
        if at_max and at_max[0].monthly_cost is not None:  # the instances; unpriced disks are listed apart
            max_cost = sum((c.monthly_cost for c in at_max if c.monthly_cost is not None), Decimal(0))
    return Priced(lines, max_monthly_cost=max_cost)


def _price_template(res: Resource, ctx: PriceContext) -> Priced:
    return Priced(status="free", reason="a launch template runs nothing: its instances are priced on the "
                                        "Auto Scaling group or node group that uses it")


RESOURCES = (
    ResourceSpec("aws_autoscaling_group", "aws:autoscaling/group:Group", _price_group, (),
                 "Auto Scaling groups: desired × instance type (mixed instances split), cost at max size"),
    ResourceSpec("aws_launch_template", "aws:ec2/launchTemplate:LaunchTemplate", _price_template, (),
                 "Launch templates: free; priced where used"),
    ResourceSpec("aws_launch_configuration", "aws:ec2/launchConfiguration:LaunchConfiguration", _price_template, (),
                 "Launch configurations: free; priced where used"),
)
