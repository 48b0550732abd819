"""CR-GPU-002: training/batch GPU capacity on on-demand; no invented spot saving."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-GPU-002")
    assert where(findings) == {
        ("aws_eks_node_group.fail_train_on_demand", "main.tf:5"),
        ("aws_batch_compute_environment.fail_batch_ec2", "main.tf:46"),
        ("aws_instance.fail_finetune", "main.tf:72"),
        ("aws_autoscaling_group.fail_asg_train", "main.tf:90"),
        ("aws_instance.fail_train_from_template", "main.tf:125"),  # type and market from its launch template
    }
    assert_pass_fail(load("CR-GPU-002")[0], findings)
    for finding in findings:
        assert finding.monthly_saving is None
        assert "spot price not known; typical AWS spot discounts are large" in finding.message
