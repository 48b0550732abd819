"""A count known only after apply is an unpriced reason, never a guessed 0 or 1."""

from __future__ import annotations

from pathlib import Path

from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "unknown_quantities"


def test_unknown_counts_are_unpriced_with_the_attribute_named() -> None:
    project = load_project(str(FIXTURE), LoadOptions())
    costed = {c.address: c for c in price_project(project, None)}
    expected = {
        "aws_ecs_service.api": "desired_count",
        "aws_elasticache_cluster.cache": "num_cache_nodes",
        "aws_elasticache_replication_group.sharded": "replicas_per_node_group",
        "aws_opensearch_domain.vectors": "cluster_config.instance_count",
        "aws_lambda_function.embed": "memory_size",
    }
    for address, attribute in expected.items():
        item = costed[address]
        assert item.status == "unpriced", (address, item.status, item.monthly_cost)
        assert item.monthly_cost is None
        assert item.reason == f"{attribute} is known only after apply"


def test_known_counts_still_priced() -> None:
    project = load_project(str(FIXTURE), LoadOptions())
    for resource in project.resources:
        for key in ("desired_count", "num_cache_nodes", "replicas_per_node_group"):
            if key in resource.attributes:
                resource.attributes[key] = 2
    costed = {c.address: c for c in price_project(project, None)}
    service = costed["aws_ecs_service.api"]
    assert service.status == "priced" and service.monthly_cost and service.monthly_cost > 0
    cache = costed["aws_elasticache_cluster.cache"]
    group = costed["aws_elasticache_replication_group.sharded"]
    assert cache.status == "priced" and group.status == "priced"
    assert group.monthly_cost == cache.monthly_cost * 3  # 2 shards x (1 primary + 2 replicas) vs 2 nodes
