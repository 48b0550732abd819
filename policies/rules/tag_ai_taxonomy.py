"""CR-TAG-004 — AI resources without the AI cost taxonomy tags.

Trigger: a managed, taggable AI resource whose effective tags lack one of ``ai_tags``
(default ``model``, ``workload``). AI resources: anything launching a GPU/accelerator type
(EC2, launch templates, node groups, Batch, SageMaker ``ml.*`` GPU types), every SageMaker
resource with cost (``aws_sagemaker_endpoint``, ``_endpoint_configuration``, ``_model``,
``_notebook_instance``, ``_domain``, ``_space``, ``_inference_component``), and Bedrock
resources (``aws_bedrock*``). An Auto Scaling group's keys include its ``tag`` blocks and its
launch template's instance ``tag_specifications``. A tag map known only after apply (a plan's
unknown ``tags``) has unknown keys, not missing ones: no finding.

Fails:

```hcl
resource "aws_sagemaker_endpoint_configuration" "fail_llm" {
  production_variants { instance_type = "ml.g5.2xlarge" }
  tags = { team = "ml" }              # no model, no workload
}
```

Passes:

```hcl
resource "aws_sagemaker_endpoint_configuration" "pass_llm" {
  production_variants { instance_type = "ml.g5.2xlarge" }
  tags = { model = "llama-3-8b", workload = "inference" }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from estimator.model import Resource, unknown_tags
from policies.context import RuleContext, launched_gpu_types, tag_keys
from policies.finding import Finding

ID = "CR-TAG-004"
TITLE = "AI resource without the AI cost taxonomy tags"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {}
WHY = (
    "AI spend is asked about per model and per workload (training, inference, RAG, fine-tuning). Without those "
    "tags, the GPU line of the bill cannot be split into unit costs per model or feature."
)
FIX = "Add the AI taxonomy tags (`model`, `workload` by default; see `.costrail.yml` `ai_tags`)."

SAGEMAKER_TYPES = (
    "aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_model",
    "aws_sagemaker_notebook_instance", "aws_sagemaker_domain", "aws_sagemaker_space",
    "aws_sagemaker_inference_component",
)


def is_ai_resource(ctx: RuleContext, res: Resource) -> bool:
    return res.type in SAGEMAKER_TYPES or res.type.startswith("aws_bedrock") or bool(launched_gpu_types(ctx, res))


def check(ctx: RuleContext) -> Iterator[Finding]:
    tags = list(ctx.cfg.ai_tags)
    if not tags:
        return
    for res in ctx.managed():
        if res.taggable is False or not is_ai_resource(ctx, res):
            continue
        present = tag_keys(ctx, res)
        missing = [t for t in tags if t not in present]
        if missing and unknown_tags(res) is not None:
            continue  # its tag map is known only after apply: the taxonomy tags are unknown, not missing
        if missing:
            yield ctx.finding(res, f"AI resource missing taxonomy tag{'s' if len(missing) > 1 else ''}: "
                                   f"{', '.join(missing)}", missing_tags=missing)
