"""``--skip-no-diff`` and the hidden state line: a change of verdict or new findings is never hidden."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import diff as diffing
from estimator.commands import comment as comment_cmd
from estimator.report.pr_comment import MARKER, parse_full_state, render_comment
from policies.finding import Finding
from tests.pr.github_server import FakeGitHub

TOKEN = "ghs_test-token-123"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"
PASSING = f"{MARKER}\n<!-- costrail:state delta=0.00 changes=0 new=0 verdict=pass -->\n### ✅ passes\n"
FAILING = f"{MARKER}\n<!-- costrail:state delta=0.00 changes=0 new=1 verdict=fail -->\n### ❌ fails: 1 mandatory\n"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        yield fake


def no_change() -> diffing.CostDiff:
    head = diffing.projects_from_json(json.loads((FIXTURES / "head.json").read_text()), "head.json")
    return diffing.compute_diff(head, head)


def post(tmp_path: Path, body: str, **options: object) -> int:
    path = tmp_path / "body.md"
    path.write_text(body, encoding="utf-8")
    return comment_cmd.run(repo="o/r", pull=1, body_file=str(path), skip_no_diff=True, **options)  # type: ignore[arg-type]


def test_state_line_carries_new_findings_and_verdict() -> None:
    change = no_change()
    state = parse_full_state(render_comment(change))  # head.json has mandatory findings already present
    assert state is not None
    assert (state.delta, state.changes, state.new_findings, state.verdict) == (Decimal(0), 0, 0, "fail")
    change.existing_findings = []
    state = parse_full_state(render_comment(change))
    assert state is not None and (state.new_findings, state.verdict) == (0, "pass") and state.nothing_to_show
    change.new_findings = [Finding("CR-TAG-001", "medium", "mandatory", "aws_instance.a", "missing tags")]
    state = parse_full_state(render_comment(change))
    assert state is not None and (state.new_findings, state.verdict) == (1, "fail") and not state.nothing_to_show


def test_skip_no_diff_posts_a_new_failing_verdict(github: FakeGitHub, tmp_path: Path) -> None:
    assert post(tmp_path, FAILING) == 0
    assert [c["body"] for c in github.comments] == [FAILING]


def test_skip_no_diff_skips_only_a_passing_unchanged_body(github: FakeGitHub, tmp_path: Path) -> None:
    assert post(tmp_path, PASSING) == 0
    assert github.comments == []


def test_skip_no_diff_with_an_old_state_line_posts(github: FakeGitHub, tmp_path: Path) -> None:
    """A state line without the verdict cannot prove nothing changed: post rather than hide."""
    assert post(tmp_path, f"{MARKER}\n<!-- costrail:state delta=0.00 changes=0 -->\nx\n") == 0
    assert len(github.comments) == 1


@pytest.mark.parametrize("behavior", ["hide-and-new", "delete-and-new", "new"])
def test_skip_no_diff_never_leaves_a_stale_verdict_visible(github: FakeGitHub, tmp_path: Path, behavior: str) -> None:
    stale = github.add_own_comment(FAILING)
    assert post(tmp_path, PASSING, behavior=behavior) == 0
    assert github.comments[-1]["body"] == PASSING
    if behavior == "hide-and-new":
        assert github.minimized == [stale["node_id"]]


@pytest.mark.parametrize("behavior", ["hide-and-new", "delete-and-new", "new"])
def test_skip_no_diff_skips_when_our_last_comment_says_the_same(
    github: FakeGitHub, tmp_path: Path, behavior: str
) -> None:
    github.add_own_comment(PASSING)
    assert post(tmp_path, PASSING, behavior=behavior) == 0
    assert [c["body"] for c in github.comments] == [PASSING] and github.minimized == []


def test_an_unreadable_side_or_an_unknown_change_is_something_to_show() -> None:
    """A base that cannot be read (delta 0, no listed change) must not be skipped as "no change" (QA11)."""
    line = "<!-- costrail:state delta=0.00 changes=0 new=0 verdict=pass unknown=1 -->"
    state = parse_full_state(line)
    assert state is not None and state.unknown == 1 and not state.nothing_to_show
    older = parse_full_state("<!-- costrail:state delta=0.00 changes=0 new=0 verdict=pass -->")
    assert older is not None and older.unknown is None and older.nothing_to_show
