"""aws_s3_bucket: Standard storage and requests (usage-based, infracost's ``standard:`` usage block)."""

from __future__ import annotations

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import PriceContext, Priced, ResourceSpec, UsageKey, line, missing_price, number, region_of


def _price_bucket(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    std = usage.get("standard") if isinstance(usage.get("standard"), dict) else {}
    storage = number(std.get("storage_gb", usage.get("storage_gb")))
    tier1 = number(std.get("monthly_tier_1_requests"))
    tier2 = number(std.get("monthly_tier_2_requests"))
    return Priced([
        line("Standard / Storage", "GB", storage, catalog.service("s3_standard_gb", region), usage_based=True,
             missing=missing_price("S3 Standard storage", region)),
        line("Standard / PUT, COPY, POST, LIST requests", "1k requests", None if tier1 is None else tier1 / 1000,
             catalog.service("s3_tier1_1k", region), usage_based=True, missing=missing_price("S3 requests", region)),
        line("Standard / GET, SELECT, and all other requests", "1k requests", None if tier2 is None else tier2 / 1000,
             catalog.service("s3_tier2_1k", region), usage_based=True, missing=missing_price("S3 requests", region)),
    ])


RESOURCES = (
    ResourceSpec("aws_s3_bucket", "aws:s3/bucket:Bucket", _price_bucket,
                 (UsageKey("standard.storage_gb", "GB stored in S3 Standard", None, aliases=("storage_gb",)),
                  UsageKey("standard.monthly_tier_1_requests", "PUT, COPY, POST, LIST requests a month", None),
                  UsageKey("standard.monthly_tier_2_requests", "GET, SELECT and other requests a month", None)),
                 "S3 buckets: Standard storage and requests (usage-based)"),
)
