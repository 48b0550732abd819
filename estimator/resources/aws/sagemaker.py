"""SageMaker: endpoints (hosting instances), endpoint configurations, notebook instances.

Instances are priced ONCE, on ``aws_sagemaker_endpoint``: an endpoint configuration alone
runs nothing, so it is ``free`` with a note naming the endpoint that bills it. An endpoint
finds its configuration by ``Unknown.ref``, else ``endpoint_config_name`` == config
``name``, else the project's only configuration. Each production variant, and each shadow
variant (``shadow_production_variants``: it runs and bills its own instances, fed a copy of
the traffic), is ``initial_instance_count`` × the hosting price of its type; serverless variants have no
price in the catalog (unpriced with the reason). ``max_monthly_cost`` uses the
``max_capacity`` of the variant's ``aws_appautoscaling_target`` (service namespace
sagemaker) when there is one; it is the instance variants at max capacity: a serverless
variant is priced by use, so it is left out (the reason says so), never making the max null. ``monthly_requests`` (usage) gives cost per 1,000 requests.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
    known_or_default,
    known_str,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
    unknown_reason,
)

CONFIG_TYPES = ("aws_sagemaker_endpoint_configuration",)


def config_of(res: Resource, ctx: PriceContext) -> Resource:
    found = ctx.link(res.get("endpoint_config_name"), CONFIG_TYPES)
    if found is None:
        raise NotPriceable("endpoint configuration not resolvable")
    return found


def _blocks(config: Resource, attribute: str) -> list[dict[str, Any]]:
    variants = config.get(attribute)
    if is_unknown(variants):  # never "no variants": each runs (and bills) its own instances
        raise NotPriceable(unknown_reason(f"{attribute} of {config.address}", variants))
    variants = variants or []
    if isinstance(variants, dict):
        variants = [variants]
    return [v for v in variants if isinstance(v, dict)] if isinstance(variants, list) else []


def _variants(config: Resource) -> list[tuple[str, dict[str, Any]]]:
    """(kind, variant) of every variant that runs instances: production first, then shadow."""
    return ([("variant", v) for v in _blocks(config, "production_variants")]
            + [("shadow variant", v) for v in _blocks(config, "shadow_production_variants")])


def _max_capacity(endpoint: Resource, variant: str, ctx: PriceContext) -> Any:
    """The variant's autoscaling ``max_capacity`` as written (an Unknown stays unknown), None without a target."""
    targets = [t for t in ctx.of_type("aws_appautoscaling_target") if t.get("service_namespace") == "sagemaker"]
    name = endpoint.get("name")
    for target in targets:
        rid = target.get("resource_id")
        if isinstance(rid, str) and isinstance(name, str) and f"endpoint/{name}/variant/{variant}" == rid:
            return target.get("max_capacity")
        if is_unknown(rid) and getattr(rid, "ref", None) == endpoint.address:
            return target.get("max_capacity")  # endpoint/${<this endpoint>.name}/variant/... of an unnamed one
    for target in targets:
        rid = target.get("resource_id")
        if (is_unknown(rid) or not isinstance(rid, str)) and len(ctx.of_type("aws_sagemaker_endpoint")) == 1:
            return target.get("max_capacity")
        if isinstance(rid, str) and rid.endswith(f"/variant/{variant}") and len(ctx.of_type("aws_sagemaker_endpoint")) == 1:
            return target.get("max_capacity")
    return None


def _variant_line(variant: dict[str, Any], region: str, count: Decimal, kind: str = "variant") -> CostComponent:
    name = variant.get("variant_name") or "variant"
    itype = variant.get("instance_type")
    label = name if kind == "variant" else f"{kind} {name}"
    if is_unknown(itype):
        return unknown_line(f"Hosting instance ({label})", "hours", unknown_reason("instance_type", itype))
    return hourly(f"Hosting instance ({itype}, {kind} {name})", catalog.sagemaker_hourly(str(itype), region), count,
                  missing=missing_price(str(itype), region))


