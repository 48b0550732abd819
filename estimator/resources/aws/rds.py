"""aws_db_instance and aws_rds_cluster_instance: instance hours (Single-AZ) and storage.

Prices: PostgreSQL/MySQL/MariaDB Single-AZ (2021-08 data); Multi-AZ instances, other engines and
Aurora have no price in the catalog and are unpriced with that reason. Storage (us-east-1):
gp2/gp3/io1 per GB-month, io1 IOPS; Multi-AZ gp2/gp3 at the Multi-AZ rate (io1 Multi-AZ: unpriced).
gp3 includes a baseline (PostgreSQL/MySQL/MariaDB: 3,000 IOPS and 125 MiB/s below 400 GB, 12,000 and
500 MiB/s from 400 GB, as the infracost ``db_instance_test`` lines): IOPS above it are priced
(0.02, Multi-AZ 0.04 per IOPS-month); throughput above it and io2 IOPS have no row and are unpriced
lines naming them, so such a database is ``partial``, never ``priced`` with a billed line missing.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostComponent
from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    hourly,
    known_str,
    line,
    missing_price,
    number,
    region_of,
    unknown_line,
)

ENGINES = {"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mariadb"}


def _instance_line(res: Resource, region: str, engine_raw: str) -> list:
    klass = known_str(res, "instance_class")
    engine = ENGINES.get(engine_raw)
    name = f"Database instance (on-demand, Single-AZ, {klass})"
    if engine is None:
        return [hourly(name, None, missing=f"no price for RDS engine {engine_raw} in the catalog")]
    if is_unknown(res.get("multi_az")):
        return [hourly(name, None, missing="multi_az is known only after apply")]
    if res.get("multi_az") is True:
        return [hourly(f"Database instance (on-demand, Multi-AZ, {klass})", None,
                       missing="no Multi-AZ RDS prices in the catalog")]
    return [hourly(name, catalog.lookup("rds", f"{region}|{engine}|{klass}"),
                   missing=missing_price(f"{klass} {engine}", region))]


def _storage_line(stype: str, size: Decimal, region: str, *, multi_az: bool) -> CostComponent:
    """Multi-AZ storage is billed at its own (twice the Single-AZ) rate: never the Single-AZ one."""
    if not multi_az:
        return line(f"Storage ({stype})", "GB", size, catalog.service(f"rds_{stype}_gb", region),
                    missing=missing_price(f"RDS {stype} storage", region))
    return line(f"Storage (Multi-AZ, {stype})", "GB", size, catalog.service(f"rds_{stype}_multiaz_gb", region),
                missing=missing_price(f"RDS Multi-AZ {stype} storage", region))


def gp3_baseline(engine: str, size: Decimal) -> tuple[Decimal, Decimal] | None:
    """(IOPS, MiB/s) included with gp3 storage, or None for an engine whose baseline is not modelled."""
    if ENGINES.get(engine) is None:
        return None
    return (Decimal(12000), Decimal(500)) if size >= 400 else (Decimal(3000), Decimal(125))


def _performance_lines(res: Resource, engine: str, stype: str, size: Decimal, region: str) -> list[CostComponent]:
    """Provisioned IOPS / throughput beyond what the storage includes: priced, or unpriced by name."""
    iops = number(res.get("iops"))  # an unset or computed (after apply) value is the included baseline
    multi_az = res.get("multi_az") is True
    if stype == "io2" and iops:
        return [unknown_line("Provisioned IOPS (io2)", "IOPS", f"no price for RDS io2 IOPS in the catalog ({iops:,} IOPS)")]
    if stype != "gp3":
        return []
    throughput = number(res.get("storage_throughput"))
    baseline = gp3_baseline(engine, size)
    if baseline is None:
        if (iops and iops > 3000) or (throughput and throughput > 125):
            return [unknown_line("Provisioned gp3 IOPS / throughput", "IOPS",
                                 f"the gp3 baseline of RDS engine {engine} is not modelled")]
        return []
    base_iops, base_mibps = baseline
    lines: list[CostComponent] = []
    if iops is not None and iops > base_iops:
        key, label = ("rds_gp3_multiaz_iops", "Multi-AZ, ") if multi_az else ("rds_gp3_iops", "")
        lines.append(line(f"Provisioned GP3 IOPS ({label}above {base_iops:,})", "IOPS", iops - base_iops,
                          catalog.service(key, region), missing=missing_price(f"RDS {label}gp3 IOPS", region)))
    if throughput is not None and throughput > base_mibps:
        lines.append(unknown_line(
            f"Provisioned GP3 throughput (above {base_mibps:,} MiB/s)", "MiBps",
            f"no price for RDS gp3 throughput in the catalog ({throughput - base_mibps:,} MiB/s above the baseline)"))
    return lines


def _price_db(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    engine = known_str(res, "engine")
    lines = _instance_line(res, region, engine)
    size = number(res.get("allocated_storage"))
    stype = str(res.get("storage_type") or "gp2")
    if size is not None and is_unknown(res.get("multi_az")):
        lines.append(unknown_line(f"Storage ({stype})", "GB", "multi_az is known only after apply"))
    elif size is not None:
        lines.append(_storage_line(stype, size, region, multi_az=res.get("multi_az") is True))
        iops = number(res.get("iops"))
        if stype == "io1" and iops and res.get("multi_az") is True:
            lines.append(line("Provisioned IOPS (Multi-AZ)", "IOPS", iops,
                              catalog.service("rds_io1_multiaz_iops", region),
                              missing=missing_price("RDS Multi-AZ io1 IOPS", region)))
        elif stype == "io1" and iops:
            lines.append(line("Provisioned IOPS", "IOPS", iops, catalog.service("rds_io1_iops", region),
                              missing=missing_price("RDS io1 IOPS", region)))
        lines.extend(_performance_lines(res, engine, stype, size, region))
    return Priced(lines)


def _price_cluster_instance(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    engine = known_str(res, "engine", default="aurora-mysql")
    return Priced(_instance_line(res, region, engine))


RESOURCES = (
    ResourceSpec("aws_db_instance", "aws:rds/instance:Instance", _price_db, (), "RDS instances and storage"),
    ResourceSpec("aws_rds_cluster_instance", "aws:rds/clusterInstance:ClusterInstance", _price_cluster_instance, (),
                 "Aurora cluster instances (no Aurora prices yet: unpriced)"),
)
