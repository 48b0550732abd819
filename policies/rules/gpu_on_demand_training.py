"""CR-GPU-002 — batch / training / fine-tuning GPU capacity on on-demand instead of spot.

Trigger: GPU/accelerator capacity that is batch-like and bought on-demand:

- ``aws_batch_compute_environment`` with GPU ``compute_resources.instance_type`` and
  ``compute_resources.type`` ``EC2`` (not ``SPOT``) — Batch work is interruptible by nature;
- ``aws_eks_node_group`` with GPU ``instance_types`` (or a launch template's GPU
  ``instance_type``), ``capacity_type`` not ``SPOT``, and a
  training-like ``workload`` tag or node label;
- ``aws_instance`` / ``aws_autoscaling_group`` (through its launch template) with a GPU type,
  a training-like ``workload`` tag, and no spot market option / spot share.

Training-like: the ``workload`` tag (or label) contains ``train``, ``fine``, ``batch`` or
``tuning``. The saving is not computed: spot prices are not in the offline catalog.

Fails:

```hcl
resource "aws_eks_node_group" "fail_train" {
  instance_types = ["p4d.24xlarge"]
  capacity_type  = "ON_DEMAND"
  labels         = { workload = "training" }
}
```

Passes:

```hcl
resource "aws_eks_node_group" "pass_train" {
  instance_types = ["p4d.24xlarge"]
  capacity_type  = "SPOT"
  labels         = { workload = "training" }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.context import RuleContext, instance_template, launched_gpu_types, tag_value
from policies.finding import Finding

ID = "CR-GPU-002"
TITLE = "Batch / training GPU capacity on on-demand instead of spot"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {"workload_keywords": ["train", "fine", "batch", "tuning"]}
WHY = (
    "Training, fine-tuning and batch inference checkpoint and retry; they tolerate interruption, and spot "
    "GPU capacity costs a fraction of on-demand."
)
FIX = (
    "Use spot capacity (`capacity_type = \"SPOT\"`, Batch `type = \"SPOT\"`, a spot share in the ASG's "
    "mixed_instances_policy, or `instance_market_options`) with checkpointing; keep on-demand for serving."
)
SAVING_NOTE = "spot price not known; typical AWS spot discounts are large"


def _training(ctx: RuleContext, value: object) -> bool:
    if not isinstance(value, str):
        return False
    words = ctx.params.get("workload_keywords") or PARAMS["workload_keywords"]
    low = value.lower()
    return any(word in low for word in words)  # type: ignore[union-attr]


def _workload(res_labels: object, res_tag: object) -> object:
    if isinstance(res_labels, dict) and isinstance(res_labels.get("workload"), str):
        return res_labels["workload"]
    return res_tag


def check(ctx: RuleContext) -> Iterator[Finding]:
    for res in ctx.managed():
        gpu = ctx.gpu_types(res)
        if res.type == "aws_batch_compute_environment":
            kind = res.get("compute_resources.type")
            if gpu and isinstance(kind, str) and kind.upper() == "EC2":
                yield ctx.finding(res, f"Batch compute environment runs {gpu[0][1]} on on-demand "
                                       f"(compute_resources.type = \"EC2\"); {SAVING_NOTE}", saving_note=SAVING_NOTE)
            continue
        if res.type == "aws_eks_node_group":
            gpu = launched_gpu_types(ctx, res)  # instance_types, or the launch template's instance_type
            workload = _workload(res.attributes.get("labels"), tag_value(res, "workload"))
            capacity = res.attributes.get("capacity_type") or "ON_DEMAND"
            if gpu and _training(ctx, workload) and isinstance(capacity, str) and capacity.upper() != "SPOT":
                yield ctx.finding(res, f"{workload} node group runs {gpu[0][1]} on {capacity} capacity; "
                                       f"{SAVING_NOTE}", saving_note=SAVING_NOTE)
            continue
        if res.type == "aws_instance":
            template = instance_template(ctx, res)
            gpu = launched_gpu_types(ctx, res)
            market = res.get("instance_market_options.market_type")
            if market is None and template is not None:
                market = template.get("instance_market_options.market_type")
            if gpu and _training(ctx, tag_value(res, "workload")) and market != "spot":
                yield ctx.finding(res, f"{tag_value(res, 'workload')} instance {gpu[0][1]} is on-demand; "
                                       f"{SAVING_NOTE}", saving_note=SAVING_NOTE)
            continue
        if res.type == "aws_autoscaling_group":
            template = ctx.launch_template_of(res)
            types = launched_gpu_types(ctx, res)
            if not types or not _training(ctx, tag_value(res, "workload") or _asg_tag(res, "workload")):
                continue
            if template is not None and template.get("instance_market_options.market_type") == "spot":
                continue
            dist = res.get("mixed_instances_policy.instances_distribution")
            if isinstance(dist, list):
                dist = dist[0] if dist else None
            if isinstance(dist, dict):
                pct = dist.get("on_demand_percentage_above_base_capacity", 100)
                if isinstance(pct, (int, float)) and pct < 100:
                    continue
            yield ctx.finding(res, f"training Auto Scaling group launches {types[0][1]} on on-demand only; "
                                   f"{SAVING_NOTE}", saving_note=SAVING_NOTE)


def _asg_tag(res: object, key: str) -> object:
    for block in getattr(res, "attributes", {}).get("tag") or []:
        if isinstance(block, dict) and block.get("key") == key:
            return block.get("value")
    return None
