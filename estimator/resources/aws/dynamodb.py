"""aws_dynamodb_table: provisioned capacity (WCU/RCU hours) or on-demand requests, and storage.

Only the us-east-2 prices of infracost's golden are in the data; elsewhere lines are unpriced.
"""

from __future__ import annotations

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import PriceContext, Priced, ResourceSpec, UsageKey, line, missing_price, number, region_of, usage_qty


def _price_table(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    lines = []
    if str(res.get("billing_mode") or "PROVISIONED") == "PAY_PER_REQUEST":
        lines.append(line("Write request unit (WRU)", "WRUs", usage_qty(usage, "monthly_write_request_units"),
                          catalog.service("dynamodb_wru", region), usage_based=True,
                          missing=missing_price("DynamoDB write requests", region)))
        lines.append(line("Read request unit (RRU)", "RRUs", usage_qty(usage, "monthly_read_request_units"),
                          catalog.service("dynamodb_rru", region), usage_based=True,
                          missing=missing_price("DynamoDB read requests", region)))
    else:
        lines.append(line("Write capacity unit (WCU)", "WCU", number(res.get("write_capacity")),
                          catalog.service("dynamodb_wcu", region), missing=missing_price("DynamoDB WCU", region)))
        lines.append(line("Read capacity unit (RCU)", "RCU", number(res.get("read_capacity")),
                          catalog.service("dynamodb_rcu", region), missing=missing_price("DynamoDB RCU", region)))
    lines.append(line("Data storage", "GB", usage_qty(usage, "storage_gb"), catalog.service("dynamodb_storage_gb", region),
                      usage_based=True, missing=missing_price("DynamoDB storage", region)))
    return Priced(lines)


RESOURCES = (
    ResourceSpec("aws_dynamodb_table", "aws:dynamodb/table:Table", _price_table,
                 (UsageKey("monthly_write_request_units", "on-demand write request units a month", None),
                  UsageKey("monthly_read_request_units", "on-demand read request units a month", None),
                  UsageKey("storage_gb", "GB stored", None)), "DynamoDB tables"),
)
