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
