"""Test helpers: load a rule fixture, cost its instance-hours from the bundled catalog, run rules.

Rule tests build ``CostedResource``s themselves (instance-hours only) so a rule is tested apart
from the pricing modules; the unit prices still come from the catalog, never typed in.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.config import Config, load_config
from estimator.cost_model import HOURS_PER_MONTH, CostComponent, CostedResource
from estimator.loaders import load_project
from estimator.model import Project
from policies.context import RuleContext, run_rule
from policies.finding import Finding
from policies.prices import instance_hourly
from policies.rules import BY_ID
from tests.conftest import FIXTURES

POLICY_FIXTURES = FIXTURES / "policies"
FREE_TYPES = {"aws_launch_template", "aws_autoscaling_policy", "aws_appautoscaling_policy",
              "aws_appautoscaling_target", "aws_cloudwatch_metric_alarm", "aws_apigatewayv2_stage",
              "aws_apigatewayv2_integration", "aws_iam_role", "aws_budgets_budget",
              "aws_sagemaker_notebook_instance_lifecycle_configuration", "aws_api_gateway_usage_plan",
              "aws_sagemaker_endpoint_configuration", "aws_sagemaker_model"}  # priced on the endpoint


def hourly_price(instance_type: str) -> Decimal | None:
    """us-east-1 on-demand (or SageMaker hosting) price from the bundled catalog, never typed in."""
    return instance_hourly(instance_type, "us-east-1")


def costed_for(project: Project) -> list[CostedResource]:
    """Instance-hours lines for resources with one priced instance type; the rest free or priced at nothing."""
    ctx = RuleContext(resources=project.resources)
    out = []
    for res in project.resources:
        if res.mode != "managed":
            continue
        if res.type in FREE_TYPES:
            out.append(CostedResource(res, status="free"))
            continue
        comps = []
        types = list(ctx.instance_types(res))
        template = ctx.launch_template_of(res) if res.type == "aws_autoscaling_group" else None
        if template is not None:
            types += ctx.instance_types(template)
        for _path, itype in types:
            price = hourly_price(itype) if isinstance(itype, str) else None
            if price is not None:
                comps.append(CostComponent(f"Instance usage (Linux/UNIX, on-demand, {itype})", "hours",
                                           HOURS_PER_MONTH, price))
        out.append(CostedResource(res, components=comps, status="priced" if comps else "unpriced",
                                  reason=None if comps else "no price in the test table"))
    return out


def load(rule_dir: str) -> tuple[Project, Config]:
    path = POLICY_FIXTURES / rule_dir
    project = load_project(str(path))
    assert not project.errors, project.errors
    return project, load_config(None, [str(path)])


def run(rule_id: str, rule_dir: str | None = None, config: Config | None = None) -> list[Finding]:
    project, found = load(rule_dir or rule_id)
    ctx = RuleContext(resources=project.resources, costs={c.address: c for c in costed_for(project)},
                      config=config or found, project=project.path)
    return run_rule(BY_ID[rule_id], ctx)


def where(findings: list[Finding]) -> set[tuple[str, str]]:
    """{(address, "file:line")} of findings."""
    return {(f.address, f"{f.location.file}:{f.location.line}" if f.location else "") for f in findings}


def assert_pass_fail(project: Project, findings: list[Finding]) -> None:
    """Every fail_* resource has a finding; no pass_* resource has one."""
    flagged = {f.address for f in findings}
    for res in project.resources:
        if res.name.startswith("fail_"):
            assert res.address in flagged, f"{res.address} should fail"
        if res.name.startswith("pass_"):
            assert res.address not in flagged, f"{res.address} should pass"


def fixture_path(name: str) -> Path:
    return POLICY_FIXTURES / name
