"""aws_fsx_lustre_file_system: storage capacity (Persistent SSD 125 MB/s/TiB only has a price).

Scratch and other throughput tiers have no exact price in the data (unpriced, not approximated).
"""

from __future__ import annotations

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import (
    NotPriceable,
    PriceContext,
    Priced,
    ResourceSpec,
    known_value,
    line,
    missing_price,
    number,
    region_of,
)


def _price_lustre(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    raw_size = known_value(res, "storage_capacity", None)
    size = number(raw_size)
    if size is None:
        raise NotPriceable("storage_capacity is not set" if raw_size is None
                           else f"storage_capacity is not a number ({raw_size})")
    deployment = str(known_value(res, "deployment_type", "SCRATCH_1"))  # not set: the provider default
    throughput = number(known_value(res, "per_unit_storage_throughput", None))
    storage_type = str(known_value(res, "storage_type", "SSD"))
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
