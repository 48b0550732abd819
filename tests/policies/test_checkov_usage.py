"""The documented checkov usage, as a user runs it: no PYTHONPATH, no COSTRAIL_CONFIG.

``checkov -d <dir> --external-checks-dir policies/checkov`` from the checkout must load the
costrail checks, read the ``.costrail.yml`` of the scanned directory, and fail loudly (never
pass everything) when costrail cannot be imported. Skipped without ``COSTRAIL_CHECKOV_VENV``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.policies.helpers import POLICY_FIXTURES

pytestmark = pytest.mark.checkov

VENV = os.environ.get("COSTRAIL_CHECKOV_VENV")
FIXTURES = POLICY_FIXTURES / "checkov"


def _checkov(scan_dir: Path, checks_dir: str, check: str, cwd: Path,
             pythonpath: str | None = None) -> tuple[int, dict[str, Any], str]:
    if not VENV or not (Path(VENV) / "bin" / "checkov").exists():
        pytest.skip("COSTRAIL_CHECKOV_VENV not set or has no checkov")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COSTRAIL_CONFIG")}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env["BC_SKIP_MAPPING"] = "TRUE"
    proc = subprocess.run(
        [str(Path(VENV) / "bin" / "checkov"), "-d", str(scan_dir), "--external-checks-dir", checks_dir,
         "--framework", "terraform", "-o", "json", "--skip-download", "-c", check],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )
    doc = json.loads(proc.stdout)
    report = doc[0] if isinstance(doc, list) else doc
    return proc.returncode, report, proc.stderr


def _outcomes(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    results = report.get("results", {})
    return {(c["check_id"], c["resource"], outcome) for outcome in ("failed", "passed")
            for c in results.get(f"{outcome}_checks", [])}


def test_documented_command_runs_the_costrail_checks() -> None:
    code, report, stderr = _checkov(FIXTURES / "gp2", "policies/checkov", "CR-EBS-001", cwd=REPO)
    assert code == 1, stderr[-2000:]
    assert _outcomes(report) == {("CR-EBS-001", "aws_ebs_volume.data", "failed")}


def test_asg_tag_blocks_and_the_scanned_directory_config() -> None:
    """env comes from `tag` blocks; dev's 1-GPU ceiling and the allowed env values come from the
    `.costrail.yml` in the -d directory (checkov runs from the checkout root, which has none)."""
    code, report, stderr = _checkov(FIXTURES / "asg_tag_blocks", "policies/checkov", "CR-GPU-001,CR-TAG-002",
                                    cwd=REPO)
    assert code == 1, stderr[-2000:]
    failed = {(rule, res) for rule, res, outcome in _outcomes(report) if outcome == "failed"}
    assert failed == {("CR-GPU-001", "aws_autoscaling_group.fail_dev_4_gpus"),
                      ("CR-TAG-002", "aws_autoscaling_group.fail_env_value")}


def test_checks_that_cannot_import_costrail_fail_every_resource(tmp_path: Path) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    for src in (REPO / "policies" / "checkov").glob("*.py"):
        shutil.copy(src, checks / src.name)
    # costrail may be installed in checkov's venv (the Makefile installs it there): shadow it with
    # packages that fail to import, as a venv without costrail would
    shadow = tmp_path / "shadow"
    for package in ("estimator", "policies"):
        (shadow / package).mkdir(parents=True)
        (shadow / package / "__init__.py").write_text('raise ImportError("simulated: costrail is not installed")\n')
    code, report, _stderr = _checkov(FIXTURES / "gp2", str(checks), "CR-EBS-001", cwd=tmp_path,
                                     pythonpath=str(shadow))
    assert code == 1
    failed = report["results"]["failed_checks"]
    assert [(c["check_id"], c["resource"]) for c in failed] == [("CR-EBS-001", "aws_ebs_volume.data")]
    assert "costrail cannot be imported" in failed[0]["check_name"]
