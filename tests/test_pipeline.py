"""The pipeline: several projects, one usage file, bad input in one project."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions
from estimator.pipeline import ProjectSpec, run, specs_from
from tests.conftest import FIXTURES

PIPE = FIXTURES / "pipeline"


def _base_repo(repo: Path, broken: bool = False) -> None:
    """Projects a and b sharing the usage file, committed as the base (a with a syntax error if ``broken``)."""
    import shutil
    import subprocess

    for name in ("a", "b"):
        shutil.copytree(PIPE / name, repo / name)
    shutil.copy(PIPE / "usage.yml", repo / "usage.yml")
    if broken:
        (repo / "a" / "bad.tf").write_text('resource "aws_eip" "x" {\n  domain =\n}\n', encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)


def _diff_against_head(repo: Path) -> dict:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "estimator", "diff", str(repo / "a"), str(repo / "b"),
         "--base-ref", "HEAD", "--usage-file", str(repo / "usage.yml"), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)["diff"]


def test_llm_usage_of_a_shared_usage_file_is_counted_once() -> None:
    usage = str(PIPE / "usage.yml")
    specs = [ProjectSpec(str(PIPE / "a"), usage_file=usage), ProjectSpec(str(PIPE / "b"), usage_file=usage)]
    first, second = run(specs, LoadOptions())
    llm_first = [c for c in first.costed if c.resource.type == "bedrock_llm_usage"]
    llm_second = [c for c in second.costed if c.resource.type == "bedrock_llm_usage"]
    assert len(llm_first) == 1 and llm_second == []
    # 1,000 × 1K tokens in and out at $0.00072 per 1K each (bedrock.csv)
    assert llm_first[0].monthly_cost == Decimal("1.44")
    nat = Decimal("0.045") * 730
    assert first.monthly_cost == nat + Decimal("1.44")
    assert second.monthly_cost == nat


def test_llm_usage_goes_to_the_next_project_when_its_owner_cannot_be_read(tmp_path: Path) -> None:
    """The spend must not depend on PATH order: a broken first project hands it on (found by QA11)."""
    usage = str(PIPE / "usage.yml")
    broken = tmp_path / "broken.plan.json"
    broken.write_text("not json\n", encoding="utf-8")
    first, second = run([ProjectSpec(str(broken), usage_file=usage), ProjectSpec(str(PIPE / "b"), usage_file=usage)],
                        LoadOptions())
    assert first.error is not None and first.costed == []
    llm = [c for c in second.costed if c.resource.type == "bedrock_llm_usage"]
    assert len(llm) == 1 and llm[0].monthly_cost == Decimal("1.44")


def test_llm_usage_leaves_an_owner_read_with_errors(tmp_path: Path) -> None:
    """An owner read in part (one bad file) is left out of the total: its usage file's LLM spend
    moves to the next project with that usage file, never vanishing with it (found by QA12)."""
    import shutil

    shutil.copytree(PIPE / "a", tmp_path / "a")
    (tmp_path / "a" / "bad.tf").write_text('resource "aws_eip" "x" {\n  domain =\n}\n', encoding="utf-8")
    usage = str(PIPE / "usage.yml")
    first, second = run([ProjectSpec(str(tmp_path / "a"), usage_file=usage),
                         ProjectSpec(str(PIPE / "b"), usage_file=usage)], LoadOptions(), check=True)
    assert first.failed and first.error is None and first.costed  # read in part
    assert [c for c in first.costed if c.resource.type == "bedrock_llm_usage"] == []
    llm = [c for c in second.costed if c.resource.type == "bedrock_llm_usage"]
    assert len(llm) == 1 and llm[0].monthly_cost == Decimal("1.44")
    assert second.monthly_cost == Decimal("0.045") * 730 + Decimal("1.44")


def test_diff_base_keeps_llm_usage_when_its_owner_breaks(tmp_path: Path) -> None:
    """A ``--base-ref`` base whose first project has an input error still counts the usage file's
    LLM spend once, on the next project: the delta is the head's change, not the spend."""
    _base_repo(tmp_path, broken=True)
    (tmp_path / "a" / "bad.tf").unlink()  # the PR fixes the broken file
    diff = _diff_against_head(tmp_path)
    # compared: project b on both sides (a's base is unreadable), with the spend on it on both
    nat = Decimal("0.045") * 730
    assert Decimal(diff["base_monthly_cost"]) == Decimal(diff["head_monthly_cost"]) == nat + Decimal("1.44")
    assert Decimal(diff["delta_monthly_cost"]) == 0
    assert all(r["address"] != "llm_usage[0]" for r in diff["resources"])  # not moved: no change


