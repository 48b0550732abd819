"""Pulumi type tokens ↔ Terraform types, and Pulumi camelCase inputs → Terraform snake_case.

Pure tables and functions, importable without pulumi: the loaders and the CrossGuard adapter
both map through here, so one Pulumi resource reads exactly like its Terraform twin.

Token rule: ``aws:<module>/<camelType>:<Type>`` → ``aws_<module>_<snake type>``, where the
module prefix is dropped for ``ec2`` and when the snake type already starts with it
(``aws:autoscaling/group:Group`` → ``aws_autoscaling_group``,
``aws:ec2/instance:Instance`` → ``aws_instance``). Where AWS's Terraform names do not follow
the rule, ``EXPLICIT`` says what they are.
"""

from __future__ import annotations

import re
from typing import Any

# Tokens whose Terraform type the rule does not give.
EXPLICIT: dict[str, str] = {
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:alb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:elb/loadBalancer:LoadBalancer": "aws_elb",
    "aws:alb/targetGroup:TargetGroup": "aws_lb_target_group",
    "aws:alb/listener:Listener": "aws_lb_listener",
    "aws:s3/bucketV2:BucketV2": "aws_s3_bucket",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:ec2/capacityReservation:CapacityReservation": "aws_ec2_capacity_reservation",
    "aws:opensearch/serverlessCollection:ServerlessCollection": "aws_opensearchserverless_collection",
    "aws:ec2/fleet:Fleet": "aws_ec2_fleet",
    "aws:ec2/host:Host": "aws_ec2_host",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "aws_vpc_endpoint",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:cloudwatch/eventRule:EventRule": "aws_cloudwatch_event_rule",
    "aws:lambda/function:Function": "aws_lambda_function",
    "aws:sfn/stateMachine:StateMachine": "aws_sfn_state_machine",
    "aws:elasticsearch/domain:Domain": "aws_elasticsearch_domain",
}

# Deprecated pulumi-aws tokens that are their non-V2 type under a V2 name ("BucketVersioningV2 has
# been deprecated in favor of BucketVersioning"): read as that type. Pinned to pulumi-aws's own
# deprecation notices by tests/pulumi/test_deprecated_v2.py. (Other V2 types, such as
# ``aws:securityhub/accountV2:AccountV2``, are types of their own.)
DEPRECATED_V2: frozenset[str] = frozenset({
    f"aws:s3/{name[0].lower()}{name[1:]}V2:{name}V2" for name in (
        "BucketAccelerateConfiguration", "BucketAcl", "BucketCorsConfiguration", "BucketLifecycleConfiguration",
        "BucketLogging", "BucketObjectLockConfiguration", "BucketRequestPaymentConfiguration",
        "BucketServerSideEncryptionConfiguration", "BucketVersioning", "BucketWebsiteConfiguration")
})

# Module spellings that differ between Pulumi and Terraform.
MODULE_ALIASES: dict[str, str] = {"apigateway": "api_gateway", "alb": "lb", "elasticloadbalancingv2": "lb",
                                  "costexplorer": "ce"}
NO_PREFIX_MODULES = frozenset({"ec2", "index"})

# Tokens costrail knows (priced or checked); the reverse table ``pulumi_token`` is built from them.
KNOWN_TOKENS: tuple[str, ...] = (
    "aws:ec2/instance:Instance",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/launchConfiguration:LaunchConfiguration",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation",  # one more billed AZ of an endpoint
    "aws:ec2/flowLog:FlowLog",
    "aws:ebs/volume:Volume",
    "aws:autoscaling/group:Group",
    "aws:appautoscaling/target:Target",
    "aws:appautoscaling/policy:Policy",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:batch/computeEnvironment:ComputeEnvironment",
    "aws:sagemaker/model:Model",
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    "aws:sagemaker/endpoint:Endpoint",
    "aws:sagemaker/notebookInstance:NotebookInstance",
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration",
    "aws:sagemaker/domain:Domain",
    "aws:sagemaker/userProfile:UserProfile",
    "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:efs/fileSystem:FileSystem",
    "aws:fsx/lustreFileSystem:LustreFileSystem",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:elasticache/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:dynamodb/table:Table",
    "aws:lambda/function:Function",
    "aws:apigatewayv2/api:Api",
    "aws:apigatewayv2/stage:Stage",
    "aws:apigateway/restApi:RestApi",
    "aws:apigateway/stage:Stage",
    "aws:apigateway/methodSettings:MethodSettings",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:budgets/budget:Budget",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:ecs/service:Service",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",  # its default strategy places services
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:sqs/queue:Queue",
    "aws:sns/topic:Topic",
    "aws:ecr/repository:Repository",
    "aws:secretsmanager/secret:Secret",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticsearch/domain:Domain",
    "aws:autoscaling/policy:Policy",
    "aws:lambda/functionUrl:FunctionUrl",
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",  # priced (QA19a)
    "aws:apigateway/usagePlan:UsagePlan",
    "aws:costexplorer/anomalyMonitor:AnomalyMonitor",
    "aws:costexplorer/anomalySubscription:AnomalySubscription",
    "aws:wafv2/webAcl:WebAcl",
    "aws:opensearch/serverlessCollection:ServerlessCollection",
)

