"""A plan records an attribute the configuration did not set with the provider's value for "not set"
(``retention_in_days`` = 0): the plan loader reads it as not set, as the HCL reader does (found by QA12)."""

from __future__ import annotations

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load as load_hcl
from estimator.loaders.terraform_plan import load as load_plan
from estimator.model import Project
from estimator.pricing.engine import price_project
from policies.engine import check_project
from tests.conftest import FIXTURES

PLANS = FIXTURES / "plans"


def _load(name: str) -> Project:
    return load_plan(str(PLANS / name), LoadOptions(environ={}))


def _log001(project: Project) -> dict[str, str]:
    findings = check_project(project, price_project(project, None), None)
    return {f.address: f.message for f in findings if f.rule == "CR-LOG-001"}


def test_a_zero_the_configuration_did_not_set_reads_as_not_set() -> None:
    res = {r.address: r for r in _load("log_retention_unset.plan.json").resources}
    assert res["aws_cloudwatch_log_group.unset"].attributes["retention_in_days"] is None
    assert res["aws_cloudwatch_log_group.zero"].attributes["retention_in_days"] == 0  # written as 0
    assert res["aws_cloudwatch_log_group.zero_var"].attributes["retention_in_days"] == 0  # var.days = 0
    assert res["aws_cloudwatch_log_group.month"].attributes["retention_in_days"] == 30
    assert res["aws_cloudwatch_log_group.unset"].attributes["skip_destroy"] is False  # false is not a 0


def test_cr_log_001_says_the_same_from_plan_and_hcl() -> None:
    hcl = load_hcl(str(PLANS / "log_retention_unset_hcl"), LoadOptions(environ={}))
    plan = _log001(_load("log_retention_unset.plan.json"))
    assert plan == _log001(hcl)
    assert plan["aws_cloudwatch_log_group.unset"].endswith("retention_in_days is not set")
    assert plan["aws_cloudwatch_log_group.zero"].endswith("retention_in_days is 0 (never expire)")
