"""The base of a change, checked out with ``git worktree`` in a temporary directory.

Why a worktree: it reads the base commit without touching the user's working tree, index
or HEAD, and it is removed (``worktree remove --force`` + ``prune``) even when the run
fails. ``GIT_INDEX_FILE`` and friends are dropped from git's environment so that running
inside a git hook (pre-commit sets them) cannot point git at the user's index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from estimator.errors import InputError, UsageError

_GIT_ENV_DROP = ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY")


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def git(repo: str | Path, *args: str, check: bool = True) -> str:
    """Run git in ``repo`` and return stdout; a failure is a one-line ``InputError``."""
    try:
        proc = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            env=_git_env(),
            check=False,
        )
    except FileNotFoundError as err:
        raise UsageError("git is not installed (needed for --base-ref)") from err
    if check and proc.returncode != 0:
        message = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise InputError(f"git {args[0]}: {message}")
    return proc.stdout


def toplevel(path: str | Path) -> Path:
    """The git top level of PATH (a file or a directory)."""
    p = Path(path).resolve()
    start = p if p.is_dir() else p.parent
    while not start.exists():
        start = start.parent
    out = git(start, "rev-parse", "--show-toplevel", check=False).strip()
    if not out:
        raise UsageError(f"{path}: not inside a git repository (needed for --base-ref)")
    return Path(out).resolve()


def resolve_commit(repo: Path, ref: str) -> str:
    out = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).strip()
    if not out:
        raise UsageError(f"--base-ref {ref}: no such commit in {repo}")
    return out


@dataclass(frozen=True)
class Worktree:
    """A checked-out base: ``map(path)`` turns a head path into the same path in the base."""

    top: Path
    root: Path
    commit: str

    def map(self, path: str | Path) -> Path:
        p = Path(path).resolve()
        try:
            rel = p.relative_to(self.top)
        except ValueError:
            return p  # outside the repository: the same file serves both sides
        return self.root / rel

    def changed_files(self) -> list[str]:
        return changed_files(self.top, self.commit)

    def share_ignored_inputs(self, project_dirs: list[str]) -> list[str]:
        """Link the working tree's git-ignored Terraform inputs of these project directories into
        the checkout: ``.terraform`` (modules from ``terraform init``) and auto-loaded var files
        such as ``local.auto.tfvars``. They are the user's environment, not part of the change:
        without them the base would miss every remote module and show its resources as added.
        (Both sides then read the head's downloaded module versions.) Returns what was linked."""
        linked = []
        for directory in project_dirs:
            head_dir = Path(directory).resolve()
            base_dir = self.map(head_dir)
            if base_dir == head_dir or not head_dir.is_dir() or not base_dir.is_dir():
                continue
            candidates = [p for p in head_dir.iterdir()
                          if p.name in (".terraform", *_LOADED_VARS) or p.name.endswith(_AUTO_VARS)]
            for path in candidates:
                target = base_dir / path.name
                if target.exists() or target.is_symlink() or not _ignored(self.top, path):
                    continue
                target.symlink_to(path, target_is_directory=path.is_dir())
                linked.append(str(path))
        return linked


_AUTO_VARS = (".auto.tfvars", ".auto.tfvars.json")  # the var files Terraform loads by itself
_LOADED_VARS = ("terraform.tfvars", "terraform.tfvars.json")


def _ignored(top: Path, path: Path) -> bool:
    """``git check-ignore`` exits 0 when PATH is ignored."""
    return subprocess.run(["git", "--no-optional-locks", "-C", str(top), "check-ignore", "-q", str(path)],
                          env=_git_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def changed_files(top: Path, commit: str) -> list[str]:
    """Files of the user's working tree (tracked, staged or untracked) that differ from COMMIT."""
    changed = git(top, "diff", "--name-only", "--no-renames", commit, "--").splitlines()
    untracked = git(top, "ls-files", "--others", "--exclude-standard").splitlines()
    return sorted({line for line in [*changed, *untracked] if line})


@contextmanager
def checkout(path: str | Path, ref: str) -> Iterator[Worktree]:
    """Materialise REF of PATH's repository in a temporary directory; always removed afterwards."""
    top = toplevel(path)
    commit = resolve_commit(top, ref)
    tmp = Path(tempfile.mkdtemp(prefix="costrail-base-")).resolve()
    root = tmp / "base"
    try:
        git(top, "worktree", "add", "--detach", "--quiet", str(root), commit)
        yield Worktree(top=top, root=root, commit=commit)
    finally:
        git(top, "worktree", "remove", "--force", str(root), check=False)
        git(top, "worktree", "prune", check=False)
        shutil.rmtree(tmp, ignore_errors=True)
