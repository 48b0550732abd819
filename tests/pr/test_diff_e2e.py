"""End to end through the CLI: a git repo with a base and a head commit of a stack.

Expected prices (us-east-1, the bundled catalog): g5.xlarge $1.006/h, g5.2xlarge $1.212/h,
m5.large $0.096/h, gp3 $0.08/GB-month; 730 hours a month. The change resizes the GPU
instance (+730 × 0.206 = +150.38), removes the web instance (−70.08 − 20 GB × 0.08 = −71.68)
and adds a 200 GB gp3 volume (+16.00): +94.70 a month.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from estimator.cli import cli
from tests.pr import gitrepo

pytest.importorskip("estimator.loaders.terraform_hcl")
pytest.importorskip("estimator.pricing.engine")
pytest.importorskip("policies.engine")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"
EXPECTED_DELTA = "94.70"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = gitrepo.init(tmp_path / "repo")
    (repo / "README.md").write_text("demo\n")
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "app")
    gitrepo.commit(repo, "base")
    gitrepo.copy_tree(FIXTURES / "stack_head", repo / "stacks" / "app")
    gitrepo.commit(repo, "head")
    # Work in progress that must survive untouched: a staged change and an untracked file.
    (repo / "README.md").write_text("demo, staged\n")
    gitrepo.git(repo, "add", "README.md")
    (repo / "notes.txt").write_text("untracked\n")
    return repo


def run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output


def diff_json(repo: Path, out: Path) -> dict:
    doc = json.loads(out.read_text())
    assert doc["schema"] == "costrail/v1"
    return doc


def head_gate(doc: dict) -> int:
    failing = [f for f in doc["findings"] if f["enforcement"] == "mandatory" and not f.get("suppressed")]
    return 1 if failing else 0


def test_base_ref_exact_delta_and_clean_status(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = gitrepo.status(repo)
    index = (repo / ".git" / "index").read_bytes()
    out = tmp_path / "diff.json"
    code, output = run(
        ["diff", "stacks/app", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(out)], repo, monkeypatch
    )
    doc = diff_json(repo, out)
    diff = doc["diff"]
    assert diff["delta_monthly_cost"] == EXPECTED_DELTA, output
    assert Decimal(diff["head_monthly_cost"]) - Decimal(diff["base_monthly_cost"]) == Decimal(EXPECTED_DELTA)
    changes = {r["address"]: (r["change"], r["delta_monthly_cost"]) for r in diff["resources"]}
    assert changes == {
        "aws_instance.gpu": ("changed", "150.38"),
        "aws_instance.web": ("removed", "-71.68"),
        "aws_ebs_volume.data": ("added", "16.00"),
    }
    gpu = next(r for r in diff["resources"] if r["address"] == "aws_instance.gpu")
    assert {c["head_monthly_cost"] for c in gpu["components"]} >= {"884.76"}
    assert code == head_gate(doc)
    # The user's repository is exactly as it was.
    assert gitrepo.status(repo) == before
    assert (repo / ".git" / "index").read_bytes() == index
    assert "worktree" not in gitrepo.git(repo, "worktree", "list").split("\n", 1)[-1]


def test_from_a_subdirectory(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "diff.json"
    run(["diff", "app", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(out)], repo / "stacks", monkeypatch)
    assert diff_json(repo, out)["diff"]["delta_monthly_cost"] == EXPECTED_DELTA


def test_compare_to_saved_breakdown(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base_dir = tmp_path / "base_stack"
    shutil.copytree(FIXTURES / "stack_base", base_dir)
    saved = tmp_path / "base.json"
    code, output = run(["breakdown", str(base_dir), "--format", "json", "--out-file", str(saved)], tmp_path, monkeypatch)
    assert code == 0, output
    out = tmp_path / "diff.json"
    run(["diff", "stacks/app", "--compare-to", str(saved), "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    assert diff_json(repo, out)["diff"]["delta_monthly_cost"] == EXPECTED_DELTA


def test_a_saved_breakdown_says_no_policy_ran_and_a_saved_check_tells_existing_findings(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = repo / "stacks" / "app"
    saved: dict[str, Path] = {}
    for command in ("breakdown", "check"):
        saved[command] = tmp_path / f"{command}.json"
        run([command, str(head), "--format", "json", "--out-file", str(saved[command])], tmp_path, monkeypatch)
    assert json.loads(saved["breakdown"].read_text())["policies_checked"] is False
    assert json.loads(saved["check"].read_text())["policies_checked"] is True
    docs = {}
    for command, base in saved.items():
        out = tmp_path / f"diff-{command}.json"
        run(["diff", "stacks/app", "--compare-to", str(base), "--format", "json", "--out-file", str(out)], repo,
            monkeypatch)
        docs[command] = diff_json(repo, out)["diff"]["findings"]
    # the same tree on both sides: against a check report every finding already exists...
    assert docs["check"]["base_checked"] is True and docs["check"]["new"] == []
    assert docs["check"]["existing"]
    # ...against a breakdown report "new" cannot be told, and the report says so
    assert docs["breakdown"]["base_checked"] is False
    assert len(docs["breakdown"]["new"]) == len(docs["check"]["existing"])
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "stacks/app", "--compare-to", str(saved["breakdown"]),
                                      "--format", "markdown"])
    assert "saved by `costrail breakdown`, which runs no policies" in result.stdout
    assert "warning: the base report was saved by `costrail breakdown`" in result.stderr


def test_markdown_comment(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "comment.md"
    run(["diff", "stacks/app", "--base-ref", "HEAD~1", "--format", "markdown", "--out-file", str(out)], repo, monkeypatch)
    body = out.read_text()
    assert body.startswith("<!-- costrail-comment -->\n")
    assert "monthly cost will increase by **+$94.70**" in body
    assert "`aws_instance.gpu`" in body and "`aws_instance.web`" in body
    assert "```mermaid" in body and '"cc-1234"' in body


def test_no_change_against_head(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "diff.json"
    run(["diff", "stacks/app", "--base-ref", "HEAD", "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    diff = diff_json(repo, out)["diff"]
    assert diff["delta_monthly_cost"] == "0.00" and diff["resources"] == []
    assert diff["findings"]["new"] == [] and diff["findings"]["resolved"] == []


def test_input_error_in_head_exits_2(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "stacks" / "app" / "broken.tf").write_text('resource "aws_instance" "x" {\n  ami = \n')
    before = gitrepo.status(repo)
    code, output = run(["diff", "stacks/app", "--base-ref", "HEAD~1"], repo, monkeypatch)
    assert code == 2
    assert "broken.tf" in output
    assert gitrepo.status(repo) == before


def test_bad_ref_exits_2(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run(["diff", "stacks/app", "--base-ref", "no-such-branch"], repo, monkeypatch)
    assert code == 2 and "no-such-branch" in output


def test_needs_exactly_one_base(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run(["diff", "stacks/app"], repo, monkeypatch)
    assert code == 2 and "--base-ref" in output


def test_config_projects_only_in_base_or_head_and_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`projects:` from .costrail.yml: the base's own list gives the project only in base."""
    repo = gitrepo.init(tmp_path / "multi")
    config = "version: 1\nbudgets:\n  monthly_increase_usd: 50\nprojects:\n  - {{path: stacks/app}}\n  - {{path: stacks/{other}}}\n"
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "app")
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "old")
    (repo / ".costrail.yml").write_text(config.format(other="old"))
    gitrepo.commit(repo, "base")
    gitrepo.copy_tree(FIXTURES / "stack_head", repo / "stacks" / "app")
    gitrepo.copy_tree(FIXTURES / "stack_head", repo / "stacks" / "new")
    shutil.rmtree(repo / "stacks" / "old")
    (repo / ".costrail.yml").write_text(config.format(other="new"))
    before = gitrepo.status(repo)
    out = tmp_path / "diff.json"
    code, output = run(["diff", "--base-ref", "HEAD", "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    diff = diff_json(repo, out)["diff"]
    projects = {p["path"]: (p["presence"], p["delta_monthly_cost"]) for p in diff["projects"]}
    assert projects == {
        "stacks/app": ("both", "94.70"),
        "stacks/new": ("added", "912.76"),
        "stacks/old": ("removed", "-818.06"),
    }
    assert diff["delta_monthly_cost"] == "189.40"
    budget = [(f["project"], f["enforcement"]) for f in diff["budget"]["findings"]]
    assert budget == [("stacks/app", "mandatory"), ("stacks/new", "mandatory"), ("(all projects)", "mandatory")]
    assert diff["budget"]["exceeded"] is True
    assert code == 1, output
    assert gitrepo.status(repo) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "costrail/v1", "projects": [', "not valid JSON"),
        ('{"schema": "something-else"}', "not a costrail/v1 JSON report"),
    ],
)
def test_bad_compare_to_exits_2(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, message: str
) -> None:
    saved = tmp_path / "base.json"
    saved.write_text(content)
    code, output = run(["diff", "stacks/app", "--compare-to", str(saved)], repo, monkeypatch)
    assert code == 2
    assert message in output and "base.json" in output
    assert "Traceback" not in output


def test_nothing_read_changed_needs_no_checkout(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a README and a notes file differ from HEAD: the base is the head, read once."""
    from estimator import worktree

    def no_checkout(*args: object, **kwargs: object) -> None:
        raise AssertionError("the base should not be checked out")

    monkeypatch.setattr(worktree, "checkout", no_checkout)
    out = tmp_path / "diff.json"
    code, output = run(
        ["diff", "stacks/app", "--base-ref", "HEAD", "--format", "json", "--out-file", str(out)], repo, monkeypatch
    )
    assert code in (0, 1), output
    assert diff_json(repo, out)["diff"]["delta_monthly_cost"] == "0.00"
    # A change inside the project does need the base.
    (repo / "stacks" / "app" / "extra.tf").write_text("# comment only\n")
    with pytest.raises(AssertionError, match="should not be checked out"):
        run(["diff", "stacks/app", "--base-ref", "HEAD"], repo, monkeypatch)


def test_markdown_golden_end_to_end(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole comment of the two-commit repo, real prices; the catalog's dates line is masked
    (it changes with every catalog refresh, which has its own tests)."""
    import os
    import re

    monkeypatch.setenv("COSTRAIL_LINK_BASE", "https://github.com/o/r/blob/HEADSHA")
    out = tmp_path / "comment.md"
    run(["diff", "stacks/app", "--base-ref", "HEAD~1", "--format", "markdown", "--out-file", str(out)], repo, monkeypatch)
    body = re.sub(r"as of: .*?\. Costs", "as of: <catalog dates>. Costs", out.read_text())
    golden = FIXTURES / "e2e_comment.golden.md"
    if os.environ.get("COSTRAIL_UPDATE_GOLDEN") == "1":
        golden.write_text(body, encoding="utf-8")
    assert body == golden.read_text(encoding="utf-8")


def test_base_read_in_a_fork_gives_the_serial_result(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The changed base is read on a spare core while the head is read: same report, same base
    warnings, as when everything runs in one process (``COSTRAIL_WORKERS=0``)."""
    import subprocess
    import sys

    broken = repo / "stacks" / "other"
    broken.mkdir()
    (broken / "main.tf").write_text('resource "aws_instance" "x" {\n  instance_type = var.nope\n}\n')
    gitrepo.git(repo, "add", "-A")
    gitrepo.commit(repo, "a base with an error")
    # the working tree: the error fixed, and the app back at its base version, so both projects
    # differ from HEAD and both bases are read in the fork
    (broken / "main.tf").write_text('resource "aws_instance" "x" {\n  instance_type = "m5.large"\n}\n')
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "app")
    outputs = []
    for workers in ("2", "0"):
        out = tmp_path / f"diff-{workers}.json"
        proc = subprocess.run(
            [sys.executable, "-m", "estimator", "diff", "stacks/app", "stacks/other", "--base-ref", "HEAD",
             "--format", "json", "--out-file", str(out), "--cache-dir", str(tmp_path / f"cache-{workers}")],
            cwd=repo, capture_output=True, text=True, env={**__import__("os").environ, "COSTRAIL_WORKERS": workers},
            check=False,
        )
        assert proc.returncode in (0, 1), proc.stderr
        outputs.append((out.read_text(), proc.stderr))
    (forked, forked_err), (serial, serial_err) = outputs
    assert forked == serial
    assert forked_err == serial_err
    assert "warning: base (" in serial_err and "nope" in serial_err
    assert ": stacks/other/main.tf:2:" in serial_err  # named under the project, as the head's errors are
    assert json.loads(serial)["diff"]["delta_monthly_cost"] != "0.00"


def test_the_base_really_comes_from_the_fork(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from estimator import forking

    delivered: list[bool] = []
    real_result = forking.Future.result

    def recording_result(self: forking.Future) -> tuple[bool, object]:
        ok, value = real_result(self)
        delivered.append(ok)
        return ok, value

    monkeypatch.setattr(forking, "spare_cores", lambda: 1)
    monkeypatch.setattr(forking.Future, "result", recording_result)
    forked_out, serial_out = tmp_path / "forked.json", tmp_path / "serial.json"
    run(["diff", "stacks/app", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(forked_out)], repo,
        monkeypatch)
    assert delivered == [True]
    monkeypatch.setattr(forking, "spare_cores", lambda: 0)
    run(["diff", "stacks/app", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(serial_out)], repo,
        monkeypatch)
    assert delivered == [True, False]  # no fork: the base was read here
    assert forked_out.read_text() == serial_out.read_text()
    assert diff_json(repo, forked_out)["diff"]["delta_monthly_cost"] == EXPECTED_DELTA


@pytest.mark.parametrize("var_file_inside", [True, False])
def test_a_changed_var_file_from_the_command_line_is_read_from_each_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, var_file_inside: bool
) -> None:
    """`--var-file app/prod.tfvars`: the base reads the file as committed, the head as edited
    (the base had read the head's copy, and 1 -> 3 m5.large showed as $0.00)."""
    repo = gitrepo.init(tmp_path / "repo")
    (repo / "app").mkdir()
    (repo / "app" / "main.tf").write_text(
        'variable "n" { type = number }\n'
        'resource "aws_instance" "w" {\n  count = var.n\n  ami = "ami-1"\n  instance_type = "m5.large"\n'
        '  root_block_device {\n    volume_size = 8\n  }\n}\n')
    var_dir = repo if var_file_inside else tmp_path
    (var_dir / "prod.tfvars").write_text("n = 1\n")
    gitrepo.commit(repo, "base")
    (var_dir / "prod.tfvars").write_text("n = 3\n")
    out = tmp_path / "diff.json"
    code, output = run(["diff", "app", "--var-file", str(var_dir / "prod.tfvars"), "--base-ref", "HEAD",
                        "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    assert code in (0, 1), output
    change = diff_json(repo, out)["diff"]
    if var_file_inside:
        assert Decimal(change["base_monthly_cost"]) > 70  # one m5.large ($70.08) and its root volume
        assert Decimal(change["base_monthly_cost"]) * 3 == Decimal(change["head_monthly_cost"])
        assert Decimal(change["delta_monthly_cost"]) == 2 * Decimal(change["base_monthly_cost"])
    else:  # outside the repository there is no committed version: both sides read it as it is
        assert change["delta_monthly_cost"] == "0.00"


def test_the_base_shares_the_working_trees_ignored_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After `terraform init` the remote modules live in the ignored `.terraform/`, and a local
    `*.auto.tfvars` is often ignored too: the base checkout has neither, and read without them
    every module resource looked added. A comment-only change must cost $0.00."""
    repo = gitrepo.init(tmp_path / "repo")
    app = repo / "app"
    (app / ".terraform" / "modules" / "gpu").mkdir(parents=True)
    (app / "main.tf").write_text(
        'variable "n" {\n  type    = number\n  default = 1\n}\n'
        'module "gpu" {\n  source = "example/gpu/aws"\n  n      = var.n\n}\n')
    (app / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "gpu", "Source": "registry.terraform.io/example/gpu/aws", "Dir": ".terraform/modules/gpu"}]}))
    (app / ".terraform" / "modules" / "gpu" / "main.tf").write_text(
        'variable "n" { type = number }\n'
        'resource "aws_instance" "w" {\n  count = var.n\n  ami = "ami-1"\n  instance_type = "m5.large"\n}\n')
    (repo / ".gitignore").write_text(".terraform/\n*.auto.tfvars\n")
    gitrepo.commit(repo, "base")
    (app / "local.auto.tfvars").write_text("n = 3\n")
    with (app / "main.tf").open("a") as fh:
        fh.write("# a comment\n")
    out = tmp_path / "diff.json"
    code, output = run(["diff", "app", "--base-ref", "HEAD", "--format", "json", "--out-file", str(out)],
                       repo, monkeypatch)
    assert code in (0, 1), output
    change = diff_json(repo, out)["diff"]
    assert Decimal(change["base_monthly_cost"]) > 3 * Decimal("70.08") - 1  # 3 m5.large from the module
    assert change["delta_monthly_cost"] == "0.00" and change["resources"] == []
    assert "not installed" not in output
    assert not any(p.is_symlink() for p in app.iterdir())  # nothing left in the user's tree
    assert (app / ".terraform" / "modules" / "gpu" / "main.tf").is_file()  # the checkout's removal kept it


def test_a_base_pulumi_program_that_fails_is_named_under_its_project(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Its error is relative to the program (``__main__.py:3``), as a Terraform base's diagnostics
    are: the warning names it under the project path given, as the head's errors are named."""
    repo = gitrepo.init(tmp_path / "repo")
    app = repo / "infra" / "llm"
    app.mkdir(parents=True)
    (app / "Pulumi.yaml").write_text("name: llm\nruntime: python\n", encoding="utf-8")
    (app / "__main__.py").write_text('import pulumi_aws as aws\n\nraise RuntimeError("broken base")\n',
                                     encoding="utf-8")
    gitrepo.commit(repo, "base")
    (app / "__main__.py").write_text('import pulumi_aws as aws\n\naws.s3.Bucket("b")\n', encoding="utf-8")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "infra/llm", "--base-ref", "HEAD", "--format", "json"])
    assert result.exit_code in (0, 1), result.output  # a broken base is a warning, never exit 2
    assert re.search(r"warning: base \(\w+\): infra/llm/__main__.py:3: the program raised RuntimeError", result.stderr)


def test_a_pulumi_stack_the_change_adds_is_an_added_project_under_the_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``diff --stack staging --base-ref main`` where the PR adds Pulumi.staging.yaml: the base has no such
    stack, so its resources are added and CR-BUD-002 judges them, as for a new Terraform root (QA16c: the
    base was "unreadable", every cost null, the budget skipped, exit 0)."""
    repo = gitrepo.init(tmp_path / "repo")
    app = repo / "infer"
    app.mkdir()
    (app / "Pulumi.yaml").write_text("name: infer\nruntime: python\n", encoding="utf-8")
    (app / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n", encoding="utf-8")
    (app / "__main__.py").write_text('import pulumi_aws as aws\n\naws.ec2.Instance("w", ami="a", '
                                     'instance_type="g5.xlarge")\n', encoding="utf-8")
    (repo / ".costrail.yml").write_text("version: 1\nrequired_tags: []\nbudgets:\n  monthly_increase_usd: 100\n",
                                        encoding="utf-8")
    gitrepo.commit(repo, "base")
    (app / "Pulumi.staging.yaml").write_text("config:\n  aws:region: us-east-1\n", encoding="utf-8")
    out = tmp_path / "diff.json"
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "infer", "--stack", "staging", "--base-ref", "HEAD", "--format", "json",
                                      "--out-file", str(out)])
    assert result.exit_code == 1, result.output  # the budget: +$734.38 > $100
    change = json.loads(out.read_text())["diff"]
    (project,) = change["projects"]
    assert (project["presence"], project["unreadable"]) == ("added", [])
    assert (change["base_monthly_cost"], change["delta_monthly_cost"]) == ("0.00", "734.38")
    assert "the change adds this stack" in result.stderr


def test_both_sides_name_their_input_errors_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """diff.projects[].errors of base and head are both named under the project path (found by QA11:
    the base's from the working directory, the head's from the project)."""
    repo = gitrepo.init(tmp_path / "repo")
    (repo / "p").mkdir()
    (repo / "p" / "broken.tf").write_text('resource "aws_instance" "a" {\n  ami = }\n', encoding="utf-8")
    gitrepo.commit(repo, "base")
    (repo / "p" / "broken.tf").write_text('resource "aws_instance" "a" {\n\n  ami = }\n', encoding="utf-8")
    out = tmp_path / "diff.json"
    monkeypatch.chdir(repo)
    CliRunner().invoke(cli, ["diff", "p", "--base-ref", "HEAD", "--format", "json", "--out-file", str(out)])
    (project,) = json.loads(out.read_text())["diff"]["projects"]
    assert project["errors"]["base"][0].startswith("p/broken.tf:2:")
    assert project["errors"]["head"][0].startswith("p/broken.tf:3:")


def test_one_root_listed_twice_with_its_own_var_files_is_two_projects(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``projects:`` with one root for dev and for prod: each is named by what tells it apart and diffed
    against its own base (QA17b: both bases were read with prod's var file; a +$150 dev change showed $0)."""
    repo = gitrepo.init(tmp_path / "repo")
    root = repo / "stacks" / "gpu"
    root.mkdir(parents=True)
    (root / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\nvariable "type" {}\n'
                                  'resource "aws_instance" "gpu" {\n  ami           = "ami-1"\n'
                                  '  instance_type = var.type\n}\n', encoding="utf-8")
    (root / "dev.tfvars").write_text('type = "g5.xlarge"\n', encoding="utf-8")
    (root / "prod.tfvars").write_text('type = "g5.2xlarge"\n', encoding="utf-8")
    (repo / ".costrail.yml").write_text("version: 1\nrequired_tags: []\nprojects:\n"
                                        "  - {path: stacks/gpu, var_files: [dev.tfvars]}\n"
                                        "  - {path: stacks/gpu, var_files: [prod.tfvars]}\n", encoding="utf-8")
    gitrepo.commit(repo, "base")
    (root / "dev.tfvars").write_text('type = "g5.2xlarge"\n', encoding="utf-8")
    out = tmp_path / "diff.json"
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "--base-ref", "HEAD", "--format", "json", "--out-file", str(out)])
    assert result.exit_code in (0, 1), result.output
    change = json.loads(out.read_text())["diff"]
    deltas = {p["path"]: p["delta_monthly_cost"] for p in change["projects"]}
    assert deltas == {"stacks/gpu (dev.tfvars)": "150.38", "stacks/gpu (prod.tfvars)": "0.00"}
    assert change["delta_monthly_cost"] == "150.38"
