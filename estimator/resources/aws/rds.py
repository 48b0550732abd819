"""aws_db_instance and aws_rds_cluster_instance: instance hours (Single-AZ) and storage.

Prices: PostgreSQL/MySQL/MariaDB Single-AZ (2021-08 data); Multi-AZ instances, other engines and
Aurora have no price in the catalog and are unpriced with that reason. Storage (us-east-1):
gp2/gp3/io1 per GB-month, io1 IOPS; Multi-AZ gp2/gp3 at the Multi-AZ rate (io1 Multi-AZ: unpriced).
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
