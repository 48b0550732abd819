"""CR-BUD-002 — the change raises monthly cost beyond the configured budget (absolute or %).

Trigger (change level, ``costrail diff``): head monthly cost − base monthly cost is above
``budgets.monthly_increase_usd``, or the increase relative to a non-zero base is above
``budgets.monthly_increase_percent``. Judged per project (and on the total of several).
This rule needs a diff: ``check(ctx)`` yields nothing; ``check_change`` does the work.

Fails (``budgets.monthly_increase_usd: 5000``): a pull request taking a project from
$1,000.00 to $9,000.00 a month.

Passes: the same pull request taking it from $1,000.00 to $1,200.00 a month.

```hcl
# not an HCL pattern: judged on the cost diff of a change
```
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from estimator.cost_model import cents
from policies.context import RuleContext
from policies.finding import Finding

if TYPE_CHECKING:
    from estimator.config import Config

ID = "CR-BUD-002"
TITLE = "Change raises monthly cost beyond the budget"
SEVERITY = "high"
DEFAULT_ENFORCEMENT = "mandatory"
PARAMS: dict[str, object] = {}
WHY = (
    "A cost review is most useful before merge. A threshold on the monthly increase of one change makes large "
    "cost decisions explicit: someone approves them instead of discovering them on the bill."
)
FIX = "Reduce the change's cost, split it, or get the increase approved and raise the threshold deliberately."


def _money(value: Decimal) -> str:
    return f"${cents(value):,}"


def check(ctx: RuleContext) -> Iterator[Finding]:
    return iter(())


def check_change(project: str, base: Decimal, head: Decimal, config: Config) -> Iterator[Finding]:
    budgets = config.budgets
    delta = head - base
    if delta <= 0:
        return
    reasons = []
    if budgets.monthly_increase_usd is not None and delta > budgets.monthly_increase_usd:
        reasons.append(f"above budgets.monthly_increase_usd {_money(budgets.monthly_increase_usd)}")
    if budgets.monthly_increase_percent is not None and base > 0:
        pct = delta / base * 100
        if pct > budgets.monthly_increase_percent:
            reasons.append(f"{pct.quantize(Decimal('0.1'))}% is above budgets.monthly_increase_percent "
                           f"{budgets.monthly_increase_percent.normalize():f}%")
    if reasons:
        yield Finding(
            rule=ID, severity=SEVERITY, enforcement=config.enforcement(ID, DEFAULT_ENFORCEMENT), address=project,
            message=f"monthly cost rises by {_money(delta)} ({_money(base)} → {_money(head)}): " + "; ".join(reasons),
            project=project, extra={"delta_monthly_cost": str(cents(delta))},
        )
