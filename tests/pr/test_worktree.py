"""The base checkout: read-only for the user's repository, cleaned up even on errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator import worktree
from estimator.errors import CostrailError
from tests.pr import gitrepo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = gitrepo.init(tmp_path / "repo")
    (repo / "stacks" / "app").mkdir(parents=True)
    (repo / "stacks" / "app" / "main.tf").write_text('# base\n')
    (repo / "README.md").write_text("readme\n")
    gitrepo.commit(repo, "base")
    (repo / "stacks" / "app" / "main.tf").write_text('# head\n')
    gitrepo.commit(repo, "head")
    # The user's work in progress: a staged change, an unstaged one and an untracked file.
    (repo / "README.md").write_text("staged\n")
    gitrepo.git(repo, "add", "README.md")
    (repo / "stacks" / "app" / "main.tf").write_text('# unstaged\n')
    (repo / "stacks" / "app" / "new.tf").write_text('# untracked\n')
    return repo


def worktrees(repo: Path) -> list[str]:
    return [line for line in gitrepo.git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def test_base_is_checked_out_and_removed(repo: Path) -> None:
    before = gitrepo.status(repo)
    index_before = (repo / ".git" / "index").read_bytes()
    with worktree.checkout(repo / "stacks" / "app", "HEAD~1") as tree:
        root = tree.root
        assert (root / "stacks" / "app" / "main.tf").read_text() == "# base\n"
        assert not (root / "stacks" / "app" / "new.tf").exists()
        assert tree.map(repo / "stacks" / "app") == root / "stacks" / "app"
        assert tree.changed_files() == ["README.md", "stacks/app/main.tf", "stacks/app/new.tf"]
        assert len(worktrees(repo)) == 2
    assert not root.exists() and not root.parent.exists()
    assert len(worktrees(repo)) == 1
    assert gitrepo.status(repo) == before
    assert (repo / ".git" / "index").read_bytes() == index_before
    assert (repo / "stacks" / "app" / "main.tf").read_text() == "# unstaged\n"


def test_cleaned_up_when_the_run_fails(repo: Path) -> None:
    before = gitrepo.status(repo)
    with pytest.raises(RuntimeError), worktree.checkout(repo, "HEAD~1") as tree:
        root = tree.root
        raise RuntimeError("boom")
    assert not root.exists()
    assert len(worktrees(repo)) == 1
    assert gitrepo.status(repo) == before


def test_hook_environment_cannot_reach_the_users_index(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pre-commit runs with GIT_INDEX_FILE set; the worktree must not write to that index."""
    monkeypatch.setenv("GIT_INDEX_FILE", str(repo / ".git" / "index"))
    index_before = (repo / ".git" / "index").read_bytes()
    with worktree.checkout(repo, "HEAD~1") as tree:
        assert (tree.root / "stacks" / "app" / "main.tf").read_text() == "# base\n"
    assert (repo / ".git" / "index").read_bytes() == index_before


def test_unknown_ref_and_no_repository(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(CostrailError, match="--base-ref nope: no such commit"), worktree.checkout(repo, "nope"):
        pass
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(CostrailError, match="not inside a git repository"), worktree.checkout(outside, "HEAD"):
        pass
    assert len(worktrees(repo)) == 1


def test_path_outside_the_repository_maps_to_itself(repo: Path, tmp_path: Path) -> None:
    with worktree.checkout(repo, "HEAD") as tree:
        assert tree.map(tmp_path / "elsewhere.tfvars") == (tmp_path / "elsewhere.tfvars").resolve()
