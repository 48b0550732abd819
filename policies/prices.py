"""Unit prices a rule needs beyond the resource's own bill lines (cheapest-fit, gp3 vs gp2).

Read from the bundled catalog (``estimator.pricing.catalog``). In checkov's venv the package
is installed with ``--no-deps`` and the catalog data ships with it; should it be absent all
the same, these return None and the rule says "no suggestion" — a price is never invented.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _catalog() -> Any:
    try:
        from estimator.pricing import catalog
    except ImportError:  # pragma: no cover - only where the package data is missing
        return None
    return catalog


def instance_hourly(instance_type: str, region: str) -> Decimal | None:
    """On-demand Linux hourly price of an EC2 (or SageMaker hosting ``ml.*``) type in a region, if known."""
    catalog = _catalog()
    if catalog is None:
        return None
    lookup = catalog.sagemaker_hourly if instance_type.startswith("ml.") else catalog.ec2_hourly
    price = lookup(instance_type, region)
    return price.value if price is not None else None


def ebs_gb_month(volume_type: str, region: str) -> Decimal | None:
    catalog = _catalog()
    if catalog is None:
        return None
    price = catalog.ebs_gb_month(volume_type, region)
    return price.value if price is not None else None


def catalog_available() -> bool:
    return _catalog() is not None
