"""CR-GPU-004: GPU ASG / endpoint scaled on CPU (target tracking or CPU alarm step scaling)."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-GPU-004")
    assert where(findings) == {
        ("aws_autoscaling_policy.fail_gpu_cpu_target", "main.tf:33"),
        ("aws_autoscaling_policy.fail_gpu_step", "main.tf:57"),
        ("aws_appautoscaling_policy.fail_endpoint_cpu", "main.tf:92"),
    }
    assert_pass_fail(load("CR-GPU-004")[0], findings)
    step = next(f for f in findings if f.address.endswith("fail_gpu_step"))
    assert "aws_cloudwatch_metric_alarm.gpu_cpu_high" in step.message
