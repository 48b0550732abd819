"""CR-GPU-007: GPU memory vs params × bytes × 1.2; cheapest fit priced from the catalog."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policies.rules.gpu_memory_oversized_for_model import needed_gib, parse_params
from tests.policies.helpers import assert_pass_fail, hourly_price, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-GPU-007")
    assert where(findings) == {
        ("aws_instance.fail_8b_int4_on_p4d", "main.tf:5"),
        ("aws_sagemaker_endpoint_configuration.fail_7b_on_g5_48", "main.tf:21"),
        ("aws_instance.fail_70b_fp16_on_p4de", "main.tf:35"),
    }
    assert_pass_fail(load("CR-GPU-007")[0], findings)
    by = {f.address: f for f in findings}
    assert "fp16 assumed" in by["aws_instance.fail_70b_fp16_on_p4de"].message


def test_without_catalog_prices_no_suggestion_and_no_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    import policies.rules.gpu_memory_oversized_for_model as rule

    monkeypatch.setattr(rule, "catalog_available", lambda: False)
    findings = run("CR-GPU-007")
    assert len(findings) == 3
    assert all(f.monthly_saving is None and "price catalog not available" in f.message for f in findings)


def test_vram_arithmetic() -> None:
    assert parse_params("8b") == Decimal(8) * 10**9
    assert parse_params("350M") == Decimal(350) * 10**6
    assert parse_params("lots") is None
    # 8e9 × 2 bytes × 1.2 / 2^30
    assert needed_gib(Decimal(8) * 10**9, "fp16", Decimal("1.2")).quantize(Decimal("0.01")) == Decimal("17.88")


def test_cheapest_fit_with_prices() -> None:
    by = {f.address: f for f in run("CR-GPU-007")}
    p4d = by["aws_instance.fail_8b_int4_on_p4d"]
    fit = p4d.extra["suggestion"]
    assert hourly_price(fit) is not None
    assert p4d.monthly_saving == (hourly_price("p4d.24xlarge") - hourly_price(fit)) * 730
    endpoint = by["aws_sagemaker_endpoint_configuration.fail_7b_on_g5_48"]
    assert endpoint.extra["suggestion"].startswith("ml.")
    # two instances in the variant
    assert endpoint.monthly_saving == (Decimal("20.36") - hourly_price(endpoint.extra["suggestion"])) * 730 * 2
