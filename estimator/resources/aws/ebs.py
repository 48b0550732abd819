"""aws_ebs_volume, and the block-device lines instances, launch templates and node groups share.

Lines (us-east-1 prices from infracost goldens; other regions have none → unpriced):
``Storage (general purpose SSD, gp3)`` GB-month, ``Provisioned IOPS (above 3,000)`` and
``Provisioned throughput (above 125 MiB/s)`` for gp3, ``Provisioned IOPS`` for io1/io2
(io2 only its first 32,000-IOPS tier is in the data), ``I/O requests`` (magnetic, usage-based).
Volume type defaults to gp2 where the configuration does not say (the provider default).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from estimator.cost_model import CostComponent
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    line,
    number,
    region_of,
    unknown_line,
    unknown_reason,
)

NAMES = {
    "gp2": "Storage (general purpose SSD, gp2)",
    "gp3": "Storage (general purpose SSD, gp3)",
    "io1": "Storage (provisioned IOPS SSD, io1)",
    "io2": "Storage (provisioned IOPS SSD, io2)",
    "st1": "Storage (throughput optimized HDD, st1)",
    "sc1": "Storage (cold HDD, sc1)",
    "standard": "Storage (magnetic)",
}
GP3_IOPS_FREE = Decimal(3000)
GP3_THROUGHPUT_FREE = Decimal(125)
IO2_FIRST_TIER = Decimal(32000)


def _price(region: str, vtype: str, item: str) -> catalog.Price | None:
    return catalog.lookup("ebs", f"{region}|{vtype}|{item}")


def _set(block: dict[str, Any], *keys: str) -> tuple[str, Any]:
    """(the key that is set, its value) among the spellings of one attribute; an Unknown counts as set."""
    for key in keys:
        value = block.get(key)
        if value is not None and value != "":
            return key, value
    return keys[0], None


def volume_lines(block: Any, region: str, *, group: str | None, count: Decimal = Decimal(1),
                 default_size: Decimal | None = None, usage: dict[str, Any] | None = None,
                 size_attr: str | None = None) -> list[CostComponent]:
    """Bill lines of one volume (``volume_type``, ``size``/``volume_size``, ``iops``, ``throughput``).

    Not set: the provider default (gp2; the size from the AMI or snapshot). Set to a value not
    known offline: an unpriced line with the Unknown's reason, never the default (QA18b).
    ``size_attr`` names the size where the caller's attribute is called otherwise (``disk_size``).
    """
    block = block if isinstance(block, dict) else {}
    type_key, vtype = _set(block, "volume_type", "type")
    if is_unknown(vtype):
        return [unknown_line("Storage", "GB", unknown_reason(type_key, vtype), group)]
    vtype = str(vtype or "gp2")
    if vtype not in NAMES:
        return [unknown_line(f"Storage ({vtype})", "GB", f"no price for EBS volume type {vtype}", group)]
    size_key, raw_size = _set(block, "volume_size", "size")
    size = number(raw_size, default_size)
    lines: list[CostComponent] = []
    if is_unknown(raw_size):
        lines.append(unknown_line(NAMES[vtype], "GB", unknown_reason(size_attr or size_key, raw_size), group))
    elif size is None:
        lines.append(unknown_line(NAMES[vtype], "GB", "volume size is not set (it comes from the AMI or snapshot)",
                                  group))
    else:
        lines.append(line(NAMES[vtype], "GB", size * count, _price(region, vtype, "storage"),
                          missing=f"no {region} price for EBS {vtype} storage", group=group))
    raw_iops = block.get("iops")
    iops = number(raw_iops)
    if vtype == "gp3":
        if is_unknown(raw_iops):
            lines.append(unknown_line("Provisioned IOPS", "IOPS", unknown_reason("iops", raw_iops), group))
        elif iops is not None and iops > GP3_IOPS_FREE:
            lines.append(line("Provisioned IOPS (above 3,000)", "IOPS", (iops - GP3_IOPS_FREE) * count,
                              _price(region, "gp3", "iops"), missing=f"no {region} price for gp3 IOPS", group=group))
        raw_throughput = block.get("throughput")
        throughput = number(raw_throughput)
        if is_unknown(raw_throughput):
            lines.append(unknown_line("Provisioned throughput", "MiBps", unknown_reason("throughput", raw_throughput),
                                      group))
        elif throughput is not None and throughput > GP3_THROUGHPUT_FREE:
            lines.append(line("Provisioned throughput (above 125 MiB/s)", "MiBps", (throughput - GP3_THROUGHPUT_FREE) * count,
                              _price(region, "gp3", "throughput"), missing=f"no {region} price for gp3 throughput",
                              group=group))
    elif vtype in ("io1", "io2"):
        if is_unknown(raw_iops):
            lines.append(unknown_line("Provisioned IOPS", "IOPS", unknown_reason("iops", raw_iops), group))
        elif iops is None:
            lines.append(unknown_line("Provisioned IOPS", "IOPS", f"iops is not set ({vtype} bills them)", group))
        elif vtype == "io2" and iops > IO2_FIRST_TIER:
            lines.append(line("Provisioned IOPS (first 32,000)", "IOPS", IO2_FIRST_TIER * count,
                              _price(region, vtype, "iops"), missing=f"no {region} price for io2 IOPS", group=group))
            lines.append(unknown_line("Provisioned IOPS (above 32,000)", "IOPS",
                                      "no price for io2 IOPS above 32,000 in the catalog", group))
        else:
            lines.append(line("Provisioned IOPS", "IOPS", iops * count, _price(region, vtype, "iops"),
                              missing=f"no {region} price for {vtype} IOPS", group=group))
    elif vtype == "standard":
        requests = number((usage or {}).get("monthly_standard_io_requests"))
        lines.append(line("I/O requests", "1M requests", None if requests is None else requests / 1_000_000,
                          _price(region, "standard", "io_requests"), usage_based=True, group=group,
                          missing=f"no {region} price for magnetic I/O requests"))
    return lines


def _price_volume(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    return Priced(volume_lines(res.attributes, region, group=None, usage=ctx.usage(res)))


RESOURCES = (
    ResourceSpec("aws_ebs_volume", "aws:ebs/volume:Volume", _price_volume,
                 (UsageKey("monthly_standard_io_requests", "I/O requests a month (magnetic volumes only)", 0),),
                 "EBS volumes: storage, gp3 extra IOPS/throughput, io1/io2 IOPS"),
)
