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
