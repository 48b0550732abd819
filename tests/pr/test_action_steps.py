"""action.yml's shell steps, run as the Actions runner would on an actions/checkout-style clone:
a branch name as ``base-ref`` with a shallow or full checkout, and a fork pull request whose
read-only token cannot comment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pr import gitrepo
from tests.pr.action_runner import JobRun, run_action
from tests.pr.github_server import FakeGitHub

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


def run(workdir: Path, tmp_path: Path, context: dict[str, str], api_url: str = "http://127.0.0.1:9") -> JobRun:
    temp = tmp_path / "runner_temp"
    temp.mkdir(exist_ok=True)
    env = {
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_API_URL": api_url,
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


def pr_context(base_sha: str, head_repo: str) -> dict[str, str]:
    return {
        "github.event_name": "pull_request",
        "github.event.pull_request.base.sha": base_sha,
        "github.event.pull_request.number": "42",
        "github.event.pull_request.head.repo.full_name": head_repo,
        "inputs.github-token": "ghs_test-token-123",
    }


def forbid_comments(fake: FakeGitHub) -> None:
    """GitHub's answer to a fork PR's read-only token."""
    fake.fail_next("POST", r"/comments$", 403, message="Resource not accessible by integration")


def test_fork_pr_without_write_permission_still_gated_by_the_diff(origin: tuple[Path, str], tmp_path: Path) -> None:
    src, base_sha = origin
    with FakeGitHub() as fake:
        forbid_comments(fake)
        job = run(checkout(src, tmp_path / "pr", 1), tmp_path, pr_context(base_sha, "someone/r"), fake.url)
    assert not job.failed, job.log
    assert [s.name for s in job.steps][-2:] == ["Pull request comment", "Gate"]
    comment = job.step("Pull request comment").output
    assert "::warning::" in comment and "fork someone/r" in comment and "read-only token" in comment
    assert "costrail: passes" in job.step("Gate").output
    assert not fake.comments


def test_fork_pr_that_fails_the_gate_fails_the_job(origin: tuple[Path, str], tmp_path: Path) -> None:
    src, base_sha = origin
    (src / ".costrail.yml").write_text("version: 1\nbudgets:\n  monthly_increase_usd: 1\n")
    gitrepo.git(src, "checkout", "-q", "feat")
    gitrepo.commit(src, "budget")
    gitrepo.git(src, "checkout", "-q", "main")
    with FakeGitHub() as fake:
        forbid_comments(fake)
        job = run(checkout(src, tmp_path / "pr", 1), tmp_path, pr_context(base_sha, "someone/r"), fake.url)
    assert job.context["steps.diff.outputs.exit-code"] == "1", job.log
    assert job.step("Pull request comment").returncode == 0
    assert job.step("Gate").returncode == 1


def test_same_repository_403_still_fails(origin: tuple[Path, str], tmp_path: Path) -> None:
    """A token without write permission in the repository itself is a workflow to fix: stay red."""
    src, base_sha = origin
    with FakeGitHub() as fake:
        forbid_comments(fake)
        job = run(checkout(src, tmp_path / "pr", 1), tmp_path, pr_context(base_sha, "o/r"), fake.url)
    assert job.step("Pull request comment").returncode == 2
    assert "::warning::" not in job.step("Pull request comment").output


def test_tag_names_this_runs_comment(origin: tuple[Path, str], tmp_path: Path) -> None:
    src, base_sha = origin
    with FakeGitHub() as fake:
        job = run(checkout(src, tmp_path / "pr", 1), tmp_path,
                  {**pr_context(base_sha, "o/r"), "inputs.tag": "rag"}, fake.url)
        bodies = [c["body"] for c in fake.comments]
    assert not job.failed, job.log
    assert len(bodies) == 1 and bodies[0].startswith("<!-- costrail-comment:rag -->")


def test_a_head_with_input_errors_still_gets_its_comment_and_fails(origin: tuple[Path, str], tmp_path: Path) -> None:
    """Exit 2 from an unreadable head writes an "input error" comment: it is posted, and the Gate fails."""
    src, base_sha = origin
    gitrepo.git(src, "checkout", "-q", "feat")
    (src / "main.tf").write_text('resource "aws_instance" "web" {\n  instance_type = \n}\n')
    gitrepo.commit(src, "broken")
    gitrepo.git(src, "checkout", "-q", "main")
    with FakeGitHub() as fake:
        job = run(checkout(src, tmp_path / "pr", 1), tmp_path, pr_context(base_sha, "o/r"), fake.url)
        bodies = [c["body"] for c in fake.comments]
    assert job.context["steps.diff.outputs.exit-code"] == "2", job.log
    assert len(bodies) == 1 and "input error" in bodies[0] and "main.tf:" in bodies[0]
    assert job.step("Gate").returncode == 2
