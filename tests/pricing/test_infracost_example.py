"""A peer's case: infracost's example plan + usage file against infracost's own breakdown golden."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from estimator.loaders import LoadOptions
from estimator.pipeline import ProjectSpec, run
from tests.conftest import SHARED

PLANS = SHARED / "corpora" / "plans"
pytestmark = pytest.mark.skipif(not (PLANS / "infracost_example.plan.json").exists(), reason="corpus not present")


def _golden() -> tuple[Decimal, dict[str, dict[str, Decimal]]]:
    text = (PLANS / "infracost_example.breakdown.golden").read_text()
    total = Decimal(re.search(r"OVERALL TOTAL\s+\$([\d,.]+)", text).group(1).replace(",", ""))
    per: dict[str, dict[str, Decimal]] = {}
    current = None
    for line in text.splitlines():
        head = re.match(r"^ (aws_\S+)\s*$", line)
        if head:
            current = head.group(1)
            per[current] = {}
            continue
        comp = re.match(r"^ [│ ]*[├└]─ (.+?)\s{2,}[\d,]+\s+\S.*?\$([\d,.]+)", line)
        if comp and current:
            per[current][comp.group(1).strip()] = Decimal(comp.group(2).replace(",", ""))
    return total, per


def test_total_and_per_component_within_one_percent() -> None:
    spec = ProjectSpec(path=str(PLANS / "infracost_example.plan.json"),
                       usage_file=str(PLANS / "infracost_example.usage.yml"))
    result = run([spec], LoadOptions(environ={}))[0]
    assert not result.failed
    total, per = _golden()
    assert total == Decimal("1361.31")
    assert abs(result.monthly_cost - total) <= total / 100
    matched = 0
    for costed in result.costed:
        expected = per.get(costed.address, {})
        for comp in costed.components:
            if comp.name in expected and comp.monthly_cost is not None:
                want = expected[comp.name]
                assert abs(comp.monthly_cost - want) <= max(want / 100, Decimal("0.005")), (costed.address, comp.name)
                matched += 1
    assert matched >= 10
