"""CR-LOG-001: log groups need retention_in_days (0 means forever)."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-LOG-001")
    assert where(findings) == {
        ("aws_cloudwatch_log_group.fail_forever", "main.tf:5"),
        ("aws_cloudwatch_log_group.fail_zero", "main.tf:9"),
    }
    assert_pass_fail(load("CR-LOG-001")[0], findings)
