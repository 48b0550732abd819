"""CR-EBS-001 — gp2 volume where gp3 is cheaper.

Trigger: ``aws_ebs_volume`` with ``type = "gp2"`` (or no ``type``: gp2 is the EC2 API
default), ``aws_instance`` ``root_block_device`` / ``ebs_block_device`` with
``volume_type = "gp2"``, and ``aws_launch_template`` ``block_device_mappings[].ebs`` with
``volume_type = "gp2"``. gp3 has a lower per-GB price than gp2 in AWS's published price
lists and a 3,000 IOPS / 125 MB/s baseline at any size. The saving is computed when the
volume's gp2 bill line is priced and the catalog has the gp3 price.

Fails:

```hcl
resource "aws_ebs_volume" "fail_data" {
  availability_zone = "us-east-1a"
  size              = 500
  type              = "gp2"
}
```

Passes:

```hcl
resource "aws_ebs_volume" "pass_data" {
  availability_zone = "us-east-1a"
  size              = 500
  type              = "gp3"
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from estimator.model import Resource
from policies.context import RuleContext, blocks
from policies.finding import Finding
from policies.prices import ebs_gb_month

ID = "CR-EBS-001"
TITLE = "gp2 volume where gp3 is cheaper"
SEVERITY = "low"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {}
WHY = (
    "gp3 costs less per GB-month than gp2 and its baseline performance does not depend on size, so moving is a "
    "saving without a performance loss for almost every gp2 volume (model caches, datasets, root volumes)."
)
FIX = "Set `type = \"gp3\"` (or `volume_type = \"gp3\"`); add `iops`/`throughput` only if the workload needs more."


def _saving(ctx: RuleContext, res: Resource) -> Decimal | None:
    costed = ctx.cost(res)
    region = res.region if isinstance(res.region, str) else None
    if costed is None or region is None:
        return None
    gp3 = ebs_gb_month("gp3", region)
    if gp3 is None:
        return None
    total = Decimal(0)
    found = False
    for comp in costed.components:
        if "gp2" in comp.name and comp.quantity is not None and comp.unit_price is not None and comp.unit_price > gp3:
            total += comp.quantity * (comp.unit_price - gp3)
            found = True
    return total if found else None


def check(ctx: RuleContext) -> Iterator[Finding]:
    for res in ctx.managed("aws_ebs_volume", "aws_instance", "aws_launch_template"):
        where: list[str] = []
        if res.type == "aws_ebs_volume":
            kind = res.attributes.get("type")
            if kind == "gp2":
                where.append("type = gp2")
            elif kind is None:
                where.append("type not set (gp2 is the EC2 API default)")
        elif res.type == "aws_instance":
            for name in ("root_block_device", "ebs_block_device"):
                for i, block in enumerate(blocks(res.attributes.get(name))):
                    if block.get("volume_type") == "gp2":
                        where.append(f"{name}[{i}].volume_type = gp2")
        else:
            for i, mapping in enumerate(blocks(res.attributes.get("block_device_mappings"))):
                for ebs in blocks(mapping.get("ebs")):
                    if ebs.get("volume_type") == "gp2":
                        where.append(f"block_device_mappings[{i}].ebs.volume_type = gp2")
        if where:
            yield ctx.finding(res, f"{'; '.join(where)}: gp3 is cheaper per GB-month", saving=_saving(ctx, res))
