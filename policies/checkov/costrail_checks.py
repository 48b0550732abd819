"""costrail rules as checkov external checks: the same ``check(ctx)`` functions, one resource at a time.

Only rules that can be judged from a single resource are adapted. Not here, by design:
CR-TAG-001 / CR-TAG-004 (provider ``default_tags`` are invisible to a per-resource check, so
they would report false failures), CR-GPU-003 (needs prices), CR-GPU-004, CR-API-001,
CR-BUD-001 (need other resources) and CR-BUD-002 (needs a diff): run ``costrail check``.
Also by design: checkov substitutes tfvars into variables, so CR-GPU-001's "oversized *default*"
of a variable (``default = "p4d.24xlarge"`` overridden in terraform.tfvars) is not seen here.

Ceilings and allowed values come from ``COSTRAIL_CONFIG`` if set, else the ``.costrail.yml`` of
the scanned directory (``-d``, or a ``-f`` file's folder) or of its git root, else of the working
directory — as ``costrail check`` finds it.

checkov execs this file by path, so the costrail packages are found from the checkout this file
is in (or an installed costrail); if they cannot be imported, every adapted check id fails every
resource it covers, with the import error as its name (exit 1), instead of passing silently.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

_ROOT = Path(__file__).resolve().parents[2]  # the checkout (or site-packages) holding policies/ and estimator/
if (_ROOT / "estimator" / "model.py").is_file() and str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

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


try:
    from policies.checkov.costrail_convert import to_resource
    from policies.context import RuleContext, run_rule
    from policies.rules import BY_ID

    IMPORT_ERROR: str | None = None
except ImportError as err:
    # checkov logs and skips a check file that raises (even SystemExit, in its worker processes), then
    # passes everything with no check loaded: instead every adapted check fails each resource, saying why
    IMPORT_ERROR = (f"costrail cannot be imported ({err}): install it in checkov's venv "
                    f"(pip install --no-deps <costrail checkout>) or use the checkout's policies/checkov")
    sys.stderr.write(f"costrail checks: {IMPORT_ERROR}\n")


def scanned_paths(argv: list[str]) -> list[str]:
    """The paths checkov was asked to scan (``-d DIR``, ``--directory=DIR``, ``-f FILE``), in order."""
    out: list[str] = []
    flags = ("-d", "--directory", "-f", "--file")
    for i, arg in enumerate(argv):
        if arg in flags and i + 1 < len(argv):
            out.append(argv[i + 1])
        elif arg.startswith(tuple(f + "=" for f in flags[1::2])):
            out.append(arg.split("=", 1)[1])
    return out


@lru_cache(maxsize=1)
def _config() -> Any:
    from estimator.config import find_config, load_config

    explicit = os.environ.get("COSTRAIL_CONFIG")
    if not explicit:
        found = find_config(scanned_paths(sys.argv[1:])) if scanned_paths(sys.argv[1:]) else None
        explicit = str(found) if found else None
    return load_config(explicit, [os.getcwd()])


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


class NotLoadedCheck(BaseResourceCheck):  # type: ignore[misc]
    """Stands in for a costrail check when costrail cannot be imported: fails, never passes silently."""

    def __init__(self, rule_id: str, resources: list[str]) -> None:
        super().__init__(name=f"costrail check not loaded: {IMPORT_ERROR}", id=rule_id,
                         categories=[CheckCategories.CONVENTION], supported_resources=resources)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.details = [str(IMPORT_ERROR)]
        return CheckResult.FAILED


if IMPORT_ERROR is None:
    CHECKS = [CostrailCheck(BY_ID[rule_id], resources) for rule_id, resources in ADAPTED.items()]
else:
    CHECKS = [NotLoadedCheck(rule_id, resources) for rule_id, resources in ADAPTED.items()]
