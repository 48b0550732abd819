"""GPU rules: a SageMaker shadow variant runs (and is billed) like a production one; defaults named by kind."""

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


def test_a_pulumi_yaml_default_is_named_so_in_cr_gpu_001() -> None:
    from tests.pulumi.test_qa16c import PROGRAMS

    project = load_project(str(PROGRAMS / "qa16c_yaml_default"), LoadOptions(stack="dev"))
    findings = check_project(project, price_project(project, None), Config())
    (default,) = [f for f in findings if f.rule == "CR-GPU-001" and f.location and f.location.file == "Pulumi.yaml"]
    assert default.message.startswith("Pulumi.yaml default of config:instanceType is p4d.24xlarge")
