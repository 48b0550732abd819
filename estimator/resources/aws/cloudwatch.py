"""CloudWatch: log groups (ingestion, storage, Insights scans; usage-based) and metric alarms.

Ingestion is priced for the STANDARD log class only: INFREQUENT_ACCESS (and DELIVERY) ingest at
their own rate, which the catalog does not have, so that line is unpriced with the reason, never
the Standard rate. Alarms bill per alarm metric: standard resolution $0.10, high resolution (period < 60 s) $0.30.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostComponent
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    known_value,
    line,
    missing_price,
    number,
    region_of,
    unknown_reason,
    usage_qty,
)


def _price_log_group(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    return Priced([
        _ingestion(res, usage_qty(usage, "monthly_data_ingested_gb"), region),
        line("Archival Storage", "GB", usage_qty(usage, "storage_gb"), catalog.service("logs_storage_gb", region),
             usage_based=True, missing=missing_price("CloudWatch Logs storage", region)),
        line("Insights queries data scanned", "GB", usage_qty(usage, "monthly_data_scanned_gb"),
             catalog.service("logs_insights_gb", region), usage_based=True,
             missing=missing_price("Logs Insights", region)),
    ])


def _ingestion(res: Resource, gb: Decimal | None, region: str) -> CostComponent:
    """Data ingested at the rate of the group's log class (``log_group_class``, default STANDARD)."""
    klass = res.get("log_group_class")
    if is_unknown(klass):
        return line("Data ingested", "GB", gb, None, usage_based=True,
                    missing=unknown_reason("log_group_class", klass))
    klass = str(klass or "STANDARD")
    if klass != "STANDARD":
        return line(f"Data ingested ({klass})", "GB", gb, None, usage_based=True,
                    missing=f"no price for CloudWatch Logs {klass} ingestion in the catalog (only STANDARD)")
    return line("Data ingested", "GB", gb, catalog.service("logs_ingest_gb", region),
                usage_based=True, missing=missing_price("CloudWatch Logs ingestion", region))


def _price_alarm(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    queries = res.get("metric_query")
    if is_unknown(queries):
        raise NotPriceable(unknown_reason("metric_query (one billed alarm metric each)", queries))
    metrics = Decimal(len(queries)) if isinstance(queries, list) and queries else Decimal(1)
    raw_period = known_value(res, "period", Decimal(60))  # not set: standard; under 60 s costs three times
    period = number(raw_period, Decimal(60))
    high = period is not None and period < 60
    key, label = ("alarm_high", "High resolution") if high else ("alarm_standard", "Standard resolution")
    return Priced([line(label, "alarm metrics", metrics, catalog.service(key, region),
                        missing=missing_price("CloudWatch alarms", region))])


RESOURCES = (
    ResourceSpec("aws_cloudwatch_log_group", "aws:cloudwatch/logGroup:LogGroup", _price_log_group,
                 (UsageKey("monthly_data_ingested_gb", "GB of logs ingested a month", None),
                  UsageKey("storage_gb", "GB of logs stored", None),
                  UsageKey("monthly_data_scanned_gb", "GB scanned by Logs Insights a month", None)),
                 "CloudWatch log groups (usage-based)"),
    ResourceSpec("aws_cloudwatch_metric_alarm", "aws:cloudwatch/metricAlarm:MetricAlarm", _price_alarm, (),
                 "CloudWatch metric alarms"),
)