def _price_endpoint(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    config = config_of(res, ctx)
    lines: list[CostComponent] = []
    max_total: Decimal | None = Decimal(0)
    serverless: list[str] = []
    instance_variants = 0
    for kind, variant in _variants(config):
        name = str(variant.get("variant_name") or "variant")
        label = name if kind == "variant" else f"{kind} {name}"
        if variant.get("serverless_config"):
            # billed by use (GB-seconds, requests), not by capacity: outside the max, never a null max
            lines.append(unknown_line(f"Serverless inference ({label})", "GB-seconds",
                                      "no SageMaker serverless inference price in the catalog"))
            serverless.append(label)
            continue
        instance_variants += 1
        raw_count = variant.get("initial_instance_count")
        count = number(raw_count)
        if count is None:
            lines.append(unknown_line(f"Hosting instance ({label})", "hours",
                                      unknown_reason("initial_instance_count", raw_count) if is_unknown(raw_count)
                                      else "initial_instance_count is not set"))
            max_total = None
            continue
        comp = _variant_line(variant, region, count, kind)
        lines.append(comp)
        raw_max = _max_capacity(res, name, ctx)
        if is_unknown(raw_max):  # the cost at max capacity is not known: never the desired count's
            max_total = None
            continue
        max_n = number(raw_max) or count
        at_max = _variant_line(variant, region, max_n, kind).monthly_cost
        max_total = None if at_max is None or max_total is None else max_total + at_max
    if not lines:
        raise NotPriceable(f"{config.address} has no production variants")
    if not instance_variants:
        return Priced(lines)  # nothing scales by instances: no cost at max capacity to give
    note = None
    if serverless and max_total is not None:
        note = (f"cost at max capacity counts the instance variants only: serverless {', '.join(serverless)} "
                "is priced by use and not in it")
    return Priced(lines, max_monthly_cost=max_total, reason=note)


def _price_config(res: Resource, ctx: PriceContext) -> Priced:
    users = _config_users(ctx).get(res.address, [])
    note = (f"instances billed on {', '.join(users)}" if users
            else "no endpoint in this project deploys this configuration")
    return Priced(status="free", reason=note)


def _config_users(ctx: PriceContext) -> dict[str, list[str]]:
    """Endpoint addresses by the configuration they deploy, built once per project."""
    users = ctx.memo.get("sagemaker_config_users")
    if users is None:
        users = {}
        for endpoint in ctx.of_type("aws_sagemaker_endpoint"):
            config = _safe_config(endpoint, ctx)
            if config is not None:
                users.setdefault(config.address, []).append(endpoint.address)
        ctx.memo["sagemaker_config_users"] = users
    return users


def _safe_config(endpoint: Resource, ctx: PriceContext) -> Resource | None:
    try:
        return config_of(endpoint, ctx)
    except NotPriceable:
        return None


def _price_notebook(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    itype = known_str(res, "instance_type")
    size = known_or_default(res, "volume_size", Decimal(5))  # not set: the provider's 5 GB
    storage = (unknown_line("Storage (ML storage)", "GB", unknown_reason("volume_size", size)) if is_unknown(size)
               else line("Storage (ML storage)", "GB", number(size),
                         catalog.lookup("sagemaker_storage", f"{region}|notebook"),
                         missing=missing_price("SageMaker notebook storage", region)))
    return Priced([
        hourly(f"Notebook instance ({itype})", catalog.lookup("sagemaker_notebook", f"{region}|{itype}"),
               missing=missing_price(f"SageMaker notebook {itype}", region)),
        storage,
    ])


RESOURCES = (
    ResourceSpec("aws_sagemaker_endpoint", "aws:sagemaker/endpoint:Endpoint", _price_endpoint,
                 (UsageKey("monthly_requests", "inference requests a month (for cost per 1,000 requests)", None),),
                 "SageMaker endpoints: hosting instances of each variant; cost at autoscaling max"),
    ResourceSpec("aws_sagemaker_endpoint_configuration", "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
                 _price_config, (), "Endpoint configurations: free; priced on the endpoint"),
    ResourceSpec("aws_sagemaker_notebook_instance", "aws:sagemaker/notebookInstance:NotebookInstance",
                 _price_notebook, (), "Notebook instances: instance hours and ML storage"),
)
