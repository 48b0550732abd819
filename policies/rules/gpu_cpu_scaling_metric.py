"""CR-GPU-004 — GPU inference autoscaling driven by a CPU metric.

Trigger: a scaling policy of GPU capacity that follows CPU:

- ``aws_autoscaling_policy`` on a GPU Auto Scaling group (own types or launch template's)
  with target tracking on ``ASGAverageCPUUtilization`` or a customized ``CPUUtilization``
  metric, or step/simple scaling fired by an ``aws_cloudwatch_metric_alarm`` on
  ``CPUUtilization`` whose ``alarm_actions`` point at the policy;
- ``aws_appautoscaling_policy`` on a SageMaker endpoint variant with ``ml.*`` GPU instances,
  target tracking on a customized ``CPUUtilization`` metric (or a predefined type that names
  CPU), or step scaling fired by a ``CPUUtilization`` alarm.

Fails:

```hcl
resource "aws_autoscaling_policy" "fail_cpu" {
  autoscaling_group_name = aws_autoscaling_group.gpu.name
  policy_type            = "TargetTrackingScaling"
  target_tracking_configuration {
    predefined_metric_specification { predefined_metric_type = "ASGAverageCPUUtilization" }
    target_value = 50
  }
}
```

Passes:

```hcl
resource "aws_appautoscaling_policy" "pass_invocations" {
  resource_id = "endpoint/${aws_sagemaker_endpoint.llm.name}/variant/main"
  target_tracking_scaling_policy_configuration {
    predefined_metric_specification { predefined_metric_type = "SageMakerVariantInvocationsPerInstance" }
    target_value = 100
  }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from estimator.model import Resource, Unknown
from policies.context import RuleContext, ScaledVariants, blocks, sagemaker_scaled_variants, scaling_gpu_types
from policies.finding import Finding

ID = "CR-GPU-004"
TITLE = "GPU inference autoscaling driven by a CPU metric"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {}
WHY = (
    "GPU inference is bound by the accelerator, not the host CPU: CPU-driven scaling adds GPU instances when the "
    "CPU is busy (tokenizing, logging) and keeps idle GPUs when it is not. Scale on requests per instance, queue "
    "depth, latency or GPU utilization."
)
FIX = (
    "Track `SageMakerVariantInvocationsPerInstance`, a GPU utilization metric (CloudWatch agent / DCGM), "
    "latency or queue depth instead of CPUUtilization."
)


def _cpu_metric(config: Any) -> bool:
    if isinstance(config, list):
        config = config[0] if config else None
    if not isinstance(config, dict):
        return False
    for key in ("predefined_metric_specification", "customized_metric_specification"):
        spec = config.get(key)
        spec = spec[0] if isinstance(spec, list) and spec else spec
        if not isinstance(spec, dict):
            continue
        for field in ("predefined_metric_type", "metric_name"):
            value = spec.get(field)
            if isinstance(value, str) and "CPUUtilization" in value:
                return True
        if _math_on_cpu(spec.get("metrics")):  # metric math: metrics { metric_stat { metric { metric_name } } }
            return True
    return False


def _math_on_cpu(metrics: Any) -> bool:
    """A customized metric written as metric math scales on CPU when one of its metrics is CPUUtilization."""
    for item in blocks(metrics):
        for stat in blocks(item.get("metric_stat")):
            for metric in blocks(stat.get("metric")):
                name = metric.get("metric_name")
                if isinstance(name, str) and "CPUUtilization" in name:
                    return True
    return False


def _refers(value: Any, policy: Resource) -> bool:
    if isinstance(value, Unknown):
        return value.ref == policy.address
    if isinstance(value, str):
        return value == policy.attributes.get("arn") or value == policy.attributes.get("name")
    if isinstance(value, (list, tuple)):
        return any(_refers(v, policy) for v in value)
    return False


def _cpu_alarm(alarms: list[Resource], policy: Resource) -> Resource | None:
    for alarm in alarms:
        if _refers(alarm.attributes.get("alarm_actions"), policy):
            return alarm
    return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    alarms = [a for a in ctx.managed("aws_cloudwatch_metric_alarm") if a.attributes.get("metric_name") == "CPUUtilization"]
    for policy in ctx.managed("aws_autoscaling_policy"):
        group = ctx.resolve_ref(policy.attributes.get("autoscaling_group_name"), "aws_autoscaling_group")
        if group is None:
            continue
        types = scaling_gpu_types(ctx, group)
        if not types:
            continue
        if _cpu_metric(policy.attributes.get("target_tracking_configuration")):
            yield ctx.finding(policy, f"target tracking on CPU utilization scales GPU group {group.address} "
                                      f"({types[0][1]})")
        elif (alarm := _cpu_alarm(alarms, policy)) is not None:
            yield ctx.finding(policy, f"step scaling of GPU group {group.address} ({types[0][1]}) is fired by "
                                      f"CPUUtilization alarm {alarm.address}")
    for policy in ctx.managed("aws_appautoscaling_policy"):
        if policy.attributes.get("service_namespace") not in (None, "sagemaker"):
            continue
        scaled = sagemaker_scaled_variants(ctx, policy.attributes.get("resource_id"))
        if not scaled.gpu:
            continue
        what = _variant_text(scaled)
        if _cpu_metric(policy.attributes.get("target_tracking_scaling_policy_configuration")):
            yield ctx.finding(policy, f"target tracking on CPU utilization scales {what}")
        elif (alarm := _cpu_alarm(alarms, policy)) is not None:
            yield ctx.finding(policy, f"step scaling of {what} is fired by CPUUtilization alarm {alarm.address}")


def _variant_text(scaled: ScaledVariants) -> str:
    """The scaled GPU variant, or, where it cannot be told apart offline, every GPU variant it may be."""
    named = ", ".join(f"{name if isinstance(name, str) else '(name known after apply)'} ({itype})"
                      for name, itype in scaled.gpu)
    if scaled.exact:
        return f"GPU endpoint variant {named}"
    return f"an endpoint variant whose variant name is not known offline; GPU variant(s) it may be: {named}"
