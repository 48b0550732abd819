"""Token ↔ Terraform type mapping and camelCase → Terraform-shaped attributes (no pulumi needed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from estimator.pulumi_types import pulumi_token, snake, snake_props, terraform_type


@pytest.mark.parametrize(("token", "tf_type"), [
    ("aws:ec2/instance:Instance", "aws_instance"),
    ("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws_sagemaker_endpoint_configuration"),
    ("aws:sagemaker/notebookInstance:NotebookInstance", "aws_sagemaker_notebook_instance"),
    ("aws:ec2/launchTemplate:LaunchTemplate", "aws_launch_template"),
    ("aws:autoscaling/group:Group", "aws_autoscaling_group"),
    ("aws:eks/nodeGroup:NodeGroup", "aws_eks_node_group"),
    ("aws:ebs/volume:Volume", "aws_ebs_volume"),
    ("aws:appautoscaling/policy:Policy", "aws_appautoscaling_policy"),
    ("aws:apigateway/restApi:RestApi", "aws_api_gateway_rest_api"),
    ("aws:apigatewayv2/stage:Stage", "aws_apigatewayv2_stage"),
    ("aws:rds/instance:Instance", "aws_db_instance"),
    ("aws:lb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:fsx/lustreFileSystem:LustreFileSystem", "aws_fsx_lustre_file_system"),
    ("random:index/randomPassword:RandomPassword", "random_password"),
    ("llm:index:GpuWorkers", "llm_gpu_workers"),
    ("not-a-token", "not-a-token"),
])
def test_terraform_type(token: str, tf_type: str) -> None:
    assert terraform_type(token) == tf_type


def test_pulumi_token_reverses_known_types() -> None:
    assert pulumi_token("aws_instance") == "aws:ec2/instance:Instance"
    assert pulumi_token("aws_db_instance") == "aws:rds/instance:Instance"
    assert pulumi_token("aws_sagemaker_endpoint_configuration") == \
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
    assert pulumi_token("aws_not_a_type") is None


@pytest.mark.parametrize(("camel", "snake_name"), [
    ("instanceType", "instance_type"), ("rootBlockDevice", "root_block_device"),
    ("maxSizeGB", "max_size_gb"), ("ami", "ami"), ("vpcZoneIdentifiers", "vpc_zone_identifiers"),
])
def test_snake(camel: str, snake_name: str) -> None:
    assert snake(camel) == snake_name


def test_blocks_become_lists_like_terraform() -> None:
    attrs = snake_props({
        "instanceType": "g5.xlarge",
        "rootBlockDevice": {"volumeSize": 50},
        "instanceMarketOptions": {"marketType": "spot", "spotOptions": {"maxPrice": "1.0"}},
        "tags": {"costCenter": "ml", "team": "llm"},
    }, "aws_instance")
    assert attrs == {
        "instance_type": "g5.xlarge",
        "root_block_device": [{"volume_size": 50}],
        "instance_market_options": [{"market_type": "spot", "spot_options": [{"max_price": "1.0"}]}],
        "tags": {"costCenter": "ml", "team": "llm"},  # tag keys are data, kept as written
    }


def test_asg_tags_and_mixed_instances_policy_read_like_terraform() -> None:
    attrs = snake_props({
        "tags": [{"key": "team", "value": "llm", "propagateAtLaunch": True}],
        "mixedInstancesPolicy": {"launchTemplate": {
            "launchTemplateSpecification": {"launchTemplateId": "lt-1"},
            "overrides": [{"instanceType": "g5.xlarge"}]}},
    }, "aws:autoscaling/group:Group")
    assert attrs["tag"] == [{"key": "team", "value": "llm", "propagate_at_launch": True}]
    policy = attrs["mixed_instances_policy"]
    assert policy == [{"launch_template": [{"launch_template_specification": [{"launch_template_id": "lt-1"}],
                                            "override": [{"instance_type": "g5.xlarge"}]}]}]


def test_sagemaker_variants_stay_a_list_and_maps_keep_keys() -> None:
    variants = snake_props({"productionVariants": [{"instanceType": "ml.g5.2xlarge", "initialInstanceCount": 1}],
                            "serverlessConfig": {"maxConcurrency": 5}},
                           "aws_sagemaker_endpoint_configuration")
    assert variants == {"production_variants": [{"instance_type": "ml.g5.2xlarge", "initial_instance_count": 1}],
                        "serverless_config": [{"max_concurrency": 5}]}
    model = snake_props({"primaryContainer": {"environment": {"HF_MODEL_ID": "x"}}}, "aws_sagemaker_model")
    assert model == {"primary_container": [{"environment": {"HF_MODEL_ID": "x"}}]}
    fn = snake_props({"environment": {"variables": {"MODEL_NAME": "x"}}}, "aws_lambda_function")
    assert fn == {"environment": [{"variables": {"MODEL_NAME": "x"}}]}


def test_importable_without_pulumi() -> None:
    """The CrossGuard adapter imports this where pulumi may be absent: it must not import it."""
    code = ("import sys; sys.modules['pulumi'] = None; sys.modules['pulumi_aws'] = None\n"
            "import estimator.pulumi_types as t; print(t.terraform_type('aws:ec2/instance:Instance'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "aws_instance"


def test_agrees_with_the_priced_resource_registry() -> None:
    """Each priced module names its Pulumi token; the loader must land on a priced type for it."""
    from estimator.resources.aws import PULUMI_TYPES, REGISTRY

    for token, tf_type in PULUMI_TYPES.items():
        mapped = terraform_type(token)
        assert mapped in REGISTRY, (token, mapped)
        if mapped == tf_type:
            assert pulumi_token(tf_type) == token


def test_agrees_with_the_crossguard_adapter() -> None:
    """The CrossGuard adapter maps tokens through this module (since 72d6f68 it has no table of its own)."""
    from policies.pulumi.convert import terraform_type as adapters

    assert adapters is terraform_type


def test_a_rest_api_reference_has_terraforms_name() -> None:
    """pulumi-aws calls it ``restApi``; CR-API-001 reads ``rest_api_id`` (it never saw Pulumi's throttling)."""
    from estimator.pulumi_types import snake_props

    for kind in ("stage", "method_settings", "integration"):
        props = snake_props({"restApi": "api-1", "stageName": "prod"}, f"aws_api_gateway_{kind}")
        assert props["rest_api_id"] == "api-1" and "rest_api" not in props
