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
    unknown_reason,
)

ENGINES = {"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mariadb"}


def _instance_line(res: Resource, region: str, engine_raw: str) -> list:
    klass = known_str(res, "instance_class")
    engine = ENGINES.get(engine_raw)
    name = f"Database instance (on-demand, Single-AZ, {klass})"
    if engine is None:
        return [hourly(name, None, missing=f"no price for RDS engine {engine_raw} in the catalog")]
    if is_unknown(multi_az := res.get("multi_az")):
        return [hourly(name, None, missing=unknown_reason("multi_az", multi_az))]
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
    raw_iops, raw_throughput = res.get("iops"), res.get("storage_throughput")
    # Not set (a plan's unset Optional+Computed value reads as not set too): the included baseline.
    # Set to a value not known offline: an unpriced line with the reason, never the baseline.
    if stype in ("gp3", "io2") and is_unknown(raw_iops):
        return [unknown_line(f"Provisioned {stype.upper() if stype == 'gp3' else stype} IOPS", "IOPS",
                             unknown_reason("iops", raw_iops))]
    if stype == "gp3" and is_unknown(raw_throughput):
        return [unknown_line("Provisioned GP3 throughput", "MiBps", unknown_reason("storage_throughput", raw_throughput))]
    iops = number(raw_iops)
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


def _source_chain(res: Resource, ctx: PriceContext) -> tuple[list[Resource], str | None]:
    """The instance, then its replication source(s) in the project; why the chain stops short, if it does.

    A read replica (``replicate_source_db``) has its source's engine and storage unless it sets its
    own. The source is found by reference, else by its literal identifier (or an ARN ending in it);
    never "the only other database", which may be an unrelated one.
    """
    chain = [res]
    while len(chain) < 8:
        current = chain[-1]
        value = current.get("replicate_source_db")
        if value is None or value == "":
            return chain, None
        found = _find_source(value, current, ctx)
        whose = "" if current is res else f" (of {current.address})"
        if found is None or found in chain:
            if is_unknown(value) and not value.ref:
                return chain, unknown_reason(f"replicate_source_db{whose} (the source a read replica's storage is)",
                                             value)
            named = value.ref if is_unknown(value) else value
            return chain, (f"a read replica's storage is its source's: replicate_source_db{whose} {named} "
                           "is not in the project")
        chain.append(found)
    return chain, None


def _find_source(value: object, replica: Resource, ctx: PriceContext) -> Resource | None:
    for cand in ctx.of_type("aws_db_instance"):
        if cand is replica:
            continue
        if is_unknown(value):
            if value.ref and value.ref in (cand.address, cand.address.rsplit("[", 1)[0]):
                return cand
            continue
        ident = cand.get("identifier")
        if isinstance(value, str) and isinstance(ident, str) and ident and (
                value == ident or value.endswith(f":db:{ident}")):
            return cand
    return None


def _inherited(chain: list[Resource], path: str) -> tuple[object, Resource]:
    """The first value set along the replica chain (an Unknown counts as set), and whose it is."""
    for owner in chain:
        value = owner.get(path)
        if value is not None and value != "":
            return value, owner
    return None, chain[-1]


def _price_db(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    chain, broken = _source_chain(res, ctx)
    _, engine_owner = _inherited(chain, "engine")
    engine = known_str(engine_owner, "engine")
    lines = _instance_line(res, region, engine)
    lines.extend(_db_storage(res, chain, broken, engine, region))
    return Priced(lines)


def _db_storage(res: Resource, chain: list[Resource], broken: str | None, engine: str,
                region: str) -> list[CostComponent]:
    """Storage and provisioned performance; a size or type not known offline is an unpriced line, never dropped."""
    raw_size, size_owner = _inherited(chain, "allocated_storage")
    stype_raw, stype_owner = _inherited(chain, "storage_type")
    whose = "" if size_owner is res else f" of {size_owner.address} (the replica's source)"
    if is_unknown(stype_raw):
        twhose = "" if stype_owner is res else f" of {stype_owner.address} (the replica's source)"
        return [unknown_line("Storage", "GB", unknown_reason(f"storage_type{twhose}", stype_raw))]
    stype = str(stype_raw or "gp2")  # not set: the provider's (and AWS's) default
    multi_az = res.get("multi_az")
    if raw_size is None:
        if broken:
            return [unknown_line(f"Storage ({stype})", "GB", broken)]
        why = ("allocated_storage is not set (a database restored from a snapshot has the snapshot's)"
               if res.get("snapshot_identifier") is not None else "allocated_storage is not set")
        return [unknown_line(f"Storage ({stype})", "GB", why)]
    if is_unknown(raw_size):
        return [unknown_line(f"Storage ({stype})", "GB", unknown_reason(f"allocated_storage{whose}", raw_size))]
    size = number(raw_size)
    if size is None:
        return [unknown_line(f"Storage ({stype})", "GB", f"allocated_storage{whose} is not a number ({raw_size})")]
    if is_unknown(multi_az):
        return [unknown_line(f"Storage ({stype})", "GB", unknown_reason("multi_az", multi_az))]
    lines = [_storage_line(stype, size, region, multi_az=multi_az is True)]
    raw_iops = _inherited(chain, "iops")[0]
    iops = number(raw_iops)
    if stype == "io1" and is_unknown(raw_iops):
        lines.append(unknown_line("Provisioned IOPS", "IOPS", unknown_reason("iops", raw_iops)))
    elif stype == "io1" and iops and multi_az is True:
        lines.append(line("Provisioned IOPS (Multi-AZ)", "IOPS", iops,
                          catalog.service("rds_io1_multiaz_iops", region),
                          missing=missing_price("RDS Multi-AZ io1 IOPS", region)))
    elif stype == "io1" and iops:
        lines.append(line("Provisioned IOPS", "IOPS", iops, catalog.service("rds_io1_iops", region),
                          missing=missing_price("RDS io1 IOPS", region)))
    lines.extend(_performance_lines(res, engine, stype, size, region))
    return lines


def _price_cluster_instance(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    engine = known_str(res, "engine", default="aurora-mysql")
    return Priced(_instance_line(res, region, engine))


RESOURCES = (
    ResourceSpec("aws_db_instance", "aws:rds/instance:Instance", _price_db, (), "RDS instances and storage"),
    ResourceSpec("aws_rds_cluster_instance", "aws:rds/clusterInstance:ClusterInstance", _price_cluster_instance, (),
                 "Aurora cluster instances (no Aurora prices yet: unpriced)"),
)
