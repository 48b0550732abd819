"""The registry of priced AWS types (an explicit tuple of modules) and the list of free types.

Anything neither priced here nor free is reported as "not supported yet", by type.
"""

from __future__ import annotations

import re

from . import (
    apigateway,
    autoscaling,
    bedrock,
    cloudwatch,
    dynamodb,
    ebs,
    ec2,
    ecs,
    efs,
    eks,
    elasticache,
    fsx,
    lambda_function,
    network,
    opensearch,
    opensearch_serverless,
    rds,
    s3,
    sagemaker,
    waf,
)
from ._base import ResourceSpec

MODULES = (
    apigateway, autoscaling, bedrock, cloudwatch, dynamodb, ebs, ec2, ecs, efs, eks, elasticache, fsx,
    lambda_function, network, opensearch, opensearch_serverless, rds, s3, sagemaker, waf,
)

REGISTRY: dict[str, ResourceSpec] = {spec.terraform_type: spec for module in MODULES for spec in module.RESOURCES}
PULUMI_TYPES: dict[str, str] = {spec.pulumi_type: spec.terraform_type for spec in REGISTRY.values()}

# Types AWS does not bill for by themselves. Only truly free ones: alarms, for example, cost money.
FREE_TYPES = frozenset({
    "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule", "aws_subnet", "aws_vpc", "aws_default_vpc", "aws_default_subnet",
    "aws_route_table", "aws_route", "aws_route_table_association", "aws_main_route_table_association",
    "aws_default_route_table", "aws_default_security_group", "aws_default_network_acl", "aws_network_acl",
    "aws_network_acl_rule", "aws_internet_gateway", "aws_egress_only_internet_gateway",
    "aws_vpc_dhcp_options", "aws_vpc_dhcp_options_association", "aws_db_subnet_group", "aws_db_parameter_group",
    "aws_db_option_group", "aws_rds_cluster_parameter_group", "aws_elasticache_subnet_group",
    "aws_elasticache_parameter_group", "aws_budgets_budget", "aws_budgets_budget_action",
    "aws_appautoscaling_policy", "aws_appautoscaling_target", "aws_autoscaling_policy",
    "aws_autoscaling_attachment", "aws_autoscaling_lifecycle_hook", "aws_autoscaling_notification",
    "aws_sagemaker_model", "aws_sagemaker_notebook_instance_lifecycle_configuration", "aws_kms_alias",
    "aws_lb_target_group", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group_attachment",
    "aws_alb_target_group", "aws_alb_listener", "aws_alb_listener_rule", "aws_alb_target_group_attachment",
    "aws_ecs_task_definition", "aws_ecs_cluster", "aws_ecs_cluster_capacity_providers",
    "aws_lambda_permission", "aws_lambda_alias", "aws_lambda_event_source_mapping",
    "aws_cloudwatch_log_stream", "aws_cloudwatch_log_subscription_filter", "aws_cloudwatch_event_target",
    "aws_apigatewayv2_stage", "aws_apigatewayv2_integration", "aws_apigatewayv2_route",
    "aws_apigatewayv2_deployment", "aws_api_gateway_resource", "aws_api_gateway_method",
    "aws_api_gateway_integration", "aws_api_gateway_deployment", "aws_api_gateway_method_settings",
    "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_ownership_controls", "aws_s3_bucket_acl", "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_notification", "aws_eks_addon", "aws_eks_access_entry", "aws_eks_access_policy_association",
    "aws_eks_identity_provider_config", "aws_eks_pod_identity_association", "aws_efs_mount_target",
    "aws_efs_access_point", "aws_efs_backup_policy", "aws_efs_file_system_policy", "aws_key_pair",
    "aws_placement_group", "aws_eip_association", "aws_volume_attachment", "aws_network_interface_attachment",
    "aws_ssm_parameter", "aws_resourcegroups_group", "aws_sns_topic_subscription", "aws_sns_topic_policy",
    "aws_sqs_queue_policy", "aws_vpc_endpoint_route_table_association", "aws_vpc_endpoint_subnet_association",
    "aws_ce_anomaly_monitor", "aws_ce_anomaly_subscription", "aws_sagemaker_code_repository",
    "aws_opensearch_domain_policy",
    # No charge of their own: a capacity provider links an ASG (its instances bill); a Studio domain
    # and its user profiles bill nothing by themselves (apps/spaces bill instances; the home EFS volume, storage).
    "aws_ecs_capacity_provider", "aws_sagemaker_domain", "aws_sagemaker_user_profile",
    # OpenSearch Serverless configuration: OCUs and storage bill on the collection (an AOSS VPC endpoint is
    # an interface endpoint billed per AZ-hour: not here). EventBridge rules bill nothing themselves:
    # scheduled and AWS-service events are free, custom events bill when published (PutEvents), not per rule.
    "aws_opensearchserverless_security_policy", "aws_opensearchserverless_access_policy",
    "aws_opensearchserverless_lifecycle_policy", "aws_opensearchserverless_security_config",
    "aws_cloudwatch_event_rule",
})
FREE_PATTERNS = (re.compile(r"^aws_iam_"),)


def is_free(resource_type: str) -> bool:
    return resource_type in FREE_TYPES or any(p.match(resource_type) for p in FREE_PATTERNS)
