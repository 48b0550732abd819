"""CR-GPU-005: previous-generation GPU families; a saving only from catalog prices."""

from __future__ import annotations

from decimal import Decimal

from policies.prices import instance_hourly
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


def test_an_ml_type_is_priced_for_its_use() -> None:
    """A notebook hour is not an endpoint-hosting hour: a notebook's saving comes from notebook prices, and
    with none for its type there is no saving (QA16c: ml.p3.2xlarge claimed $1,969.54 from the hosting price)."""
    assert instance_hourly("ml.p3.2xlarge", "us-east-1", "aws_sagemaker_notebook_instance") is None
    assert instance_hourly("ml.p3.2xlarge", "us-east-1", "aws_sagemaker_endpoint_configuration") == Decimal("3.825")
    assert instance_hourly("ml.g5.xlarge", "us-east-1", "aws_sagemaker_notebook_instance") == Decimal("1.41")
    assert instance_hourly("ml.g5.xlarge", "us-east-1", "aws_sagemaker_app") is None  # no price for that use here
    notebook = next(f for f in run("CR-GPU-005") if f.address == "aws_sagemaker_notebook_instance.fail_k80_notebook")
    assert notebook.monthly_saving is None