# Block-typed arguments (Terraform nested blocks, read as lists of dicts), per Terraform type.
# Pulumi passes a single nested object where Terraform has a list of one block.
BLOCKS: dict[str, frozenset[str]] = {
    "aws_instance": frozenset({"root_block_device", "ebs_block_device", "ephemeral_block_device",
                               "instance_market_options", "launch_template", "credit_specification",
                               "metadata_options", "capacity_reservation_specification", "cpu_options"}),
    "aws_spot_instance_request": frozenset({"root_block_device", "ebs_block_device", "launch_template"}),
    "aws_autoscaling_group": frozenset({"launch_template", "mixed_instances_policy", "tag",
                                        "instance_refresh", "warm_pool"}),
    "aws_eks_node_group": frozenset({"scaling_config", "launch_template", "remote_access", "taint",
                                     "update_config"}),
    "aws_sagemaker_endpoint_configuration": frozenset({"production_variants", "shadow_production_variants",
                                                       "serverless_config", "data_capture_config",
                                                       "async_inference_config"}),
    "aws_sagemaker_model": frozenset({"primary_container", "container", "vpc_config"}),
    "aws_sagemaker_endpoint": frozenset({"deployment_config"}),
    "aws_launch_template": frozenset({"block_device_mappings", "tag_specifications", "instance_market_options",
                                      "iam_instance_profile", "network_interfaces", "placement",
                                      "metadata_options", "credit_specification", "monitoring"}),
    "aws_launch_configuration": frozenset({"root_block_device", "ebs_block_device"}),
    "aws_appautoscaling_policy": frozenset({"target_tracking_scaling_policy_configuration",
                                            "step_scaling_policy_configuration"}),
    "aws_batch_compute_environment": frozenset({"compute_resources"}),
    "aws_eks_cluster": frozenset({"vpc_config"}),
    "aws_opensearch_domain": frozenset({"cluster_config", "ebs_options"}),
    "aws_elasticsearch_domain": frozenset({"cluster_config", "ebs_options"}),
    "aws_fsx_lustre_file_system": frozenset(),
    "aws_efs_file_system": frozenset({"lifecycle_policy"}),
    "aws_lambda_function": frozenset({"environment", "vpc_config", "ephemeral_storage"}),
    "aws_apigatewayv2_stage": frozenset({"default_route_settings", "route_settings", "access_log_settings"}),
    "aws_api_gateway_method_settings": frozenset({"settings"}),
    "aws_dynamodb_table": frozenset({"attribute"}),
    "aws_budgets_budget": frozenset({"notification", "cost_filter"}),
    "aws_cloudwatch_metric_alarm": frozenset({"metric_query"}),
}
# Block arguments nested inside blocks (matched by name at any depth below the top level).
NESTED_BLOCKS = frozenset({
    "ebs", "launch_template_specification", "override", "instances_distribution", "spot_options",
    "predefined_metric_specification", "customized_metric_specification", "step_adjustment",
    "core_dump_config", "managed_instance_scaling", "routing_config", "launch_template",
})
# Nested argument names that differ from Terraform's block names. pulumi-aws names a repeatable
# Terraform block in the plural (``overrides`` for ``override`` blocks).
NESTED_RENAMES: dict[str, str] = {"overrides": "override", "step_adjustments": "step_adjustment",
                                  "routing_configs": "routing_config"}
