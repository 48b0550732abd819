"""aws_elasticache_cluster and aws_elasticache_replication_group: node hours.

us-east-1 Redis OSS / Valkey from the 2026 price list; elsewhere the 2022 data without the
rows flagged ``suspect_below_ec2`` in SOURCES.md (never used).
"""

from __future__ import annotations

from decimal import Decimal

from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    hourly,
    known_str,
    known_value,
    missing_price,
    number,
    region_of,
    unknown_reason,
)


def _engine(res: Resource) -> str:
    """The engine; not set: redis (the provider default for replication groups); unknown: NotPriceable."""
    return str(known_value(res, "engine", "redis"))


def _nodes(res: Resource, region: str, count: Decimal, engine: str) -> Priced:
    node = known_str(res, "node_type")
    engine = engine.lower()
    engine = "redis" if engine.startswith("redis") else engine
    return Priced([hourly(f"ElastiCache (on-demand, {engine}, {node})",
                          catalog.lookup("elasticache", f"{region}|{engine}|{node}"), count,
                          missing=missing_price(f"{node} {engine}", region))])


def _price_cluster(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    group = res.get("replication_group_id")  # a reference to the group is unknown until apply, yet set
    if group is not None and group != "" and not res.get("node_type"):
        return Priced(status="free", reason="nodes billed on its replication group")
    if is_unknown(nodes := res.get("num_cache_nodes")):
        raise NotPriceable(unknown_reason("num_cache_nodes", nodes))
    count = number(res.get("num_cache_nodes"), Decimal(1))
    return _nodes(res, region, count or Decimal(1), _engine(res))


def _price_group(res: Resource, ctx: PriceContext) -> Priced:
    """``num_cache_clusters`` (primary + replicas) when known; else shards × (1 + replicas).

    The provider marks ``num_node_groups`` and ``replicas_per_node_group`` Optional+Computed
    (replicas ConflictsWith ``num_cache_clusters``): a plan always has them after_unknown when
    ``num_cache_clusters`` is used, so a known ``num_cache_clusters`` decides the count alone.
    """
    region = region_of(res)
    clusters = number(res.get("num_cache_clusters"))
    groups = number(res.get("num_node_groups"))
    replicas_value = res.get("replicas_per_node_group")
    if clusters is not None and (is_unknown(replicas_value) or replicas_value is None):
        return _nodes(res, region, clusters, _engine(res))
    if is_unknown(replicas_value):
        raise NotPriceable(unknown_reason("replicas_per_node_group", replicas_value))
    replicas = number(res.get("replicas_per_node_group"), Decimal(0))
    if groups is not None:
        count = groups * (1 + (replicas or 0))
    elif clusters is not None:
        count = clusters
    elif res.get("num_cache_clusters") is None and res.get("num_node_groups") is None:
        count = Decimal(1)
    else:
        raw = next(v for v in (res.get("num_node_groups"), res.get("num_cache_clusters")) if v is not None)
        raise NotPriceable(unknown_reason("num_node_groups" if is_unknown(res.get("num_node_groups"))
                                          else "num_cache_clusters", raw) if is_unknown(raw)
                           else "node count is known only after apply")
    return _nodes(res, region, count, _engine(res))


RESOURCES = (
    ResourceSpec("aws_elasticache_cluster", "aws:elasticache/cluster:Cluster", _price_cluster, (),
                 "ElastiCache clusters: node hours"),
    ResourceSpec("aws_elasticache_replication_group", "aws:elasticache/replicationGroup:ReplicationGroup",
                 _price_group, (), "ElastiCache replication groups: node hours"),
)
