"""aws_dynamodb_table: provisioned capacity (WCU/RCU hours) or on-demand requests, and storage.

Only the us-east-2 prices of infracost's golden are in the data; elsewhere lines are unpriced.
"""

from __future__ import annotations

from estimator.cost_model import CostComponent
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    known_value,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
    unknown_reason,
    usage_qty,
)


def _capacity(res: Resource, attr: str, name: str, unit: str, region: str) -> CostComponent:
    """Provisioned capacity units; not known offline or not set: an unpriced line saying why, never a null one."""
    raw = res.get(attr)
    if is_unknown(raw):
        return unknown_line(name, unit, unknown_reason(attr, raw))
    units = number(raw)
    if units is None:
        return unknown_line(name, unit, f"{attr} is not set (PROVISIONED billing needs it)")
    return line(name, unit, units, catalog.service(f"dynamodb_{unit.lower()}", region),
                missing=missing_price(f"DynamoDB {unit}", region))


def _price_table(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    lines = []
    mode = known_value(res, "billing_mode", "PROVISIONED")  # not set: the provider default
    if str(mode) == "PAY_PER_REQUEST":
        lines.append(line("Write request unit (WRU)", "WRUs", usage_qty(usage, "monthly_write_request_units"),
                          catalog.service("dynamodb_wru", region), usage_based=True,
                          missing=missing_price("DynamoDB write requests", region)))
        lines.append(line("Read request unit (RRU)", "RRUs", usage_qty(usage, "monthly_read_request_units"),
                          catalog.service("dynamodb_rru", region), usage_based=True,
                          missing=missing_price("DynamoDB read requests", region)))
    else:
        lines.append(_capacity(res, "write_capacity", "Write capacity unit (WCU)", "WCU", region))
        lines.append(_capacity(res, "read_capacity", "Read capacity unit (RCU)", "RCU", region))
    lines.append(line("Data storage", "GB", usage_qty(usage, "storage_gb"), catalog.service("dynamodb_storage_gb", region),
                      usage_based=True, missing=missing_price("DynamoDB storage", region)))
    return Priced(lines)


RESOURCES = (
    ResourceSpec("aws_dynamodb_table", "aws:dynamodb/table:Table", _price_table,
                 (UsageKey("monthly_write_request_units", "on-demand write request units a month", None),
                  UsageKey("monthly_read_request_units", "on-demand read request units a month", None),
                  UsageKey("storage_gb", "GB stored", None)), "DynamoDB tables"),
)