# Nested renames that hold only below one Terraform type (elsewhere the plural is Terraform's too).
NESTED_RENAMES_BY_TYPE: dict[str, dict[str, str]] = {
    "aws_batch_compute_environment": {"instance_types": "instance_type"},  # compute_resources.instance_type
}
# Pulumi argument names that differ from Terraform's (after snake-casing), per Terraform type.
# Checked against pulumi-aws's input types by tests/pulumi/test_pulumi_types.py.
RENAMES: dict[str, dict[str, str]] = {
    "aws_instance": {"ebs_block_devices": "ebs_block_device", "ephemeral_block_devices": "ephemeral_block_device"},
    "aws_spot_instance_request": {"ebs_block_devices": "ebs_block_device",
                                  "ephemeral_block_devices": "ephemeral_block_device"},
    "aws_launch_configuration": {"ebs_block_devices": "ebs_block_device",
                                 "ephemeral_block_devices": "ephemeral_block_device"},
    "aws_autoscaling_group": {"tags": "tag"},
    "aws_autoscaling_policy": {"step_adjustments": "step_adjustment"},
    "aws_ecs_service": {"capacity_provider_strategies": "capacity_provider_strategy"},
    "aws_ecs_cluster_capacity_providers": {"default_capacity_provider_strategies": "default_capacity_provider_strategy"},
    "aws_eks_node_group": {"taints": "taint"},
    "aws_sagemaker_model": {"containers": "container"},
    "aws_efs_file_system": {"lifecycle_policies": "lifecycle_policy"},
    "aws_cloudwatch_metric_alarm": {"metric_queries": "metric_query"},
    "aws_budgets_budget": {"notifications": "notification", "cost_filters": "cost_filter"},
    "aws_dynamodb_table": {"attributes": "attribute"},
    "aws_wafv2_web_acl": {"rules": "rule"},
    "aws_launch_template": {},
    "aws_lambda_function": {"code": "filename"},
    # pulumi-aws names a REST API reference ``rest_api``; Terraform (and the rules) ``rest_api_id``
    **{f"aws_api_gateway_{kind}": {"rest_api": "rest_api_id"}
       for kind in ("stage", "method_settings", "integration", "method", "deployment", "resource")},
}

# Map-typed arguments: their keys are data (tag keys, env var names), never snake-cased.
MAP_ARGS = frozenset({"tags", "tags_all", "environment", "variables", "labels", "parameters",
                      "environment_variables", "hyper_parameters", "default_tags"})

_CAMEL_1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """``rootBlockDevice`` → ``root_block_device``; ``maxSizeGB`` → ``max_size_gb``."""
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()


def terraform_type(token: str) -> str:
    """The Terraform type of a Pulumi type token; the token itself when it is not ``pkg:mod:Type``."""
    if token in EXPLICIT:
        return EXPLICIT[token]
    if token in DEPRECATED_V2:
        token = token.replace("V2:", ":")[:-2]  # aws:s3/bucketAclV2:BucketAclV2 → aws:s3/bucketAcl:BucketAcl
    parts = token.split(":")
    if len(parts) != 3:
        return token
    pkg, mod_path, type_name = parts
    module = mod_path.split("/")[0]
    type_snake = snake(type_name)
    module = MODULE_ALIASES.get(module, module)
    if pkg == "aws":
        if module in NO_PREFIX_MODULES or type_snake.startswith(module + "_") or type_snake == module:
            return f"aws_{type_snake}"
        return f"aws_{module}_{type_snake}"
    if module in NO_PREFIX_MODULES:
        return type_snake if type_snake.startswith(pkg + "_") else f"{pkg}_{type_snake}"
    return f"{pkg}_{module}_{type_snake}"


_REVERSE: dict[str, str] = {}
for _token in KNOWN_TOKENS:
    _REVERSE.setdefault(terraform_type(_token), _token)


def pulumi_token(tf_type: str) -> str | None:
    """The Pulumi token of a Terraform type costrail knows, else ``None``."""
    return _REVERSE.get(tf_type)


def snake_props(props: dict[str, Any], tf_type: str | None = None) -> dict[str, Any]:
    """camelCase inputs → Terraform-shaped snake_case attributes.

    Block-typed arguments (``BLOCKS``) become lists of dicts; tag maps keep their keys.
    ``tf_type`` may also be a Pulumi token.
    """
    if tf_type and ":" in tf_type:
        tf_type = terraform_type(tf_type)
    blocks = BLOCKS.get(tf_type or "", frozenset())
    renames = RENAMES.get(tf_type or "", {})
    nested = {**NESTED_RENAMES, **NESTED_RENAMES_BY_TYPE.get(tf_type or "", {})}
    out: dict[str, Any] = {}
    for key, value in props.items():
        name = snake(key)
        if name in MAP_ARGS and name not in blocks and isinstance(value, dict):
            out[name] = dict(value)
            continue
        name = renames.get(name, name)
        value = _snake_value(value, nested)
        if name in blocks and isinstance(value, dict):
            value = [value]
        out[name] = value
    return out


def _snake_value(value: Any, renames: dict[str, str] = NESTED_RENAMES) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = snake(key)
            name = renames.get(name, name)
            if name in MAP_ARGS and isinstance(item, dict):
                out[name] = dict(item)
                continue
            item = _snake_value(item, renames)
            if name in NESTED_BLOCKS and isinstance(item, dict):
                item = [item]
            out[name] = item
        return out
    if isinstance(value, list):
        return [_snake_value(v, renames) for v in value]
    return value
