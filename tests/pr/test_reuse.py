"""Which projects may reuse the head's result as their base (no input changed since the base)."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator import worktree
from estimator.commands import diff as diff_cmd
from estimator.pipeline import ProjectSpec
from tests.pr import gitrepo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = gitrepo.init(tmp_path / "repo")
    for name in ("a", "b"):
        (repo / "stacks" / name).mkdir(parents=True)
        (repo / "stacks" / name / "main.tf").write_text(f"# {name}\n")
    (repo / "modules" / "gpu").mkdir(parents=True)
    (repo / "modules" / "gpu" / "main.tf").write_text("# module\n")
    (repo / "prod.tfvars").write_text('x = "1"\n')
    (repo / "README.md").write_text("readme\n")
    gitrepo.commit(repo, "base")
    return repo


def reusable(repo: Path, spec: ProjectSpec) -> bool:
    with worktree.checkout(repo, "HEAD") as tree:
        specs = [ProjectSpec(path=str(repo / "stacks" / n)) for n in ("a", "b")]
        roots = (tree.top, tree.root)
        dirs = [diff_cmd._rel(s.path, *roots) for s in specs]
        return diff_cmd._unchanged(roots, spec, tree.changed_files(), dirs)


def spec_a(repo: Path, **kwargs: object) -> ProjectSpec:
    return ProjectSpec(path=str(repo / "stacks" / "a"), **kwargs)  # type: ignore[arg-type]


def test_nothing_changed(repo: Path) -> None:
    assert reusable(repo, spec_a(repo))


def test_change_in_another_project_or_a_doc(repo: Path) -> None:
    (repo / "stacks" / "b" / "main.tf").write_text("# b changed\n")
    (repo / "README.md").write_text("changed\n")
    assert reusable(repo, spec_a(repo))


@pytest.mark.parametrize(
    "changed",
    ["stacks/a/main.tf", "stacks/a/new.tf", "modules/gpu/main.tf", "prod.tfvars"],
)
def test_own_shared_or_input_file_changed(repo: Path, changed: str) -> None:
    (repo / changed).write_text("# changed\n")
    assert not reusable(repo, spec_a(repo, var_files=[str(repo / "prod.tfvars")]))


def test_staged_only_change_counts(repo: Path) -> None:
    (repo / "stacks" / "a" / "main.tf").write_text("# staged\n")
    gitrepo.git(repo, "add", "stacks/a/main.tf")
    assert not reusable(repo, spec_a(repo))


def test_map_spec_moves_paths_into_the_worktree(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside_usage = tmp_path / "usage.yml"
    outside_usage.write_text("version: 0.1\n")
    (repo / "stacks" / "a" / "new.tfvars").write_text("y = 2\n")  # only in head
    spec = ProjectSpec(
        path="stacks/a",
        var_files=[str(repo / "prod.tfvars"), str(repo / "stacks" / "a" / "new.tfvars")],
        usage_file=str(outside_usage),
    )
    monkeypatch.chdir(repo)
    with worktree.checkout(repo, "HEAD") as tree:
        mapped = diff_cmd._map_spec(spec, tree)
        assert mapped.path == str(tree.root / "stacks" / "a")
        assert mapped.var_files == [str(tree.root / "prod.tfvars")]  # the head-only var file is dropped
        assert mapped.usage_file == str(outside_usage)  # outside the repo: the same file
        assert mapped.name == "stacks/a"  # same identity as the head project
