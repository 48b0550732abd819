"""``costrail check`` through the CLI: formats, exit codes 0/1/2, SARIF valid against the official schema."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO
from tests.policies.helpers import fixture_path

SCHEMA = fixture_path("sarif-schema-2.1.0.json")


def costrail(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "estimator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_mandatory_finding_exits_1_with_table() -> None:
    proc = costrail("check", str(fixture_path("CR-GPU-001")))
    assert proc.returncode == 1, proc.stderr
    assert "CR-GPU-001" in proc.stdout and "mandatory" in proc.stdout
    assert "variables.tf" not in proc.stdout  # the fixture's defaults are in main.tf
    assert "main.tf:6: default of var.big_gpu is p4d.24xlarge" in proc.stdout


def test_clean_project_exits_0() -> None:
    proc = costrail("check", str(fixture_path("cli/clean")))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No policy findings." in proc.stdout


def test_config_error_exits_2_naming_key_and_line() -> None:
    proc = costrail("check", str(fixture_path("cli/bad_config")))
    assert proc.returncode == 2
    assert ".costrail.yml:3: budgets.monthly_increse_usd: unknown key" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_input_error_exits_2_and_still_prints() -> None:
    proc = costrail("check", str(fixture_path("cli/broken")), str(fixture_path("CR-LOG-001")), "--format", "json")
    assert proc.returncode == 2
    assert "main.tf:3" in proc.stderr and "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert any(f["rule"] == "CR-LOG-001" for f in doc["findings"])


def test_json_contract_fields() -> None:
    proc = costrail("check", str(fixture_path("CR-TAG-001")), "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "costrail/v1"
    finding = next(f for f in doc["findings"] if f["address"] == "aws_instance.fail_missing_env")
    assert finding["rule"] == "CR-TAG-001"
    assert finding["severity"] == "high" and finding["enforcement"] == "mandatory"
    assert finding["location"] == {"file": "main.tf", "line": 20}
    assert "monthly_saving" in finding


def test_config_flag_and_pack_flag(tmp_path: Path) -> None:
    config = tmp_path / "org.yml"
    config.write_text("policies: {CR-TAG-001: advisory, CR-GPU-001: advisory, CR-GPU-003: advisory}\n")
    proc = costrail("check", str(fixture_path("CR-GPU-001")), "--config", str(config))
    assert proc.returncode == 0, proc.stdout
    proc = costrail("check", str(fixture_path("CR-GPU-001")), "--pack", "tagging", "--format", "json")
    assert {f["rule"] for f in json.loads(proc.stdout)["findings"]} <= {"CR-TAG-001", "CR-TAG-002", "CR-TAG-003",
                                                                         "CR-TAG-004"}
    proc = costrail("check", str(fixture_path("CR-GPU-001")), "--pack", "nope")
    assert proc.returncode == 2 and "unknown policy pack" in proc.stderr


def test_sarif_is_valid_against_the_official_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    docs = []
    for fixture in ("CR-GPU-001", "engine"):
        proc = costrail("check", str(fixture_path(fixture)), "--format", "sarif")
        assert proc.returncode == 1
        doc = json.loads(proc.stdout)
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, [e.message for e in errors[:5]]
        docs.append(doc)
    run = docs[0]["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][:2] == ["CR-GPU-001", "CR-GPU-002"]
    assert all(r["help"]["markdown"] and r["shortDescription"]["text"] for r in rules)
    result = next(r for r in run["results"] if "fail_literal_dev" in r["message"]["text"])
    region = result["locations"][0]["physicalLocation"]["region"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert (region["startLine"], uri) == (30, "tests/fixtures/policies/CR-GPU-001/main.tf")
    assert result["level"] == "error" and rules[result["ruleIndex"]]["id"] == "CR-GPU-001"
    suppressed = [r for r in docs[1]["runs"][0]["results"] if r.get("suppressions")]
    assert {s["suppressions"][0]["kind"] for s in suppressed} == {"inSource", "external"}


def test_junit_xml() -> None:
    proc = costrail("check", str(fixture_path("CR-LOG-001")), "--format", "junit")
    assert proc.returncode == 1  # the untagged log groups fail CR-TAG-001 (mandatory)
    root = ET.fromstring(proc.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    failures = [c for c in suite.iter("testcase") if c.find("failure") is not None and c.get("classname") == "CR-LOG-001"]
    assert {c.find("failure").get("type") for c in failures} == {"advisory"}
    assert {c.get("name") for c in failures} == {"aws_cloudwatch_log_group.fail_forever",
                                                 "aws_cloudwatch_log_group.fail_zero"}
    assert failures[0].get("line") in ("5", "9")
    # named from the working directory, as SARIF and the stderr diagnostics name it (found by QA12)
    assert {c.get("file") for c in failures} == {fixture_path("CR-LOG-001").relative_to(REPO).as_posix() + "/main.tf"}
    assert int(root.get("failures", "0")) == len([c for c in suite.iter("testcase") if c.find("failure") is not None])
    assert any(c.get("name") == "CR-GPU-001 (no findings)" for c in suite.iter("testcase"))


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_policies_list(fmt: str) -> None:
    proc = costrail("policies", "list", "--format", fmt)
    assert proc.returncode == 0
    if fmt == "json":
        rules = json.loads(proc.stdout)["rules"]
        assert [r["id"] for r in rules][0] == "CR-GPU-001" and len(rules) == 16
    else:
        assert "CR-LOG-001" in proc.stdout and "mandatory" in proc.stdout


def test_table_names_files_from_the_working_directory() -> None:
    """As stderr, SARIF and JUnit do: a plan's findings at the plan file itself, not ``plan.json/plan.json``
    (found by QA13)."""
    plan = "tests/fixtures/plans/log_retention_unset.plan.json"
    proc = costrail("check", plan)
    wheres = [line.strip().split(": ", 1)[0] for line in proc.stdout.splitlines() if line.startswith("    tests/")]
    assert wheres and all(w.startswith(plan + ":") for w in wheres), wheres
