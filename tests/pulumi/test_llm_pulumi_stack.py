"""stacks/llm-pulumi runs offline under the loader and shows the findings it is there to show."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.config import Config
from estimator.loaders import LoadOptions, load_project
from estimator.model import Location, Project
from policies.engine import check_project

STACK = Path(__file__).resolve().parent.parent.parent / "stacks" / "llm-pulumi"


@pytest.fixture(scope="module")
def stack() -> Project:
    return load_project(str(STACK), LoadOptions(stack="dev"))


def test_loads_without_diagnostics(stack: Project) -> None:
    assert stack.diagnostics == []
    assert {r.address: r.type for r in stack.resources} == {
        "gpu-workers/gpu-workers-asg": "aws_autoscaling_group",
        "gpu-workers/gpu-workers-lt": "aws_launch_template",
        "sagemaker-exec": "aws_iam_role",
        "model-artifacts": "aws_s3_bucket",
        "llama-3-8b": "aws_sagemaker_model",
        "llama-3-8b-config": "aws_sagemaker_endpoint_configuration",
        "llama-3-8b-endpoint": "aws_sagemaker_endpoint",
        "research-notebook": "aws_sagemaker_notebook_instance",
    }


def test_without_stack_option_the_only_stack_is_used() -> None:
    project = load_project(str(STACK), LoadOptions())
    lt = next(r for r in project.resources if r.type == "aws_launch_template")
    assert lt.attributes["instance_type"] == "g5.xlarge"


def test_workers_run_in_the_explicit_providers_region(stack: Project) -> None:
    res = {r.address: r for r in stack.resources}
    assert res["gpu-workers/gpu-workers-lt"].region == "us-west-2"
    assert res["gpu-workers/gpu-workers-asg"].region == "us-west-2"
    assert res["llama-3-8b-config"].region == "us-east-1"
    assert res["gpu-workers/gpu-workers-asg"].get("mixed_instances_policy.launch_template.override[1].instance_type") \
        == "g6.xlarge"
    assert res["gpu-workers/gpu-workers-asg"].attributes["max_size"] == 4


def test_endpoint_links_to_its_configuration_by_name(stack: Project) -> None:
    res = {r.address: r for r in stack.resources}
    # auto-named as a preview shows it: the logical name plus a suffix, the name the endpoint links by
    config_name = res["llama-3-8b-endpoint"].attributes["endpoint_config_name"]
    assert config_name == res["llama-3-8b-config"].attributes["name"]
    assert config_name.startswith("llama-3-8b-config-") and config_name != res["llama-3-8b-endpoint"].get("name")
    assert res["llama-3-8b-config"].get("production_variants[0].instance_type") == "ml.g5.2xlarge"


def test_cr_gpu_001_flags_the_code_default_once_at_its_line(stack: Project) -> None:
    findings = [f for f in check_project(stack, [], Config()) if f.rule == "CR-GPU-001"]
    defaults = [f for f in findings if f.location == Location("__main__.py", 12)]
    assert len(defaults) == 1  # one default feeds the template and the ASG override: one finding
    assert defaults[0].address in ("gpu-workers/gpu-workers-lt", "gpu-workers/gpu-workers-asg")
    assert "config:gpuType" in defaults[0].message and "p4d.24xlarge" in defaults[0].message
    assert len(findings) == 1  # the dev values (g5.xlarge, 1 GPU) are within the ceiling


def test_cr_gpu_006_flags_the_gpu_notebook(stack: Project) -> None:
    findings = check_project(stack, [], Config())
    assert [f.address for f in findings if f.rule == "CR-GPU-006"] == ["research-notebook"]
