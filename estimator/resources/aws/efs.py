"""aws_efs_file_system: storage (usage-based ``storage_gb``; standard or one zone) and provisioned throughput."""

from __future__ import annotations

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import PriceContext, Priced, ResourceSpec, UsageKey, line, missing_price, number, region_of, usage_qty


def _price_efs(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    one_zone = bool(res.get("availability_zone_name"))
    key, label = ("efs_one_zone_gb", "Storage (one zone)") if one_zone else ("efs_standard_gb", "Storage (standard)")
    lines = [line(label, "GB", usage_qty(ctx.usage(res), "storage_gb"), catalog.service(key, region),
                  usage_based=True, missing=missing_price("EFS storage", region))]
    if res.get("throughput_mode") == "provisioned":
        mbps = number(res.get("provisioned_throughput_in_mibps"))
        lines.append(line("Provisioned throughput", "MBps", mbps, catalog.service("efs_provisioned_mbps", region),
                          missing=missing_price("EFS provisioned throughput", region)))
    return Priced(lines)


RESOURCES = (
    ResourceSpec("aws_efs_file_system", "aws:efs/fileSystem:FileSystem", _price_efs,
                 (UsageKey("storage_gb", "GB stored", None),), "EFS file systems"),
)
