"""Pricing test helpers: an HCL fixture directory priced as ``breakdown`` prices it."""

from __future__ import annotations

from pathlib import Path

from estimator.cost_model import CostedResource
from estimator.loaders import LoadOptions, terraform_hcl
from estimator.pricing.engine import price_project
from estimator.usage import UsageFile

PRICING_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing"


def priced_dir(path: Path, usage: UsageFile | None = None) -> dict[str, CostedResource]:
    """Each resource's costs by address; the fixture must read without input errors."""
    project = terraform_hcl.load(str(path), LoadOptions(environ={}))
    assert not [d for d in project.diagnostics if d.severity == "error"]
    return {c.address: c for c in price_project(project, usage)}
