"""CR-GPU-004: GPU ASG / endpoint scaled on CPU (target tracking or CPU alarm step scaling)."""

from __future__ import annotations

from typing import Any

from estimator.model import Resource, Unknown
from policies.context import RuleContext, run_rule
from policies.finding import Finding
from policies.rules import BY_ID
from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-GPU-004")
    assert where(findings) == {
        ("aws_autoscaling_policy.fail_gpu_cpu_target", "main.tf:33"),
        ("aws_autoscaling_policy.fail_gpu_step", "main.tf:57"),
        ("aws_appautoscaling_policy.fail_endpoint_cpu", "main.tf:92"),
    }
    assert_pass_fail(load("CR-GPU-004")[0], findings)
    step = next(f for f in findings if f.address.endswith("fail_gpu_step"))
    assert "aws_cloudwatch_metric_alarm.gpu_cpu_high" in step.message


def test_only_the_variant_in_resource_id_is_judged() -> None:
    """endpoint/<ep>/variant/<v>: that variant's type, not the config's first GPU type (QA gpu004_ignores_variant)."""
    findings = run("CR-GPU-004", "CR-GPU-004-variants")
    assert [f.address for f in findings] == ["aws_appautoscaling_policy.fail_primary_on_cpu"]
    assert "variant primary (ml.g5.2xlarge)" in findings[0].message
    assert "ml.g5.xlarge" not in findings[0].message


def _endpoint(*variants: tuple[Any, str]) -> list[Resource]:
    config = Resource("aws_sagemaker_endpoint_configuration.c", "aws_sagemaker_endpoint_configuration", "c",
                      {"name": "c", "production_variants": [
                          {"variant_name": name, "instance_type": itype} for name, itype in variants]})
    endpoint = Resource("aws_sagemaker_endpoint.e", "aws_sagemaker_endpoint", "e",
                        {"name": "e", "endpoint_config_name": Unknown("known after apply", ref=config.address)})
    return [config, endpoint]


def _cpu_policy(resource_id: Any) -> Resource:
    return Resource("aws_appautoscaling_policy.p", "aws_appautoscaling_policy", "p", {
        "service_namespace": "sagemaker", "resource_id": resource_id,
        "target_tracking_scaling_policy_configuration": [{"customized_metric_specification": [
            {"metric_name": "CPUUtilization"}]}]})


def _check(resources: list[Resource]) -> list[Finding]:
    return run_rule(BY_ID["CR-GPU-004"], RuleContext(resources=resources))


def test_unknown_variant_name_judged_conservatively_and_said() -> None:
    """A resource_id known only after apply (auto-named endpoint): any GPU variant counts, and the message says so."""
    found = _check([*_endpoint(("cpu", "ml.c5.xlarge"), ("gpu", "ml.g5.2xlarge")),
                    _cpu_policy(Unknown("name known after apply", ref="aws_sagemaker_endpoint.e"))])
    assert len(found) == 1
    assert "variant name is not known offline" in found[0].message and "gpu (ml.g5.2xlarge)" in found[0].message


def test_unknown_variant_of_a_single_variant_config_is_that_variant() -> None:
    found = _check([*_endpoint(("main", "ml.g5.2xlarge")),
                    _cpu_policy(Unknown("name known after apply", ref="aws_sagemaker_endpoint.e"))])
    assert len(found) == 1 and "variant main (ml.g5.2xlarge)" in found[0].message
    assert "not known" not in found[0].message
    assert _check([*_endpoint(("main", "ml.c5.xlarge")),
                   _cpu_policy(Unknown("x", ref="aws_sagemaker_endpoint.e"))]) == []


def test_computed_variant_names_judged_conservatively() -> None:
    """The config's variant names are computed: the named variant cannot be matched, so any GPU variant counts."""
    found = _check([*_endpoint((Unknown("known after apply"), "ml.c5.xlarge"),
                               (Unknown("known after apply"), "ml.g5.2xlarge")),
                    _cpu_policy("endpoint/e/variant/cpu")])
    assert len(found) == 1 and "ml.g5.2xlarge" in found[0].message and "not known offline" in found[0].message
