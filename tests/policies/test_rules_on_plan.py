"""The same rules over a plan JSON (``terraform show -json``): lines are the plan's ``"address"`` lines.

Each resource is named after the rule it exercises (``fail_tag001``, ``pass_ebs001``...); for
each rule, exactly the fail_ resources of that rule fail.
"""

from __future__ import annotations

import pytest

from estimator.config import load_config
from estimator.loaders import load_project
from policies.context import RuleContext, run_rule
from policies.rules import BY_ID
from tests.policies.helpers import costed_for, fixture_path

PLAN = fixture_path("plans/rules.plan.json")


@pytest.mark.parametrize(
    ("rule", "slug", "expected"),
    [
        ("CR-TAG-001", "tag001", {("aws_instance.fail_tag001", 291)}),
        ("CR-GPU-001", "gpu001", {("aws_instance.fail_gpu001_dev", 346)}),
        ("CR-EBS-001", "ebs001", {("aws_ebs_volume.fail_ebs001", 406)}),
        ("CR-LOG-001", "log001", {("aws_cloudwatch_log_group.fail_log001", 470)}),
        ("CR-GPU-002", "gpu002", {("aws_eks_node_group.fail_gpu002", 532)}),
        ("CR-TAG-003", "tag003", {("aws_autoscaling_group.fail_tag003", 620)}),
    ],
)
def test_rule_on_plan(rule: str, slug: str, expected: set[tuple[str, int]]) -> None:
    project = load_project(str(PLAN))
    assert not project.errors
    ctx = RuleContext(resources=project.resources, costs={c.address: c for c in costed_for(project)},
                      config=load_config(None, [str(PLAN)]), project=project.path)
    found = {(f.address, f.location.line) for f in run_rule(BY_ID[rule], ctx)
             if slug in f.address and f.location is not None}
    assert found == expected
    assert all(f.location.file.endswith("rules.plan.json") for f in run_rule(BY_ID[rule], ctx) if f.location)
