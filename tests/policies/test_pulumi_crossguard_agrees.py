"""The CrossGuard pack and ``costrail check`` on the same Pulumi program give the same findings.

The program (``crossguard_agree/``) has a GPU ASG with mixed-instances ``overrides`` and only
AI ``tags`` (no default tags reach ASGs), a p4d node group, and throttled HTTP/REST APIs.
``crossguard_agree.json`` holds its resources as the policy engine gives them in a preview
(new ids unknown, links in ``property_dependencies``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)

from estimator.config import load_config
from estimator.loaders import LoadOptions
from estimator.pipeline import ProjectSpec, run
from policies.pulumi import policies as pack
from policies.pulumi.convert import to_resource
from tests.policies.helpers import fixture_path

PROGRAM = fixture_path("pulumi/crossguard_agree")
CAPTURED = json.loads(fixture_path("pulumi/crossguard_agree.json").read_text())
OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
PREFIX = "urn:pulumi:dev::rules::"

# What `costrail check` reports on the program (asserted below), as (rule, address, message).
EXPECTED = {
    ("CR-GPU-003", "gpu-asg", "at max_size = 100 × g5.12xlarge the monthly cost is $414,056.00, above the "
                              "pack's max_exposure_usd $50,000.00"),
    ("CR-GPU-003", "p4d", "at scaling_config.max_size = 10 × p4d.24xlarge the monthly cost is $160,310.79, above "
                          "the pack's max_exposure_usd $50,000.00"),
    ("CR-TAG-001", "gpu-asg", "missing required tags: cost-center, team, env"),
}


@pytest.fixture(autouse=True)
def _program_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTRAIL_CONFIG", str(PROGRAM / ".costrail.yml"))
    pack._config.cache_clear()
    yield
    pack._config.cache_clear()


def _policy_resources(captured: dict[str, Any]) -> list[PolicyResource]:
    provider = PolicyProviderResource(captured["provider"]["type"], captured["provider"]["props"],
                                      PREFIX + "pulumi:providers:aws::default", "default")
    made: dict[str, PolicyResource] = {}
    for item in captured["resources"]:
        made[item["name"]] = PolicyResource(item["type"], item["props"], f"{PREFIX}{item['type']}::{item['name']}",
                                            item["name"], OPTS, provider, None, [], {})
    for item in captured["resources"]:
        deps = {prop: [made[n] for n in names] for prop, names in item["property_dependencies"].items()}
        made[item["name"]].property_dependencies = deps
        made[item["name"]].dependencies = [r for rs in deps.values() for r in rs]
    return list(made.values())


def _crossguard(captured: dict[str, Any]) -> set[tuple[str, str, str]]:
    """Every violation of the pack as (rule, resource name, message without the rule/address prefix)."""
    resources = _policy_resources(captured)
    out: set[tuple[str, str, str]] = set()
    for policy in pack.POLICIES:
        rule_id = policy.name.upper()
        if isinstance(policy, ResourceValidationPolicy):
            for res in resources:
                args = ResourceValidationArgs(res.resource_type, res.props, res.urn, res.name, OPTS, res.provider)
                policy.validate(args, lambda msg, urn=None, n=res.name, r=rule_id: out.add(
                    (r, n, msg.removeprefix(f"[{r}] "))))
        else:
            policy.validate(StackValidationArgs(resources), lambda msg, urn=None, r=rule_id: out.add(
                (r, (urn or "").split("::")[-1], msg.removeprefix(f"[{r}] ").split(": ", 1)[1])))
    return out


def test_check_reports_the_expected_findings() -> None:
    """The reference side: `costrail check` on the program itself."""
    config = load_config(str(PROGRAM / ".costrail.yml"), [str(PROGRAM)])
    (result,) = run([ProjectSpec(str(PROGRAM), stack="dev")], LoadOptions(), config=config, check=True)
    assert not result.failed, result.diagnostics
    assert {(f.rule, f.address, f.message) for f in result.findings} == EXPECTED


def test_crossguard_agrees_with_check() -> None:
    assert _crossguard(CAPTURED) == EXPECTED


def test_asg_reads_override_blocks_and_gets_no_default_tags() -> None:
    item = next(i for i in CAPTURED["resources"] if i["name"] == "gpu-asg")
    res = to_resource(item["type"], item["name"], item["props"], provider_props=CAPTURED["provider"]["props"])
    assert res.get("mixed_instances_policy.launch_template.override")[0]["instance_type"] == "g5.12xlarge"
    assert set(res.tags) == {"model", "workload"}
    assert res.taggable is True


def test_links_come_from_property_dependencies() -> None:
    resources = _policy_resources(CAPTURED)
    from policies.pulumi.convert import stack_resources

    models, _urns = stack_resources(resources)
    by_name = {m.address: m for m in models}
    assert by_name["chat-stage"].attributes["api_id"].ref == "chat"
    assert by_name["plan"].attributes["api_stages"][0]["api_id"].ref == "rest"
    assert by_name["gpu-asg"].get(
        "mixed_instances_policy.launch_template.launch_template_specification.launch_template_id").ref == "gpu-lt"


def test_unthrottled_api_is_still_reported() -> None:
    captured = copy.deepcopy(CAPTURED)
    captured["resources"] = [i for i in captured["resources"] if i["name"] not in ("chat-stage", "plan")]
    found = {(rule, name) for rule, name, _msg in _crossguard(captured)}
    assert {("CR-API-001", "chat"), ("CR-API-001", "rest")} <= found


def test_links_the_props_lack_give_no_false_api_finding() -> None:
    """Without property_dependencies, a stage's api_id is an id no props carry: nothing is said about APIs."""
    captured = copy.deepcopy(CAPTURED)
    for item in captured["resources"]:
        item["property_dependencies"] = {}
    assert not {f for f in _crossguard(captured) if f[0] == "CR-API-001"}


def test_pack_parameters_reach_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """finops-ai's max_exposure_usd applies with no budgets section; budgets.max_exposure_usd overrides it."""
    cfg = tmp_path / ".costrail.yml"
    cfg.write_text("version: 1\nbudgets:\n  max_exposure_usd: 200000\n")
    monkeypatch.setenv("COSTRAIL_CONFIG", str(cfg))
    pack._config.cache_clear()
    gpu003 = {(name, msg) for rule, name, msg in _crossguard(CAPTURED) if rule == "CR-GPU-003"}
    assert {name for name, _msg in gpu003} == {"gpu-asg"}
    assert all("budgets.max_exposure_usd $200,000.00" in msg for _name, msg in gpu003)