@pytest.mark.parametrize(("entries", "warned"), [
    # no entry matches: the file serves other stacks too, run one by one; no mistake, no warning (QA13)
    ({"aws_nat_gateway.main": 1, "aws_lambda_function.query": 2}, []),
    # an entry for a stack not in this run, next to one that matches: no mistake, no warning
    ({"aws_nat_gateway.a": 1, "aws_sagemaker_endpoint.chat": 2}, []),
    # a glob other than [*] is never read: said (QA21a: silently ignored)
    ({"aws_nat_gateway.*": 1}, ["aws_nat_gateway.*: the only wildcard is [*] (every instance of one resource, "
                                "as infracost reads it)"]),
])
def test_usage_addresses_that_price_nothing_are_warned_when_a_mistake(
        tmp_path: Path, entries: dict[str, int], warned: list[str]) -> None:
    body = "".join(f"  {address}:\n    monthly_data_processed_gb: {gb}\n" for address, gb in entries.items())
    usage = tmp_path / "usage.yml"
    usage.write_text(f"version: 0.1\nresource_usage:\n{body}", encoding="utf-8")
    result, _ = run([ProjectSpec(str(PIPE / name), usage_file=str(usage)) for name in ("a", "b")], LoadOptions())
    got = [d.message.split("usage for ", 1)[1].removesuffix("; it is ignored").replace(" matches no resource", "")
           for d in result.project.warnings if "matches no resource" in d.message]
    assert got == warned
    assert all(d.message.startswith(f"{usage}:") for d in result.project.warnings if "matches no resource" in d.message)


def test_a_missing_project_fails_alone() -> None:
    bad, good = run([ProjectSpec(str(PIPE / "nope")), ProjectSpec(str(PIPE / "a"))], LoadOptions())
    assert bad.failed and "no such file" in str(bad.error)
    assert not good.failed and good.monthly_cost == Decimal("0.045") * 730


def test_diff_counts_shared_llm_usage_once_on_both_sides(tmp_path: Path) -> None:
    """Base and head both carry the usage file's API spend once: the delta is the resource change only."""
    _base_repo(tmp_path)
    main_tf = tmp_path / "b" / "main.tf"
    main_tf.write_text(main_tf.read_text() + '\nresource "aws_eip" "extra" {\n  domain = "vpc"\n}\n')
    diff = _diff_against_head(tmp_path)
    assert Decimal(diff["delta_monthly_cost"]) == Decimal("0.005") * 730  # the new public IPv4 address


