"""The bundled catalog: published us-east-1 spot checks, misses, provenance, freshness."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest

from estimator.pricing import catalog
from tests.conftest import REPO, SHARED


@pytest.mark.parametrize("itype,price", [
    ("m5.large", "0.096"), ("g5.xlarge", "1.006"), ("p4d.24xlarge", "21.957642"), ("p5.48xlarge", "55.04"),
    ("t3.medium", "0.0416"), ("inf2.xlarge", "0.7582"),
])
def test_ec2_us_east_1_spot_checks(itype: str, price: str) -> None:
    found = catalog.ec2_hourly(itype, "us-east-1")
    assert found is not None and found.value == Decimal(price)
    assert found.source and found.as_of


def test_other_region_prices_are_their_own() -> None:
    eu = catalog.ec2_hourly("m5.large", "eu-west-1")
    assert eu is not None and eu.value == Decimal("0.107")


def test_service_spot_checks() -> None:
    assert catalog.ebs_gb_month("gp3").value == Decimal("0.08")
    assert catalog.service("nat_hour").value == Decimal("0.045")
    assert catalog.service("eks_hour").value == Decimal("0.1")
    assert catalog.service("lambda_1m_requests").value == Decimal("0.2")
    assert catalog.sagemaker_hourly("ml.g5.xlarge").value == Decimal("1.4084")  # hosting row, not the 2026 "any"
    assert catalog.sagemaker_hourly("ml.p5.48xlarge").value == Decimal("63.296")  # 2025 cut only in the 2026 file


def test_a_miss_is_none_never_zero() -> None:
    assert catalog.ec2_hourly("p5e.48xlarge", "us-east-1") is None
    assert catalog.ec2_hourly("m5.large", "xx-nowhere-1") is None
    assert catalog.sagemaker_hourly("ml.p5.48xlarge", "us-east-2") is None


def test_suspect_elasticache_rows_are_not_used() -> None:
    import csv

    if not (SHARED / "pricing" / "elasticache.csv").exists():
        pytest.skip("../shared/pricing not beside this checkout")
    with (SHARED / "pricing" / "elasticache.csv").open() as fh:
        suspect = [r for r in csv.DictReader(fh) if r["check"].startswith("suspect")]
    assert suspect
    for row in suspect:
        found = catalog.lookup("elasticache", f"{row['region']}|{row['engine']}|{row['node_type']}")
        assert found is None or found.value != Decimal(row["usd_per_hour"]) or found.as_of != row["as_of"]


def test_us_east_1_elasticache_comes_from_the_2026_list() -> None:
    found = catalog.lookup("elasticache", "us-east-1|redis|cache.r5.4xlarge")
    assert found is not None and found.value == Decimal("1.724")


def test_bedrock_tokens_accept_bare_and_regional_ids() -> None:
    prices = catalog.tokens("anthropic.claude-3-5-haiku-20241022-v1:0")
    assert prices is not None and prices[0].value == Decimal("0.0008") and prices[1].value == Decimal("0.004")
    assert catalog.tokens("no-such-model") is None


def test_the_stored_as_of_summary_is_the_summary_of_the_rows() -> None:
    doc = catalog._load()
    summary = catalog.summarize_as_of(doc)
    assert dict(doc["as_of"]) == summary
    assert list(catalog.catalog_as_of().items()) == list(summary.items())  # in report order


def test_as_of_names_every_dataset() -> None:
    as_of = catalog.catalog_as_of()
    assert set(as_of) >= {"ec2", "ebs", "services", "sagemaker", "rds", "elasticache", "opensearch", "bedrock"}
    assert as_of["ec2"].startswith("2026-07-20 (us-east-1)")
    assert all(as_of.values())


@pytest.mark.skipif(not (SHARED / "pricing").is_dir(), reason="shared pricing data not present")
def test_bundled_catalog_is_what_the_build_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("build_catalog", REPO / "scripts" / "build_catalog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(SHARED / "pricing")
    bundled = json.loads(Path(catalog.DATA).read_text())
    assert built == bundled, "catalog.json is stale: run scripts/build_catalog.py and commit its output"
