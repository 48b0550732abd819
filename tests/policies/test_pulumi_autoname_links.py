"""Auto-named Pulumi resources keep their links: rules see what pricing sees (QA pulumi_autoname_links_lost).

An auto-named resource has no ``name`` attribute; what other resources read from its ``name``
output under the mock runtime is its logical name. The rules must follow those links as they
follow a Terraform reference, or CR-GPU-003/CR-GPU-004 go silent on idiomatic Pulumi.
"""

from __future__ import annotations

from estimator.config import Config
from estimator.loaders import load_project
from estimator.model import Resource, Unknown
from estimator.pricing.engine import price_project
from policies.context import RuleContext
from policies.engine import check_project
from tests.policies.helpers import fixture_path

GPU_RULES = {"CR-GPU-003", "CR-GPU-004"}


def _findings(name: str) -> set[tuple[str, str]]:
    project = load_project(str(fixture_path(f"pulumi-autoname/{name}")))
    assert not project.errors, project.errors
    found = check_project(project, price_project(project, None), Config())
    return {(f.rule, f.address) for f in found if f.rule in GPU_RULES and not f.suppressed}


def test_sagemaker_endpoint_linked_by_auto_names() -> None:
    assert _findings("sagemaker") == {("CR-GPU-003", "llm-target"), ("CR-GPU-004", "llm-cpu")}


def test_asg_linked_to_launch_template_and_policy_by_auto_names() -> None:
    assert _findings("asg") == {("CR-GPU-003", "gpu-asg"), ("CR-GPU-004", "gpu-cpu")}


def test_terraform_twin_has_the_same_findings() -> None:
    by_rule_type = {(rule, address.split(".")[0]) for rule, address in _findings("terraform")}
    assert by_rule_type == {("CR-GPU-003", "aws_autoscaling_group"), ("CR-GPU-003", "aws_appautoscaling_target"),
                            ("CR-GPU-004", "aws_autoscaling_policy"), ("CR-GPU-004", "aws_appautoscaling_policy")}


def test_explicit_name_wins_over_a_logical_name() -> None:
    explicit = Resource("a", "aws_launch_template", "a", {"name": "b"}, origin="pulumi-program")
    auto = Resource("b", "aws_launch_template", "b", {}, origin="pulumi-program")
    ctx = RuleContext(resources=[auto, explicit])
    assert ctx.resolve_ref("b", "aws_launch_template") is explicit
    assert ctx.resolve_ref("a", "aws_launch_template") is None  # the explicit name replaces the logical one
    assert ctx.resolve_ref(Unknown("x", ref="b"), "aws_launch_template") is auto


def test_logical_names_only_for_pulumi_programs() -> None:
    tf = Resource("aws_launch_template.lt", "aws_launch_template", "lt", {})
    assert RuleContext(resources=[tf]).resolve_ref("lt", "aws_launch_template") is None
