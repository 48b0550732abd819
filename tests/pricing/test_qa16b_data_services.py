"""Data-service bill lines QA16b found missing or wrong: each fixture is the QA repro, hand-priced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.cost_model import CostedResource
from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "qa16b"


def _costed(case: str, usage: str | None = None) -> dict[str, CostedResource]:
    from estimator.usage import load_usage

    project = load_project(str(FIXTURES / case), LoadOptions())
    usage_file = load_usage(str(FIXTURES / case / usage)) if usage else None
    return {c.address: c for c in price_project(project, usage_file)}


def _lines(item: CostedResource) -> dict[str, object]:
    return {c.name: c for c in item.components}


def test_sagemaker_shadow_variant_bills_its_own_instances() -> None:
    endpoint = _costed("sagemaker_shadow")["aws_sagemaker_endpoint.shadow"]
    lines = _lines(endpoint)
    shadow = lines["Hosting instance (ml.g5.2xlarge, shadow variant candidate)"]
    assert shadow.monthly_cost == Decimal("1105.95")  # 730 h x 1.515 (sagemaker_hosting ml.g5.2xlarge)
    assert endpoint.status == "priced"
    assert endpoint.monthly_cost == Decimal("1028.132") + Decimal("1105.95")  # + ml.g5.xlarge 730 x 1.4084


def test_opensearch_io1_iops_and_gp3_throughput_are_billed_per_data_node() -> None:
    costed = _costed("opensearch_ebs")
    io1 = costed["aws_opensearch_domain.io1"]
    iops = _lines(io1)["Storage IOPS (io1)"]
    assert (iops.quantity, iops.unit_price) == (Decimal(20000), Decimal("0.088"))  # 2 nodes x 10,000
    assert iops.monthly_cost == Decimal(1760)
    assert io1.status == "priced"
    gp3 = costed["aws_opensearch_domain.gp3"]
    throughput = _lines(gp3)["Throughput above baseline (gp3)"]
    # 500 GB a node: 250 MiB/s included (one started 3 TB); 500 - 250 = 250 x 3 nodes x 0.064
    assert (throughput.quantity, throughput.monthly_cost) == (Decimal(750), Decimal(48))
    assert gp3.status == "partial"
    assert "gp3 IOPS above the 3,000 baseline" in (gp3.reason or "")
    small = costed["aws_opensearch_domain.gp3_small"]
    # up to 170 GB: 125 MiB/s included; 200 - 125 = 75 x 2 nodes; 3,000 IOPS is the baseline (no line)
    assert _lines(small)["Throughput above baseline (gp3)"].quantity == Decimal(150)
    assert small.status == "priced" and "IOPS above baseline (gp3)" not in _lines(small)


def test_opensearch_default_instance_type_is_the_provider_schema_default() -> None:
    nocc = _costed("opensearch_ebs")["aws_opensearch_domain.nocc"]
    instance = _lines(nocc)["Instance (m3.medium.search)"]
    assert instance.monthly_cost == Decimal("68.62")  # 730 h x 0.094 (opensearch_us_east_1.csv)
