"""Test helpers: load a rule fixture, cost it by hand from the shared price files, run rules.

Prices come from ``../shared/pricing`` (real on-demand rows), never typed in: until the
pricing engine lands, tests build ``CostedResource``s themselves.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from estimator.config import Config, load_config
from estimator.cost_model import HOURS_PER_MONTH, CostComponent, CostedResource
from estimator.loaders import load_project
from estimator.model import Project
from policies.context import RuleContext, run_rule
from policies.finding import Finding
from policies.rules import BY_ID
from tests.conftest import FIXTURES, SHARED

POLICY_FIXTURES = FIXTURES / "policies"
FREE_TYPES = {"aws_launch_template", "aws_autoscaling_policy", "aws_appautoscaling_policy",
              "aws_appautoscaling_target", "aws_cloudwatch_metric_alarm", "aws_apigatewayv2_stage",
              "aws_apigatewayv2_integration", "aws_iam_role", "aws_budgets_budget",
              "aws_sagemaker_notebook_instance_lifecycle_configuration", "aws_api_gateway_usage_plan"}


@lru_cache(maxsize=1)
def hourly_prices() -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {}
    with (SHARED / "pricing" / "ec2_ondemand.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["region"] == "us-east-1":
                prices[row["instance_type"]] = Decimal(row["usd_per_hour"])
    with (SHARED / "pricing" / "sagemaker.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["region"].startswith("us-east-1") and row["usage"].startswith("real-time inference"):
                prices[row["instance_type"]] = Decimal(row["usd_per_hour"])
    return prices


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
            price = hourly_prices().get(itype) if isinstance(itype, str) else None
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
