"""Golden breakdowns per resource family: HCL fixture (+ usage.yml) → table and JSON.

Regenerate only on purpose: ``COSTRAIL_UPDATE_GOLDENS=1 .venv/bin/pytest tests/pricing``,
then review the diff. The meta-test checks every module is registered and has a golden.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import estimator.resources.aws as aws
from estimator.commands.breakdown import render
from estimator.loaders import LoadOptions
from estimator.pipeline import ProjectSpec, run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing"
UPDATE = os.environ.get("COSTRAIL_UPDATE_GOLDENS") == "1"
FAMILIES = sorted(m.__name__.rsplit(".", 1)[1] for m in aws.MODULES)


def _render(family: str, fmt: str) -> str:
    folder = FIXTURES / family
    usage = folder / "usage.yml"
    spec = ProjectSpec(path=str(folder), usage_file=str(usage) if usage.exists() else None, name=family)
    results = run([spec], LoadOptions(environ={}), price=True)
    assert not results[0].failed, [str(d) for d in results[0].diagnostics]
    text = str(render(results, fmt))
    if fmt == "json":  # the as-of block is tested in test_catalog; keep goldens about the lines
        doc = json.loads(text)
        doc.pop("price_catalog", None)
        text = json.dumps(doc, indent=2) + "\n"
    return text


@pytest.mark.parametrize("fmt,suffix", [("table", "table.golden"), ("json", "json.golden")])
@pytest.mark.parametrize("family", FAMILIES)
def test_golden(family: str, fmt: str, suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parents[2])  # paths in reports are relative to where costrail runs
    golden = FIXTURES / family / suffix
    got = _render(family, fmt)
    if UPDATE:
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"no golden for {family}: run with COSTRAIL_UPDATE_GOLDENS=1 and review"
    assert got == golden.read_text(encoding="utf-8")


def test_every_module_is_registered_and_has_a_golden() -> None:
    package = Path(aws.__file__).parent
    files = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert files == set(FAMILIES), "a resource module is not in estimator.resources.aws.MODULES"
    for family in FAMILIES:
        assert (FIXTURES / family / "main.tf").exists(), family
        assert (FIXTURES / family / "table.golden").exists(), family


def test_every_priced_type_appears_in_a_fixture() -> None:
    text = "".join((FIXTURES / f / "main.tf").read_text() for f in FAMILIES)
    missing = [t for t in aws.REGISTRY if f'resource "{t}"' not in text]
    # Aliases share their twin's price function; the rest must be exercised by a golden.
    assert set(missing) <= {"aws_alb", "aws_elasticsearch_domain", "aws_launch_configuration"}, missing


def test_docs_resources_md_is_current() -> None:
    from estimator.pricing import docs

    assert docs.OUT.read_text(encoding="utf-8") == docs.render(), "run: python -m estimator.pricing.docs"


def test_pulumi_tokens_map_to_their_terraform_types() -> None:
    from estimator.pulumi_types import terraform_type

    wrong = {s.pulumi_type: (terraform_type(s.pulumi_type), t) for t, s in aws.REGISTRY.items()
             if terraform_type(s.pulumi_type) != t and t not in ("aws_alb",)}
    assert not wrong
