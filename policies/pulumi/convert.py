"""Pulumi resources (type token, camelCase props, provider defaultTags) → our resource model.

Unknown preview values (pulumi_policy raises ``UnknownValueError`` on access, or leaves its
sentinel strings) become ``Unknown``: a rule that meets one says nothing rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from estimator.model import SOURCE_PULUMI_PREVIEW, Resource, Tag, Unknown

# Tokens whose Terraform type is not the mechanical aws_<module>_<name>.
TYPE_MAP = {
    "aws:ec2/instance:Instance": "aws_instance",
    "aws:ec2/launchTemplate:LaunchTemplate": "aws_launch_template",
    "aws:ec2/launchConfiguration:LaunchConfiguration": "aws_launch_configuration",
    "aws:ebs/volume:Volume": "aws_ebs_volume",
    "aws:autoscaling/group:Group": "aws_autoscaling_group",
    "aws:autoscaling/policy:Policy": "aws_autoscaling_policy",
    "aws:appautoscaling/policy:Policy": "aws_appautoscaling_policy",
    "aws:appautoscaling/target:Target": "aws_appautoscaling_target",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "aws_cloudwatch_metric_alarm",
    "aws:apigateway/restApi:RestApi": "aws_api_gateway_rest_api",
    "aws:apigateway/usagePlan:UsagePlan": "aws_api_gateway_usage_plan",
    "aws:apigateway/integration:Integration": "aws_api_gateway_integration",
    "aws:apigateway/methodSettings:MethodSettings": "aws_api_gateway_method_settings",
    "aws:lambda/function:Function": "aws_lambda_function",
    "aws:lambda/functionUrl:FunctionUrl": "aws_lambda_function_url",
    "aws:budgets/budget:Budget": "aws_budgets_budget",
    "aws:costexplorer/anomalyMonitor:AnomalyMonitor": "aws_ce_anomaly_monitor",
    "aws:costexplorer/anomalySubscription:AnomalySubscription": "aws_ce_anomaly_subscription",
}
MAP_PROPS = {"tags", "tagsAll", "labels", "variables", "environment"}
_SENTINELS = {
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def terraform_type(token: str) -> str:
    """``aws:sagemaker/endpointConfiguration:EndpointConfiguration`` → ``aws_sagemaker_endpoint_configuration``."""
    if token in TYPE_MAP:
        return TYPE_MAP[token]
    try:
        provider, middle, _cls = token.split(":")
        module, name = middle.split("/")
    except ValueError:
        return token
    return f"{provider}_{module}_{snake(name)}"


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    try:
        return mapping[key]
    except Exception as err:  # pulumi_policy's UnknownValueError on unknown preview values
        if type(err).__name__ == "UnknownValueError":
            return Unknown("known after apply (Pulumi preview)")
        raise


def plain(value: Any, keep_keys: bool = False) -> Any:
    if isinstance(value, str) and value in _SENTINELS:
        return Unknown("known after apply (Pulumi preview)")
    if isinstance(value, Mapping):
        out = {}
        for key in list(value.keys()):
            item = _get(value, key)
            out[key if keep_keys else snake(key)] = plain(item, keep_keys=key in MAP_PROPS)
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def to_resource(
    token: str, name: str, props: Mapping[str, Any], urn: str = "", provider_props: Mapping[str, Any] | None = None,
) -> Resource:
    attributes = plain(props)
    tags: dict[str, Tag] = {}
    default_tags = plain(provider_props or {}).get("default_tags")
    if isinstance(default_tags, dict) and isinstance(default_tags.get("tags"), dict):
        tags.update({k: Tag(v, source="default_tags") for k, v in default_tags["tags"].items()})
    for source in ("tags_all", "tags"):
        value = attributes.get(source)
        if isinstance(value, dict):
            tags.update({k: Tag(v) for k, v in value.items()})
    region = plain(provider_props or {}).get("region")
    return Resource(
        address=name, type=terraform_type(token), name=name, attributes=attributes,
        region=region if isinstance(region, str) else Unknown("region not known from the provider"),
        tags=tags, origin=SOURCE_PULUMI_PREVIEW, source_type=token,
        # pulumi-aws gives every taggable resource `tags`/`tagsAll` props (unknown in preview at worst)
        taggable="tags" in attributes or "tags_all" in attributes,
    )
