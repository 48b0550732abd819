"""CR-API-001 — public AI-facing API without throttling / quota.

Trigger: a public API whose integrations reach a model, with a stage that has no throttle
(one finding per API, on the API, naming its unthrottled stages: traffic to any one of them is unlimited):

- ``aws_apigatewayv2_api`` — AI-facing when tagged with an ``ai_tags`` key or when an
  ``aws_apigatewayv2_integration`` of it targets SageMaker/Bedrock (``integration_uri``) or a
  Lambda function tagged with an ``ai_tags`` key; each ``aws_apigatewayv2_stage`` of it is
  throttled when it sets ``throttling_rate_limit``/``throttling_burst_limit`` in
  ``default_route_settings`` or ``route_settings``; an API with no stage at all is unthrottled;
- ``aws_api_gateway_rest_api`` (not ``PRIVATE``) — AI-facing likewise through
  ``aws_api_gateway_integration.uri``; each of its stages (``aws_api_gateway_stage``, or an
  ``aws_api_gateway_deployment`` with ``stage_name``) is throttled when an
  ``aws_api_gateway_usage_plan`` lists it (``api_stages`` ``api_id`` + ``stage``) with
  ``throttle_settings`` or ``quota_settings``, or an ``aws_api_gateway_method_settings`` of it
  (``rest_api_id`` + ``stage_name``) sets ``throttling_rate_limit``. A stage named by a value
  not known offline may be any stage: it counts as throttling all of them (no false finding).
  With no stage resource at all, any such usage plan or method settings of the API clears it;
- ``aws_lambda_function_url`` with ``authorization_type = "NONE"`` on an AI-tagged function
  without ``reserved_concurrent_executions``.

Fails:

```hcl
resource "aws_apigatewayv2_api" "fail_chat" {
  protocol_type = "HTTP"
  tags = { workload = "inference" }
}
resource "aws_apigatewayv2_stage" "fail_chat" {
  api_id = aws_apigatewayv2_api.fail_chat.id
}
```

Passes:

```hcl
resource "aws_apigatewayv2_stage" "pass_chat" {
  api_id = aws_apigatewayv2_api.pass_chat.id
  default_route_settings {
    throttling_rate_limit  = 50
    throttling_burst_limit = 100
  }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from estimator.model import Resource, Unknown
from policies.context import RuleContext, blocks
from policies.finding import Finding

ID = "CR-API-001"
TITLE = "Public AI-facing API without throttling or quota"
SEVERITY = "high"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {"ai_targets": ["sagemaker", "bedrock"]}
WHY = (
    "Every request to an LLM-backed API is billed per token or per GPU-second. A public endpoint without a rate "
    "limit or quota lets one client, bot or loop spend the month's budget in hours (denial of wallet)."
)
FIX = (
    "Set stage throttling (`default_route_settings.throttling_rate_limit` / `throttling_burst_limit`), or a usage "
    "plan with `throttle_settings` and `quota_settings` and API keys; for Lambda URLs, reserved concurrency or auth."
)


def _points_at(value: Any, target: Resource) -> bool:
    if isinstance(value, Unknown):
        return value.ref == target.address
    if isinstance(value, str):
        return value in (target.attributes.get("id"), target.attributes.get("name"), target.attributes.get("arn"))
    return False


def _ai_tagged(ctx: RuleContext, res: Resource | None) -> bool:
    return res is not None and any(tag in res.tags for tag in ctx.cfg.ai_tags)


def _ai_target(ctx: RuleContext, uri: Any) -> bool:
    if isinstance(uri, str):
        low = uri.lower()
        if any(str(t) in low for t in ctx.params.get("ai_targets") or []):  # type: ignore[union-attr]
            return True
    return _ai_tagged(ctx, ctx.resolve_ref(uri, "aws_lambda_function"))


def _set(block: Any, *keys: str) -> bool:
    """A limit is set: present and not negative (-1 is the AWS provider's "throttling disabled", and
    what a plan records for a limit left out); a value known only after apply counts as set."""
    return any(_limit(b.get(k)) for b in blocks(block) for k in keys)


def _limit(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return float(value) >= 0
    except (TypeError, ValueError):
        return True  # Unknown or an expression: never a false finding


def _by_api(ctx: RuleContext, kind: str, attr: str) -> dict[Any, list[Resource]]:
    """Children (stages, integrations) keyed by what their ``attr`` points at: a ref address or a literal."""
    index: dict[Any, list[Resource]] = {}
    for child in ctx.managed(kind):
        value = child.attributes.get(attr)
        key = value.ref if isinstance(value, Unknown) else value
        if isinstance(key, str):
            index.setdefault(key, []).append(child)
    return index


def _children(index: dict[Any, list[Resource]], api: Resource) -> list[Resource]:
    keys = {api.address, api.attributes.get("id"), api.attributes.get("name"), api.attributes.get("arn")}
    return [child for key in keys if isinstance(key, str) for child in index.get(key, ())]


def _stage_label(stage: Resource, attr: str) -> str:
    name = stage.attributes.get(attr)
    return name if isinstance(name, str) and name else stage.address


def _names(names: list[str]) -> str:
    """``stage `prod` has`` or ``stages `prod`, `dev` have``."""
    listed = ", ".join(f"`{n}`" for n in names)
    return f"stages {listed} have" if len(names) > 1 else f"stage {listed} has"


def _http_api(ctx: RuleContext, api: Resource, integrations: dict[Any, list[Resource]],
              stages: dict[Any, list[Resource]]) -> Iterator[Finding]:
    ai = _ai_tagged(ctx, api) or any(
        _ai_target(ctx, i.attributes.get("integration_uri")) for i in _children(integrations, api))
    if not ai:
        return
    limits = ("throttling_rate_limit", "throttling_burst_limit")
    own = _children(stages, api)
    if not own:
        yield ctx.finding(api, "public AI-facing HTTP API has no stage throttling (throttling_rate_limit / "
                               "throttling_burst_limit)")
        return
    open_stages = [_stage_label(s, "name") for s in own
                   if not (_set(s.attributes.get("default_route_settings"), *limits)
                           or _set(s.attributes.get("route_settings"), *limits))]
    if open_stages:
        yield ctx.finding(api, f"public AI-facing HTTP API {_names(open_stages)} no throttling "
                               f"(throttling_rate_limit / throttling_burst_limit in default_route_settings or "
                               f"route_settings)")


_ANY_STAGE = object()  # a stage named by a value not known offline: it may be any stage of the API


def _stage_ref(value: Any) -> Any:
    """What a usage plan's ``stage`` or method settings' ``stage_name`` names: a literal stage name,
    a stage resource address, or ``_ANY_STAGE`` when that is not known offline."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Unknown) and value.ref:
        return value.ref
    return _ANY_STAGE


