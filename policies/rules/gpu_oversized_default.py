"""CR-GPU-001 — oversized GPU instance as a default, or beyond the environment's ceiling.

Trigger: a GPU/accelerator instance type (``aws_instance``, ``aws_launch_template``,
``aws_launch_configuration``, ``aws_eks_node_group.instance_types``, SageMaker ``ml.*``
endpoint variants and notebooks, ``aws_batch_compute_environment``, ASG mixed-instance
overrides) whose GPU count, GPU memory (pack parameter ``max_gpu_memory_gib``) or hourly
price exceeds the ceiling:

- a *default* (a Terraform variable default, also inside local modules, or a Pulumi config
  fallback) is judged against ``gpu.default_max_gpus``; the finding points at the default's
  own file and line, even where tfvars or stack config override it;
- the literal / resolved value is judged against ``gpu.max_gpus[<env>]`` (and
  ``gpu.max_hourly_usd[<env>]`` with the priced hourly rate) at the resource, where env is
  the resource's ``environment_tag`` tag, else ``default``.

GPU facts come from ``policies/data/gpu_specs.csv``; ``ml.*`` types map to their EC2 twin.

Fails:

```hcl
variable "gpu_type" {
  default = "p4d.24xlarge"   # 8 × A100 as the default: gpu.default_max_gpus is 1
}
resource "aws_instance" "fail_train" {
  instance_type = var.gpu_type
  tags          = { env = "dev" }   # gpu.max_gpus.dev = 1
}
```

Passes:

```hcl
variable "gpu_type" {
  default = "g5.xlarge"      # 1 GPU
}
resource "aws_instance" "pass_train" {
  instance_type = var.gpu_type
  tags          = { env = "dev" }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from policies.context import RuleContext
from policies.finding import Finding
from policies.gpu import GpuSpec, gpu_spec, gpu_types_in

ID = "CR-GPU-001"
TITLE = "Oversized GPU instance as a default or beyond the environment's ceiling"
SEVERITY = "high"
DEFAULT_ENFORCEMENT = "mandatory"
PARAMS: dict[str, object] = {"max_gpu_memory_gib": None}
WHY = (
    "A large GPU type as a default is copied into every new environment and every fork of the module; "
    "one forgotten override turns a dev box into a five-figure monthly bill. Ceilings per environment keep "
    "the biggest accelerators where they are meant to be."
)
FIX = (
    "Make the default the smallest GPU type that works (or no default), and set the large type explicitly "
    "in the environment that needs it; or raise the ceiling in `.costrail.yml` (`gpu.max_gpus`)."
)

# How a finding names each kind of default (DefaultRef.kind).
DEFAULT_KINDS = {"pulumi-config": "Pulumi config fallback", "pulumi-yaml-default": "Pulumi.yaml default"}
# Attributes whose variable defaults can feed an instance type.
TYPE_ATTRIBUTES = ("instance_type", "instance_types", "production_variants", "shadow_production_variants",
                   "compute_resources", "mixed_instances_policy")


def _describe(spec: GpuSpec) -> str:
    memory = f", {spec.gpu_memory_total_gib.normalize():f} GiB" if spec.gpu_memory_total_gib is not None else ""
    return f"{spec.gpu_count.normalize():f} × {spec.gpu_model}{memory}"


def _memory_over(spec: GpuSpec, limit: object) -> bool:
    if limit is None or spec.gpu_memory_total_gib is None:
        return False
    return spec.gpu_memory_total_gib > Decimal(str(limit))


def check(ctx: RuleContext) -> Iterator[Finding]:
    cfg = ctx.cfg
    mem_limit = ctx.params.get("max_gpu_memory_gib")
    seen_defaults: set[tuple[str, object, str]] = set()
    for res in ctx.managed():
        gpu_types = ctx.gpu_types(res)
        # 1. defaults, judged against gpu.default_max_gpus at the default's own location
        for attr in TYPE_ATTRIBUTES:
            for ref in res.defaults_for(attr):
                for itype in gpu_types_in(ref.value):
                    spec = gpu_spec(itype)
                    assert spec is not None
                    key = (ref.name, ref.location, itype)
                    if key in seen_defaults:
                        continue
                    too_many = spec.gpu_count > cfg.gpu.default_max_gpus
                    if not (too_many or _memory_over(spec, mem_limit)):
                        continue
                    seen_defaults.add(key)
                    limit = (f"gpu.default_max_gpus is {cfg.gpu.default_max_gpus}" if too_many
                             else f"max_gpu_memory_gib is {mem_limit}")
                    kind = DEFAULT_KINDS.get(ref.kind, "default")
                    yield ctx.finding(
                        res,
                        f"{kind} of {ref.name} is {itype} ({_describe(spec)}); {limit} "
                        f"(feeds {res.address}.{attr})",
                        location=ref.location or res.location,
                        default_name=ref.name,
                    )
        # 2. the resolved value, against the environment's ceiling
        if not gpu_types:
            continue
        env = ctx.env_of(res)
        max_gpus = cfg.gpu.max_gpus_for(env)
        max_hourly = cfg.gpu.max_hourly_for(env)
        for path, itype, spec in gpu_types:
            hourly = ctx.hourly_price(res, itype)
            reasons = []
            if max_gpus is not None and spec.gpu_count > max_gpus:
                reasons.append(f"gpu.max_gpus for env '{env}' is {max_gpus}")
            if _memory_over(spec, mem_limit):
                reasons.append(f"max_gpu_memory_gib is {mem_limit}")
            if max_hourly is not None and hourly is not None and hourly > max_hourly:
                reasons.append(f"${hourly.normalize():f}/hour is above gpu.max_hourly_usd for env '{env}' "
                               f"(${max_hourly.normalize():f})")
            if reasons:
                yield ctx.finding(
                    res, f"{path} = {itype} ({_describe(spec)}); " + "; ".join(reasons),
                    environment=env,
                )
