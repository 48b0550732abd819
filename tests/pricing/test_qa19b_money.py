"""QA19b: money beyond Decimal's 28 default digits (an HCL ``size = 1e29``) is formatted, never an
InvalidOperation traceback in the JSON or table report."""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import cents, decimal_text, money, round_per_1k
from estimator.report.table import qty, unit_price, usd

HUGE = Decimal("1" + "0" * 28)  # 1e29 GB-months of gp2 at $0.10
HUGE_AND_A_HALF = Decimal("1" + "0" * 28 + ".5")  # exact (a sum would round to the default 28 digits)


def test_json_money_of_a_huge_amount() -> None:
    assert money(HUGE) == "1" + "0" * 28 + ".00"
    assert cents(Decimal("1" + "0" * 28 + ".005")) == Decimal("1" + "0" * 28 + ".01")
    assert round_per_1k(HUGE) == HUGE
    assert decimal_text(HUGE) == "1" + "0" * 28


def test_table_cells_of_a_huge_amount() -> None:
    assert usd(HUGE) == "$10,000,000,000,000,000,000,000,000,000.00"
    assert qty(HUGE_AND_A_HALF) == "10,000,000,000,000,000,000,000,000,000.5"
    assert unit_price(HUGE) == "$1" + "0" * 28 and unit_price(Decimal("12.5")) == "$12.50"


def test_ordinary_amounts_round_as_before() -> None:
    assert money(Decimal("9920.465")) == "9920.465" and cents(Decimal("9920.465")) == Decimal("9920.47")
    assert usd(Decimal("0.125")) == "$0.13" and qty(Decimal("0.00005")) == "0"
