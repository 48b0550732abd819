"""What a rule sees: the resources, their costs, the config, GPU facts, and small shared readers.

Pure and stdlib-only (the checkov and CrossGuard adapters build one from their own inputs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from estimator.cost_model import whole_instances
from estimator.model import SOURCE_PULUMI_PROGRAM, Location, Resource, Unknown, stand_in_address
from policies.finding import Finding
from policies.gpu import GpuSpec, gpu_spec

if TYPE_CHECKING:
    from estimator.config import Config
    from estimator.cost_model import CostedResource

HOURS_PER_MONTH = Decimal(730)

VARIANT_BLOCKS = ("production_variants", "shadow_production_variants")  # a SageMaker endpoint config's variants
# Where each resource type names the instance type(s) it launches: (path, is_list).
INSTANCE_TYPE_PATHS: dict[str, tuple[tuple[str, bool], ...]] = {
    "aws_instance": (("instance_type", False),),
    "aws_launch_template": (("instance_type", False),),
    "aws_launch_configuration": (("instance_type", False),),
    "aws_eks_node_group": (("instance_types", True),),
    "aws_sagemaker_notebook_instance": (("instance_type", False),),
    "aws_batch_compute_environment": (("compute_resources.instance_type", True),),
}


@dataclass
class RuleContext:
    """Inputs of one rule run. ``params`` are the pack's parameters for the rule being run."""

    resources: list[Resource]
    costs: dict[str, CostedResource] = field(default_factory=dict)
    config: Config | None = None
    params: dict[str, Any] = field(default_factory=dict)
    project: str = ""
    rule: Any = None  # the rule module being run (set by ``run_rule``)
    _by_address: dict[str, Resource] | None = None
    _stand_ins: bool = False  # some resource is a stand-in x[*] (a count known only after apply)
    _by_type: dict[str, list[Resource]] | None = None
    _by_name: dict[str, dict[Any, Resource]] = field(default_factory=dict)
    _gpu_cache: dict[int, list[tuple[str, str, GpuSpec]]] = field(default_factory=dict)

    @property
    def cfg(self) -> Config:
        if self.config is None:
            from estimator.config import Config

            self.config = Config()
        return self.config

    def managed(self, *types: str) -> Iterator[Resource]:
        if not types:
            for res in self.resources:
                if res.mode == "managed":
                    yield res
            return
        if self._by_type is None:
            index: dict[str, list[Resource]] = {}
            for res in self.resources:
                if res.mode == "managed":
                    index.setdefault(res.type, []).append(res)
            self._by_type = index
        for kind in types:
            yield from self._by_type.get(kind, ())

    def by_address(self, address: str) -> Resource | None:
        """The resource at ``address``; ``lt[0]`` (or ``lt``) of a count known only after apply is its
        stand-in ``lt[*]`` (pricing links to it the same way)."""
        if self._by_address is None:
            self._by_address = {r.address: r for r in self.resources}
            self._stand_ins = any("[*]" in a for a in self._by_address)
        found = self._by_address.get(address)
        if found is None and self._stand_ins:  # x[0] or x of a count known only after apply: its stand-in x[*]
            found = self._by_address.get(stand_in_address(address)) or self._by_address.get(f"{address}[*]")
        return found

    def env_of(self, res: Resource) -> str:
        tag = res.tags.get(self.cfg.environment_tag)
        value = tag.value if tag is not None else None
        return value if isinstance(value, str) and value else "default"

    def cost(self, res: Resource) -> CostedResource | None:
        return self.costs.get(res.address)

    def hourly_price(self, res: Resource, itype: str | None = None) -> Decimal | None:
        """The hourly unit price of one instance (of ``itype`` when given) from the resource's priced
        hours lines: the highest such line, never their sum (an ASG's on-demand and spot lines, or two
        SageMaker variants, are not one instance's price)."""
        costed = self.cost(res)
        if costed is None:
            return None
        lines = [c for c in costed.components if c.unit == "hours" and c.unit_price is not None]
        if itype is not None:
            named = re.compile(rf"(?<![\w.]){re.escape(itype)}(?![\w.])")
            lines = [c for c in lines if named.search(c.name)]  # another type's line is not its price
        return max((c.unit_price for c in lines if c.unit_price is not None), default=None)

    def finding(
        self,
        res: Resource | None,
        message: str,
        *,
        location: Location | None = None,
        saving: Decimal | None = None,
        address: str | None = None,
        **extra: Any,
    ) -> Finding:
        rule = self.rule
        return Finding(
            rule=rule.ID,
            severity=rule.SEVERITY,
            enforcement=rule.DEFAULT_ENFORCEMENT,
            address=address or (res.address if res is not None else self.project or "(stack)"),
            message=message,
            location=location or (res.location if res is not None else None),
            monthly_saving=saving,
            project=self.project,
            extra=dict(extra),
        )

    # ---- shared readers
    def instance_types(self, res: Resource) -> list[tuple[str, Any]]:
        """(attribute path, value) of every instance type the resource launches."""
        out: list[tuple[str, Any]] = []
        for path, is_list in INSTANCE_TYPE_PATHS.get(res.type, ()):
            value = res.get(path)
            if is_list and isinstance(value, list):
                out.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
            elif value is not None:
                out.append((path, value))
        if res.type == "aws_sagemaker_endpoint_configuration":
            for block in VARIANT_BLOCKS:  # a shadow variant runs (and is billed) as a production one does
                for i, variant in enumerate(_blocks(res.attributes.get(block))):
                    out.append((f"{block}[{i}].instance_type", variant.get("instance_type")))
        if res.type == "aws_autoscaling_group":
            overrides = res.get("mixed_instances_policy.launch_template.override")
            for i, override in enumerate(_blocks(overrides)):
                out.append((f"mixed_instances_policy.launch_template.override[{i}].instance_type",
                            override.get("instance_type")))
        return out

    def gpu_types(self, res: Resource) -> list[tuple[str, str, GpuSpec]]:
        """(path, type, spec) of the GPU/accelerator types among ``instance_types`` (cached per run)."""
        cached = self._gpu_cache.get(id(res))
        if cached is not None:
            return cached
        out = []
        for path, value in self.instance_types(res):
            spec = gpu_spec(value)
            if spec is not None:
                out.append((path, value, spec))
        self._gpu_cache[id(res)] = out
        return out

    def launch_template_of(self, res: Resource) -> Resource | None:
        """The launch template an ASG, node group or instance uses, by reference or by name/id."""
        for path in ("launch_template", "mixed_instances_policy.launch_template.launch_template_specification"):
            block = res.get(path)
            if isinstance(block, list):
                block = block[0] if block else None
            if not isinstance(block, dict):
                continue
            for key in ("id", "name", "launch_template_id", "launch_template_name"):
                target = self.resolve_ref(block.get(key), "aws_launch_template")
                if target is not None:
                    return target
        return None

    def resolve_ref(self, value: Any, *types: str) -> Resource | None:
        """The resource a value points at: an Unknown with ``ref``, or a literal name/id/arn match."""
        if isinstance(value, Unknown) and value.ref:
            target = self.by_address(value.ref)
            if target is not None and (not types or target.type in types):
                return target
            return None
        if isinstance(value, str) and value:
            for kind in types:
                found = self._names(kind).get(value)
                if found is not None:
                    return found
        return None

    def _names(self, kind: str) -> dict[Any, Resource]:
        """name/id/arn literal → resource, per type (first one wins, as in source order).

        An auto-named resource of a Pulumi program has no ``name`` attribute, but its mock
        ``name`` output (what other resources read) is its logical name: indexed after the
        literal attributes, so an explicit name always wins.
        """
        if kind not in self._by_name:
            index: dict[Any, Resource] = {}
            for cand in self.managed(kind):
                for key in ("name", "id", "arn"):
                    value = cand.attributes.get(key)
                    if isinstance(value, str):
                        index.setdefault(value, cand)
            for cand in self.managed(kind):
                if cand.origin == SOURCE_PULUMI_PROGRAM and cand.attributes.get("name") is None and cand.name:
                    index.setdefault(cand.name, cand)
            self._by_name[kind] = index
        return self._by_name[kind]


