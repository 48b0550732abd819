"""The pipeline: several projects, one usage file, bad input in one project."""

from __future__ import annotations

from decimal import Decimal

from estimator.loaders import LoadOptions
from estimator.pipeline import ProjectSpec, run
from tests.conftest import FIXTURES

PIPE = FIXTURES / "pipeline"


def test_llm_usage_of_a_shared_usage_file_is_counted_once() -> None:
    usage = str(PIPE / "usage.yml")
    specs = [ProjectSpec(str(PIPE / "a"), usage_file=usage), ProjectSpec(str(PIPE / "b"), usage_file=usage)]
    first, second = run(specs, LoadOptions())
    llm_first = [c for c in first.costed if c.resource.type == "bedrock_llm_usage"]
    llm_second = [c for c in second.costed if c.resource.type == "bedrock_llm_usage"]
    assert len(llm_first) == 1 and llm_second == []
    # 1,000 × 1K tokens in and out at $0.00072 per 1K each (bedrock.csv)
    assert llm_first[0].monthly_cost == Decimal("1.44")
    nat = Decimal("0.045") * 730
    assert first.monthly_cost == nat + Decimal("1.44")
    assert second.monthly_cost == nat


def test_a_missing_project_fails_alone() -> None:
    bad, good = run([ProjectSpec(str(PIPE / "nope")), ProjectSpec(str(PIPE / "a"))], LoadOptions())
    assert bad.failed and "no such file" in str(bad.error)
    assert not good.failed and good.monthly_cost == Decimal("0.045") * 730
