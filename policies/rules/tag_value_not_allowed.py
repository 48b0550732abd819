"""CR-TAG-002 — tag value not allowed (list or pattern).

Trigger: a managed, taggable resource that costs money (as CR-TAG-001, including
``scope: all``) with an effective tag named in ``allowed_tag_values`` whose value is not in
the list, or does not match the regular expression as a whole (``re.fullmatch``). Values
known only after apply are not judged. The finding points at the tag's own line when known
(a ``default_tags`` value points at the provider).

Fails (``allowed_tag_values: {env: [prod, staging, dev]}``):

```hcl
resource "aws_instance" "fail_env" {
  instance_type = "g5.xlarge"
  tags = { env = "production" }
}
```

Passes:

```hcl
resource "aws_instance" "pass_env" {
  instance_type = "g5.xlarge"
  tags = { env = "prod" }
}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.context import RuleContext, costs_money
from policies.finding import Finding

ID = "CR-TAG-002"
TITLE = "Tag value not allowed"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {}
WHY = (
    "A cost report grouped by `env` with `prod`, `production` and `Prod` is three reports. Allowed values keep "
    "the allocation keys joinable across teams and months."
)
FIX = "Use one of the allowed values (see `.costrail.yml` `allowed_tag_values`)."


def _allowed(value: str, rule: list[str] | str) -> bool:
    if isinstance(rule, str):
        return re.fullmatch(rule, value) is not None
    return value in rule


def check(ctx: RuleContext) -> Iterator[Finding]:
    cfg = ctx.cfg
    if not cfg.allowed_tag_values:
        return
    for res in ctx.managed():
        if res.taggable is False:
            continue
        if cfg.required_tags_scope != "all" and not costs_money(ctx, res):
            continue
        for key, rule in cfg.allowed_tag_values.items():
            tag = res.tags.get(key)
            if tag is None or not isinstance(tag.value, (str, int, float)) or isinstance(tag.value, bool):
                continue
            value = str(tag.value)
            if not _allowed(value, rule):
                expected = f"pattern {rule}" if isinstance(rule, str) else ", ".join(rule)
                source = " (from default_tags)" if tag.source == "default_tags" else ""
                yield ctx.finding(res, f"tag {key} = {value!r}{source} is not allowed (expected {expected})",
                                  location=tag.location or res.location, tag=key)
