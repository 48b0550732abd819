"""A Pulumi name that several resources share (``chat`` for a function, an API and an integration)
is qualified by type in addresses (``chat:aws_lambda_function``), but the program spells it
``chat``: a usage entry or a config suppression keyed by the plain name reaches the resources it
means, and keeps doing so when a PR adds a namesake (QA13: such entries used to stop matching)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from estimator.config import Config, Suppression
from estimator.loaders import LoadOptions, load_project
from estimator.model import Project
from estimator.pipeline import ProjectSpec, run
from estimator.pricing.engine import price_project
from estimator.usage import parse_usage
from policies.engine import check_project

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(str(PROGRAMS / "output_refs"), LoadOptions())


def test_a_plain_name_entry_prices_the_namesakes_that_read_its_keys(project: Project) -> None:
    usage = parse_usage("version: 0.1\nresource_usage:\n  chat: {monthly_requests: 1000000, request_duration_ms: 500}\n",
                        "u.yml")
    costed = {c.resource.address: c for c in price_project(project, usage)}
    fn = costed["chat:aws_lambda_function"]
    assert fn.status == "priced" and fn.monthly_cost > Decimal("0")
    assert [(c.name, c.quantity) for c in fn.components][0] == ("Requests", Decimal("1"))  # in millions
    assert costed["chat:aws_apigatewayv2_api"].monthly_cost == Decimal("1.00")  # $1.00 per million HTTP API requests
    assert usage.unmatched({c for c in costed}) == []
    assert usage.for_resource("chat:aws_apigatewayv2_integration", "aws_apigatewayv2_integration") == {}


def test_the_exact_address_still_wins_key_by_key() -> None:
    usage = parse_usage("version: 0.1\nresource_usage:\n  chat: {monthly_requests: 5}\n"
                        "  chat:aws_lambda_function: {monthly_requests: 7}\n", "u.yml")
    assert usage.for_resource("chat:aws_lambda_function", "aws_lambda_function") == {"monthly_requests": 7}
    assert usage.for_resource("chat:aws_apigatewayv2_api", "aws_apigatewayv2_api") == {"monthly_requests": 5}
    assert usage.line_of("chat:aws_apigatewayv2_api", "aws_apigatewayv2_api", ("monthly_requests",)) == 3


def test_a_terraform_address_is_never_read_as_a_qualified_name() -> None:
    usage = parse_usage('version: 0.1\nresource_usage:\n  aws_lambda_function.f["a:b"]: {monthly_requests: 5}\n'
                        "  aws_lambda_function.f: {monthly_requests: 9}\n", "u.yml")
    assert usage.for_resource('aws_lambda_function.f["a:b"]', "aws_lambda_function") == {"monthly_requests": 5}


def test_a_config_suppression_by_plain_name_suppresses_the_qualified_finding(project: Project) -> None:
    config = Config(suppressions=[Suppression(rule="CR-API-001", address="chat", reason="internal only",
                                              expires=dt.date(2999, 1, 1))])
    (finding,) = [f for f in check_project(project, price_project(project, None), config) if f.rule == "CR-API-001"]
    assert finding.address == "chat:aws_apigatewayv2_api"
    assert finding.suppressed and finding.suppression_reason == "internal only"


def test_no_matches_no_resource_warning_for_a_plain_name(tmp_path: Path) -> None:
    usage = tmp_path / "u.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  chat: {monthly_requests: 1000000}\n")
    (result,) = run([ProjectSpec(str(PROGRAMS / "output_refs"), usage_file=str(usage))], LoadOptions())
    assert result.project is not None and not result.failed
    assert not [d.message for d in result.project.warnings if "usage" in d.message]


def test_a_namesake_takes_only_the_keys_its_type_reads_and_none_is_warned(tmp_path: Path) -> None:
    """The API namesake of ``chat`` reads monthly_requests, not the function's request_duration_ms: no
    "not a usage key" warning for a key another namesake reads (QA17a)."""
    usage = parse_usage("version: 0.1\nresource_usage:\n  chat: {monthly_requests: 5, request_duration_ms: 300}\n",
                        "u.yml")
    assert usage.for_resource("chat:aws_apigatewayv2_api", "aws_apigatewayv2_api") == {"monthly_requests": 5}
    path = tmp_path / "u.yml"
    path.write_text("version: 0.1\nresource_usage:\n  chat: {monthly_requests: 5, request_duration_ms: 300}\n")
    (result,) = run([ProjectSpec(str(PROGRAMS / "output_refs"), usage_file=str(path))], LoadOptions())
    assert result.project is not None
    assert not [d.message for d in result.project.warnings if "not a usage key" in d.message]
