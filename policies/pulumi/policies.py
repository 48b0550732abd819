"""CrossGuard policies built from the costrail rules (importable: ``PolicyPack`` itself blocks).

Per-resource rules become ``ResourceValidationPolicy`` objects; rules that need the whole
stack (CR-BUD-001, CR-GPU-004, CR-API-001, CR-GPU-003 without prices) become
``StackValidationPolicy`` objects. Enforcement is the rule's default, overridden by a
``.costrail.yml`` next to the program (``COSTRAIL_CONFIG`` to point elsewhere).
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

from policies.context import RuleContext, run_rule
from policies.pulumi.convert import to_resource
from policies.rules import BY_ID

RESOURCE_RULES = ("CR-GPU-001", "CR-GPU-002", "CR-GPU-005", "CR-GPU-006", "CR-GPU-007", "CR-TAG-001",
                  "CR-TAG-002", "CR-TAG-003", "CR-TAG-004", "CR-EBS-001", "CR-LOG-001")
STACK_RULES = ("CR-GPU-003", "CR-GPU-004", "CR-API-001", "CR-BUD-001")


@lru_cache(maxsize=1)
def _config() -> Any:
    from estimator.config import load_config

    return load_config(os.environ.get("COSTRAIL_CONFIG"), [os.getcwd()])


def _enforcement(rule: ModuleType) -> EnforcementLevel:
    return EnforcementLevel(_config().enforcement(rule.ID, rule.DEFAULT_ENFORCEMENT))


def _resource_validator(rule: ModuleType) -> Callable[[ResourceValidationArgs, Callable[..., None]], None]:
    def validate(args: ResourceValidationArgs, report_violation: Callable[..., None]) -> None:
        provider_props = args.provider.props if args.provider is not None else None
        resource = to_resource(args.resource_type, args.name, args.props, args.urn, provider_props)
        for finding in run_rule(rule, RuleContext(resources=[resource], config=_config())):
            report_violation(f"[{rule.ID}] {finding.message}", args.urn)

    return validate


def _stack_validator(rule: ModuleType) -> Callable[[StackValidationArgs, Callable[..., None]], None]:
    def validate(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
        resources = []
        urns = {}
        for res in args.resources:
            provider_props = res.provider.props if res.provider is not None else None
            model = to_resource(res.resource_type, res.name, res.props, res.urn, provider_props)
            resources.append(model)
            urns[model.address] = res.urn
        for finding in run_rule(rule, RuleContext(resources=resources, config=_config())):
            report_violation(f"[{rule.ID}] {finding.address}: {finding.message}", urns.get(finding.address))

    return validate


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
