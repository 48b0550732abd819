"""The GitHub integration files are real: valid YAML of the right shape, bash that parses,
no ``${{ }}`` spliced into scripts (script injection), and the safe trigger only."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = [
    REPO / ".github" / "workflows" / "ci.yml",
    REPO / ".github" / "workflows" / "costrail-reusable.yml",
    REPO / ".github" / "examples" / "costrail-pull-request.yml",
]


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def run_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in steps if "run" in s]


def check_scripts(steps: list[dict[str, Any]]) -> None:
    for step in run_steps(steps):
        script = step["run"]
        assert "${{" not in script, f"step {step.get('name')!r}: pass expressions through env, not into the script"
        proc = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert proc.returncode == 0, f"step {step.get('name')!r}: {proc.stderr}"


def test_composite_action() -> None:
    action = load(REPO / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"path", "config", "base-ref", "behavior", "github-token"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    for step in run_steps(steps):
        assert step["shell"] == "bash"
    check_scripts(steps)
    install = next(s for s in steps if s.get("name") == "Install costrail")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}" and "pip install" in install["run"]
    base = next(s for s in steps if s.get("id") == "base")
    assert "github.event.pull_request.base.sha" in base["env"]["BASE_REF"]
    diff = next(s for s in steps if s.get("id") == "diff")
    assert diff["env"]["BASE_REF"] == "${{ steps.base.outputs.sha }}"  # the resolved commit, not the input
    assert "costrail diff" in diff["run"] and "--base-ref" in diff["run"] and "--format markdown" in diff["run"]
    comment = next(s for s in steps if "costrail comment github" in s.get("run", ""))
    assert comment["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows(path: Path) -> None:
    workflow = load(path)
    on = triggers(workflow)
    assert "pull_request_target" not in on
    assert workflow["jobs"]
    for job in workflow["jobs"].values():
        check_scripts(job.get("steps", []))


def test_ci_runs_lint_and_tests() -> None:
    workflow = load(REPO / ".github" / "workflows" / "ci.yml")
    assert {"push", "pull_request"} <= set(triggers(workflow))
    runs = " ".join(s.get("run", "") for s in workflow["jobs"]["lint-and-test"]["steps"])
    assert "make lint" in runs and "make test" in runs


def test_reusable_workflow_takes_a_shared_config() -> None:
    workflow = load(REPO / ".github" / "workflows" / "costrail-reusable.yml")
    call = triggers(workflow)["workflow_call"]
    assert call["inputs"]["config-repository"]["required"] is True
    steps = workflow["jobs"]["costrail"]["steps"]
    config_checkout = next(s for s in steps if s.get("with", {}).get("path") == ".costrail-org")
    assert config_checkout["with"]["repository"] == "${{ inputs.config-repository }}"
    action = next(s for s in steps if s.get("uses") == "./.costrail-tool")
    assert action["with"]["config"] == ".costrail-org/${{ inputs.config-path }}"


def test_pre_commit_hook_runs_costrail_check() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "costrail-check")
    assert hook["entry"] == "costrail check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    from click.testing import CliRunner

    from estimator.cli import cli

    assert CliRunner().invoke(cli, ["check", "--help"]).exit_code == 0


def github_path_filter(pattern: str) -> re.Pattern[str]:
    """GitHub's `paths:` syntax: `**/` zero or more directories, `**` anything, `*` and `?` never `/`."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


INPUT_FILES = [
    "main.tf", "stacks/rag-inference/main.tf", "stacks/app/plan.tf.json", "stacks/app/prod.tfvars",
    "stacks/app/prod.tfvars.json", "stacks/llm-pulumi/__main__.py", "Pulumi.yaml", "stacks/llm-pulumi/Pulumi.yaml",
    "stacks/llm-pulumi/Pulumi.dev.yaml", "stacks/llm-pulumi/Pulumi.prod.yml", ".costrail.yml",
    "stacks/app/.costrail.yml", "costrail-usage.yml", "stacks/costrail-usage.yml", ".github/workflows/costrail.yml",
]


def test_example_workflow_runs_when_any_input_of_costrail_changes() -> None:
    workflow = load(REPO / ".github" / "examples" / "costrail-pull-request.yml")
    patterns = [github_path_filter(p) for p in triggers(workflow)["pull_request"]["paths"]]
    missed = [f for f in INPUT_FILES if not any(p.match(f) for p in patterns)]
    assert not missed
    assert not any(p.match("README.md") or p.match("docs/index.md") for p in patterns)
    usage_file = next(s for s in workflow["jobs"]["costrail"]["steps"] if "with" in s and "usage-file" in s["with"])
    assert any(p.match(usage_file["with"]["usage-file"]) for p in patterns)


def test_pre_commit_hook_files_cover_every_input() -> None:
    hook = next(h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if h["id"] == "costrail-check")
    files = re.compile(hook["files"])
    assert [f for f in INPUT_FILES if f != ".github/workflows/costrail.yml" and not files.search(f)] == []
    assert not files.search("README.md")
