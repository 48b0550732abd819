"""CR-TAG-004: GPU and AI-service resources carry the ai_tags (after default_tags)."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-TAG-004")
    assert where(findings) == {
        ("aws_sagemaker_endpoint_configuration.fail_no_model_tag", "main.tf:8"),
        ("aws_instance.fail_gpu_untagged", "main.tf:27"),
        ("aws_instance.fail_gpu_from_template", "main.tf:47"),  # a GPU by its launch template's type
    }
    assert_pass_fail(load("CR-TAG-004")[0], findings)
    assert all(f.extra["missing_tags"] == ["model"] for f in findings)  # workload from default_tags
