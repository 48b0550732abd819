"""aws_opensearchserverless_collection: OCU-hours (indexing and search) and managed storage.

OCUs are billed per account (and KMS key), shared by its collections, not per collection. The
catalog sources AWS's billed minimum only for a vector-search collection with standby replicas
(1 indexing + 1 search OCU, ``minimums`` dataset): the first such collection of the project
carries it when the usage file gives no ``monthly_ocu_hours``; every other collection is
usage-based (it shares those OCUs, or its minimum is not in the catalog). Never a guessed count.
"""

from __future__ import annotations

from estimator.cost_model import HOURS_PER_MONTH
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import PriceContext, Priced, ResourceSpec, UsageKey, line, missing_price, region_of, usage_qty

TYPE = "aws_opensearchserverless_collection"
OCU_KEY = "OpenSearch Serverless OCU (indexing or search)"
STORAGE_KEY = "OpenSearch Serverless managed storage (S3)"


def _carries_minimum(res: Resource) -> bool:
    """A vector-search collection with standby replicas (the provider's default) is the one AWS's
    sourced minimum is for."""
    kind, standby = res.get("type", "TIMESERIES"), res.get("standby_replicas", "ENABLED")
    if is_unknown(kind) or is_unknown(standby):
        return False
    return str(kind).upper() == "VECTORSEARCH" and str(standby).upper() != "DISABLED"


def _carrier(ctx: PriceContext) -> Resource | None:
    """The first collection in project order that carries the account's billed minimum."""
    if "aoss_carrier" not in ctx.memo:
        ctx.memo["aoss_carrier"] = next((r for r in ctx.of_type(TYPE) if _carries_minimum(r)), None)
    return ctx.memo["aoss_carrier"]


def _price_collection(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    ocu = catalog.lookup("opensearch", f"{region}|{OCU_KEY}")
    ocu_missing = missing_price("OpenSearch Serverless OCUs", region)
    hours = usage_qty(usage, "monthly_ocu_hours")
    minimum = catalog.lookup("minimums", f"{region}|aoss_ocus")
    carrier = _carrier(ctx)
    if hours is None and minimum is not None and carrier is res:
        compute = line(f"Compute (billed minimum {minimum.value} OCUs, indexing + search)", "OCU-hours",
                       minimum.value * HOURS_PER_MONTH, ocu, missing=ocu_missing)
    else:
        compute = line("Compute (indexing + search OCUs)", "OCU-hours", hours, ocu, missing=ocu_missing,
                       usage_based=True)
        if hours is None and ocu is not None:
            if carrier is not None and _carries_minimum(res):
                why = f"shares the account's OCUs with {carrier.address}, which carries the billed minimum"
            else:
                why = "the catalog has AWS's billed minimum only for a vector-search collection with standby replicas"
            compute.unpriced_reason = f"{compute.unpriced_reason} ({why})"
    storage = line("Storage (managed, in S3)", "GB", usage_qty(usage, "storage_gb"),
                   catalog.lookup("opensearch", f"{region}|{STORAGE_KEY}"), usage_based=True,
                   missing=missing_price("OpenSearch Serverless storage", region))
    return Priced([compute, storage])


RESOURCES = (
    ResourceSpec(TYPE, "aws:opensearch/serverlessCollection:ServerlessCollection", _price_collection,
                 (UsageKey("monthly_ocu_hours", "indexing + search OCU-hours a month (OCUs are shared by the account's "
                                                "collections: give them on one)", None),
                  UsageKey("storage_gb", "GB of index data stored", None)),
                 "OpenSearch Serverless collections: OCU-hours (billed minimum for vector search) and storage"),
)
