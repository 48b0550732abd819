"""The JSON shape of a finding (DESIGN.md's findings contract)."""

from __future__ import annotations

from decimal import Decimal

from policies.finding import Finding


def _finding(rule: str, saving: Decimal | None = None, suppressed: bool = False) -> dict:
    return Finding(rule, "high", "mandatory", "aws_instance.gpu", "msg", monthly_saving=saving,
                   suppressed=suppressed, suppression_reason="ok" if suppressed else None).to_json()


def test_every_finding_says_whether_it_is_suppressed() -> None:
    assert _finding("CR-EBS-001")["suppressed"] is False
    shown = _finding("CR-EBS-001", suppressed=True)
    assert shown["suppressed"] is True and shown["suppression_reason"] == "ok"


def test_a_tag_rule_saves_zero_and_an_unknown_saving_stays_null() -> None:
    assert Decimal(_finding("CR-TAG-001")["monthly_saving"]) == 0  # DESIGN.md's example: "0"
    assert _finding("CR-GPU-003")["monthly_saving"] is None  # cannot be computed: never a fake 0
    assert _finding("CR-EBS-001", Decimal("12.5"))["monthly_saving"] == "12.50"