def test_diff_keeps_llm_usage_on_a_project_of_both_sides_when_one_is_removed_or_added(tmp_path: Path) -> None:
    """The spend stays on a project that is on both sides: removing the first project (its base owner)
    or adding a new first one moves nothing onto b, so b shows no change and its budget holds (QA13)."""
    import shutil
    import subprocess
    import sys

    _base_repo(tmp_path)
    shutil.rmtree(tmp_path / "a")  # the PR removes a
    out = subprocess.run(
        [sys.executable, "-m", "estimator", "diff", str(tmp_path / "b"), "--base-ref", "HEAD",
         "--usage-file", str(tmp_path / "usage.yml"), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    projects = {p["path"]: p for p in json.loads(out.stdout)["diff"]["projects"]}
    b = next(p for path, p in projects.items() if path.endswith("b"))
    assert Decimal(b["delta_monthly_cost"]) == 0

    shutil.copytree(PIPE / "a", tmp_path / "new")  # a new project given first
    out = subprocess.run(
        [sys.executable, "-m", "estimator", "diff", str(tmp_path / "new"), str(tmp_path / "b"), "--base-ref", "HEAD",
         "--usage-file", str(tmp_path / "usage.yml"), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    diff = json.loads(out.stdout)["diff"]
    nat = Decimal("0.045") * 730
    assert Decimal(diff["delta_monthly_cost"]) == nat  # the new project's NAT gateway; the spend is on b both sides


def test_projects_read_in_forks_give_the_one_process_result(monkeypatch) -> None:
    """Several PATHs: forks on spare cores read some projects; the results are the serial ones."""
    import pickle

    from estimator import forking
    from estimator.loaders import LoadOptions
    from estimator.pipeline import ProjectSpec, run

    stacks = Path(__file__).resolve().parents[1] / "stacks"
    specs = [ProjectSpec(path=str(stacks / name)) for name in ("rag-inference", "gpu-training-eks")]
    monkeypatch.setattr(forking, "spare_cores", lambda: 0)
    serial = run(specs, LoadOptions(environ={}), price=True, check=True)
    monkeypatch.setattr(forking, "spare_cores", lambda: 1)
    forked = run(specs, LoadOptions(environ={}), price=True, check=True)
    for a, b in zip(serial, forked, strict=True):
        assert a.monthly_cost == b.monthly_cost and a.monthly_cost > 0
        assert [f.to_json() for f in a.findings] == [f.to_json() for f in b.findings]
        assert [c.to_json() for c in a.costed] == [c.to_json() for c in b.costed]
        assert [str(d) for d in a.diagnostics] == [str(d) for d in b.diagnostics]
        assert pickle.loads(pickle.dumps(a.project)).resources == b.project.resources


@pytest.mark.parametrize(("entry", "resource", "meant"), [
    # a typo of an address of the same type that has no usage
    ("aws_lambda_function.querry", ("aws_lambda_function.query", "aws_lambda_function", "query"),
     "aws_lambda_function.query"),
    # the same resource in the other form's address scheme (Terraform's for a Pulumi resource)
    ("aws_apigatewayv2_api.chat", ("chat", "aws_apigatewayv2_api", "chat"), "chat"),
    # and the other way round (Pulumi's name:type for a Terraform resource; found by QA14)
    ("query:aws_lambda_function", ("aws_lambda_function.query", "aws_lambda_function", "query"),
     "aws_lambda_function.query"),
])
def test_usage_address_mistakes_name_the_address_meant(
        tmp_path: Path, entry: str, resource: tuple[str, str, str], meant: str) -> None:
    from estimator.model import Project, Resource
    from estimator.pipeline import ProjectResult, _warn_unmatched_usage

    usage = tmp_path / "usage.yml"
    usage.write_text(f"version: 0.1\nresource_usage:\n  {entry}: {{monthly_requests: 5}}\n"
                     "  aws_nat_gateway.main: {monthly_data_processed_gb: 1}\n", encoding="utf-8")
    project = Project(path="p", source="terraform-hcl")
    project.resources += [Resource(*resource), Resource("aws_nat_gateway.a", "aws_nat_gateway", "a")]
    _warn_unmatched_usage([ProjectResult(ProjectSpec("p", usage_file=str(usage)), project)])
    assert [d.message for d in project.warnings] == [  # aws_nat_gateway.main: another stack's, no mistake
        f"{usage}:3: usage for {entry} matches no resource (did you mean {meant}?); it is ignored"]


def test_diff_removed_project_takes_its_own_usage_files_llm_spend(tmp_path: Path) -> None:
    """A project only the base has, with a usage file of its own, keeps that file's LLM spend: its removal
    is its whole cost, and nothing moves onto the projects of another usage file (found by QA14)."""
    import shutil
    import subprocess
    import sys

    for name in ("a", "b", "c"):
        shutil.copytree(PIPE / ("a" if name != "b" else "b"), tmp_path / name)
    shutil.copy(PIPE / "usage.yml", tmp_path / "u2.yml")  # c's own: 1.44 of LLM tokens
    (tmp_path / "u1.yml").write_text("version: 0.1\n", encoding="utf-8")
    projects = ("  - {path: a, usage_file: u1.yml}\n  - {path: b, usage_file: u1.yml}\n"
                "  - {path: c, usage_file: u2.yml}\n")
    (tmp_path / ".costrail.yml").write_text("version: 1\nprojects:\n" + projects, encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    shutil.rmtree(tmp_path / "c")  # the PR removes c
    (tmp_path / ".costrail.yml").write_text("version: 1\nprojects:\n" + projects.rsplit("  - {path: c", 1)[0],
                                            encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "estimator", "diff", "--base-ref", "HEAD", "--format", "json"],
                         capture_output=True, text=True, check=False, cwd=tmp_path)
    assert out.returncode in (0, 1), out.stderr
    by_path = {p["path"]: p for p in json.loads(out.stdout)["diff"]["projects"]}
    nat = Decimal("0.045") * 730
    assert [Decimal(by_path[p]["delta_monthly_cost"]) for p in ("a", "b")] == [0, 0]
    assert Decimal(by_path["c"]["delta_monthly_cost"]) == -(nat + Decimal("1.44"))


def test_a_usage_file_error_shared_by_projects_is_printed_once(tmp_path: Path) -> None:
    """Three projects, one bad usage file: one line on stderr, not three (found by QA15)."""
    import subprocess
    import sys

    usage = tmp_path / "u.yml"
    usage.write_text("version: 0.1\nbogus: 1\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "estimator", "breakdown", str(PIPE / "a"), str(PIPE / "b"),
                          "--usage-file", str(usage)], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert out.stderr.count("unknown usage file key 'bogus'") == 1


def test_entries_of_one_root_are_named_by_what_differs() -> None:
    """dev (no var files) and prod (prod.tfvars) sharing a usage file: named by their var files, never by
    the usage file they share (QA19a)."""
    from estimator.config import Config, ProjectConfig

    config = Config(projects=[ProjectConfig("stacks/app", usage_file="u.yml"),
                              ProjectConfig("stacks/app", var_files=["prod.tfvars"], usage_file="u.yml"),
                              ProjectConfig("stacks/llm", stack="dev"), ProjectConfig("stacks/llm", stack="prod"),
                              ProjectConfig("stacks/other")])
    names = [s.name for s in specs_from([], usage_file=None, config=config)]
    assert names == ["stacks/app (no var files)", "stacks/app (prod.tfvars)", "stacks/llm (stack dev)",
                     "stacks/llm (stack prod)", "stacks/other"]


def test_a_message_is_one_safe_log_line() -> None:
    """A newline or ESC in a file name or a validation message is escaped, and no line starts with "::",
    which GitHub Actions reads as a workflow command (QA19b)."""
    from estimator.errors import one_line

    assert one_line("a\n::error::forged\x1b[2J.tf:2: bad") == "a\\x0a::error::forged\\x1b[2J.tf:2: bad"
    assert one_line("::warning file=x::y.tf:1: e") == "costrail: ::warning file=x::y.tf:1: e"
    assert one_line("main.tf:3: fine") == "main.tf:3: fine"
