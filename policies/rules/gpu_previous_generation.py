"""CR-GPU-005 — previous-generation GPU family where a current one is cheaper per GPU-memory.

Trigger: an instance type of a previous-generation accelerator family — ``p2`` (K80),
``p3``/``p3dn`` (V100), ``g3``/``g3s`` (M60), ``inf1`` (Inferentia 1) — including SageMaker
``ml.*`` twins. When the price catalog is available, the message names the cheapest
current type of the same accelerator kind and CPU architecture with at least the same GPU
memory, and the monthly saving; without prices, no saving is claimed.

Fails:

```hcl
resource "aws_instance" "fail_v100" {
  instance_type = "p3.2xlarge"
}
```

Passes:

```hcl
resource "aws_instance" "pass_l4" {
  instance_type = "g6.xlarge"
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from policies.context import HOURS_PER_MONTH, RuleContext, running_count
from policies.finding import Finding
from policies.gpu import GpuSpec, all_specs
from policies.prices import instance_hourly

ID = "CR-GPU-005"
TITLE = "Previous-generation GPU family"
SEVERITY = "low"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {
    "previous_families": ["p2", "p3", "p3dn", "g3", "g3s", "inf1"],
    "current_families": ["g5", "g6", "g6e", "p4d", "p4de", "p5", "inf2"],
}
WHY = (
    "Older accelerators (K80, M60, V100) give less memory and throughput per dollar; newer families usually "
    "run the same model for less, and older ones get fewer framework and driver updates."
)
FIX = "Move to a current family (g6/g6e/g5 for inference, p4d/p5 for training, inf2 for Inferentia) and re-benchmark."


def _better(ctx: RuleContext, spec: GpuSpec, itype: str, region: str, rtype: str) -> tuple[str, Decimal] | None:
    """The current type with ≥ the memory and the lowest hourly price for the same use, if it is cheaper."""
    own = instance_hourly(itype, region, rtype)
    if own is None or spec.gpu_memory_total_gib is None:
        return None
    prefix = "ml." if itype.startswith("ml.") else ""
    current = ctx.params.get("current_families") or []
    best: tuple[str, Decimal] | None = None
    for cand in all_specs().values():
        if cand.family not in current or cand.gpu_memory_total_gib is None:  # type: ignore[operator]
            continue
        if cand.accelerator_kind != spec.accelerator_kind or cand.arch != spec.arch:
            continue
        if cand.gpu_memory_total_gib < spec.gpu_memory_total_gib:
            continue
        price = instance_hourly(prefix + cand.instance_type, region, rtype)
        if price is not None and price < own and (best is None or price < best[1]):
            best = (prefix + cand.instance_type, price)
    if best is None:
        return None
    return best[0], (own - best[1]) * HOURS_PER_MONTH


def check(ctx: RuleContext) -> Iterator[Finding]:
    previous = ctx.params.get("previous_families") or []
    for res in ctx.managed():
        for path, itype, spec in ctx.gpu_types(res):
            if spec.family not in previous:  # type: ignore[operator]
                continue
            better = _better(ctx, spec, itype, res.region, res.type) if isinstance(res.region, str) else None
            if better is not None:
                count = running_count(res, path, itype)  # the saving is per instance running: all of them
                yield ctx.finding(res, f"{path} = {itype} ({spec.gpu_model}) is previous-generation; {better[0]} "
                                       f"has at least its GPU memory for less",
                                  saving=better[1] * count if count is not None else None, suggestion=better[0])
            else:
                yield ctx.finding(res, f"{path} = {itype} ({spec.gpu_model}) is previous-generation; no priced "
                                       f"current alternative known offline (no saving computed)")