def _rest_throttles(ctx: RuleContext, api: Resource) -> list[Any]:
    """Stage refs (see ``_stage_ref``) of the API that a usage plan or method settings throttles."""
    out: list[Any] = []
    for plan in ctx.managed("aws_api_gateway_usage_plan"):
        if not (plan.attributes.get("throttle_settings") or plan.attributes.get("quota_settings")):
            continue
        out += [_stage_ref(s.get("stage")) for s in blocks(plan.attributes.get("api_stages"))
                if _points_at(s.get("api_id"), api)]
    for settings in ctx.managed("aws_api_gateway_method_settings"):
        if _points_at(settings.attributes.get("rest_api_id"), api) and _set(settings.attributes.get("settings"),
                                                                              "throttling_rate_limit"):
            out.append(_stage_ref(settings.attributes.get("stage_name")))
    return out


def _rest_stages(ctx: RuleContext, api: Resource) -> list[Resource]:
    """The API's stages: ``aws_api_gateway_stage`` resources, and deployments that create one by ``stage_name``."""
    stages = [s for s in ctx.managed("aws_api_gateway_stage") if _points_at(s.attributes.get("rest_api_id"), api)]
    stages += [d for d in ctx.managed("aws_api_gateway_deployment")
               if d.attributes.get("stage_name") and _points_at(d.attributes.get("rest_api_id"), api)]
    return stages


def _rest_api(ctx: RuleContext, api: Resource) -> Iterator[Finding]:
    types = api.get("endpoint_configuration.types")
    if isinstance(types, list) and types == ["PRIVATE"]:
        return
    ai = _ai_tagged(ctx, api) or any(
        _points_at(i.attributes.get("rest_api_id"), api) and _ai_target(ctx, i.attributes.get("uri"))
        for i in ctx.managed("aws_api_gateway_integration"))
    if not ai:
        return
    throttled = _rest_throttles(ctx, api)
    stages = _rest_stages(ctx, api)
    if not stages:  # no stage resource to judge: any throttle of the API clears it
        if not throttled:
            yield ctx.finding(api, "public AI-facing REST API has no usage plan throttle/quota and no method "
                                   "throttling")
        return
    if _ANY_STAGE in throttled:
        return
    open_stages: list[str] = []
    for stage in stages:
        name = stage.attributes.get("stage_name")
        if not isinstance(name, str):  # its name is not known offline: any throttle of the API may be its own
            if throttled:
                continue
        elif stage.address in throttled or name in throttled:
            continue
        label = _stage_label(stage, "stage_name")
        if label not in open_stages:  # a deployment's stage_name and an aws_api_gateway_stage of that name
            open_stages.append(label)
    if open_stages:
        yield ctx.finding(api, f"public AI-facing REST API {_names(open_stages)} no usage plan "
                               f"throttle/quota and no method throttling")


def check(ctx: RuleContext) -> Iterator[Finding]:
    integrations = _by_api(ctx, "aws_apigatewayv2_integration", "api_id")
    stages = _by_api(ctx, "aws_apigatewayv2_stage", "api_id")
    for api in ctx.managed("aws_apigatewayv2_api"):
        yield from _http_api(ctx, api, integrations, stages)
    for api in ctx.managed("aws_api_gateway_rest_api"):
        yield from _rest_api(ctx, api)
    for url in ctx.managed("aws_lambda_function_url"):
        if url.attributes.get("authorization_type") != "NONE":
            continue
        fn = ctx.resolve_ref(url.attributes.get("function_name"), "aws_lambda_function")
        if fn is not None and _ai_tagged(ctx, fn) and fn.attributes.get("reserved_concurrent_executions") in (
                None, -1):
            yield ctx.finding(url, f"public Lambda URL of AI function {fn.address} has no auth and no reserved "
                                   f"concurrency limit")