def _blocks(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def blocks(value: Any) -> list[dict[str, Any]]:
    """Nested blocks as a list of dicts, whether written as one block or several."""
    return _blocks(value)


def tag_value(res: Resource, key: str) -> Any:
    tag = res.tags.get(key)
    return tag.value if tag is not None else None


def as_decimal(value: Any) -> Decimal | None:
    """A number from an attribute (int, float, numeric string); None for Unknown or junk."""
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None
    except ValueError:
        return None


def asg_weight(res: Resource, itype: str) -> Decimal | None:
    """The ``weighted_capacity`` of an Auto Scaling group's override for ``itype`` (else its first
    weighted one): the group's sizes are then capacity units, not instances. None when unweighted."""
    if res.type != "aws_autoscaling_group":
        return None
    overrides = _blocks(res.get("mixed_instances_policy.launch_template.override"))
    weighted = [(o.get("instance_type"), w) for o in overrides
                if (w := as_decimal(o.get("weighted_capacity"))) is not None and w > 0]
    chosen = next((w for t, w in weighted if t == itype), weighted[0][1] if weighted else None)
    return chosen if chosen is not None and chosen != 1 else None


def running_count(res: Resource, path: str, itype: str) -> Decimal | None:
    """How many instances of ``itype`` the resource runs at ``path`` now: a SageMaker variant's
    ``initial_instance_count``, a node group's desired size, an Auto Scaling group's desired capacity
    (in whole instances when weighted); 1 for an instance. None when not known offline."""
    if path.startswith(VARIANT_BLOCKS):
        block, _, rest = path.partition("[")
        index = as_decimal(rest.split("]", 1)[0])
        variants = _blocks(res.attributes.get(block))
        if index is None or int(index) >= len(variants):
            return None
        value = variants[int(index)].get("initial_instance_count")
        return Decimal(1) if value is None else as_decimal(value)  # serverless variants set none
    if res.type == "aws_eks_node_group":
        return as_decimal(res.get("scaling_config.desired_size"))
    if res.type == "aws_autoscaling_group":
        desired = res.attributes.get("desired_capacity")
        units = as_decimal(res.attributes.get("min_size") if desired is None else desired)
        weight = asg_weight(res, itype)
        if units is None or weight is None:
            return units
        return whole_instances(units, weight)
    return Decimal(1)


def run_rule(module: Any, ctx: RuleContext, params: dict[str, Any] | None = None) -> list[Finding]:
    """Run one rule module over a context with its parameters (pack values over ``PARAMS``)."""
    ctx.rule = module
    ctx.params = {**getattr(module, "PARAMS", {}), **(params or {})}
    return list(module.check(ctx))


def _template_gpu_types(ctx: RuleContext, template: Resource) -> list[tuple[str, str, GpuSpec]]:
    """The template's GPU types, each path prefixed with the template's address (where the type is written)."""
    return [(f"{template.address}.{path}", itype, spec) for path, itype, spec in ctx.gpu_types(template)]


def scaling_gpu_types(ctx: RuleContext, res: Resource) -> list[tuple[str, str, GpuSpec]]:
    """GPU types an ASG or node group launches: its own, plus its launch template's."""
    types = ctx.gpu_types(res)
    template = ctx.launch_template_of(res)
    if template is not None:
        types = types + _template_gpu_types(ctx, template)
    return types


def instance_template(ctx: RuleContext, res: Resource) -> Resource | None:
    """The launch template an ``aws_instance`` without its own ``instance_type`` takes it from."""
    if res.type != "aws_instance" or res.get("instance_type") is not None:
        return None
    return ctx.launch_template_of(res)


SCALING_TYPES = ("aws_autoscaling_group", "aws_eks_node_group")


def launched_gpu_types(ctx: RuleContext, res: Resource) -> list[tuple[str, str, GpuSpec]]:
    """GPU types a resource runs: its own, plus its launch template's where it takes its type from one (an
    instance without its own ``instance_type``, an Auto Scaling group, an EKS node group). Rules that judge
    what runs use this, not ``ctx.gpu_types``, or a GPU type set in a launch template goes unseen."""
    if res.type in SCALING_TYPES:
        return scaling_gpu_types(ctx, res)
    types = ctx.gpu_types(res)
    template = instance_template(ctx, res)
    if template is not None:
        types = types + _template_gpu_types(ctx, template)
    return types


def sagemaker_target(ctx: RuleContext, resource_id: Any) -> tuple[Resource | None, list[Resource]]:
    """For an Application Auto Scaling ``resource_id`` of ``endpoint/<name>/variant/<v>``: the
    endpoint resource and the endpoint configuration(s) it uses (empty when not found)."""
    endpoint: Resource | None = None
    if isinstance(resource_id, Unknown):
        endpoint = ctx.resolve_ref(resource_id, "aws_sagemaker_endpoint")
    elif isinstance(resource_id, str) and resource_id.startswith("endpoint/"):
        parts = resource_id.split("/")
        if len(parts) >= 2:
            endpoint = ctx.resolve_ref(parts[1], "aws_sagemaker_endpoint")
    if endpoint is None:
        return None, []
    config = ctx.resolve_ref(endpoint.attributes.get("endpoint_config_name"), "aws_sagemaker_endpoint_configuration")
    return endpoint, [config] if config is not None else []


def sagemaker_variant_name(resource_id: Any) -> str | None:
    """The ``<v>`` of a literal ``endpoint/<ep>/variant/<v>``; None when not written out offline."""
    if isinstance(resource_id, str):
        parts = resource_id.split("/")
        if len(parts) >= 4 and parts[0] == "endpoint" and parts[2] == "variant" and parts[3]:
            return parts[3]
    return None


@dataclass(frozen=True)
class ScaledVariants:
    """GPU variants an Application Auto Scaling ``resource_id`` may scale: ``gpu`` is (variant name, instance
    type) pairs; ``exact`` is False when the scaled variant could not be told apart (its name, or the config's
    variant names, are known only after apply) and every GPU variant of the endpoint is judged instead."""

    endpoint: Resource | None
    configs: list[Resource]
    gpu: list[tuple[Any, str]]
    exact: bool


def sagemaker_scaled_variants(ctx: RuleContext, resource_id: Any) -> ScaledVariants:
    """The production variant(s) ``endpoint/<ep>/variant/<v>`` scales and their GPU types.

    Only the named variant counts: a CPU variant next to a GPU one is not GPU capacity, and the type
    named must not depend on variant order (HCL, plan and Pulumi order them differently). A config
    with a single variant needs no name. Where the variant cannot be matched the judgment stays
    conservative (any GPU variant) and says so through ``exact``.
    """
    endpoint, configs = sagemaker_target(ctx, resource_id)
    variants = [v for cfg in configs for block in VARIANT_BLOCKS for v in _blocks(cfg.attributes.get(block))]
    wanted = sagemaker_variant_name(resource_id)
    chosen = [v for v in variants if wanted is not None and v.get("variant_name") == wanted]
    exact = bool(chosen) or len(variants) == 1
    if not chosen:
        chosen = variants
    gpu = [(v.get("variant_name"), v.get("instance_type")) for v in chosen
           if isinstance(v.get("instance_type"), str) and gpu_spec(v.get("instance_type")) is not None]
    return ScaledVariants(endpoint, configs, gpu, exact)


def costs_money(ctx: RuleContext, res: Resource) -> bool:
    """Priced, usage-priced or unpriced (a price is missing, not zero) — not free/unsupported.

    Without any costs (an adapter that does not price), every resource counts.
    """
    if not ctx.costs:
        return True
    costed = ctx.cost(res)
    return costed is not None and costed.status in ("priced", "partial", "unpriced")


def tag_keys(ctx: RuleContext, res: Resource) -> set[str]:
    """Tag keys a resource's spend carries: its effective tags, plus for an Auto Scaling group its
    ``tag`` blocks, and for an ASG, EKS node group or instance its launch template's
    ``tag_specifications`` for instances (what the instances it launches are tagged with)."""
    keys = set(res.tags)
    if res.type == "aws_autoscaling_group":
        keys |= {str(b.get("key")) for b in blocks(res.attributes.get("tag")) if b.get("key") is not None}
    if res.type in (*SCALING_TYPES, "aws_instance"):
        template = ctx.launch_template_of(res)
        if template is not None:
            for spec in blocks(template.attributes.get("tag_specifications")):
                if spec.get("resource_type") == "instance" and isinstance(spec.get("tags"), dict):
                    keys |= set(spec["tags"])
    return keys
