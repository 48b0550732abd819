"""The CrossGuard policies, called directly (``validate(args, report_violation)``) on captured Pulumi resources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.pulumi import policies as pack
from policies.pulumi.convert import terraform_type, to_resource
from tests.policies.helpers import fixture_path


@pytest.fixture(autouse=True)
def _adapter_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTRAIL_CONFIG", str(fixture_path("adapters.costrail.yml")))
    pack._config.cache_clear()


CAPTURED = json.loads(fixture_path("pulumi/resources.json").read_text())
PROVIDER = PolicyProviderResource(CAPTURED["provider"]["type"], CAPTURED["provider"]["props"],
                                  "urn:pulumi:dev::llm::pulumi:providers:aws::default", "default")
OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def _urn(item: dict[str, Any]) -> str:
    return f"urn:pulumi:dev::llm::{item['type']}::{item['name']}"


def _resource_args(item: dict[str, Any]) -> ResourceValidationArgs:
    return ResourceValidationArgs(item["type"], item["props"], _urn(item), item["name"], OPTS, PROVIDER)


def _policy(name: str) -> Any:
    return next(p for p in pack.POLICIES if p.name == name)


def _violations_by_resource() -> dict[str, set[str]]:
    """policy name → names of the resources it reported (a stack policy: the resources its reports name)."""
    out: dict[str, set[str]] = {}
    names = {_urn(item): item["name"] for item in CAPTURED["resources"]}
    stack = [PolicyResource(item["type"], item["props"], _urn(item), item["name"], OPTS, PROVIDER, None, [], {})
             for item in CAPTURED["resources"]]
    for policy in pack.POLICIES:
        if isinstance(policy, StackValidationPolicy):
            reports: list[tuple[str, str | None]] = []
            policy.validate(StackValidationArgs(stack), lambda msg, urn=None, r=reports: r.append((msg, urn)))
            for _msg, urn in reports:
                out.setdefault(policy.name, set()).add(names.get(urn or "", urn or ""))
            continue
        if not isinstance(policy, ResourceValidationPolicy):
            continue
        for item in CAPTURED["resources"]:
            hits: list[tuple[str, str | None]] = []
            policy.validate(_resource_args(item), lambda msg, urn=None, hits=hits: hits.append((msg, urn)))
            if hits:
                out.setdefault(policy.name, set()).add(item["name"])
    return out


def test_type_tokens_map_to_terraform_types() -> None:
    assert terraform_type("aws:ec2/instance:Instance") == "aws_instance"
    assert terraform_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration") == \
        "aws_sagemaker_endpoint_configuration"
    assert terraform_type("aws:eks/nodeGroup:NodeGroup") == "aws_eks_node_group"


def test_props_and_default_tags_convert() -> None:
    item = CAPTURED["resources"][2]
    res = to_resource(item["type"], item["name"], item["props"], provider_props=CAPTURED["provider"]["props"])
    assert res.attributes["instance_types"] == ["p4d.24xlarge"]
    assert res.get("scaling_config.max_size") == 2
    assert res.attributes["labels"] == {"workload": "training"}
    assert res.tag_values["team"] == "ml" and res.tags["team"].source == "default_tags"
    assert res.region == "us-east-1"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("cr-gpu-001", {"fail_gpu001_dev_big"}),
        ("cr-gpu-002", {"fail_gpu002_training"}),
        ("cr-ebs-001", {"fail_ebs001_gp2"}),
        ("cr-log-001", {"fail_log001_forever"}),
        ("cr-tag-001", {"fail_tag001_no_env"}),  # the scaling policy has no tags prop: not taggable
        ("cr-tag-004", {"fail_tag004_no_model"}),
    ],
)
def test_resource_policies(policy: str, expected: set[str]) -> None:
    assert _violations_by_resource().get(policy, set()) == expected


def test_stack_policy_sees_cross_resource_links() -> None:
    resources = [
        PolicyResource(item["type"], item["props"], _urn(item), item["name"], OPTS, PROVIDER, None, [], {})
        for item in CAPTURED["resources"]
    ]
    reports: list[tuple[str, str | None]] = []
    policy = _policy("cr-gpu-004")
    assert isinstance(policy, StackValidationPolicy)
    policy.validate(StackValidationArgs(resources), lambda msg, urn=None: reports.append((msg, urn)))
    assert len(reports) == 1
    message, urn = reports[0]
    assert message.startswith("[CR-GPU-004] fail_gpu004_cpu:") and urn is not None and urn.endswith("fail_gpu004_cpu")
    budget: list[tuple[str, str | None]] = []
    _policy("cr-bud-001").validate(StackValidationArgs(resources), lambda msg, urn=None: budget.append((msg, urn)))
    assert len(budget) == 1 and "no budget" in budget[0][0]


def test_enforcement_from_rule_metadata() -> None:
    assert _policy("cr-gpu-001").enforcement_level == EnforcementLevel.MANDATORY
    assert _policy("cr-log-001").enforcement_level == EnforcementLevel.ADVISORY


def test_main_builds_the_pack_with_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """`__main__.py` as Pulumi runs it (a script in its folder); PolicyPack replaced since it would block."""
    import runpy
    import sys

    import pulumi_policy

    from tests.conftest import REPO

    made: list[tuple[str, list[Any]]] = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda name, policies: made.append((name, policies)))
    main = REPO / "policies" / "pulumi" / "__main__.py"
    monkeypatch.setattr(sys, "path", [str(main.parent), *sys.path])
    runpy.run_path(str(main), run_name="__main__")
    ((name, policies),) = made
    assert name == "costrail-finops-ai"
    assert {p.name for p in policies} == {p.name for p in pack.POLICIES}
    assert str(main.parent) not in sys.path


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-value sentinel in preview props


def test_node_group_typed_by_its_launch_template_is_judged_as_check_judges_it() -> None:
    """CR-GPU-002 and CR-GPU-007 follow the node group's launch template (a stack policy: the link is
    another resource), as ``costrail check`` does; per resource they could not see it (found by QA13)."""
    lt_urn = "urn:pulumi:dev::llm::aws:ec2/launchTemplate:LaunchTemplate::train-lt"
    lt = PolicyResource("aws:ec2/launchTemplate:LaunchTemplate", {"instanceType": "p4d.24xlarge", "tagSpecifications": [
        {"resourceType": "instance", "tags": {"model": "llama", "workload": "training"}}]},
        lt_urn, "train-lt", OPTS, PROVIDER, None, [], {})
    group = PolicyResource("aws:eks/nodeGroup:NodeGroup", {
        "clusterName": "c", "nodeRoleArn": "arn:aws:iam::1:role/n", "subnetIds": ["s-1"], "capacityType": "ON_DEMAND",
        "launchTemplate": {"id": UNKNOWN, "version": "$Latest"}, "scalingConfig": {"desiredSize": 1, "minSize": 0, "maxSize": 2},
        "labels": {"workload": "training"}, "tags": {"workload": "training", "model-params": "7b",
                                                     "quantization": "int4"}},
        "urn:pulumi:dev::llm::aws:eks/nodeGroup:NodeGroup::train", "train", OPTS, PROVIDER, None, [],
        {"launchTemplate": [lt]})
    reported = {}
    for name in ("cr-gpu-002", "cr-gpu-007"):
        reports: list[tuple[str, str | None]] = []
        _policy(name).validate(StackValidationArgs([lt, group]), lambda msg, urn=None, r=reports: r.append((msg, urn)))
        reported[name] = [urn.rsplit("::", 1)[-1] for _msg, urn in reports if urn]
    assert reported == {"cr-gpu-002": ["train"], "cr-gpu-007": ["train"]}
