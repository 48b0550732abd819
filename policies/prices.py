"""Unit prices a rule needs beyond the resource's own bill lines (cheapest-fit, gp3 vs gp2).

Read from ``estimator.pricing.catalog`` when it is importable; otherwise None and the rule
says "no suggestion" — a price is never invented.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

_LOOKUPS: dict[str, tuple[str, ...]] = {
    # function names tried on the catalog module, in order
    "ec2": ("ec2_hourly", "ec2_ondemand_hourly", "ec2_price", "instance_hourly"),
    "sagemaker": ("sagemaker_hourly", "sagemaker_price"),
    "ebs": ("ebs_gb_month", "ebs_price"),
}


@cache
def _lookup(kind: str) -> Callable[..., Any] | None:
    try:
        from estimator.pricing import catalog
    except ImportError:
        return None
    for name in _LOOKUPS[kind]:
        fn = getattr(catalog, name, None)
        if callable(fn):
            return fn
    return None


def _call(kind: str, *args: Any) -> Decimal | None:
    fn = _lookup(kind)
    if fn is None:
        return None
    try:
        value = fn(*args)
    except (KeyError, LookupError, ValueError, TypeError):
        return None
    if value is None:
        return None
    value = getattr(value, "usd_per_hour", getattr(value, "price", value))
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def instance_hourly(instance_type: str, region: str) -> Decimal | None:
    """On-demand Linux hourly price of an EC2 (or SageMaker ``ml.*``) type in a region, if known."""
    if instance_type.startswith("ml."):
        return _call("sagemaker", instance_type, region)
    return _call("ec2", instance_type, region)


def ebs_gb_month(volume_type: str, region: str) -> Decimal | None:
    return _call("ebs", volume_type, region)


def catalog_available() -> bool:
    return _lookup("ec2") is not None
