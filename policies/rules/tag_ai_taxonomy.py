"""CR-TAG-004 — AI resources without the AI cost taxonomy tags.

Trigger: a managed, taggable AI resource that costs money (priced, usage-priced or unpriced —
not free or unsupported, as for CR-TAG-001; ``required_tags: {scope: all}`` drops that
condition) whose effective tags lack one of ``ai_tags`` (default ``model``, ``workload``).
AI resources: anything launching a GPU/accelerator type (EC2 instances, Auto Scaling groups and
EKS node groups, also by their launch template's type, Batch, SageMaker ``ml.*`` GPU types),
every SageMaker resource (``aws_sagemaker_endpoint``, ``_notebook_instance``, ``_domain``,
``_space``, ``_inference_component``, ...), and Bedrock resources (``aws_bedrock*``). Free
resources bill nothing and are not judged: a launch template, an ``aws_sagemaker_model`` or an
``aws_sagemaker_endpoint_configuration`` (its spend is on the endpoint). The keys of an Auto
Scaling group, node group or instance include its launch template's instance
``tag_specifications`` (and an ASG's ``tag`` blocks). A tag map known only after apply (a plan's
unknown ``tags``) has unknown keys, not missing ones: no finding.

Fails:

```hcl
resource "aws_sagemaker_endpoint" "fail_llm" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llm.name   # ml.g5.2xlarge
  tags = { team = "ml" }              # no model, no workload
}
```

Passes:

```hcl
resource "aws_sagemaker_endpoint" "pass_llm" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llm.name
  tags = { model = "llama-3-8b", workload = "inference" }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from estimator.model import Resource, unknown_tags
from policies.context import RuleContext, costs_money, launched_gpu_types, tag_keys
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
        if ctx.cfg.required_tags_scope != "all" and not costs_money(ctx, res):
            continue  # free (a launch template, an endpoint configuration): the spend is tagged where it bills
        present = tag_keys(ctx, res)
        missing = [t for t in tags if t not in present]
        if missing and unknown_tags(res) is not None:
            continue  # its tag map is known only after apply: the taxonomy tags are unknown, not missing
        if missing:
            yield ctx.finding(res, f"AI resource missing taxonomy tag{'s' if len(missing) > 1 else ''}: "
                                   f"{', '.join(missing)}", missing_tags=missing)
