"""aws_opensearch_domain (and aws_elasticsearch_domain): data, master and warm nodes, EBS storage (us-east-1).

EBS options are per data node: storage GB, io1 provisioned IOPS and gp3 throughput above the
free baseline are each × ``instance_count``. gp3 baseline throughput (infracost
``elasticsearch_domain_test``, source of the 0.064/MiBps-month row): 125 MiB/s up to 170 GB,
above that 250 MiB/s per started 3 TB, at most 1,000. gp3 IOPS above the 3,000 baseline have
no price in the catalog: an unpriced line says so. With no ``cluster_config`` the provider
default instance type is ``m3.medium.search`` (terraform-provider-aws schema default).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from estimator.cost_model import CostComponent
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    hourly,
    known_number,
    known_or_default,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
    unknown_reason,
)

# terraform-provider-aws opensearch/elasticsearch domain schema: cluster_config.instance_type
# Default OpenSearchPartitionInstanceTypeM3MediumSearch / ESPartitionInstanceTypeM3MediumElasticsearch.
DEFAULT_INSTANCE_TYPE = {"aws_opensearch_domain": "m3.medium.search",
                         "aws_elasticsearch_domain": "m3.medium.elasticsearch"}
GP3_BASELINE_IOPS = Decimal(3000)


def _node(label: str, itype: object, count: Decimal, region: str):
    key = str(itype).replace(".elasticsearch", ".search")  # same instances, one price list
    return hourly(f"{label} ({itype})", catalog.lookup("opensearch", f"{region}|{key}"), count,
                  missing=missing_price(f"OpenSearch {itype}", region))


def gp3_free_throughput(size_gb: Decimal) -> Decimal:
    """MiB/s included with a gp3 data-node volume of ``size_gb``."""
    if size_gb <= 170:
        return Decimal(125)
    started = (size_gb / Decimal(3000)).to_integral_value(rounding=ROUND_CEILING)
    return min(Decimal(1000), started * 250)


def _ebs_performance(res: Resource, vtype: str, size: Decimal, count: Decimal, region: str) -> list[CostComponent]:
    """io1 IOPS and gp3 IOPS/throughput above the baseline, per data node × nodes."""
    lines: list[CostComponent] = []
    iops_raw = res.get("ebs_options.iops")
    if vtype == "io1":
        if is_unknown(iops_raw):
            lines.append(unknown_line("Storage IOPS (io1)", "IOPS", unknown_reason("ebs_options.iops", iops_raw)))
        elif (iops := number(iops_raw)) is None:
            lines.append(unknown_line("Storage IOPS (io1)", "IOPS", "ebs_options.iops is not set (io1 bills them)"))
        else:
            lines.append(line("Storage IOPS (io1)", "IOPS", iops * count, catalog.lookup("opensearch", f"{region}|iops:io1"),
                              missing=missing_price("OpenSearch io1 IOPS", region)))
    if vtype != "gp3":
        return lines
    throughput_raw = res.get("ebs_options.throughput")
    if is_unknown(throughput_raw):
        lines.append(unknown_line("Throughput above baseline (gp3)", "MiBps",
                                  unknown_reason("ebs_options.throughput", throughput_raw)))
    elif (throughput := number(throughput_raw)) is not None and throughput > gp3_free_throughput(size):
        paid = throughput - gp3_free_throughput(size)
        lines.append(line("Throughput above baseline (gp3)", "MiBps", paid * count,
                          catalog.lookup("opensearch", f"{region}|throughput:gp3"),
                          missing=missing_price("OpenSearch gp3 throughput", region)))
    if is_unknown(iops_raw):
        lines.append(unknown_line("IOPS above baseline (gp3)", "IOPS", unknown_reason("ebs_options.iops", iops_raw)))
    elif (iops := number(iops_raw)) is not None and iops > GP3_BASELINE_IOPS:
        lines.append(unknown_line(
            "IOPS above baseline (gp3)", "IOPS",
            f"no price in the catalog for OpenSearch gp3 IOPS above the {GP3_BASELINE_IOPS:,} baseline "
            f"({iops - GP3_BASELINE_IOPS:,} a node x {count:,} nodes)"))
    return lines


def _node_or_unknown(label: str, res: Resource, path: str, default: str, count: Decimal, region: str
                     ) -> CostComponent:
    itype = known_or_default(res, path, default)
    if is_unknown(itype):
        return unknown_line(label, "hours", unknown_reason(path, itype))
    return _node(label, itype, count, region)


def _enabled(res: Resource, path: str, label: str, unit: str) -> bool | CostComponent:
    """Whether an optional node kind is on (not set: off, the provider default); unknown: its unpriced line."""
    value = res.get(path)
    if is_unknown(value):
        return unknown_line(label, unit, unknown_reason(path, value))
    return bool(value)


def _price_domain(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    default_type = DEFAULT_INSTANCE_TYPE.get(res.type, "m3.medium.search")
    count = known_number(res, "cluster_config.instance_count", Decimal(1))
    lines = [_node_or_unknown("Instance", res, "cluster_config.instance_type", default_type, count, region)]
    master = _enabled(res, "cluster_config.dedicated_master_enabled", "Dedicated master", "hours")
    if isinstance(master, CostComponent):
        lines.append(master)
    elif master:
        mcount = known_number(res, "cluster_config.dedicated_master_count", Decimal(3))
        # not set: the data nodes' type
        path = ("cluster_config.dedicated_master_type" if res.get("cluster_config.dedicated_master_type") is not None
                else "cluster_config.instance_type")
        lines.append(_node_or_unknown("Dedicated master", res, path, default_type, mcount, region))
    warm = _enabled(res, "cluster_config.warm_enabled", "UltraWarm", "hours")
    if isinstance(warm, CostComponent):
        lines.append(warm)
    elif warm:
        wcount = known_number(res, "cluster_config.warm_count", Decimal(2))
        lines.append(_node_or_unknown("UltraWarm", res, "cluster_config.warm_type", "ultrawarm1.medium.search",
                                      wcount, region))
    lines.extend(_storage(res, count, region))
    return Priced(lines)


def _storage(res: Resource, count: Decimal, region: str) -> list[CostComponent]:
    """EBS storage per data node; a size or type not known offline is an unpriced line with the reason."""
    enabled = res.get("ebs_options.ebs_enabled")
    raw_size = res.get("ebs_options.volume_size")
    if raw_size is None or enabled not in (True, None) and not is_unknown(enabled):
        return []
    if is_unknown(enabled):
        return [unknown_line("Storage", "GB", unknown_reason("ebs_options.ebs_enabled", enabled))]
    vtype = known_or_default(res, "ebs_options.volume_type", "gp2")
    if is_unknown(vtype):
        return [unknown_line("Storage", "GB", unknown_reason("ebs_options.volume_type", vtype))]
    vtype = str(vtype)
    if is_unknown(raw_size):
        return [unknown_line(f"Storage ({vtype})", "GB", unknown_reason("ebs_options.volume_size", raw_size))]
    size = number(raw_size)
    if size is None:
        return [unknown_line(f"Storage ({vtype})", "GB", f"ebs_options.volume_size is not a number ({raw_size})")]
    return [line(f"Storage ({vtype})", "GB", size * count, catalog.lookup("opensearch", f"{region}|storage:{vtype}"),
                 missing=missing_price(f"OpenSearch {vtype} storage", region)),
            *_ebs_performance(res, vtype, size, count, region)]


RESOURCES = (
    ResourceSpec("aws_opensearch_domain", "aws:opensearch/domain:Domain", _price_domain, (),
                 "OpenSearch domains: node hours, EBS storage, io1 IOPS and gp3 throughput above baseline"),
    ResourceSpec("aws_elasticsearch_domain", "aws:elasticsearch/domain:Domain", _price_domain, (),
                 "Elasticsearch domains (as OpenSearch)"),
)
