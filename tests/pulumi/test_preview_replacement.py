"""A replaced resource in `pulumi preview --json --show-replacement-steps` is one resource, priced once."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project

PREVIEW = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "preview"


def test_replace_and_create_replacement_steps_are_one_resource(tmp_path: Path) -> None:
    project = load_project(str(PREVIEW / "replacement-steps.json"), LoadOptions())
    assert not project.diagnostics
    assert [r.address for r in project.resources] == ["sessions"]
    (res,) = project.resources
    assert res.attributes["node_type"] == "cache.r6g.large"  # the replacement, not the replaced
    (costed,) = price_project(project, None)
    assert costed.status == "priced"
    assert costed.monthly_cost == Decimal("300.76")  # two cache.r6g.large nodes, once
    # the same as a preview that only creates it
    doc = json.loads((PREVIEW / "replacement-steps.json").read_text())
    doc["steps"] = [s for s in doc["steps"] if s["op"] not in ("replace", "delete-replaced")]
    only = tmp_path / "create.json"
    only.write_text(json.dumps(doc))
    assert [c.monthly_cost for c in price_project(load_project(str(only), LoadOptions()), None)] == \
        [costed.monthly_cost]
