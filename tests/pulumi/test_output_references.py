"""Outputs a program never set are references, not dropped (QA12 pulumi_refs_lost_cr_api_001).

``integration_uri=fn.invoke_arn`` (or ``private_ip``, ``endpoint``...) reads an output the mock
runtime has no value for: it becomes ``Unknown`` that still names its resource, as Terraform's
known-after-apply does, so CR-API-001 follows the HTTP API to its AI Lambda in every form.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.config import Config
from estimator.loaders import LoadOptions, load_project
from estimator.model import Project, Resource, Unknown
from estimator.pricing.engine import price_project
from policies.engine import check_project

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(str(PROGRAMS / "output_refs"), LoadOptions())


def _res(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def test_an_output_that_is_no_input_is_an_unknown_naming_its_resource(project: Project) -> None:
    integration = _res(project)["chat:aws_apigatewayv2_integration"].attributes
    uri = integration["integration_uri"]
    assert isinstance(uri, Unknown) and uri.ref == "chat:aws_lambda_function"
    assert uri.reason == "invoke_arn known after apply"
    assert integration["api_id"].ref == "chat:aws_apigatewayv2_api"
    (ip,) = _res(project)["box:aws_route53_record"].attributes["records"]
    assert isinstance(ip, Unknown) and ip.ref == "box:aws_instance" and ip.reason == "private_ip known after apply"


def test_the_resource_itself_keeps_only_its_inputs(project: Project) -> None:
    assert "invoke_arn" not in _res(project)["chat:aws_lambda_function"].attributes


def test_cr_api_001_flags_the_unthrottled_api_to_the_ai_lambda(project: Project) -> None:
    findings = check_project(project, price_project(project, None), Config())
    assert [(f.rule, f.address) for f in findings if f.rule == "CR-API-001"] == [
        ("CR-API-001", "chat:aws_apigatewayv2_api")]
