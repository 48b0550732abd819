"""CR-GPU-007 — GPU memory far above what the declared model needs.

Trigger: a resource with a GPU type (its own, or its launch template's for an instance, Auto
Scaling group or EKS node group) and a ``model-params`` tag (``8b``, ``70B``, ``350m``,
``1.5t`` or a plain count) whose GPU memory is more than ``oversize_factor`` (default 2) times
the VRAM the model needs: params × bytes per parameter × 1.2 (activations / KV-cache
overhead). Bytes come from the ``quantization`` tag: fp32 4, fp16/bf16 2, fp8/int8 1,
int4/awq/gptq 0.5 (missing: fp16, and the message says so). The suggestion is the
cheapest type of the same accelerator kind and CPU architecture (same ``ml.`` prefix) whose
GPU memory fits, priced from the catalog, with the monthly saving; without catalog prices
there is no suggestion, and the message says why.

Fails:

```hcl
resource "aws_instance" "fail_llm" {
  instance_type = "p4d.24xlarge"              # 320 GiB of GPU memory
  tags = { model-params = "8b", quantization = "int4" }   # needs ~4.5 GiB
}
```

Passes:

```hcl
resource "aws_instance" "pass_llm" {
  instance_type = "g5.xlarge"                 # 22 GiB
  tags = { model-params = "8b", quantization = "fp16" }   # needs ~17.9 GiB
}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from estimator.model import Resource
from policies.context import HOURS_PER_MONTH, RuleContext, launched_gpu_types, running_count, tag_value
from policies.finding import Finding
from policies.gpu import GpuSpec, all_specs
from policies.prices import catalog_available, instance_hourly

ID = "CR-GPU-007"
TITLE = "GPU memory far above what the declared model needs"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {"oversize_factor": 2, "overhead": "1.2"}
WHY = (
    "Serving a model needs roughly parameters × bytes per parameter plus overhead of GPU memory. Instances with "
    "many times that memory are paid for and idle; quantized models fit on much smaller GPUs."
)
FIX = "Pick the smallest GPU type whose memory fits the model (see the suggestion), or tag the real model size."

BYTES_PER_PARAM = {
    "fp32": Decimal(4), "float32": Decimal(4),
    "fp16": Decimal(2), "bf16": Decimal(2), "float16": Decimal(2),
    "fp8": Decimal(1), "int8": Decimal(1),
    "int4": Decimal("0.5"), "awq": Decimal("0.5"), "gptq": Decimal("0.5"),
}
SCALE = {"": Decimal(1), "k": Decimal(10) ** 3, "m": Decimal(10) ** 6, "b": Decimal(10) ** 9, "t": Decimal(10) ** 12}
_PARAMS_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)
GIB = Decimal(2) ** 30


def parse_params(value: object) -> Decimal | None:
    """``8b`` → 8e9; None when the tag is not a size."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    match = _PARAMS_RE.match(str(value))
    if not match:
        return None
    return Decimal(match.group(1)) * SCALE[match.group(2).lower()]


def needed_gib(params: Decimal, quantization: str, overhead: Decimal) -> Decimal:
    return params * BYTES_PER_PARAM[quantization] * overhead / GIB


def _cheapest_fit(itype: str, current: GpuSpec, need: Decimal, region: str, rtype: str) -> tuple[str, Decimal] | None:
    """Cheapest priced type (for the same use) of the same accelerator kind and CPU architecture whose GPU
    memory fits."""
    prefix = "ml." if itype.startswith("ml.") else ""
    best: tuple[str, Decimal] | None = None
    for spec in all_specs().values():
        if spec.accelerator_kind != current.accelerator_kind or spec.arch != current.arch:
            continue
        if spec.gpu_memory_total_gib is None:
            continue
        if spec.gpu_memory_total_gib < need:
            continue
        price = instance_hourly(prefix + spec.instance_type, region, rtype)
        if price is not None and (best is None or price < best[1]):
            best = (prefix + spec.instance_type, price)
    return best


def check(ctx: RuleContext) -> Iterator[Finding]:
    factor = Decimal(str(ctx.params.get("oversize_factor", 2)))
    overhead = Decimal(str(ctx.params.get("overhead", "1.2")))
    for res in ctx.managed():
        params = parse_params(tag_value(res, "model-params"))
        if params is None:
            continue
        quant_tag = tag_value(res, "quantization")
        quant = quant_tag.lower() if isinstance(quant_tag, str) and quant_tag.lower() in BYTES_PER_PARAM else "fp16"
        assumed = "" if quant_tag == quant or (isinstance(quant_tag, str) and quant_tag.lower() == quant) else \
            " (no known quantization tag: fp16 assumed)"
        need = needed_gib(params, quant, overhead)
        types = launched_gpu_types(ctx, res)  # an ASG / node group / instance typed by its launch template too
        for path, itype, spec in types:
            # the priced rate of that type from the resource's own bill lines, where it has one
            yield from _judge(ctx, res, path, itype, spec, need, factor, quant, assumed,
                              running_count(res, path, itype), ctx.hourly_price(res, itype))


def _judge(
    ctx: RuleContext, res: Resource, path: str, itype: str, spec: GpuSpec, need: Decimal, factor: Decimal,
    quant: str, assumed: str, count: Decimal | None, priced: Decimal | None,
) -> Iterator[Finding]:
    have = spec.gpu_memory_total_gib
    if have is None or have <= need * factor:
        return
    need_text = f"{need.quantize(Decimal('0.1'))}"
    base = (f"{path} = {itype} has {have.normalize():f} GiB of GPU memory; the declared "
            f"{tag_value(res, 'model-params')} model at {quant} needs about {need_text} GiB{assumed}")
    if not catalog_available():
        yield ctx.finding(res, base + "; no cheaper-fit suggestion (price catalog not available)",
                          needed_gpu_memory_gib=need_text)
        return
    if not isinstance(res.region, str):
        yield ctx.finding(res, base + "; no cheaper-fit suggestion (region not known offline)",
                          needed_gpu_memory_gib=need_text)
        return
    fit = _cheapest_fit(itype, spec, need, res.region, res.type)
    current = priced if priced is not None else instance_hourly(itype, res.region, res.type)
    if fit is None or current is None or fit[1] >= current:
        yield ctx.finding(res, base + "; no cheaper priced type that fits is known", needed_gpu_memory_gib=need_text)
        return
    saving = (current - fit[1]) * HOURS_PER_MONTH * count if count is not None else None
    yield ctx.finding(res, base + f"; {fit[0]} fits for ${fit[1].normalize():f}/hour",
                      saving=saving, suggestion=fit[0], needed_gpu_memory_gib=need_text)
