"""CR-GPU-005: previous-generation GPU families; a saving only from catalog prices."""

from __future__ import annotations

from decimal import Decimal

from tests.policies.helpers import assert_pass_fail, hourly_price, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-GPU-005")
    assert where(findings) == {
        ("aws_instance.fail_v100", "main.tf:5"),
        ("aws_sagemaker_notebook_instance.fail_k80_notebook", "main.tf:9"),
    }
    assert_pass_fail(load("CR-GPU-005")[0], findings)


def test_saving_from_catalog_prices() -> None:
    v100 = next(f for f in run("CR-GPU-005") if f.address == "aws_instance.fail_v100")
    # p3.2xlarge (16 GiB V100, $3.06/h) → the cheapest current type with ≥ 16 GiB
    suggestion = v100.extra["suggestion"]
    assert hourly_price(suggestion) < Decimal("3.06")
    assert v100.monthly_saving == (Decimal("3.06") - hourly_price(suggestion)) * 730
