"""Plan loader tags as the HCL reader reads them: provider default_tags from variables (unknown, never
empty, when the plan does not record them) and types that cannot carry tags (found by QA12)."""

from __future__ import annotations

from estimator.config import Config
from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load as load_hcl
from estimator.loaders.terraform_plan import load as load_plan
from estimator.model import Project, Resource, Unknown, unknown_tags
from estimator.pricing.engine import price_project
from policies.engine import check_project
from tests.conftest import FIXTURES

PLANS = FIXTURES / "plans"


def _load(name: str) -> Project:
    return load_plan(str(PLANS / name), LoadOptions(environ={}))


def _by_address(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def _tag001(project: Project, config: Config | None = None) -> dict[str, str]:
    findings = check_project(project, price_project(project, None), config)
    return {f.address: f.message for f in findings if f.rule == "CR-TAG-001"}


# ---- default_tags = var.x / local.x with tags_all known only after apply ------------------------------

def test_default_tags_from_a_root_variable_are_read_from_the_plan_variables() -> None:
    res = _by_address(_load("default_tags_refs.plan.json"))
    w = res["aws_ebs_volume.w"]
    assert {k: t.value for k, t in w.tags.items() if k != "Name"} == {"cost-center": "cc-1", "team": "ml", "env": "dev"}
    assert isinstance(w.tags["Name"].value, Unknown) and w.tags["Name"].source == "resource"
    assert w.tags["team"].source == "default_tags" and w.tags["team"].provider == "aws"
    assert unknown_tags(w) is None
    cfg = res["aws_ebs_volume.cfg"]  # default_tags = var.cfg.tags: a key of a root variable
    assert cfg.tags["cost-center"].value == "cc-2" and cfg.tags["team"].provider == "aws.cfg"


def test_known_tags_all_wins_over_resolved_default_tags() -> None:
    known = _by_address(_load("default_tags_refs.plan.json"))["aws_ebs_volume.known"]
    assert {k: t.value for k, t in known.tags.items()} == {"Name": "k", "cost-center": "cc-9", "team": "ops", "env": "qa"}
    assert known.tags["Name"].source == "resource" and known.tags["env"].source == "default_tags"


def test_default_tags_the_plan_does_not_record_are_unknown_not_missing() -> None:
    res = _by_address(_load("default_tags_refs.plan.json"))
    for address in ("aws_ebs_volume.local", "module.m.aws_ebs_volume.v"):  # local.tags, a module's var
        why = unknown_tags(res[address])
        assert isinstance(why, Unknown), address
        assert "default_tags" in why.reason
        assert set(res[address].tags) == {"Name"}


def test_cr_tag_001_from_plan_default_tags_references() -> None:
    findings = _tag001(_load("default_tags_refs.plan.json"))
    # resolved and complete: no finding; unresolvable: unknown, no finding; resolved but partial: still judged
    assert findings == {"aws_ebs_volume.partial": "missing required tags: cost-center, env"}


def test_plan_and_hcl_agree_on_default_tags_from_a_variable() -> None:
    hcl = _by_address(load_hcl(str(PLANS / "default_tags_var_hcl"), LoadOptions(environ={})))["aws_ebs_volume.w"]
    plan = _by_address(_load("default_tags_refs.plan.json"))["aws_ebs_volume.w"]
    assert {k: (t.value, t.source) for k, t in plan.tags.items() if k != "Name"} == {
        k: (t.value, t.source) for k, t in hcl.tags.items() if k != "Name"}


# ---- types that cannot carry tags (API routes, integrations, scaling policies) ------------------------

def test_a_planned_object_without_tags_is_a_type_that_cannot_carry_tags() -> None:
    res = _by_address(_load("untaggable.plan.json"))
    assert res["aws_apigatewayv2_api.a"].taggable is True
    for address in ("aws_apigatewayv2_integration.i", "aws_apigatewayv2_route.r", "aws_appautoscaling_policy.p",
                    "random_id.x"):
        assert res[address].taggable is False, address
        assert res[address].tags == {}, address


def test_a_type_in_the_hcl_table_is_taggable_and_gets_default_tags_without_tags_keys() -> None:
    # hand-written plans may leave tags out of a taggable type's object: the HCL reader's table decides
    queue = _by_address(_load("untaggable.plan.json"))["aws_sqs_queue.q"]
    assert queue.taggable is True
    assert queue.tags["owner"].source == "default_tags" and queue.tags["owner"].value == "me"


def test_scope_all_gives_the_same_tag_findings_from_plan_and_hcl() -> None:
    config = Config(required_tags=["cost-center", "team", "env", "owner"], required_tags_scope="all")
    hcl = load_hcl(str(PLANS / "untaggable_hcl"), LoadOptions(environ={}))
    assert _tag001(_load("untaggable.plan.json"), config) == _tag001(hcl, config) == {}


def test_scope_all_judges_only_the_taggable_resources_of_a_plan() -> None:
    config = Config(required_tags=["cost-center", "project"], required_tags_scope="all")
    assert _tag001(_load("untaggable.plan.json"), config) == {
        "aws_apigatewayv2_api.a": "missing required tag: project", "aws_sqs_queue.q": "missing required tag: project"}
