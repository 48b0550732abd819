"""CR-GPU-001: defaults judged against gpu.default_max_gpus at the default's line; literals per env."""

from __future__ import annotations

from estimator.config import Config
from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail_at_these_lines() -> None:
    findings = run("CR-GPU-001")
    assert where(findings) == {
        ("aws_instance.fail_default", "main.tf:6"),
        ("aws_instance.fail_literal_dev", "main.tf:30"),
        ("aws_eks_node_group.fail_map_default", "main.tf:14"),
        ("aws_sagemaker_notebook_instance.fail_notebook_staging", "main.tf:53"),
        ("module.gpu.aws_launch_template.fail_module_default", "modules/gpu/main.tf:2"),
    }
    assert_pass_fail(load("CR-GPU-001")[0], findings)
    by_address = {f.address: f for f in findings}
    assert "var.big_gpu is p4d.24xlarge" in by_address["aws_instance.fail_default"].message
    assert "gpu.default_max_gpus is 1" in by_address["aws_instance.fail_default"].message
    assert "gpu.max_gpus for env 'dev' is 1" in by_address["aws_instance.fail_literal_dev"].message


def test_defaults_are_config_ceilings() -> None:
    cfg = Config()
    cfg.gpu.default_max_gpus = 8
    cfg.gpu.max_gpus = {"default": 8}
    # nothing exceeds 8 GPUs, and defaults may now have 8
    assert where(run("CR-GPU-001", config=cfg)) == set()


def test_hourly_ceiling_uses_priced_rate() -> None:
    cfg = Config()
    cfg.gpu.default_max_gpus = 8
    from decimal import Decimal

    cfg.gpu.max_hourly_usd = {"default": Decimal(10)}
    found = where(run("CR-GPU-001", config=cfg))
    # p4d.24xlarge ($32.77/h in us-east-1) is over $10/h; g5.12xlarge ($5.67/h) is not
    assert ("aws_instance.fail_default", "main.tf:20") in found
    assert not any(addr == "aws_instance.pass_literal_prod" for addr, _ in found)


def test_pulumi_config_fallback_and_memory_ceiling() -> None:
    from estimator.model import DefaultRef, Location, Resource, Tag
    from policies.context import RuleContext, run_rule
    from policies.rules import gpu_oversized_default as rule

    res = Resource(
        "gpu-workers-lt", "aws_launch_template", "gpu-workers-lt", {"instance_type": "g5.xlarge"},
        tags={"env": Tag("prod")}, location=Location("__main__.py", 30),
        defaults={"instance_type": (DefaultRef("config:gpuType", "g6e.12xlarge", Location("__main__.py", 12),
                                               "pulumi-config"),)},
    )
    (finding,) = run_rule(rule, RuleContext(resources=[res], config=Config()))
    assert str(finding.location) == "__main__.py:12"
    assert finding.message.startswith("Pulumi config fallback of config:gpuType is g6e.12xlarge (4 × nvidia l40s")
    # a memory ceiling from the pack parameters judges the literal g5.xlarge (22.352 GiB) too
    found = run_rule(rule, RuleContext(resources=[res], config=Config()), {"max_gpu_memory_gib": 16})
    assert {str(f.location) for f in found} == {"__main__.py:12", "__main__.py:30"}
