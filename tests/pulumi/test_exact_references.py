"""References resolve exactly, never by substring (QA12 pulumi_arn_prefix_wrong_ref).

The ARN of ``chat`` is a prefix of the ARN of ``chat-ai``: a reference to ``chat-ai`` must
not resolve to ``chat``, or the public no-auth URL of the AI function goes without CR-API-001.
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
    return load_project(str(PROGRAMS / "arn_prefix"), LoadOptions())


def _res(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def test_an_arn_reference_names_its_own_function(project: Project) -> None:
    ref = _res(project)["url"].attributes["function_name"]
    assert isinstance(ref, Unknown) and ref.ref == "chat-ai" and "ARN" in ref.reason


def test_an_arn_inside_a_string_names_its_function_and_two_name_none(project: Project) -> None:
    logs = _res(project)["logs"].attributes
    assert isinstance(logs["name"], Unknown) and logs["name"].ref == "chat-ai"
    both = logs["tags"]["both"]
    assert isinstance(both, Unknown) and both.ref is None  # two resources: no single one to link to


def test_the_public_url_of_the_ai_function_is_flagged(project: Project) -> None:
    findings = check_project(project, price_project(project, None), Config())
    assert [(f.rule, f.address) for f in findings if f.rule == "CR-API-001"] == [("CR-API-001", "url")]
