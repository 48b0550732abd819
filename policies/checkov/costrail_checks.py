"""costrail rules as checkov external checks: the same ``check(ctx)`` functions, one resource at a time.

Only rules that can be judged from a single resource are adapted. Not here, by design:
CR-TAG-001 / CR-TAG-004 (provider ``default_tags`` are invisible to a per-resource check, so
they would report false failures), CR-GPU-003 (needs prices), CR-GPU-004, CR-API-001,
CR-BUD-001 (need other resources) and CR-BUD-002 (needs a diff): run ``costrail check``.
Ceilings and allowed values come from the ``.costrail.yml`` found in the working directory.
"""

from __future__ import annotations

import os
from functools import lru_cache
from types import ModuleType
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checkov.costrail_convert import to_resource
from policies.context import RuleContext, run_rule
from policies.rules import BY_ID

GPU_TYPES = [
    "aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_eks_node_group",
    "aws_sagemaker_notebook_instance", "aws_sagemaker_endpoint_configuration", "aws_batch_compute_environment",
    "aws_autoscaling_group",
]
ADAPTED: dict[str, list[str]] = {
    "CR-GPU-001": GPU_TYPES,
    "CR-GPU-002": ["aws_batch_compute_environment", "aws_eks_node_group", "aws_instance"],
    "CR-GPU-005": GPU_TYPES,
    "CR-GPU-006": ["aws_sagemaker_notebook_instance"],
    "CR-GPU-007": GPU_TYPES,
    "CR-TAG-002": ["aws_*"],
    "CR-TAG-003": ["aws_autoscaling_group", "aws_launch_template"],
    "CR-EBS-001": ["aws_ebs_volume", "aws_instance", "aws_launch_template"],
    "CR-LOG-001": ["aws_cloudwatch_log_group"],
}


@lru_cache(maxsize=1)
def _config() -> Any:
    from estimator.config import load_config

    return load_config(os.environ.get("COSTRAIL_CONFIG"), [os.getcwd()])


class CostrailCheck(BaseResourceCheck):  # type: ignore[misc]
    def __init__(self, rule: ModuleType, resources: list[str]) -> None:
        self.rule = rule
        super().__init__(name=f"{rule.TITLE} (costrail)", id=rule.ID, categories=[CheckCategories.CONVENTION],
                         supported_resources=resources, guideline=f"docs/policies/{rule.ID}.md")

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        resource = to_resource(conf, self.entity_type)
        config = _config()
        if config.enforcement(self.rule.ID, self.rule.DEFAULT_ENFORCEMENT) == "disabled":
            return CheckResult.UNKNOWN
        findings = run_rule(self.rule, RuleContext(resources=[resource], config=config))
        self.details = [f.message for f in findings]
        return CheckResult.FAILED if findings else CheckResult.PASSED


CHECKS = [CostrailCheck(BY_ID[rule_id], resources) for rule_id, resources in ADAPTED.items()]
