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


# SageMaker prices an ``ml.*`` type per use: a notebook hour is not an endpoint-hosting hour.
NOTEBOOK_TYPES = frozenset({"aws_sagemaker_notebook_instance"})
HOSTING_TYPES = frozenset({"aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"})


def instance_hourly(instance_type: str, region: str, resource_type: str | None = None) -> Decimal | None:
    """On-demand Linux hourly price of an EC2 type, or of an ``ml.*`` type for the use ``resource_type``
    makes of it (endpoint hosting when not given; a notebook's from the notebook prices; other uses
    have none here), in a region, if known."""
    catalog = _catalog()
    if catalog is None:
        return None
    if not instance_type.startswith("ml."):
        price = catalog.ec2_hourly(instance_type, region)
    elif resource_type in NOTEBOOK_TYPES:
        price = catalog.lookup("sagemaker_notebook", f"{region}|{instance_type}")
    elif resource_type is None or resource_type in HOSTING_TYPES:
        price = catalog.sagemaker_hourly(instance_type, region)
    else:
        price = None
    return price.value if price is not None else None


def ebs_gb_month(volume_type: str, region: str) -> Decimal | None:
    catalog = _catalog()
    if catalog is None:
        return None
    price = catalog.ebs_gb_month(volume_type, region)
    return price.value if price is not None else None


def catalog_available() -> bool:
    return _catalog() is not None
