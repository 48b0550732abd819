"""CR-BUD-001 — GPU spend in a stack with no budget or cost-anomaly monitor.

Trigger (stack level): the project has at least one GPU/accelerator resource that costs money
(priced, usage-priced or unpriced — not free): anything that launches a GPU type, including an
Auto Scaling group, node group or instance whose launch template sets one, and a SageMaker
endpoint whose endpoint configuration has an ``ml.*`` GPU type — and no ``aws_budgets_budget``,
``aws_ce_anomaly_monitor`` or ``aws_ce_anomaly_subscription``. Free resources that only name a
GPU type (a launch template, an endpoint configuration) are not GPU spend. One finding for the
stack, placed at (and addressed as) its anchor: the GPU resource with the lowest address. Not the
first in source order (HCL file order, plan order and Pulumi URN order differ), and not the most
expensive (a pull request that resizes another GPU resource would move it): suppressions and
``diff`` match findings by (project, rule, address), so the anchor must be the same whichever
reader built the model and must not move when costs change. ``gpu_resources`` lists them all in
that order. A GPU resource of a type costrail does not price yet (an AWS Batch compute
environment) is GPU spend whose price is unknown, and counts.

Fails:

```hcl
resource "aws_instance" "fail_gpu" {
  instance_type = "g5.12xlarge"
}
# no aws_budgets_budget, no aws_ce_anomaly_monitor
```

Passes:

```hcl
resource "aws_instance" "pass_gpu" {
  instance_type = "g5.12xlarge"
}
resource "aws_budgets_budget" "gpu" {
  budget_type  = "COST"
  limit_amount = "5000"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from estimator.model import Resource
from policies.context import RuleContext, costs_money, launched_gpu_types
from policies.finding import Finding

ID = "CR-BUD-001"
TITLE = "GPU spend with no budget or cost-anomaly monitor"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {
    "guard_types": ["aws_budgets_budget", "aws_ce_anomaly_monitor", "aws_ce_anomaly_subscription"],
}
WHY = (
    "GPU stacks fail expensively: a stuck training job or a runaway autoscaler is visible on the bill weeks "
    "later. A budget alert or a Cost Anomaly Detection monitor turns that into a same-day notification."
)
FIX = "Add an `aws_budgets_budget` with notifications (or an `aws_ce_anomaly_monitor` + subscription) to the stack."


def _runs_gpu(ctx: RuleContext, res: Resource) -> bool:
    """It launches a GPU type (also by its launch template), or is an endpoint whose configuration does."""
    if launched_gpu_types(ctx, res):
        return True
    if res.type != "aws_sagemaker_endpoint":
        return False
    config = ctx.resolve_ref(res.attributes.get("endpoint_config_name"), "aws_sagemaker_endpoint_configuration")
    return config is not None and bool(ctx.gpu_types(config))


def _gpu_spend(ctx: RuleContext, res: Resource) -> bool:
    """It launches GPU capacity and is not free: priced, usage-priced, unpriced, or of a type costrail
    does not price yet (an AWS Batch compute environment of p4d is spend whose price is unknown, not $0)."""
    if not _runs_gpu(ctx, res):
        return False
    costed = ctx.cost(res)
    return costs_money(ctx, res) or (costed is not None and costed.status == "unsupported")


def check(ctx: RuleContext) -> Iterator[Finding]:
    guards = [str(t) for t in ctx.params.get("guard_types") or []]  # type: ignore[union-attr]
    if any(True for _ in ctx.managed(*guards)):
        return
    gpu = sorted((res for res in ctx.managed() if _gpu_spend(ctx, res)), key=lambda res: res.address)
    if not gpu:
        return
    names = ", ".join(r.address for r in gpu[:3]) + (f" and {len(gpu) - 3} more" if len(gpu) > 3 else "")
    yield ctx.finding(gpu[0], f"stack has GPU resources ({names}) but no budget or cost-anomaly monitor",
                      gpu_resources=[r.address for r in gpu])
