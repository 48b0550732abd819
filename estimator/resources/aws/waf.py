"""aws_wafv2_web_acl: the web ACL and its rules by the month, requests (usage-based).

Each ``rule`` block is a rule of the ACL, billed by the month whether it is written inline or
references a rule group (the rules inside a rule group of your own are billed on that group,
which is not priced here). Rules from a ``dynamic`` block of unknown size are unpriced with why.
"""

from __future__ import annotations

import json
from decimal import Decimal

from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    line,
    missing_price,
    region_of,
    unknown_line,
    usage_qty,
)


def _rule_count(res: Resource) -> Decimal | str:
    """How many rules the ACL has, or why that is not known."""
    rules = res.get("rule")
    if rules is None:
        rules = res.get("rules")  # a Pulumi program's name for the blocks
    if is_unknown(rules):
        return getattr(rules, "reason", "") or "the rules are known only after apply"
    if rules is None:
        text = res.get("rule_json")
        if is_unknown(text):
            return "rule_json is known only after apply"
        if isinstance(text, str) and text.strip():
            try:
                parsed = json.loads(text)
            except ValueError:
                return "rule_json is not valid JSON"
            return Decimal(len(parsed)) if isinstance(parsed, list) else "rule_json is not a list of rules"
        return Decimal(0)
    return Decimal(len(rules)) if isinstance(rules, list) else Decimal(1)


def _price_acl(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    lines = [line("Web ACL usage", "months", Decimal(1), catalog.service("wafv2_acl_month", region),
                  missing=missing_price("WAF web ACLs", region))]
    rules = _rule_count(res)
    if isinstance(rules, str):
        lines.append(unknown_line("Rules", "rules", rules))
    elif rules:
        lines.append(line("Rules", "rules", rules, catalog.service("wafv2_rule_month", region),
                          missing=missing_price("WAF rules", region)))
    lines.append(line("Requests", "1M requests", usage_qty(ctx.usage(res), "monthly_requests", Decimal(1_000_000)),
                      catalog.service("wafv2_1m_requests", region), usage_based=True,
                      missing=missing_price("WAF requests", region)))
    return Priced(lines)


RESOURCES = (
    ResourceSpec("aws_wafv2_web_acl", "aws:wafv2/webAcl:WebAcl", _price_acl,
                 (UsageKey("monthly_requests", "web requests inspected a month", None),),
                 "WAF web ACLs: the ACL and its rules by the month, requests (usage-based)"),
)
