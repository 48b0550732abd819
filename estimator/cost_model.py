"""What pricing produces: cost components (bill lines) per resource, in Decimal.

Money is ``Decimal`` everywhere and rounded only when printed. A component whose price or
quantity is not known has ``monthly_cost = None`` and says why; it never counts as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal
from typing import Any

from estimator.model import Resource

HOURS_PER_MONTH = Decimal(730)
CENT = Decimal("0.01")
LLM_USAGE_TYPE = "bedrock_llm_usage"  # the usage file's LLM API spend (``llm_usage``), as pseudo-resources


def quantize(value: Decimal, exp: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value.quantize(exp)`` with the precision it needs: the default context's 28 digits made a
    huge amount (an HCL size of 1e29 GB) an InvalidOperation traceback in every report."""
    digits = max(value.adjusted(), 0) - exp.as_tuple().exponent + 2 if value.is_finite() else 0
    return value.quantize(exp, rounding=rounding, context=Context(prec=max(28, digits)))


def whole_instances(units: Decimal, weight: Decimal) -> Decimal:
    """The whole instances AWS launches to hold ``units`` capacity units of ``weight`` each (ceil)."""
    return (units / weight).to_integral_value(rounding=ROUND_CEILING) if weight != 1 else units


def cents(value: Decimal) -> Decimal:
    """Money shown to the cent, half up, as a bill rounds: every report rounds the same total alike
    ($9,920.465 is $9,920.47 in ``breakdown`` and in ``diff``; Decimal's default is half-even)."""
    return quantize(value, CENT)


def money(value: Decimal | None) -> str | None:
    """Decimal string for JSON: exact (never float-rounded), at least two decimals."""
    if value is None:
        return None
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        normalized = quantize(normalized, CENT)
    return format(normalized, "f")


def round_per_1k(value: Decimal | None) -> Decimal | None:
    """A quotient (cost per 1k requests) does not terminate: round it to a millionth of a dollar
    for JSON, so it is a money string, not 28 digits of division noise."""
    if value is None:
        return None
    return quantize(value, Decimal("0.000001"))


def decimal_text(value: Decimal | None) -> str | None:
    """Plain decimal string (quantities, unit prices): no exponent, no float noise."""
    if value is None:
        return None
    normalized = value.normalize()
    if normalized == normalized.to_integral():
        normalized = quantize(normalized, Decimal(1))
    return format(normalized, "f")


@dataclass
class PriceRef:
    """Provenance of one unit price: the catalog row it came from."""

    source: str
    as_of: str


@dataclass
class CostComponent:
    """One bill line: ``Instance usage (Linux/UNIX, on-demand, g5.xlarge)  730 hours × $1.006``.

    ``group`` places it under a sub-block (``root_block_device``, ``ebs_block_device[0]``).
    ``usage_based`` components take their quantity from the usage file; with none given,
    ``quantity`` is None and the line shows "depends on usage: $X per unit".
    """

    name: str
    unit: str
    quantity: Decimal | None
    unit_price: Decimal | None
    monthly_cost: Decimal | None = None
    usage_based: bool = False
    group: str | None = None
    price: PriceRef | None = None
    unpriced_reason: str | None = None

    def __post_init__(self) -> None:
        if self.monthly_cost is None and self.quantity is not None and self.unit_price is not None:
            self.monthly_cost = self.quantity * self.unit_price

    @property
    def waits_for_usage(self) -> bool:
        """A usage-based line whose price is known and whose quantity the usage file does not give."""
        return self.usage_based and self.monthly_cost is None and self.unit_price is not None

    @property
    def missing_price(self) -> bool:
        """A line with no cost that is not merely waiting for usage: its price is missing (even when
        usage gives the quantity, as for a log class the catalog has no rate for)."""
        return self.monthly_cost is None and not self.waits_for_usage

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "unit": self.unit,
            "quantity": decimal_text(self.quantity),
            "unit_price": decimal_text(self.unit_price),
            "monthly_cost": money(self.monthly_cost),
        }
        if self.group:
            data["group"] = self.group
        if self.usage_based:
            data["usage_based"] = True
        if self.price:
            data["price_source"] = self.price.source
            data["price_as_of"] = self.price.as_of
        if self.unpriced_reason:
            data["unpriced_reason"] = self.unpriced_reason
        return data


@dataclass
class CostedResource:
    """A resource with its bill lines.

    ``status`` is ``priced`` (every line has a cost), ``partial`` (some lines unpriced or
    usage-based without usage), ``unpriced`` (a price is missing: ``reason`` says which),
    ``free`` (a type AWS does not bill) or ``unsupported`` (not priced by costrail yet).
    """

    resource: Resource
    components: list[CostComponent] = field(default_factory=list)
    status: str = "priced"
    reason: str | None = None
    max_monthly_cost: Decimal | None = None  # at max scale, for scaling groups
    monthly_requests: Decimal | None = None  # from usage, for cost per 1k requests

    @property
    def address(self) -> str:
        return self.resource.address

    @property
    def monthly_cost(self) -> Decimal | None:
        """Sum of the priced lines; None when nothing could be priced."""
        costs = [c.monthly_cost for c in self.components if c.monthly_cost is not None]
        if not costs:
            return None if self.status in ("unpriced", "unsupported") else Decimal(0)
        return sum(costs, Decimal(0))

    @property
    def priced(self) -> bool:
        return self.status in ("priced", "partial", "free")

    @property
    def cost_per_1k_requests(self) -> Decimal | None:
        cost = self.monthly_cost
        if cost is None or not self.monthly_requests:
            return None
        return cost / self.monthly_requests * 1000

    def to_json(self) -> dict[str, Any]:
        res = self.resource
        data = res.to_json()
        data["monthly_cost"] = money(self.monthly_cost)
        data["priced"] = self.priced
        data["status"] = self.status
        if self.reason:
            data["reason"] = self.reason
        data["components"] = [c.to_json() for c in self.components]
        if self.max_monthly_cost is not None:
            data["max_monthly_cost"] = money(self.max_monthly_cost)
        if self.monthly_requests is not None:
            data["monthly_requests"] = decimal_text(self.monthly_requests)
            data["cost_per_1k_requests"] = money(round_per_1k(self.cost_per_1k_requests))
        return data
