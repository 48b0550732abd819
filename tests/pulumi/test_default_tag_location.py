"""A default tag is located where it is written, as the HCL reader locates it at its provider
block (QA12 pulumi_default_tag_location): an explicit ``aws.Provider(...)``'s ``default_tags`` at
that call, the stack config's ``aws:defaultTags`` at its line; the resource's own tags at the
resource. CR-TAG-002 then points where the fix goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.config import Config
from estimator.loaders import LoadOptions, load_project
from estimator.model import Location, Project, Resource
from estimator.pricing.engine import price_project
from policies.engine import check_project

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(str(PROGRAMS / "default_tag_location"), LoadOptions(stack="dev"))


def _res(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def test_an_explicit_providers_default_tag_is_located_at_the_provider(project: Project) -> None:
    tag = _res(project)["data"].tags["env"]
    assert (tag.value, tag.source, tag.provider) == ("prod", "default_tags", "p")
    assert tag.location == Location("__main__.py", 4)


def test_a_stack_config_default_tag_is_located_at_its_line(project: Project) -> None:
    tags = _res(project)["logs"].tags
    assert tags["env"].source == "default_tags" and tags["env"].location == Location("Pulumi.dev.yaml", 3)
    assert tags["team"].source == "resource" and tags["team"].location == Location("__main__.py", 8)


def test_cr_tag_002_points_at_the_provider(project: Project) -> None:
    config = Config(allowed_tag_values={"env": ["dev", "staging"]})
    found = {(f.address, str(f.location)) for f in check_project(project, price_project(project, None), config)
             if f.rule == "CR-TAG-002"}
    assert found == {("data", "__main__.py:4"), ("logs", "Pulumi.dev.yaml:3")}
