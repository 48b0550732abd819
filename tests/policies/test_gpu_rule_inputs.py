"""A SageMaker shadow variant runs (and is billed) like a production variant: the GPU rules see its type."""

from __future__ import annotations

from estimator.config import Config
from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project
from policies.engine import check_project
from tests.policies.helpers import POLICY_FIXTURES


def test_a_shadow_variants_oversized_gpu_default_is_found() -> None:
    project = load_project(str(POLICY_FIXTURES / "shadow-variant"), LoadOptions(environ={}))
    findings = check_project(project, price_project(project, None), Config())
    (gpu001,) = [f for f in findings if f.rule == "CR-GPU-001"]
    assert "ml.p4d.24xlarge" in gpu001.message and "shadow_production_variants" in gpu001.message
    assert gpu001.location is not None and gpu001.location.line == 8
    assert any(f.rule == "CR-BUD-001" for f in findings)  # the shadow's GPUs are GPU spend too
