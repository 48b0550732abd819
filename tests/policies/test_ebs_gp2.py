"""CR-EBS-001: gp2 volumes (explicit, or the API default) on volumes, instances and launch templates."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-EBS-001")
    assert where(findings) == {
        ("aws_ebs_volume.fail_gp2", "main.tf:5"),
        ("aws_ebs_volume.fail_default_type", "main.tf:11"),
        ("aws_instance.fail_root_gp2", "main.tf:22"),
        ("aws_launch_template.fail_lt_gp2", "main.tf:30"),
    }
    assert_pass_fail(load("CR-EBS-001")[0], findings)
