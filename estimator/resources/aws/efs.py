"""aws_efs_file_system: storage (usage-based ``storage_gb``; standard or one zone) and throughput.

Provisioned throughput bills per MiB/s-month. Elastic throughput bills the data read and written
(per GB, usage-based): the catalog has no price for it, so those lines are unpriced with the
reason and an elastic file system is never ``priced`` on its storage alone.
"""

from __future__ import annotations

from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
    unknown_reason,
    usage_qty,
)


def _price_efs(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    zone = res.get("availability_zone_name")
    storage_gb = usage_qty(usage, "storage_gb")
    if is_unknown(zone):  # One Zone and Standard storage differ in price: never guessed
        lines = [line("Storage", "GB", storage_gb, None, usage_based=True,
                      missing=unknown_reason("availability_zone_name (One Zone or Standard storage)", zone))]
    else:
        key, label = ("efs_one_zone_gb", "Storage (one zone)") if zone else ("efs_standard_gb", "Storage (standard)")
        lines = [line(label, "GB", storage_gb, catalog.service(key, region),
                      usage_based=True, missing=missing_price("EFS storage", region))]
    mode = res.get("throughput_mode")  # not set: bursting, no charge of its own
    if is_unknown(mode):  # provisioned and elastic throughput bill; bursting does not
        lines.append(unknown_line("Throughput", "MBps", unknown_reason("throughput_mode", mode)))
    elif mode == "provisioned":
        raw = res.get("provisioned_throughput_in_mibps")
        mbps = number(raw)
        if mbps is None:
            lines.append(unknown_line("Provisioned throughput", "MBps",
                                      unknown_reason("provisioned_throughput_in_mibps", raw) if is_unknown(raw)
                                      else "provisioned_throughput_in_mibps is not set"))
        else:
            lines.append(line("Provisioned throughput", "MBps", mbps, catalog.service("efs_provisioned_mbps", region),
                              missing=missing_price("EFS provisioned throughput", region)))
    elif mode == "elastic":
        for what, key in (("reads", "monthly_elastic_read_gb"), ("writes", "monthly_elastic_write_gb")):
            lines.append(line(f"Elastic throughput ({what})", "GB", usage_qty(usage, key), None, usage_based=True,
                              missing=f"no price for EFS elastic throughput {what} (per GB) in the catalog"))
    return Priced(lines)


RESOURCES = (
    ResourceSpec("aws_efs_file_system", "aws:efs/fileSystem:FileSystem", _price_efs,
                 (UsageKey("storage_gb", "GB stored", None),
                  UsageKey("monthly_elastic_read_gb", "GB read a month (elastic throughput mode)", None),
                  UsageKey("monthly_elastic_write_gb", "GB written a month (elastic throughput mode)", None)),
                 "EFS file systems: storage, provisioned throughput; elastic throughput reads/writes (unpriced)"),
)
