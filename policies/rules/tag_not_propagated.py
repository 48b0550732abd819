"""CR-TAG-003 — tags not propagated to launched instances and volumes.

Trigger:

- an ``aws_autoscaling_group`` with a ``tag`` block (or legacy ``tags`` entry) whose
  ``propagate_at_launch`` is false: the instances it launches do not carry that tag
  (provider ``default_tags`` do not reach them either);
- an ``aws_launch_template`` without ``tag_specifications`` for ``resource_type``
  ``instance`` and ``volume``: instances and their EBS volumes launched from it are untagged
  (``default_tags`` are not applied through launch templates).

Fails:

```hcl
resource "aws_launch_template" "fail_lt" {
  instance_type = "g5.xlarge"
  tag_specifications {
    resource_type = "instance"
    tags          = { team = "ml" }
  }                                    # no "volume"
}
```

Passes:

```hcl
resource "aws_launch_template" "pass_lt" {
  instance_type = "g5.xlarge"
  tag_specifications {
    resource_type = "instance"
    tags          = { team = "ml" }
  }
  tag_specifications {
    resource_type = "volume"
    tags          = { team = "ml" }
  }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.context import RuleContext, blocks
from policies.finding import Finding

ID = "CR-TAG-003"
TITLE = "Tags not propagated to launched instances and volumes"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {"resource_types": ["instance", "volume"]}
WHY = (
    "The bill is for the instances and volumes, not the Auto Scaling group or the launch template. Tags that "
    "stay on the group leave the actual spend unallocated."
)
FIX = (
    "Set `propagate_at_launch = true` on ASG tags, and add `tag_specifications` for `instance` and `volume` "
    "to launch templates (e.g. from `data.aws_default_tags`)."
)


def check(ctx: RuleContext) -> Iterator[Finding]:
    wanted = [str(t) for t in ctx.params.get("resource_types") or []]  # type: ignore[union-attr]
    for res in ctx.managed("aws_autoscaling_group", "aws_launch_template"):
        if res.type == "aws_autoscaling_group":
            entries = blocks(res.attributes.get("tag")) + blocks(res.attributes.get("tags"))
            stuck = [str(e.get("key")) for e in entries if e.get("propagate_at_launch") is False
                     or str(e.get("propagate_at_launch")).lower() == "false"]
            if stuck:
                yield ctx.finding(res, f"tag{'s' if len(stuck) > 1 else ''} {', '.join(stuck)} not propagated "
                                       f"to launched instances (propagate_at_launch = false)", not_propagated=stuck)
            continue
        specs = blocks(res.attributes.get("tag_specifications"))
        covered = {s.get("resource_type") for s in specs if s.get("tags")}
        missing = [t for t in wanted if t not in covered]
        if missing:
            yield ctx.finding(res, f"no tag_specifications for {' and '.join(missing)}: launched "
                                   f"{' and '.join(m + 's' for m in missing)} are untagged", missing_tag_specifications=missing)
