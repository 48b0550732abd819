"""The CLI, JSON, config and usage-file contracts of DESIGN.md, driven as a user would: a subprocess per run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "e2e"
GPU = FIX / "gpu"
PLAN = REPO / "tests" / "fixtures" / "plans" / "infracost_example.plan.json"
PULUMI = REPO / "stacks" / "llm-pulumi"
MONEY = re.compile(r"^-?\d+(\.\d+)?$")
DIAG_LINE = re.compile(r"^\S+:\d+:\d+: \S")


def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", **(env or {})}
    full_env.pop("GITHUB_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "estimator", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


def run_json(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    proc = run(*args, "--format", "json", cwd=cwd, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def resources(doc: dict[str, Any], project: int = 0) -> dict[str, dict[str, Any]]:
    return {r["address"]: r for r in doc["projects"][project]["resources"]}


def check_money(value: Any) -> None:
    assert isinstance(value, str) and MONEY.match(value), f"money must be a decimal string, got {value!r}"


def check_breakdown_keys(doc: dict[str, Any]) -> None:
    """Every key DESIGN.md names, with money as decimal strings (None only where a price is missing)."""
    assert doc["schema"] == "costrail/v1" and doc["currency"] == "USD"
    check_money(doc["monthly_cost"])
    assert isinstance(doc["findings"], list)
    for project in doc["projects"]:
        assert {"path", "source", "monthly_cost", "resources", "unpriced"} <= project.keys()
        check_money(project["monthly_cost"])
        unpriced = {u["address"] for u in project["unpriced"]}
        for item in project["unpriced"]:
            assert set(item) >= {"address", "type", "reason"} and item["reason"]
        for res in project["resources"]:
            assert {
                "address",
                "type",
                "region",
                "monthly_cost",
                "priced",
                "components",
                "tags",
                "location",
            } <= res.keys()
            assert set(res["location"]) >= {"file", "line"} and isinstance(res["location"]["line"], int)
            if res["monthly_cost"] is None:
                assert res["address"] in unpriced, f"{res['address']} has no cost and no unpriced reason"
            else:
                check_money(res["monthly_cost"])
            for comp in res["components"]:
                assert {"name", "unit", "quantity", "unit_price", "monthly_cost"} <= comp.keys()
                for key in ("unit_price", "monthly_cost"):
                    if comp[key] is not None:
                        check_money(comp[key])
    for finding in doc["findings"]:
        assert {"rule", "severity", "enforcement", "address", "message", "location", "monthly_saving"} <= finding.keys()
        assert finding["enforcement"] in ("advisory", "mandatory")
        if finding["monthly_saving"] is not None:
            check_money(finding["monthly_saving"])


# ---- every command, every format ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_breakdown_every_format_exit_0_report_on_stdout(fmt: str) -> None:
    proc = run("breakdown", str(GPU), "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    assert "aws_instance.gpu" in proc.stdout
    if fmt == "json":
        check_breakdown_keys(json.loads(proc.stdout))


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "junit"])
def test_check_every_format(fmt: str) -> None:
    proc = run("check", str(FIX / "suppress"), "--format", fmt)
    assert proc.returncode == 1, proc.stderr  # expired config suppression: CR-TAG-001 gates again
    assert "CR-TAG-001" in proc.stdout
    if fmt in ("json", "sarif"):
        json.loads(proc.stdout)
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(proc.stdout)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_diff_every_format(fmt: str, tmp_path: Path) -> None:
    base = run("breakdown", str(GPU), "--format", "json")
    (tmp_path / "base.json").write_text(base.stdout)
    proc = run(
        "diff", str(GPU), "--var", "itype=g5.2xlarge", "--compare-to", str(tmp_path / "base.json"), "--format", fmt
    )
    assert proc.returncode == 0, proc.stderr
    assert "150.38" in proc.stdout
    if fmt == "json":
        diff = json.loads(proc.stdout)["diff"]
        for key in ("base_monthly_cost", "head_monthly_cost", "delta_monthly_cost"):
            check_money(diff[key])
        assert Decimal(diff["delta_monthly_cost"]) == Decimal("150.38")
        (res,) = diff["resources"]
        assert res["address"] == "aws_instance.gpu" and res["change"] == "changed"
        assert {"base_monthly_cost", "head_monthly_cost", "delta_monthly_cost"} <= res.keys()
        assert res["base_monthly_cost"] == "738.38" and res["head_monthly_cost"] == "888.76"


def test_breakdown_json_has_no_diff_key() -> None:
    _, doc, _ = run_json("breakdown", str(GPU))
    assert "diff" not in doc


def test_policies_list_and_unknown_pack() -> None:
    proc = run("policies", "list")
    assert proc.returncode == 0
    for rule in ("CR-GPU-001", "CR-TAG-001", "CR-BUD-002", "CR-LOG-001"):
        assert rule in proc.stdout
    bad = run("check", str(GPU), "--pack", "no-such-pack")
    assert bad.returncode == 2 and bad.stdout == "" or "unknown policy pack" in bad.stderr


def test_pack_selects_rules() -> None:
    _, doc, _ = run_json("check", str(FIX / "suppress"), "--pack", "tagging")
    assert {f["rule"] for f in doc["findings"]} <= {"CR-TAG-001", "CR-TAG-002", "CR-TAG-003", "CR-TAG-004"}
    assert any(f["rule"] == "CR-TAG-001" for f in doc["findings"])


def test_console_script_equals_python_m(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "costrail"
    if not script.exists():
        pytest.skip("costrail console script not installed in this environment")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    via_script = subprocess.run(
        [str(script), "breakdown", str(GPU), "--format", "json"], cwd=REPO, env=env, capture_output=True, text=True
    )
    via_module = run("breakdown", str(GPU), "--format", "json")
    assert via_script.returncode == via_module.returncode == 0
    assert via_script.stdout == via_module.stdout


def test_usage_error_exit_2() -> None:
    proc = run("breakdown", str(GPU), "--format", "yaml")
    assert proc.returncode == 2 and proc.stdout == ""


# ---- realistic and hostile inputs --------------------------------------------------------------


def test_several_paths_one_with_a_syntax_error() -> None:
    code, doc, err = run_json("breakdown", str(GPU), str(FIX / "broken"))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and DIAG_LINE.match(lines[0]), err
    assert "broken/main.tf:9:1:" in lines[0]
    good = resources(doc, 0)
    assert set(good) == {
        "aws_instance.gpu",
        "aws_instance.embedder[0]",
        "aws_instance.embedder[1]",
        "aws_lambda_function.api",
    }
    assert good["aws_instance.gpu"]["monthly_cost"] == "738.38"
    assert doc["projects"][1]["errors"]
    # the broken project was read in part: no total of its own, left out of the overall total, and named
    assert doc["projects"][1]["monthly_cost"] is None
    assert doc["monthly_cost"] == doc["projects"][0]["monthly_cost"]
    assert doc["projects_not_in_total"] == [doc["projects"][1]["path"]]
    table = run("breakdown", str(GPU), str(FIX / "broken")).stdout
    assert "unknown (input errors)" in table and "OVERALL TOTAL (1 project with input errors left out)" in table


def test_a_project_that_cannot_be_read_has_no_total_and_the_same_keys(tmp_path: Path) -> None:
    bad = tmp_path / "bad.plan.json"
    bad.write_text("not json\n", encoding="utf-8")
    code, doc, _ = run_json("breakdown", str(GPU), str(bad))
    assert code == 2
    good, failed = doc["projects"]
    assert failed["monthly_cost"] is None and failed["errors"] == ["bad.plan.json:1:1: invalid JSON: Expecting value"]
    assert set(failed) == set(good)  # warnings, errors, unresolved_modules... whether or not it was read
    assert doc["monthly_cost"] == good["monthly_cost"]
    table = run("breakdown", str(bad)).stdout
    assert "not read (error)" in table and "$0.00" not in table.split("OVERALL")[0]
    assert "OVERALL TOTAL (1 project with input errors left out)" in table
    assert "unknown (input errors)" in table.split("OVERALL")[1] and "$0.00" not in table  # nothing read: no total
    assert run_json("breakdown", str(bad))[1]["monthly_cost"] is None
    markdown = run("breakdown", str(bad), "--format", "markdown").stdout
    assert "**Error:** bad.plan.json:1:1" in markdown and "**Project total: not read (error)**" in markdown


def test_table_and_markdown_name_the_input_errors_of_a_project_read_in_part(tmp_path: Path) -> None:
    """"unknown (input errors)" names them, as the JSON errors do (found by QA15)."""
    (tmp_path / "main.tf").write_text('resource "aws_instance" "z" {\n  ami = "a"\n', encoding="utf-8")
    (tmp_path / "ok.tf").write_text('resource "aws_eip" "a" {\n  domain = "vpc"\n}\n', encoding="utf-8")
    table = run("breakdown", str(tmp_path)).stdout
    assert " error: main.tf:1:1: unclosed block" in table
    markdown = run("breakdown", str(tmp_path), "--format", "markdown").stdout
    assert "**Error:** main.tf:1:1: unclosed block" in markdown


def test_plan_json_and_pulumi_project_in_one_run() -> None:
    code, doc, err = run_json("breakdown", str(PLAN), str(PULUMI))
    assert code == 0, err
    sources = [p["source"] for p in doc["projects"]]
    assert sources == ["terraform-plan", "pulumi-program"]
    check_breakdown_keys(doc)
    total = sum(Decimal(p["monthly_cost"]) for p in doc["projects"])
    assert Decimal(doc["monthly_cost"]) == total


def test_var_var_file_and_tf_var(tmp_path: Path) -> None:
    def gpu_cost(*extra: str, env: dict[str, str] | None = None) -> str:
        _, doc, _ = run_json("breakdown", str(GPU), *extra, env=env)
        comp = resources(doc)["aws_instance.gpu"]["components"][0]
        return comp["name"]

    assert "g5.xlarge" in gpu_cost()
    assert "g5.12xlarge" in gpu_cost("--var", "itype=g5.12xlarge")
    varfile = tmp_path / "big.tfvars"
    varfile.write_text('itype = "g5.2xlarge"\n')
    assert "g5.2xlarge" in gpu_cost("--var-file", str(varfile))
    assert "g5.4xlarge" in gpu_cost(env={"TF_VAR_itype": "g5.4xlarge"})
    # precedence as Terraform: -var over -var-file over TF_VAR_
    assert "g5.12xlarge" in gpu_cost(
        "--var-file", str(varfile), "--var", "itype=g5.12xlarge", env={"TF_VAR_itype": "g5.4xlarge"}
    )


def test_usage_file_wildcard_and_type_default() -> None:
    code, doc, err = run_json("breakdown", str(GPU), "--usage-file", str(GPU / "costrail-usage.yml"))
    assert code == 0, err
    res = resources(doc)
    for i in (0, 1):
        hours = res[f"aws_instance.embedder[{i}]"]["components"][0]
        assert hours["unit"] == "hours" and Decimal(hours["quantity"]) == 100
        assert hours["monthly_cost"] == "8.32"
    lam = res["aws_lambda_function.api"]
    assert lam["priced"] is True and lam["monthly_cost"] == "5.20001"  # 0.20 + 300,000 GB-s x 0.0000166667


def test_usage_init_then_breakdown_with_the_result(tmp_path: Path) -> None:
    project = tmp_path / "stack"
    shutil.copytree(GPU, project)
    (project / "costrail-usage.yml").unlink()
    init = run("usage", "init", str(project))
    assert init.returncode == 0, init.stderr
    template = project / "costrail-usage.yml"
    assert template.is_file() and "aws_lambda_function" in template.read_text()
    code, doc, err = run_json("breakdown", str(project), "--usage-file", str(template))
    assert code == 0, err
    check_breakdown_keys(doc)


def test_path_that_does_not_exist() -> None:
    proc = run("breakdown", "no/such/dir")
    assert proc.returncode == 2
    assert "no/such/dir" in proc.stderr and "Traceback" not in proc.stderr


def test_empty_directory_warns_and_exits_0(tmp_path: Path) -> None:
    code, doc, err = run_json("breakdown", str(tmp_path))
    assert code == 0
    assert doc["projects"][0]["resources"] == [] and doc["monthly_cost"] == "0.00"
    assert "no resources found" in err and err.startswith("warning:")


def test_data_sources_only_lists_nothing_to_buy() -> None:
    code, doc, _ = run_json("breakdown", str(FIX / "dataonly"))
    assert code == 0
    check_breakdown_keys(doc)
    assert doc["projects"][0]["resources"] == []


@pytest.mark.parametrize("name, address", [("crlf", "aws_instance.w"), ("bom", "aws_instance.b")])
def test_windows_line_endings_and_bom(name: str, address: str) -> None:
    raw = (FIX / name / "main.tf").read_bytes()
    assert (b"\r\n" in raw) if name == "crlf" else raw.startswith(b"\xef\xbb\xbf")
    code, doc, err = run_json("breakdown", str(FIX / name))
    assert code == 0, err
    res = resources(doc)[address]
    assert res["location"]["line"] == 1
    assert res["components"][0]["name"] == "Instance usage (Linux/UNIX, on-demand, t3.micro)"


def test_unicode_tags_survive_every_format() -> None:
    _, doc, _ = run_json("breakdown", str(GPU))
    assert resources(doc)["aws_instance.gpu"]["tags"]["owner"] == "Zoë 😀"
    assert resources(doc)["aws_instance.gpu"]["tags"]["team"] == "ml"  # from default_tags
    for fmt in ("table", "markdown"):
        assert run("breakdown", str(GPU), "--format", fmt).returncode == 0


def test_unknown_instance_type_is_unpriced_with_a_reason_never_zero() -> None:
    code, doc, _ = run_json("breakdown", str(FIX / "unknown"))
    assert code == 0
    res = resources(doc)["aws_instance.picked"]
    assert res["monthly_cost"] is None and res["priced"] is False
    (item,) = doc["projects"][0]["unpriced"]
    assert item["address"] == "aws_instance.picked" and "after apply" in item["reason"]
    assert "usage_based" not in item  # a price is missing, not a usage quantity
    table = run("breakdown", str(FIX / "unknown")).stdout
    assert "unpriced: aws_instance.picked: instance_type is known only after apply" in table


# ---- config ------------------------------------------------------------------------------------


def test_config_found_in_scanned_path_expired_suppression_warns() -> None:
    code, doc, err = run_json("check", str(FIX / "suppress"))
    assert code == 1
    legacy = [f for f in doc["findings"] if f["address"] == "aws_instance.legacy"]
    assert legacy and not legacy[0].get("suppressed")
    assert "expired" in err and ".costrail.yml:3" in err
    inline = [f for f in doc["findings"] if f["address"] == "aws_instance.inline"]
    assert (
        inline
        and inline[0]["suppressed"] is True
        and inline[0]["suppression_reason"].endswith("owned by the data team")
    )


def test_explicit_config_valid_suppression_passes() -> None:
    code, doc, err = run_json("check", str(FIX / "suppress"), "--config", str(FIX / "configs" / "suppress-valid.yml"))
    assert code == 0, err
    assert all(f.get("suppressed") or f["enforcement"] == "advisory" for f in doc["findings"])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("invalid.yml", "invalid.yml:4: gpu.max_gpu: unknown key"),
        ("wrong-type.yml", "wrong-type.yml:3: budgets.monthly_increase_usd"),
    ],
)
def test_invalid_config_names_key_and_line(name: str, expected: str) -> None:
    proc = run("check", str(GPU), "--config", str(FIX / "configs" / name))
    assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=qa@example.com", "-c", "user.name=qa", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture()
def git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    shutil.copy(GPU / "main.tf", repo / "infra" / "main.tf")
    (repo / ".costrail.yml").write_text("version: 1\nrequired_tags: [owner-email]\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    return repo


def test_config_found_in_git_root(git_repo: Path) -> None:
    code, doc, _ = run_json("check", "infra", cwd=git_repo)
    assert code == 1
    assert any(f["rule"] == "CR-TAG-001" and "owner-email" in f["message"] for f in doc["findings"])


def test_diff_base_ref_in_a_git_repo(git_repo: Path) -> None:
    main = git_repo / "infra" / "main.tf"
    main.write_text(main.read_text().replace("g5.xlarge", "g5.2xlarge"))
    _git(git_repo, "commit", "-qam", "bigger gpu")
    code, doc, err = run_json("diff", "infra", "--base-ref", "HEAD~1", cwd=git_repo)
    assert code == 1, err  # head still misses the required owner-email tag (mandatory)
    assert doc["diff"]["delta_monthly_cost"] == "150.38"
    assert [r["address"] for r in doc["diff"]["resources"]] == ["aws_instance.gpu"]


def test_diff_says_when_head_is_unpriced(git_repo: Path) -> None:
    main = git_repo / "infra" / "main.tf"
    main.write_text(main.read_text().replace("g5.xlarge", "zz9.mega"))
    _git(git_repo, "commit", "-qam", "unknown type")
    code, doc, _ = run_json("diff", "infra", "--base-ref", "HEAD~1", cwd=git_repo)
    (res,) = doc["diff"]["resources"]
    flagged = res.get("delta_monthly_cost") is None or res.get("head_status") in ("unpriced", "partial")
    assert flagged, res
    table = run("diff", "infra", "--base-ref", "HEAD~1", cwd=git_repo).stdout
    assert "unpriced" in table.lower() or "not priced" in table.lower()


def test_check_sarif_on_multi_project_run() -> None:
    proc = run("check", str(GPU), str(FIX / "suppress"), "--format", "sarif")
    assert proc.returncode == 1
    sarif = json.loads(proc.stdout)
    assert sarif["version"] == "2.1.0" and sarif["runs"]
    results = [r for run_ in sarif["runs"] for r in run_["results"]]
    rules = {r["id"] for run_ in sarif["runs"] for r in run_["tool"]["driver"].get("rules", [])}
    assert results and all(r["ruleId"] in rules for r in results)
    for result in results:
        for loc in result.get("locations", []):
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert not uri.startswith("/") and loc["physicalLocation"]["region"]["startLine"] >= 1
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r.get("locations", [])}
    assert any("suppress" in u for u in uris), uris  # two main.tf files must be told apart


def test_var_file_error_names_the_var_file_as_given(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tfvars"
    bad.write_text("itype = \n")
    proc = run("breakdown", str(GPU), "--var-file", str(bad))
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"{bad}:1:") and DIAG_LINE.match(line), line


def test_misspelt_usage_key_is_a_warning_not_silence(tmp_path: Path) -> None:
    usage = tmp_path / "costrail-usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  aws_instance.embedder[*]: {monthly_hourz: 100}\n")
    code, doc, err = run_json("breakdown", str(GPU), "--usage-file", str(usage))
    assert code == 0
    assert "'monthly_hourz' is not a usage key of aws_instance" in err
    assert any("monthly_hourz" in w for w in doc["projects"][0]["warnings"])
    assert resources(doc)["aws_instance.embedder[0]"]["components"][0]["quantity"] == "730"


def test_diff_says_when_base_is_unpriced(tmp_path: Path) -> None:
    base = run("breakdown", str(GPU), "--var", "itype=zz9.mega", "--format", "json")
    (tmp_path / "base.json").write_text(base.stdout)
    code, doc, _ = run_json("diff", str(GPU), "--compare-to", str(tmp_path / "base.json"))
    (res,) = doc["diff"]["resources"]
    flagged = res.get("delta_monthly_cost") is None or res.get("base_status") in ("unpriced", "partial")
    assert flagged, res
    table = run("diff", str(GPU), "--compare-to", str(tmp_path / "base.json")).stdout
    assert "unpriced" in table.lower() or "not priced" in table.lower()


def test_config_projects_without_paths_and_sarif_uris_outside_cwd(tmp_path: Path) -> None:
    stack = tmp_path / "stacks" / "rag"
    shutil.copytree(GPU, stack)
    (stack / "prod.tfvars").write_text('itype = "g5.2xlarge"\n')
    (tmp_path / ".costrail.yml").write_text(
        "version: 1\nprojects:\n"
        "  - {path: stacks/rag, var_files: [prod.tfvars], usage_file: stacks/rag/costrail-usage.yml}\n"
        f"  - {{path: {FIX / 'suppress'}}}\n"
    )
    code, doc, err = run_json("breakdown", cwd=tmp_path)
    assert code == 0, err
    assert [p["path"] for p in doc["projects"]] == ["stacks/rag", str(FIX / "suppress")]
    rag = resources(doc)
    assert "g5.2xlarge" in rag["aws_instance.gpu"]["components"][0]["name"]
    assert rag["aws_instance.embedder[0]"]["components"][0]["quantity"] == "100"
    proc = run("check", "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 1
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for run_ in json.loads(proc.stdout)["runs"]
        for r in run_["results"]
        for loc in r.get("locations", [])
    }
    assert (FIX / "suppress" / "main.tf").as_uri() in uris
    assert not any(u.startswith("..") for u in uris), uris


def test_plan_with_values_known_only_after_apply_is_unpriced_not_zero() -> None:
    code, doc, _ = run_json("breakdown", str(FIX / "unknown.plan.json"))
    assert code == 0
    res = resources(doc)
    assert res["aws_instance.gpu"]["monthly_cost"] is None and res["aws_ecs_service.s"]["monthly_cost"] is None
    reasons = {u["address"]: u["reason"] for u in doc["projects"][0]["unpriced"]}
    assert reasons["aws_instance.gpu"] == "instance_type is known only after apply"
    assert "aws_ecs_service.s" in reasons
    assert doc["monthly_cost"] == "0.00"


def test_usage_init_prints_only_to_stderr_and_never_overwrites(tmp_path: Path) -> None:
    project = tmp_path / "stack"
    shutil.copytree(GPU, project)
    init = run("usage", "init", str(project))
    assert init.returncode == 2 and init.stdout == "" and "exists" in init.stderr
    to_stdout = run("usage", "init", str(project), "--out-file", "-")
    assert to_stdout.returncode == 0 and to_stdout.stdout.startswith("# costrail usage file")


@pytest.mark.parametrize("config, expected", [("budget-100.yml", 1), ("budget-1000.yml", 0)])
def test_diff_budget_gates_with_exit_1(config: str, expected: int, tmp_path: Path) -> None:
    base = run("breakdown", str(GPU), "--format", "json")
    (tmp_path / "base.json").write_text(base.stdout)
    args = ("diff", str(GPU), "--var", "itype=g5.2xlarge", "--compare-to", str(tmp_path / "base.json"))
    code, doc, err = run_json(*args, "--config", str(FIX / "configs" / config))
    assert code == expected, err
    bud = [f for f in doc["findings"] if f["rule"] == "CR-BUD-002"]
    assert bool(bud) == (expected == 1)


def test_policy_enforcement_override_and_disable() -> None:
    code, doc, _ = run_json("check", str(FIX / "gp2"))
    assert code == 0
    ebs = {f["rule"]: f for f in doc["findings"]}
    assert ebs["CR-EBS-001"]["enforcement"] == "advisory" and ebs["CR-EBS-001"]["monthly_saving"] == "10.00"
    assert "CR-LOG-001" in ebs
    code, doc, _ = run_json("check", str(FIX / "gp2"), "--config", str(FIX / "configs" / "enforce-ebs.yml"))
    assert code == 1
    rules = {f["rule"]: f["enforcement"] for f in doc["findings"]}
    assert rules == {"CR-EBS-001": "mandatory"}


def test_bad_plan_json_error_names_the_plan_file(tmp_path: Path) -> None:
    plan = tmp_path / "tfplan.json"
    plan.write_text('{"format_version": "1.2", "planned_values": {\n')
    proc = run("breakdown", str(plan), str(GPU))
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"{plan}:2:") and DIAG_LINE.match(line), line
    assert "aws_instance.gpu" in proc.stdout


def test_diff_base_ref_where_the_project_is_new(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("x\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    (repo / "infra").mkdir()
    shutil.copy(GPU / "main.tf", repo / "infra" / "main.tf")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "add infra")
    code, doc, err = run_json("diff", "infra", "--base-ref", "HEAD~1", cwd=repo)
    assert code == 0, err
    diff = doc["diff"]
    assert diff["base_monthly_cost"] == "0.00" and Decimal(diff["delta_monthly_cost"]) == Decimal(
        diff["head_monthly_cost"]
    )
    assert {r["change"] for r in diff["resources"]} == {"added"} and len(diff["resources"]) == 4


def test_check_input_error_exit_2_wins_over_a_mandatory_finding() -> None:
    code, doc, err = run_json("check", str(FIX / "suppress"), str(FIX / "broken"))
    assert code == 2
    assert "broken/main.tf:9:1:" in err
    assert "diff" not in doc
    assert any(f["rule"] == "CR-TAG-001" and not f.get("suppressed") for f in doc["findings"])


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_report_that_cannot_be_written_is_exit_2_in_one_line(fmt: str, tmp_path: Path) -> None:
    for target in (tmp_path / "missing" / "r.out", tmp_path):
        out = run("breakdown", str(GPU), "--format", fmt, "--out-file", str(target))
        assert out.returncode == 2, out.stderr  # never 1: CI reads 1 as a failed policy
        assert out.stderr.strip().splitlines() == [f"costrail: cannot write {target}: "
                                                   f"{'No such file or directory' if target != tmp_path else 'Is a directory'}"]
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            out = subprocess.run([sys.executable, "-m", "estimator", "breakdown", str(GPU), "--format", fmt],
                                 cwd=REPO, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert out.returncode == 2
        assert out.stderr.strip() == "costrail: cannot write the report to standard output: No space left on device"


def test_out_file_is_replaced_only_when_complete(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text("previous report", encoding="utf-8")
    assert run("breakdown", str(GPU), "--format", "json", "--out-file", str(report)).returncode == 0
    assert json.loads(report.read_text(encoding="utf-8"))["schema"] == "costrail/v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # no temporary file left
    link = tmp_path / "link.json"
    link.symlink_to(report)
    assert run("breakdown", str(GPU), "--format", "json", "--out-file", str(link)).returncode == 0
    assert link.is_symlink()  # written through, not replaced


def test_check_table_never_calls_an_unreadable_project_clean(tmp_path: Path) -> None:
    bad = tmp_path / "bad.plan.json"
    bad.write_text("not json\n", encoding="utf-8")
    proc = run("check", str(bad))
    assert proc.returncode == 2
    assert "No policy findings in what could be read." in proc.stdout
    assert f"Not fully checked (input errors, see stderr): {bad}" in proc.stdout


def test_a_missing_path_a_config_project_names_is_located_in_the_config(tmp_path: Path) -> None:
    """``projects:`` naming a root or var file that does not exist: exit 2, and the message says which
    entry of which config (QA17b: only an absolute path)."""
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    (tmp_path / ".costrail.yml").write_text("version: 1\nprojects:\n  - {path: web, var_files: [nope.tfvars]}\n"
                                            "  - {path: gone}\n", encoding="utf-8")
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert re.search(r"\.costrail\.yml:3: projects\[0\]: \S*web/nope\.tfvars: variable file not found", proc.stderr)
    assert re.search(r"\.costrail\.yml:4: projects\[1\]: \S*gone: no such file or directory", proc.stderr)


def test_a_projects_own_usage_file_wins_over_the_command_lines_and_says_so(tmp_path: Path) -> None:
    """QA17b: --usage-file was silently not used for a projects: entry naming its own usage_file."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n', encoding="utf-8")
    for name in ("usage.yml", "ci-usage.yml"):
        (tmp_path / name).write_text("version: 0.1\n", encoding="utf-8")
    (tmp_path / ".costrail.yml").write_text("version: 1\nprojects:\n  - {path: a, usage_file: usage.yml}\n"
                                            "  - {path: b}\n", encoding="utf-8")
    proc = run("breakdown", "--usage-file", "ci-usage.yml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"warning: \S*\.costrail\.yml:3: projects\[0\]: a reads its own usage_file \S*usage\.yml, "
                     r"not --usage-file ci-usage\.yml", proc.stderr)
    assert "projects[1]" not in proc.stderr  # b reads the command line's
