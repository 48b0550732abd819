"""CrossGuard policies built from the costrail rules (importable: ``PolicyPack`` itself blocks).

Per-resource rules become ``ResourceValidationPolicy`` objects; rules that need the whole
stack (CR-BUD-001, CR-GPU-004, CR-API-001, CR-GPU-003; CR-GPU-002, CR-GPU-007 and CR-TAG-004,
which follow a node group's or instance's launch template) become ``StackValidationPolicy`` objects. Rules, parameters (``max_exposure_usd``) and enforcement
come from the config's packs (``finops-ai`` by default) and its ``policies:``, as ``costrail
check`` takes them, from a ``.costrail.yml`` next to the program (``COSTRAIL_CONFIG`` to point
elsewhere); resources are priced as ``check`` prices them, so money in messages matches.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from estimator.model import SOURCE_PULUMI_PREVIEW, Project, Resource, Unknown
from estimator.pricing.engine import price_project
from policies.context import RuleContext, run_rule
from policies.engine import active_rules, enforcement_for
from policies.pack import PackRule
from policies.pulumi.convert import stack_resources, to_resource
from policies.rules import BY_ID

RESOURCE_RULES = ("CR-GPU-001", "CR-GPU-005", "CR-GPU-006", "CR-TAG-001",
                  "CR-TAG-002", "CR-TAG-003", "CR-EBS-001", "CR-LOG-001")
# whole-stack: linked resources (a node group's or instance's launch template: its GPU type and its
# instance tags; an endpoint's configuration; an API's stages) decide these, as in `costrail check`
STACK_RULES = ("CR-GPU-002", "CR-GPU-003", "CR-GPU-004", "CR-GPU-007", "CR-TAG-004", "CR-API-001", "CR-BUD-001")


@lru_cache(maxsize=1)
def _config() -> Any:
    from estimator.config import load_config

    return load_config(os.environ.get("COSTRAIL_CONFIG"), [os.getcwd()])


def _pack_rules() -> dict[str, PackRule]:
    """The rules ``check`` runs (the config's packs, ``finops-ai`` by default, and any rule the config
    names outside them), with their parameters."""
    return {r.id: r for r in active_rules(_config())}


def _params(rule: ModuleType) -> dict[str, Any]:
    pack_rule = _pack_rules().get(rule.ID)
    return dict(pack_rule.params) if pack_rule is not None else {}


def _enforcement(rule: ModuleType) -> EnforcementLevel:
    pack_rule = _pack_rules().get(rule.ID)
    if pack_rule is None:  # not in the config's packs: `check` does not run it either
        return EnforcementLevel.DISABLED
    return EnforcementLevel(enforcement_for(rule.ID, _config(), pack_rule.enforcement))


def _costs(resources: list[Resource]) -> dict[str, Any]:
    """Each resource priced as ``check`` prices it, so money in messages (cost at max, savings) matches."""
    project = Project(path="(pulumi stack)", source=SOURCE_PULUMI_PREVIEW, resources=resources)
    return {c.address: c for c in price_project(project, None)}


def _resource_validator(rule: ModuleType) -> Callable[[ResourceValidationArgs, Callable[..., None]], None]:
    def validate(args: ResourceValidationArgs, report_violation: Callable[..., None]) -> None:
        provider_props = args.provider.props if args.provider is not None else None
        resource = to_resource(args.resource_type, args.name, args.props, args.urn, provider_props)
        ctx = RuleContext(resources=[resource], costs=_costs([resource]), config=_config())
        for finding in run_rule(rule, ctx, _params(rule)):
            report_violation(f"[{rule.ID}] {finding.message}", args.urn)

    return validate


def _stack_validator(rule: ModuleType) -> Callable[[StackValidationArgs, Callable[..., None]], None]:
    def validate(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
        resources, urns = stack_resources(args.resources)
        ctx = RuleContext(resources=resources, costs=_costs(resources), config=_config())
        blind = _unlinked_targets(rule.ID, resources)
        for finding in run_rule(rule, ctx, _params(rule)):
            target = ctx.by_address(finding.address)
            if target is not None and target.type in blind:
                continue  # a child of this kind points at something unknown: it may be this one
            report_violation(f"[{rule.ID}] {finding.address}: {finding.message}", urns.get(finding.address))

    return validate


# Rules that judge a resource by the children linked to it: rule → child type → (link paths, parent type).
CHILD_LINKS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "CR-API-001": {
        "aws_apigatewayv2_stage": (("api_id",), "aws_apigatewayv2_api"),
        "aws_apigatewayv2_integration": (("api_id",), "aws_apigatewayv2_api"),
        "aws_api_gateway_usage_plan": (("api_stages.api_id",), "aws_api_gateway_rest_api"),
        "aws_api_gateway_method_settings": (("rest_api_id", "rest_api"), "aws_api_gateway_rest_api"),
        "aws_api_gateway_integration": (("rest_api_id", "rest_api"), "aws_api_gateway_rest_api"),
    },
}


def _unlinked_targets(rule_id: str, resources: list[Resource]) -> set[str]:
    """Parent types the rule cannot judge: some child's link is an id the policy props do not carry.

    Without ``property_dependencies`` (or for an id no resource's props hold) a stage's ``api_id``
    names no resource here, though ``check`` would resolve it from the program: that stage may
    throttle any API, so the rule says nothing about those APIs rather than report a false finding.
    """
    spec = CHILD_LINKS.get(rule_id)
    if not spec:
        return set()
    known = {v for r in resources for k in ("id", "name", "arn")
             if isinstance(v := r.attributes.get(k), str)} | {r.address for r in resources}
    blind = set()
    for res in resources:
        if res.type not in spec:
            continue
        paths, parent_type = spec[res.type]
        for path in paths:
            for value in _leaves(res.attributes, path.split(".")):
                if isinstance(value, Unknown) and value.ref in known:
                    continue
                if isinstance(value, (Unknown, str)) and not (isinstance(value, str) and value in known):
                    blind.add(parent_type)
    return blind


def _leaves(value: Any, keys: list[str]) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item, keys)]
    if not keys:
        return [value]
    if isinstance(value, dict) and keys[0] in value:
        return _leaves(value[keys[0]], keys[1:])
    return []


def _policy_name(rule: ModuleType) -> str:
    return rule.ID.lower()


def build_policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    policies: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for rule_id in RESOURCE_RULES:
        rule = BY_ID[rule_id]
        policies.append(ResourceValidationPolicy(
            name=_policy_name(rule), description=rule.TITLE, validate=_resource_validator(rule),
            enforcement_level=_enforcement(rule), remediation_steps=rule.FIX,
            display_name=f"{rule.ID} {rule.TITLE}",
        ))
    for rule_id in STACK_RULES:
        rule = BY_ID[rule_id]
        policies.append(StackValidationPolicy(
            name=_policy_name(rule), description=rule.TITLE, validate=_stack_validator(rule),
            enforcement_level=_enforcement(rule), remediation_steps=rule.FIX,
            display_name=f"{rule.ID} {rule.TITLE}",
        ))
    return policies


POLICIES = build_policies()
