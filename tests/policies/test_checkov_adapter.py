"""The checkov adapter in checkov's own venv (``COSTRAIL_CHECKOV_VENV``, built by ``make checkov-setup``).

Runs ``checkov -d tests/fixtures/policies --external-checks-dir policies/checkov`` once and
asserts our ids fail exactly the fail_* resources each adapted rule can judge one resource at a
time, and never a pass_* resource. Skipped when the venv is absent.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.policies.helpers import POLICY_FIXTURES

pytestmark = pytest.mark.checkov

VENV = os.environ.get("COSTRAIL_CHECKOV_VENV")

# rule → resources of its own fixture that fail under checkov (per-resource view: variable
# defaults are resolved by checkov, other resources are not visible).
EXPECTED_FAIL = {
    "CR-GPU-001": {"aws_instance.fail_literal_dev", "aws_sagemaker_notebook_instance.fail_notebook_staging"},
    "CR-GPU-002": {"aws_eks_node_group.fail_train_on_demand", "aws_batch_compute_environment.fail_batch_ec2",
                   "aws_instance.fail_finetune"},
    "CR-GPU-005": {"aws_instance.fail_v100", "aws_sagemaker_notebook_instance.fail_k80_notebook"},
    "CR-GPU-006": {"aws_sagemaker_notebook_instance.fail_no_lifecycle"},
    "CR-GPU-007": {"aws_instance.fail_8b_int4_on_p4d", "aws_sagemaker_endpoint_configuration.fail_7b_on_g5_48",
                   "aws_instance.fail_70b_fp16_on_p4de"},
    "CR-TAG-002": {"aws_instance.fail_env_value", "aws_instance.fail_cost_center_pattern"},
    "CR-TAG-003": {"aws_launch_template.fail_lt_no_volume", "aws_autoscaling_group.fail_asg_not_propagated"},
    "CR-EBS-001": {"aws_ebs_volume.fail_gp2", "aws_ebs_volume.fail_default_type", "aws_instance.fail_root_gp2",
                   "aws_launch_template.fail_lt_gp2"},
    "CR-LOG-001": {"aws_cloudwatch_log_group.fail_forever", "aws_cloudwatch_log_group.fail_zero"},
}


@pytest.fixture(scope="module")
def checkov_results(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    if not VENV or not (Path(VENV) / "bin" / "checkov").exists():
        pytest.skip("COSTRAIL_CHECKOV_VENV not set or has no checkov")
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "PYTHONPATH": str(REPO),
           "COSTRAIL_CONFIG": str(POLICY_FIXTURES / "adapters.costrail.yml")}
    proc = subprocess.run(
        [str(Path(VENV) / "bin" / "checkov"), "-d", str(POLICY_FIXTURES), "--external-checks-dir",
         str(REPO / "policies" / "checkov"), "--framework", "terraform", "-o", "json", "--skip-download",
         "--check", ",".join(EXPECTED_FAIL)],
        cwd=tmp_path_factory.mktemp("checkov"), env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    report = doc[0] if isinstance(doc, list) else doc
    results = report["results"]
    return [dict(c, outcome="failed") for c in results["failed_checks"]] + \
        [dict(c, outcome="passed") for c in results["passed_checks"]]


@pytest.mark.parametrize("rule", sorted(EXPECTED_FAIL))
def test_checkov_reports_our_ids(rule: str, checkov_results: list[dict]) -> None:
    own = [c for c in checkov_results if c["check_id"] == rule and f"/{rule}/" in c["file_path"]]
    failed = {c["resource"] for c in own if c["outcome"] == "failed"}
    assert failed == EXPECTED_FAIL[rule]
    assert not any(".pass_" in c["resource"] for c in own if c["outcome"] == "failed")
    assert any(".pass_" in c["resource"] for c in own if c["outcome"] == "passed")


def test_adapter_imports_only_stdlib_yaml_and_model() -> None:
    """The rule code must import in checkov's venv: no click, rich, httpx, hcl2, pulumi."""
    code = ("import sys, policies.rules, policies.engine, policies.checkov.costrail_convert; "
            "bad = [m for m in ('click', 'rich', 'httpx', 'hcl2', 'pulumi', 'jsonschema') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([os.sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
