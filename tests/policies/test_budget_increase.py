"""CR-BUD-002: monthly increase above the absolute or percentage budget (through the engine)."""

from __future__ import annotations

from decimal import Decimal

from estimator.config import Config
from policies.engine import check_change, exit_code


def _config(usd: str | None = None, pct: str | None = None) -> Config:
    cfg = Config()
    cfg.budgets.monthly_increase_usd = Decimal(usd) if usd else None
    cfg.budgets.monthly_increase_percent = Decimal(pct) if pct else None
    return cfg


def test_absolute_budget() -> None:
    (finding,) = check_change("stacks/rag", Decimal(1000), Decimal(9000), _config(usd="5000"))
    assert finding.rule == "CR-BUD-002" and finding.enforcement == "mandatory"
    assert "$8,000.00" in finding.message and "$5,000.00" in finding.message
    assert exit_code([finding]) == 1
    assert check_change("stacks/rag", Decimal(1000), Decimal(1200), _config(usd="5000")) == []


def test_percent_budget_and_decrease() -> None:
    assert len(check_change("p", Decimal(1000), Decimal(1300), _config(pct="25"))) == 1
    assert check_change("p", Decimal(1000), Decimal(1250), _config(pct="25")) == []
    assert check_change("p", Decimal(0), Decimal(100), _config(pct="25")) == []  # no base: no percentage
    assert check_change("p", Decimal(9000), Decimal(1000), _config(usd="1")) == []


def test_disabled_and_suppressed() -> None:
    cfg = _config(usd="1")
    cfg.policies["CR-BUD-002"] = "disabled"
    assert check_change("p", Decimal(0), Decimal(100), cfg) == []
    from estimator.config import Suppression

    cfg = _config(usd="1")
    cfg.suppressions.append(Suppression(rule="CR-BUD-002", address="p", reason="approved in FIN-12"))
    (finding,) = check_change("p", Decimal(0), Decimal(100), cfg)
    assert finding.suppressed and exit_code([finding]) == 0
