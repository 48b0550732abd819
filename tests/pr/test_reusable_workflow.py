"""The org-wide reusable workflow: the same inputs as the action, a pinned costrail version, the
caller's permissions documented, and — run step by step — the calling repository's own
``projects:`` judged by the org config."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pr import gitrepo
from tests.pr.action_runner import run_steps

REPO = Path(__file__).resolve().parents[2]
WORKFLOW_FILE = REPO / ".github" / "workflows" / "costrail-reusable.yml"
WORKFLOW = yaml.safe_load(WORKFLOW_FILE.read_text())
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
CALL = WORKFLOW.get("on", WORKFLOW.get(True))["workflow_call"]
STEPS = WORKFLOW["jobs"]["costrail"]["steps"]


def action_step() -> dict[str, Any]:
    return next(s for s in STEPS if s.get("uses") == "./.costrail-tool")


def test_the_workflow_runs_the_action_of_the_costrail_it_checks_out() -> None:
    tool = next(s for s in STEPS if s.get("with", {}).get("path") == ".costrail-tool")
    assert tool["with"]["repository"] == "${{ inputs.costrail-repository }}"
    assert tool["with"]["ref"] == "${{ inputs.costrail-ref }}"
    assert action_step()["with"]["config"] == ".costrail-org/${{ inputs.config-path }}"


def test_inputs_match_the_action() -> None:
    """Every action input is a workflow input (the token as a secret) and is passed through."""
    passed = action_step()["with"]
    for name in ACTION["inputs"]:
        if name == "github-token":
            assert "github-token" in CALL["secrets"]
            assert passed[name] == "${{ secrets.github-token || github.token }}"
        elif name == "config":
            continue  # from config-repository / config-path
        else:
            assert name in CALL["inputs"], name
            assert passed[name] == f"${{{{ inputs.{name} }}}}"
    assert set(passed) <= set(ACTION["inputs"])


def test_costrail_ref_default_is_the_version_callers_pin() -> None:
    default = CALL["inputs"]["costrail-ref"]["default"]
    assert default != "main"
    pinned = set(re.findall(r"costrail-reusable\.yml@([\w.-]+)", WORKFLOW_FILE.read_text()))
    pinned |= set(re.findall(r"costrail-reusable\.yml@([\w.-]+)", (REPO / "docs" / "github.md").read_text()))
    assert pinned == {default}


def caller_examples() -> list[dict[str, Any]]:
    header = "\n".join(
        line[4:] for line in WORKFLOW_FILE.read_text().splitlines() if line.startswith("#   ") or line == "#"
    )
    docs = (REPO / "docs" / "github.md").read_text()
    org = docs[docs.index("### Org-wide") : docs.index("### Safe trigger")]
    blocks = re.findall(r"```yaml\n(.*?)```", org, re.S)
    return [yaml.safe_load(text) for text in [header, *blocks] if "costrail-reusable.yml" in text]


def test_caller_examples_grant_the_comment_permission() -> None:
    examples = caller_examples()
    assert len(examples) == 2
    for example in examples:
        assert example["permissions"] == {"contents": "read", "pull-requests": "write"}
        assert example["jobs"]["costrail"]["uses"].endswith("costrail-reusable.yml@v0")


def test_the_action_caches_the_parsed_files() -> None:
    cache = next(s for s in ACTION["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/costrail"
    assert cache["if"] == "inputs.cache == 'true'"
    assert CALL["inputs"]["cache"]["default"] is True


MODULE_TF = """variable "instance_type" { default = "t3.medium" }
resource "aws_instance" "this" {
  ami           = "ami-1"
  instance_type = var.instance_type
  tags = { team = "web", env = "prod", "cost-center" = "cc-1234" }
}
"""
STACK_TF = """provider "aws" {
  region = "us-east-1"
}
variable "type" { default = "t3.medium" }
module "web" {
  source        = "../../modules/web"
  instance_type = var.type
}
"""


@pytest.fixture
def calling_repo(tmp_path: Path) -> tuple[Path, str]:
    """A repository whose own .costrail.yml lists two projects, and a PR that adds ~$40/month."""
    src = gitrepo.init(tmp_path / "src")
    (src / "modules" / "web").mkdir(parents=True)
    (src / "modules" / "web" / "main.tf").write_text(MODULE_TF)
    for name in ("app", "data"):
        (src / "stacks" / name).mkdir(parents=True)
        (src / "stacks" / name / "main.tf").write_text(STACK_TF)
    (src / "stacks" / "app" / "prod.tfvars").write_text('type = "t3.medium"\n')
    (src / ".costrail.yml").write_text(
        "version: 1\nprojects:\n  - {path: stacks/app, var_files: [prod.tfvars]}\n  - {path: stacks/data}\n"
    )
    base = gitrepo.commit(src, "base")
    (src / "stacks" / "app" / "prod.tfvars").write_text('type = "m5.large"\n')
    gitrepo.commit(src, "feat")
    work = tmp_path / "work"  # actions/checkout with fetch-depth: 0
    gitrepo.git(tmp_path, "clone", "-q", src.as_uri(), str(work))
    (work / ".costrail-org").mkdir()  # the shared config checkout
    (work / ".costrail-org" / ".costrail.yml").write_text("version: 1\nbudgets:\n  monthly_increase_usd: 10\n")
    return work, base


def test_org_config_judges_the_repositorys_own_projects(calling_repo: tuple[Path, str], tmp_path: Path) -> None:
    work, base = calling_repo
    temp = tmp_path / "runner_temp"
    temp.mkdir()
    env = {"RUNNER_TEMP": str(temp), "GITHUB_STEP_SUMMARY": str(temp / "summary.md"), "GITHUB_REPOSITORY": "o/r",
           "GITHUB_API_URL": "http://127.0.0.1:9", **gitrepo.ENV}
    context = {"github.event_name": "push", "github.sha": "x", "github.event.pull_request.base.sha": base}
    for name, spec in CALL["inputs"].items():
        if "default" in spec:
            context[f"inputs.{name}"] = str(spec["default"]).lower() if isinstance(spec["default"], bool) else str(
                spec["default"])
    job = run_steps(STEPS, context, work, env, local_actions={"./.costrail-tool": REPO})
    assert ".costrail-org/" in (work / ".git" / "info" / "exclude").read_text()
    summary = (temp / "summary.md").read_text()
    assert "$0.00 → $0.00" not in summary, job.log
    assert "stacks/app" in summary and "stacks/data" in summary
    assert job.context["steps.costrail.outputs.exit-code"] == "1", job.log  # +$39.71 > the org's $10 budget
    assert job.step("Gate").returncode == 1


def test_every_marketplace_action_is_pinned_to_a_commit_sha() -> None:
    """A tag can be moved to other code; a commit SHA cannot. Only costrail's own action (the caller
    pins it) and local paths may go by tag."""
    files = [WORKFLOW_FILE, REPO / "action.yml", *sorted((REPO / ".github").rglob("*.yml")), REPO / "docs" / "github.md"]
    unpinned = []
    for path in dict.fromkeys(files):
        for line in path.read_text().splitlines():
            found = re.search(r"uses:\s*([\w.-]+/[\w./-]+)@(\S+)", line)
            if not found or found.group(1).startswith(("./", "OWNER/", "costrail/")):
                continue
            if not re.fullmatch(r"[0-9a-f]{40}", found.group(2)):
                unpinned.append(f"{path.name}: {line.strip()}")
    assert not unpinned
