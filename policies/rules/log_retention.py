"""CR-LOG-001 — log group without retention.

Trigger: an ``aws_cloudwatch_log_group`` whose ``retention_in_days`` is missing or ``0``
(never expire). A value known only after apply is not judged. Inference and training logs
(prompts, completions, per-step metrics) grow fast and are billed per GB stored, forever.

Fails:

```hcl
resource "aws_cloudwatch_log_group" "fail_logs" {
  name = "/aws/sagemaker/Endpoints/llm"
}
```

Passes:

```hcl
resource "aws_cloudwatch_log_group" "pass_logs" {
  name              = "/aws/sagemaker/Endpoints/llm"
  retention_in_days = 30
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.context import RuleContext
from policies.finding import Finding

ID = "CR-LOG-001"
TITLE = "Log group without retention"
SEVERITY = "low"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {}
WHY = "CloudWatch Logs storage is billed per GB-month with no end: a log group without retention only grows."
FIX = "Set `retention_in_days` (e.g. 30 or 90; longer only where a regulation asks for it)."


def check(ctx: RuleContext) -> Iterator[Finding]:
    for res in ctx.managed("aws_cloudwatch_log_group"):
        days = res.attributes.get("retention_in_days")
        if days is None or (not isinstance(days, bool) and days == 0):
            why = "is not set" if days is None else "is 0 (never expire)"
            yield ctx.finding(res, f"log group keeps logs forever: retention_in_days {why}")
