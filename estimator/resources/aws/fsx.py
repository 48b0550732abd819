"""aws_fsx_lustre_file_system: storage capacity (Persistent SSD 125 MB/s/TiB only has a price).

Scratch and other throughput tiers have no exact price in the data (unpriced, not approximated).
"""

from __future__ import annotations

from estimator.model import Resource
from estimator.pricing import catalog

from ._base import NotPriceable, PriceContext, Priced, ResourceSpec, line, missing_price, number, region_of


def _price_lustre(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    size = number(res.get("storage_capacity"))
    if size is None:
        raise NotPriceable("storage_capacity is not known")
    deployment = str(res.get("deployment_type") or "SCRATCH_1")
    throughput = number(res.get("per_unit_storage_throughput"))
    label = f"Storage ({deployment}{'' if throughput is None else f', {throughput} MB/s/TiB'})"
    price = None
    if deployment.startswith("PERSISTENT") and throughput == 125 and str(res.get("storage_type") or "SSD") == "SSD":
        price = catalog.service("fsx_lustre_persistent125_gb", region)
    missing = (missing_price(f"FSx Lustre {deployment}", region) if price is None and region == "us-east-1"
               and deployment.startswith("PERSISTENT") and throughput == 125 else
               f"no price for FSx Lustre {deployment} {throughput or ''} in the catalog".replace("  ", " "))
    return Priced([line(label, "GB", size, price, missing=missing)])


RESOURCES = (
    ResourceSpec("aws_fsx_lustre_file_system", "aws:fsx/lustreFileSystem:LustreFileSystem", _price_lustre, (),
                 "FSx for Lustre: storage capacity"),
)
