"""CR-TAG-001 — required cost-allocation tag missing (after ``default_tags``).

Trigger: a managed resource that can be tagged (``taggable`` is not false) and costs money
(priced, usage-priced or unpriced — not free or unsupported; ``required_tags: {scope: all}``
drops that condition) whose *effective* tags — provider ``default_tags`` merged under its own
— lack one of ``required_tags`` (default ``cost-center``, ``team``, ``env``). A tag whose
value is only known after apply counts as present; so does every tag of a resource whose whole
tag map is known only after apply (a plan's ``after_unknown.tags``). One finding per resource, naming every
missing tag.

Fails:

```hcl
provider "aws" {
  default_tags { tags = { team = "ml" } }
}
resource "aws_instance" "fail_untagged" {
  instance_type = "g5.xlarge"                  # no cost-center, no env
}
```

Passes:

```hcl
resource "aws_instance" "pass_tagged" {
  instance_type = "g5.xlarge"
  tags = { cost-center = "cc-1234", env = "prod" }   # team from default_tags
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from estimator.model import unknown_tags
from policies.context import RuleContext, costs_money
from policies.finding import Finding

ID = "CR-TAG-001"
TITLE = "Required cost-allocation tag missing"
SEVERITY = "high"
DEFAULT_ENFORCEMENT = "mandatory"
PARAMS: dict[str, object] = {}
WHY = (
    "Cost allocation (showback, chargeback, unit economics per model) runs on tags. An untagged resource is "
    "spend nobody owns; tags cannot be added to past bills."
)
FIX = "Add the missing tags on the resource, or once for all resources in the provider's `default_tags`."


def check(ctx: RuleContext) -> Iterator[Finding]:
    cfg = ctx.cfg
    required = list(cfg.required_tags)
    if not required:
        return
    for res in ctx.managed():
        if res.taggable is False:
            continue
        if cfg.required_tags_scope != "all" and not costs_money(ctx, res):
            continue
        missing = [tag for tag in required if tag not in res.tags]
        if missing and unknown_tags(res) is not None:
            continue  # its tag map is known only after apply: which tags it has is unknown, not missing
        if missing:
            yield ctx.finding(res, f"missing required tag{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                              missing_tags=missing)
