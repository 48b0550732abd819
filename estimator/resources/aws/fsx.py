"""aws_fsx_lustre_file_system: storage capacity (Persistent SSD 125 MB/s/TiB only has a price).

Scratch and other throughput tiers have no exact price in the data (unpriced, not approximated).
"""

from __future__ import annotations

from typing import Any

from estimator.model import Resource, is_unknown
from estimator.pricing import catalog

from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    known_or_default,
    line,
    missing_price,
    number,
    region_of,
    unknown_reason,
)


def _known(res: Resource, path: str, default: Any) -> Any:
    value = known_or_default(res, path, default)
    if is_unknown(value):
        raise NotPriceable(unknown_reason(path, value))
    return value


def _price_lustre(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    raw_size = _known(res, "storage_capacity", None)
    size = number(raw_size)
    if size is None:
        raise NotPriceable("storage_capacity is not set" if raw_size is None
                           else f"storage_capacity is not a number ({raw_size})")
    deployment = str(_known(res, "deployment_type", "SCRATCH_1"))  # not set: the provider default
    throughput = number(_known(res, "per_unit_storage_throughput", None))
    storage_type = str(_known(res, "storage_type", "SSD"))
    label = f"Storage ({deployment}{'' if throughput is None else f', {throughput} MB/s/TiB'})"
    price = None
    if deployment.startswith("PERSISTENT") and throughput == 125 and storage_type == "SSD":
        price = catalog.service("fsx_lustre_persistent125_gb", region)
    missing = (missing_price(f"FSx Lustre {deployment}", region) if price is None and region == "us-east-1"
               and deployment.startswith("PERSISTENT") and throughput == 125 else
               f"no price for FSx Lustre {deployment} {throughput or ''} in the catalog".replace("  ", " "))
    return Priced([line(label, "GB", size, price, missing=missing)])


RESOURCES = (
    ResourceSpec("aws_fsx_lustre_file_system", "aws:fsx/lustreFileSystem:LustreFileSystem", _price_lustre, (),
                 "FSx for Lustre: storage capacity"),
)
