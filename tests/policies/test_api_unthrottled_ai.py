"""CR-API-001: public AI-facing APIs need stage throttling or a usage plan."""

from __future__ import annotations

from tests.policies.helpers import assert_pass_fail, load, run, where


def test_exactly_these_fail() -> None:
    findings = run("CR-API-001")
    assert where(findings) == {
        ("aws_apigatewayv2_api.fail_chat", "main.tf:5"),
        ("aws_apigatewayv2_api.fail_bedrock_proxy", "main.tf:33"),
        ("aws_api_gateway_rest_api.fail_rest_llm", "main.tf:50"),
    }
    assert_pass_fail(load("CR-API-001")[0], findings)


def test_each_stage_is_judged() -> None:
    """One throttled stage does not clear the API: a finding per API names its unthrottled stages (found by QA12)."""
    findings = run("CR-API-001", "CR-API-001-stages")
    by_address = {f.address: f.message for f in findings}
    assert set(by_address) == {
        "aws_api_gateway_rest_api.fail_rest_one_open",
        "aws_api_gateway_rest_api.fail_rest_plan_other_stage",
        "aws_apigatewayv2_api.fail_http_one_open",
    }
    assert "stage `prod` has no " in by_address["aws_api_gateway_rest_api.fail_rest_one_open"]
    assert "stages `prod`, `v1` have no " in by_address["aws_api_gateway_rest_api.fail_rest_plan_other_stage"]
    assert "stage `prod` has no " in by_address["aws_apigatewayv2_api.fail_http_one_open"]
    assert not any("beta" in message for message in by_address.values())
    assert_pass_fail(load("CR-API-001-stages")[0], findings)


def test_a_limit_of_minus_one_is_throttling_disabled() -> None:
    """-1 is the AWS provider's "throttling disabled" (and what a plan records for a limit left out): not a
    throttle, so the HCL and plan forms agree (QA13)."""
    assert [f.address for f in run("CR-API-001", "CR-API-001-disabled")] == ["aws_api_gateway_rest_api.chat"]
