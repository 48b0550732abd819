"""aws_opensearch_domain (and aws_elasticsearch_domain): data, master and warm nodes, EBS storage (us-east-1)."""

from __future__ import annotations

from decimal import Decimal

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import PriceContext, Priced, ResourceSpec, hourly, known_number, line, missing_price, number, region_of


def _node(label: str, itype: object, count: Decimal, region: str):
    return hourly(f"{label} ({itype})", catalog.lookup("opensearch", f"{region}|{itype}"), count,
                  missing=missing_price(f"OpenSearch {itype}", region))


def _price_domain(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    itype = res.get("cluster_config.instance_type") or "m4.large.search"
    count = known_number(res, "cluster_config.instance_count", Decimal(1))
    lines = [_node("Instance", itype, count, region)]
    if res.get("cluster_config.dedicated_master_enabled"):
        mtype = res.get("cluster_config.dedicated_master_type") or itype
        mcount = known_number(res, "cluster_config.dedicated_master_count", Decimal(3))
        lines.append(_node("Dedicated master", mtype, mcount, region))
    if res.get("cluster_config.warm_enabled"):
        wtype = res.get("cluster_config.warm_type") or "ultrawarm1.medium.search"
        wcount = known_number(res, "cluster_config.warm_count", Decimal(2))
        lines.append(_node("UltraWarm", wtype, wcount, region))
    if res.get("ebs_options.ebs_enabled") in (True, None) and res.get("ebs_options.volume_size") is not None:
        size = number(res.get("ebs_options.volume_size"))
        vtype = str(res.get("ebs_options.volume_type") or "gp2")
        lines.append(line(f"Storage ({vtype})", "GB", None if size is None else size * count,
                          catalog.lookup("opensearch", f"{region}|storage:{vtype}"),
                          missing=missing_price(f"OpenSearch {vtype} storage", region)))
    return Priced(lines)


RESOURCES = (
    ResourceSpec("aws_opensearch_domain", "aws:opensearch/domain:Domain", _price_domain, (),
                 "OpenSearch domains: node hours and EBS storage"),
    ResourceSpec("aws_elasticsearch_domain", "aws:elasticsearch/domain:Domain", _price_domain, (),
                 "Elasticsearch domains (as OpenSearch)"),
)
