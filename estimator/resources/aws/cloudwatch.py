"""CloudWatch: log groups (ingestion, storage, Insights scans; usage-based) and metric alarms.

Alarms bill per alarm metric: standard resolution $0.10, high resolution (period < 60 s) $0.30.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import PriceContext, Priced, ResourceSpec, UsageKey, line, missing_price, number, region_of, usage_qty


def _price_log_group(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    return Priced([
        line("Data ingested", "GB", usage_qty(usage, "monthly_data_ingested_gb"), catalog.service("logs_ingest_gb", region),
             usage_based=True, missing=missing_price("CloudWatch Logs ingestion", region)),
        line("Archival Storage", "GB", usage_qty(usage, "storage_gb"), catalog.service("logs_storage_gb", region),
             usage_based=True, missing=missing_price("CloudWatch Logs storage", region)),
        line("Insights queries data scanned", "GB", usage_qty(usage, "monthly_data_scanned_gb"),
             catalog.service("logs_insights_gb", region), usage_based=True,
             missing=missing_price("Logs Insights", region)),
    ])


def _price_alarm(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    queries = res.get("metric_query")
    metrics = Decimal(len(queries)) if isinstance(queries, list) and queries else Decimal(1)
    period = number(res.get("period"), Decimal(60))
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
