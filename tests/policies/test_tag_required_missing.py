"""CR-TAG-001: required tags after default_tags, on taggable resources that cost money."""

from __future__ import annotations

from estimator.config import Config
from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-TAG-001")
    assert where(findings) == {
        ("aws_instance.fail_missing_cc_env", "main.tf:8"),
        ("aws_instance.fail_missing_env", "main.tf:20"),
    }
    assert_pass_fail(load("CR-TAG-001")[0], findings)
    by = {f.address: f for f in findings}
    # team comes from default_tags, so only cost-center and env are missing
    assert by["aws_instance.fail_missing_cc_env"].message == "missing required tags: cost-center, env"


def test_scope_all_includes_free_resources() -> None:
    cfg = Config(required_tags_scope="all")
    assert ("aws_iam_role.pass_free_type", "main.tf:27") in where(run("CR-TAG-001", config=cfg))
