"""API Gateway: HTTP APIs (apigatewayv2) and REST APIs, requests by AWS's monthly tiers (usage-based);
REST API stages, free unless their cache cluster is enabled (cache memory by the hour).

WebSocket APIs have no price in the catalog (unpriced); nor have most cache sizes (unpriced, named).
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
    hourly,
    known_value,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
    unknown_reason,
)

HTTP_TIERS = ((Decimal(300), "first 300M", "apigw_http_1m_first300m"), (None, "over 300M", "apigw_http_1m_over300m"))
REST_TIERS = ((Decimal(333), "first 333M", "apigw_rest_1m_first333m"), (Decimal(667), "next 667M", "apigw_rest_1m_next667m"),
              (Decimal(19000), "next 19B", "apigw_rest_1m_next19b"), (None, "over 20B", "apigw_rest_1m_over20b"))


def _tiered(requests: Decimal | None, tiers: tuple, region: str) -> list[CostComponent]:
    if requests is None:
        _, label, key = tiers[0]
        return [line(f"Requests ({label})", "1M requests", None, catalog.service(key, region), usage_based=True,
                     missing=missing_price("API Gateway requests", region))]
    remaining = requests / 1_000_000
    lines = []
    for size, label, key in tiers:
        qty = remaining if size is None else min(remaining, size)
        lines.append(line(f"Requests ({label})", "1M requests", qty, catalog.service(key, region), usage_based=True,
                          missing=missing_price("API Gateway requests", region)))
        remaining -= qty
        if remaining <= 0:
            break
    return lines


def _price_v2(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    protocol = known_value(res, "protocol_type", "HTTP")  # WebSocket APIs bill messages, not HTTP requests
    if str(protocol).upper() != "HTTP":
        return Priced([line("WebSocket messages", "1M messages", None, None,
                            missing="no API Gateway WebSocket price in the catalog")])
    return Priced(_tiered(number(ctx.usage(res).get("monthly_requests")), HTTP_TIERS, region))


def _price_rest(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    return Priced(_tiered(number(ctx.usage(res).get("monthly_requests")), REST_TIERS, region))


def _price_stage(res: Resource, ctx: PriceContext) -> Priced:
    """A stage costs nothing by itself (its requests are priced on the API); a cache cluster is billed by the hour."""
    enabled = res.get("cache_cluster_enabled")
    if is_unknown(enabled):
        raise NotPriceable(unknown_reason("cache_cluster_enabled", enabled))
    if not enabled:
        return Priced(status="free", reason="no cache cluster: its requests are priced on the REST API")
    region = region_of(res)
    size = res.get("cache_cluster_size")
    if is_unknown(size):
        return Priced([unknown_line("Cache memory", "hours", unknown_reason("cache_cluster_size", size))])
    gb = number(size)
    if gb is None:
        return Priced([unknown_line("Cache memory", "hours", "cache_cluster_size is not set")])
    label = f"{gb.normalize():f}"
    return Priced([hourly(f"Cache memory ({label} GB)", catalog.service(f"apigw_cache_{label}gb_hour", region),
                          missing=missing_price(f"an API Gateway cache of {label} GB", region))])


_REQUESTS = (UsageKey("monthly_requests", "API requests a month (also gives cost per 1,000 requests)", None),)
RESOURCES = (
    ResourceSpec("aws_apigatewayv2_api", "aws:apigatewayv2/api:Api", _price_v2, _REQUESTS, "HTTP APIs (usage-based)"),
    ResourceSpec("aws_api_gateway_rest_api", "aws:apigateway/restApi:RestApi", _price_rest, _REQUESTS,
                 "REST APIs (usage-based)"),
    ResourceSpec("aws_api_gateway_stage", "aws:apigateway/stage:Stage", _price_stage, (),
                 "REST API stages: free; cache memory by the hour when the cache cluster is enabled"),
)
