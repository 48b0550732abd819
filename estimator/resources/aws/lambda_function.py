"""aws_lambda_function: requests ($0.20 per 1M) and duration in GB-seconds by tier (usage-based).

Duration = requests × ``request_duration_ms`` × ``memory_size`` (MB, default 128) / 1024,
priced in AWS's monthly tiers for x86_64 or arm64 (``architectures``). Ephemeral storage
(``ephemeral_storage.size``, MB, default 512 = free) is billed above 512 MB per GB-second of
the same invocations: requests × duration × (size − 512) / 1024.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import HOURS_PER_MONTH, CostComponent, decimal_text
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    known_number,
    line,
    missing_price,
    number,
    region_of,
    unknown_reason,
)

FUNCTION_TYPE = "aws_lambda_function"

TIERS = {
    "x86": ((Decimal(6_000_000_000), "first 6B"), (Decimal(9_000_000_000), "next 9B"), (None, "over 15B")),
    "arm64": ((Decimal(7_500_000_000), "first 7.5B"), (Decimal(11_250_000_000), "next 11.25B"), (None, "over 18.75B")),
}


def _price_lambda(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    archs = res.get("architectures")
    unknown_arch = archs if is_unknown(archs) else next(
        (a for a in archs if is_unknown(a)), None) if isinstance(archs, list) else None
    arch = "arm64" if isinstance(archs, list) and "arm64" in archs else "x86"  # not set: x86_64
    requests = number(usage.get("monthly_requests"))
    duration_ms = number(usage.get("request_duration_ms"))
    memory = known_number(res, "memory_size", Decimal(128))
    storage = _ephemeral_line(res, region, requests, duration_ms)
    lines: list[CostComponent] = [
        line("Requests", "1M requests", None if requests is None else requests / 1_000_000,
             catalog.service("lambda_1m_requests", region), usage_based=True,
             missing=missing_price("Lambda requests", region)),
    ]
    if unknown_arch is not None:  # arm64 and x86_64 durations differ in price: never guessed
        lines.append(line("Duration", "GB-seconds", None, None, usage_based=True,
                          missing=unknown_reason("architectures", unknown_arch)))
        return Priced(lines + storage)
    tier_prices = [catalog.service(f"lambda_{arch}_tier{i}", region) for i in (1, 2, 3)]
    if requests is None or duration_ms is None:
        lines.append(line(f"Duration ({TIERS[arch][0][1]})", "GB-seconds", None, tier_prices[0], usage_based=True,
                          missing=missing_price("Lambda duration", region)))
        return Priced(lines + storage)
    remaining = requests * duration_ms / 1000 * memory / 1024
    for (size, label), price in zip(TIERS[arch], tier_prices, strict=False):
        qty = remaining if size is None else min(remaining, size)
        if qty <= 0 and label != TIERS[arch][0][1]:
            break
        lines.append(line(f"Duration ({label})", "GB-seconds", qty, price, usage_based=True,
                          missing=missing_price("Lambda duration", region)))
        remaining -= qty
        if remaining <= 0:
            break
    return Priced(lines + storage)


FREE_EPHEMERAL_MB = Decimal(512)


def _ephemeral_line(res: Resource, region: str, requests: Decimal | None,
                    duration_ms: Decimal | None) -> list[CostComponent]:
    """The ephemeral storage above the free 512 MB, in GB-seconds of the function's invocations."""
    if is_unknown(res.get("ephemeral_storage")):
        return []  # a wholly computed block (plans: not configured): AWS's default 512 MB, free
    size = res.get("ephemeral_storage.size")
    name = "Ephemeral storage (above 512 MB)"
    if is_unknown(size):
        return [line(name, "GB-seconds", None, None, usage_based=True,
                     missing=unknown_reason("ephemeral_storage.size", size))]
    size_mb = number(size, FREE_EPHEMERAL_MB)
    if size_mb is None or size_mb <= FREE_EPHEMERAL_MB:
        return []
    price = catalog.service("lambda_ephemeral_gb_s", region)
    qty = None if requests is None or duration_ms is None else (
        requests * duration_ms / 1000 * (size_mb - FREE_EPHEMERAL_MB) / 1024)
    return [line(name, "GB-seconds", qty, price, usage_based=True,
                 missing=missing_price("Lambda ephemeral storage", region))]


PC_SECONDS = HOURS_PER_MONTH * 3600


def _price_provisioned_concurrency(res: Resource, ctx: PriceContext) -> Priced:
    """Provisioned concurrency bills while configured: executions × the function's memory (GB) × every
    second of the month, at the architecture's rate. The function is linked for its ``memory_size`` and
    ``architectures``; never a guessed memory. The invocations it serves are priced on the function
    (from its usage) at the on-demand duration rate, an upper bound of the lower provisioned rate."""
    region = region_of(res)
    executions = known_number(res, "provisioned_concurrent_executions", Decimal(0))
    target = res.get("function_name")
    function = ctx.link(target, (FUNCTION_TYPE,), name_attr="function_name")
    if function is not None and isinstance(target, str) and isinstance(function.get("function_name"), str) \
            and function.get("function_name") != target:
        function = None  # the project's only function, but another name (an ARN or someone else's function)
    if function is None:
        raise NotPriceable("the function is not in the project: its memory_size and architecture are unknown")
    memory = known_number(function, "memory_size", Decimal(128))
    archs = function.get("architectures")
    if is_unknown(archs) or (isinstance(archs, list) and any(is_unknown(a) for a in archs)):
        raise NotPriceable(unknown_reason(f"architectures of {function.address}", archs))
    arch = "arm64" if isinstance(archs, list) and "arm64" in archs else "x86_64"
    price = catalog.service("lambda_arm64_pc_gb_s", region) if arch == "arm64" else None
    gb = memory / 1024
    name = f"Provisioned concurrency ({arch}, {decimal_text(executions)} × {decimal_text(gb)} GB)"
    missing = (missing_price(f"Lambda provisioned concurrency ({arch})", region)
               + ("" if arch == "arm64" else ": the catalog has the arm64 rate only"))
    return Priced([line(name, "GB-seconds", executions * gb * PC_SECONDS, price, missing=missing)])


RESOURCES = (
    ResourceSpec("aws_lambda_function", "aws:lambda/function:Function", _price_lambda,
                 (UsageKey("monthly_requests", "invocations a month", None),
                  UsageKey("request_duration_ms", "average duration of one invocation, ms", None)),
                 "Lambda functions: requests, GB-seconds and ephemeral storage above 512 MB (usage-based)"),
    ResourceSpec("aws_lambda_provisioned_concurrency_config",
                 "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", _price_provisioned_concurrency,
                 (), "Lambda provisioned concurrency: executions × the function's memory, every second (arm64 "
                     "rate only in the catalog)"),
)
