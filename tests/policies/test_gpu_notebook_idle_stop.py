"""CR-GPU-006: GPU notebooks need an idle auto-stop lifecycle configuration."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-GPU-006")
    assert where(findings) == {
        ("aws_sagemaker_notebook_instance.fail_no_lifecycle", "main.tf:15"),
        ("aws_sagemaker_notebook_instance.fail_lifecycle_without_stop", "main.tf:21"),
    }
    assert_pass_fail(load("CR-GPU-006")[0], findings)
