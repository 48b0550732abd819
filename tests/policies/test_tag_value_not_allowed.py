"""CR-TAG-002: allowed values as a list or a full-match regex; points at the tag's line."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-TAG-002")
    assert where(findings) == {
        ("aws_instance.fail_env_value", "main.tf:8"),  # the offending tag's own line
        ("aws_instance.fail_cost_center_pattern", "main.tf:17"),
    }
    assert_pass_fail(load("CR-TAG-002")[0], findings)
    assert {f.extra["tag"] for f in findings} == {"env", "cost-center"}
