"""``diff --base-ref`` when a side cannot be read, or a project is missing (QA qa10 repros).

A two-project repository (stacks/app, stacks/data, both the ``stack_base`` fixture) listed in
its ``.costrail.yml``; each test breaks or changes one thing on a branch and diffs against main.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from estimator.cli import cli
from tests.pr import gitrepo

pytest.importorskip("estimator.loaders.terraform_hcl")
pytest.importorskip("estimator.pricing.engine")
pytest.importorskip("policies.engine")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"
CONFIG = "version: 1\nbudgets:\n  monthly_increase_usd: {budget}\nprojects:\n  - {{path: stacks/app}}\n  - {{path: stacks/data}}\n"
UNCLOSED = 'resource "aws_instance" "x" {\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = gitrepo.init(tmp_path / "repo")
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "app")
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "data")
    (repo / ".costrail.yml").write_text(CONFIG.format(budget=100000))
    gitrepo.commit(repo, "base")
    return repo


def run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def break_app(repo: Path) -> None:
    main = repo / "stacks" / "app" / "main.tf"
    main.write_text(main.read_text() + UNCLOSED)


def test_a_head_that_cannot_be_read_is_an_input_error_in_the_comment_not_a_saving(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_app(repo)
    gitrepo.commit(repo, "broken")
    code, comment, _ = run(["diff", "--base-ref", "HEAD~1", "--format", "markdown"], repo, monkeypatch)
    assert code == 2
    verdict = comment.splitlines()[2]
    assert "✅ passes" not in verdict and "decrease" not in verdict
    assert "❌" in verdict and "input error" in verdict and "stacks/app/main.tf:" in verdict
    assert "`stacks/app` could not be read" in comment
    assert "| − |" not in comment  # nothing of stacks/app is "removed"
    assert "| `stacks/app` (head could not be read) |" in comment

    out = tmp_path / "diff.json"
    code, _, _ = run(["diff", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    diff = json.loads(out.read_text())["diff"]
    app = next(p for p in diff["projects"] if p["path"] == "stacks/app")
    assert (app["head_monthly_cost"], app["delta_monthly_cost"], app["resources"]) == (None, None, [])
    assert app["unreadable"] == ["head"] and app["errors"]["head"][0].startswith("stacks/app/main.tf:")
    assert diff["delta_monthly_cost"] == "0.00" and diff["resources"] == []
    assert diff["base_monthly_cost"] == diff["head_monthly_cost"]  # stacks/data only

    code, table, _ = run(["diff", "--base-ref", "HEAD~1"], repo, monkeypatch)
    assert code == 2
    assert "head could not be read" in table and "Input errors in the head: 1" in table


def test_no_project_read_on_both_sides_gives_unknown_totals_not_zero(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every project's head unreadable: nothing can be compared, so the totals are unknown (null),
    never a $0 change a CI script would read as "no cost change" (found by QA12)."""
    break_app(repo)
    data = repo / "stacks" / "data" / "main.tf"
    data.write_text(data.read_text() + UNCLOSED)
    gitrepo.commit(repo, "both broken")
    out = tmp_path / "diff.json"
    code, _, _ = run(["diff", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    assert code == 2
    diff = json.loads(out.read_text())["diff"]
    assert [diff[k] for k in ("base_monthly_cost", "head_monthly_cost", "delta_monthly_cost", "delta_percent")] == \
        [None, None, None, None]
    code, comment, _ = run(["diff", "--base-ref", "HEAD~1", "--format", "markdown"], repo, monkeypatch)
    assert "monthly cost is unknown" in comment.splitlines()[2] and "$0.00 → $0.00" not in comment
    assert "| **Total** | **unknown** |" in comment
    code, table, _ = run(["diff", "--base-ref", "HEAD~1"], repo, monkeypatch)
    assert "Total monthly cost: unknown" in table


def test_a_project_in_neither_head_nor_base_is_an_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = repo / ".costrail.yml"
    config.write_text(config.read_text().replace("{path: stacks/data}", "{path: stacks/dta}"))  # a typo
    gitrepo.commit(repo, "typo")
    code, comment, err = run(["diff", "--base-ref", "HEAD~1", "--format", "markdown"], repo, monkeypatch)
    assert code == 2 and "stacks/dta: no such file or directory" in err
    assert "removed project" not in comment

    code, _, err = run(["diff", "stacks/nope", "--base-ref", "HEAD~1"], repo, monkeypatch)
    assert code == 2 and "stacks/nope: no such file or directory" in err


def test_a_configured_project_only_in_the_base_is_removed_with_a_warning(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gitrepo.git(repo, "rm", "-rq", "stacks/data")
    gitrepo.commit(repo, "data gone, still configured")
    code, table, err = run(["diff", "--base-ref", "HEAD~1"], repo, monkeypatch)
    assert code == 0, err
    assert "Project: stacks/data (only in base)" in table
    assert "warning: stacks/data: no such file or directory in the working tree" in err


def test_a_base_that_cannot_be_read_has_no_cost_and_is_not_judged_by_the_budget(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".costrail.yml").write_text(CONFIG.format(budget=20))
    break_app(repo)
    gitrepo.commit(repo, "broken base, budget 20")
    gitrepo.copy_tree(FIXTURES / "stack_base", repo / "stacks" / "app")
    gitrepo.commit(repo, "the fix")
    out = tmp_path / "diff.json"
    code, _, err = run(["diff", "--base-ref", "HEAD~1", "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    assert code == 0, err  # a PR that fixes a broken base passes
    assert "warning: base (" in err and "stacks/app/main.tf:" in err
    diff = json.loads(out.read_text())["diff"]
    app = next(p for p in diff["projects"] if p["path"] == "stacks/app")
    assert (app["base_monthly_cost"], app["delta_monthly_cost"], app["unreadable"]) == (None, None, ["base"])
    assert app["resources"] == []  # nothing "added" from the base that could not be read
    assert diff["budget"]["findings"] == [] and diff["delta_monthly_cost"] == "0.00"

    code, comment, _ = run(["diff", "--base-ref", "HEAD~1", "--format", "markdown"], repo, monkeypatch)
    assert code == 0
    assert "The base of `stacks/app` could not be read" in comment
    assert "| `stacks/app` (base could not be read) | unknown |" in comment


def test_diff_warns_about_an_expired_suppression_as_check_does(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = repo / ".costrail.yml"
    config.write_text(config.read_text() + "suppressions:\n"
                      "  - {rule: CR-TAG-001, address: aws_instance.web, reason: legacy, expires: 2026-01-01}\n")
    gitrepo.commit(repo, "suppression")
    _, _, check_err = run(["check"], repo, monkeypatch)
    _, _, diff_err = run(["diff", "--base-ref", "HEAD~1"], repo, monkeypatch)
    expected = [line for line in check_err.splitlines() if "expired on 2026-01-01" in line]
    assert expected and expected[0].startswith("warning: ") and ".costrail.yml:" in expected[0]
    assert [line for line in diff_err.splitlines() if "expired on 2026-01-01" in line] == expected


def test_a_shared_org_config_judges_the_repositorys_own_projects(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What .github/workflows/costrail-reusable.yml runs: `diff --config .costrail-org/.costrail.yml`
    with the org's budget, in a repository whose own .costrail.yml lists its projects."""
    gitrepo.copy_tree(FIXTURES / "stack_head", repo / "stacks" / "app")
    gitrepo.commit(repo, "bigger gpu")
    org = repo / ".costrail-org"
    gitrepo.init(org)  # the workflow's second actions/checkout: a repository of its own
    (org / ".costrail.yml").write_text("version: 1\nbudgets:\n  monthly_increase_usd: 10\n")
    gitrepo.commit(org, "org policy")
    with (repo / ".git" / "info" / "exclude").open("a") as fh:
        fh.write(".costrail-org/\n")
    out = tmp_path / "diff.json"
    code, _, err = run(["diff", "--config", ".costrail-org/.costrail.yml", "--base-ref", "HEAD~1",
                        "--format", "json", "--out-file", str(out)], repo, monkeypatch)
    diff = json.loads(out.read_text())["diff"]
    assert [(p["path"], p["delta_monthly_cost"]) for p in diff["projects"]] == [
        ("stacks/app", "94.70"), ("stacks/data", "0.00")]
    assert diff["budget"]["monthly_increase_usd"] == "10.00" and diff["budget"]["exceeded"] is True
    assert code == 1, err


def test_the_state_line_says_unknown_when_the_totals_are(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hidden state line a CI script or --skip-no-diff reads: delta=unknown, never delta=0.00 (QA15)."""
    from estimator.report.pr_comment import parse_full_state

    break_app(repo)
    data = repo / "stacks" / "data" / "main.tf"
    data.write_text(data.read_text() + UNCLOSED)
    gitrepo.commit(repo, "both broken")
    _, comment, _ = run(["diff", "--base-ref", "HEAD~1", "--format", "markdown"], repo, monkeypatch)
    assert "delta=unknown" in comment
    state = parse_full_state(comment)
    assert state is not None and state.delta is None and not state.nothing_to_show
