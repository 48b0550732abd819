"""CR-TAG-003: ASG propagate_at_launch; launch template tag_specifications for instance and volume."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-TAG-003")
    assert where(findings) == {
        ("aws_launch_template.fail_lt_no_volume", "main.tf:5"),
        ("aws_autoscaling_group.fail_asg_not_propagated", "main.tf:27"),
    }
    assert_pass_fail(load("CR-TAG-003")[0], findings)
