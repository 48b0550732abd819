"""A project that failed to load is an error in JUnit and a failed invocation in SARIF, never all-green."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

from tests.conftest import SHARED
from tests.policies.helpers import fixture_path

SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
if not SCHEMA.is_file():  # the repo's copy of the same schema, where /work/shared is absent
    SCHEMA = fixture_path("sarif-schema-2.1.0.json")


def costrail(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    from tests.conftest import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "estimator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env)


def test_junit_names_the_input_error_and_claims_no_rule_passed() -> None:
    cli = fixture_path("cli")
    proc = costrail("check", "raising_program", "broken", "clean", "--format", "junit",
                    cwd=cli)
    assert proc.returncode == 2
    root = ET.fromstring(proc.stdout)
    assert root.get("errors") == "2"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    program = suites["raising_program"]
    assert program.get("errors") == "1"
    (case,) = [c for c in program.iter("testcase") if c.find("error") is not None]
    assert case.get("name") == "input error: __main__.py:2" and case.get("line") == "2"
    assert "bad sizing" in case.find("error").get("message")
    # rules were never run on it: skipped as not checked, none passing
    assert all(c.find("skipped") is not None for c in program.iter("testcase") if c.find("error") is None)
    broken = suites["broken"]
    assert broken.get("errors") == "1"
    assert any(c.get("name", "").startswith("input error: main.tf:3") for c in broken.iter("testcase"))
    clean = suites["clean"]
    assert clean.get("errors") == "0" and clean.get("skipped") == "0"  # a readable project still passes


def test_sarif_has_a_failed_invocation_with_the_error_location() -> None:
    cli = fixture_path("cli")
    proc = costrail("check", "raising_program", "--format", "sarif", cwd=cli)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    schema = json.loads(SCHEMA.read_text())
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
    assert not errors, [e.message for e in errors[:5]]
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "bad sizing" in note["message"]["text"]
    location = note["locations"][0]["physicalLocation"]
    # relative to the repository root, as GitHub code scanning resolves it, from whichever folder check ran
    root = next(d for d in (cli, *cli.parents) if (d / ".git").exists())
    expected = (cli / "raising_program" / "__main__.py").relative_to(root).as_posix()
    assert location["artifactLocation"] == {"uri": expected, "uriBaseId": "%SRCROOT%"}
    assert doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.as_uri() + "/"
    assert location["region"]["startLine"] == 2


def test_sarif_of_a_clean_run_is_a_successful_invocation() -> None:
    proc = costrail("check", "clean", "--format", "sarif", cwd=fixture_path("cli"))
    assert proc.returncode == 0
    (invocation,) = json.loads(proc.stdout)["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": True}


def test_sarif_names_a_broken_plan_file_once(tmp_path: Path) -> None:
    """The PATH is the plan file itself: its error's URI is that file, not the file joined to itself."""
    (tmp_path / "badplan").mkdir()
    (tmp_path / "badplan" / "plan.json").write_text("not json\n", encoding="utf-8")
    proc = costrail("check", "badplan/plan.json", "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 2
    (note,) = json.loads(proc.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "badplan/plan.json"


def test_sarif_uris_are_relative_to_the_repository_from_any_folder(tmp_path: Path) -> None:
    """Run from stacks/app with a sibling project: both URIs are repository-relative (QA17b: one was
    cwd-relative, the other an absolute file:// URI, and code scanning pointed at the wrong files)."""
    repo = tmp_path / "repo"
    for name in ("app", "batch"):
        (repo / "stacks" / name).mkdir(parents=True)
        (repo / "stacks" / name / "main.tf").write_text(
            'provider "aws" {\n  region = "us-east-1"\n}\nresource "aws_instance" "gpu" {\n  ami = "a"\n'
            '  instance_type = "g5.xlarge"\n}\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    proc = costrail("check", ".", "../batch", "--format", "sarif", cwd=repo / "stacks" / "app")
    doc = json.loads(proc.stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"stacks/app/main.tf", "stacks/batch/main.tf"}


def test_sarif_uris_are_percent_encoded(tmp_path: Path) -> None:
    """A folder named "my app" or "100%" is a valid URI reference in SARIF (QA20a)."""
    repo = tmp_path / "repo"
    (repo / "my app").mkdir(parents=True)
    (repo / "my app" / "main.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = 10\n  type = "gp2"\n}\n',
                                             encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    doc = json.loads(costrail("check", "my app", "--format", "sarif", cwd=repo).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"my%20app/main.tf"}
