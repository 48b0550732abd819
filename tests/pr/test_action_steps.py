"""action.yml's shell steps, run as the Actions runner would on an actions/checkout-style clone:
a branch name as ``base-ref`` with a shallow or full checkout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pr import gitrepo
from tests.pr.action_runner import JobRun, run_action

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
MAIN_TF = """provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "%s"
  tags = { team = "web", env = "prod", "cost-center" = "cc-1234" }
}
"""


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, str]:
    """A repository with ``main`` and a pull request branch ``feat`` that changes the instance type."""
    src = gitrepo.init(tmp_path / "origin")
    (src / "main.tf").write_text(MAIN_TF % "t3.medium")
    base = gitrepo.commit(src, "base")
    gitrepo.git(src, "checkout", "-q", "-b", "feat")
    (src / "main.tf").write_text(MAIN_TF % "m5.large")
    gitrepo.commit(src, "feat")
    gitrepo.git(src, "checkout", "-q", "main")
    return src, base


def checkout(origin: Path, dest: Path, depth: int) -> Path:
    """What actions/checkout does: fetch the PR ref only (depth 1) or every branch (fetch-depth: 0)."""
    gitrepo.init(dest)
    gitrepo.git(dest, "remote", "add", "origin", origin.as_uri())
    pr = "+refs/heads/feat:refs/remotes/pull/7/merge"
    if depth:
        gitrepo.git(dest, "fetch", "-q", "--no-tags", f"--depth={depth}", "origin", pr)
    else:
        gitrepo.git(dest, "fetch", "-q", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*", pr)
    gitrepo.git(dest, "checkout", "-q", "--detach", "refs/remotes/pull/7/merge")
    return dest


def run(workdir: Path, tmp_path: Path, context: dict[str, str]) -> JobRun:
    temp = tmp_path / "runner_temp"
    temp.mkdir(exist_ok=True)
    env = {
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_API_URL": "http://127.0.0.1:9",
        **gitrepo.ENV,
    }
    base: dict[str, Any] = {"github.action_path": str(REPO), "github.sha": "x", "github.event_name": "push"}
    return run_action(ACTION, {**base, **context}, workdir, env)


@pytest.mark.parametrize("depth", [1, 0], ids=["shallow", "full"])
@pytest.mark.parametrize("ref", ["main", "origin/main", "refs/heads/main"])
def test_base_ref_branch_name(origin: tuple[Path, str], tmp_path: Path, depth: int, ref: str) -> None:
    src, base_sha = origin
    job = run(checkout(src, tmp_path / "pr", depth), tmp_path, {"inputs.base-ref": ref})
    assert not job.failed, job.log
    assert job.context["steps.base.outputs.sha"] == base_sha
    assert job.context["steps.diff.outputs.exit-code"] == "0", job.log
    comment = Path(job.context["steps.diff.outputs.comment-file"]).read_text()
    assert "aws_instance.web" in comment  # a real change against main, not an empty base


def test_base_sha_from_the_event_with_a_shallow_checkout(origin: tuple[Path, str], tmp_path: Path) -> None:
    src, base_sha = origin
    job = run(checkout(src, tmp_path / "pr", 1), tmp_path, {"github.event.pull_request.base.sha": base_sha})
    assert not job.failed, job.log
    assert job.context["steps.base.outputs.sha"] == base_sha


def test_unknown_base_ref_is_an_input_error(origin: tuple[Path, str], tmp_path: Path) -> None:
    src, _ = origin
    job = run(checkout(src, tmp_path / "pr", 1), tmp_path, {"inputs.base-ref": "no-such-branch"})
    assert job.steps[-1].name == "Fetch the base commit" and job.steps[-1].returncode == 2
    assert "base-ref no-such-branch: cannot fetch" in job.steps[-1].output
