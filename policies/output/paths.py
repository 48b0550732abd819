"""Where a finding's file is, named from the working directory (as stderr, SARIF, JUnit and the table name it)."""

from __future__ import annotations

import os
from pathlib import Path


def working_path(file: str, project: str, roots: dict[str, str]) -> str:
    """A finding's or error's file (relative to its project) from the working directory, as CI
    annotations and the stderr diagnostics name it; absolute when it lies outside."""
    root = roots.get(project, project)
    if root and os.path.isfile(root):
        root = os.path.dirname(root)  # a plan JSON given as the PATH: its errors name the file itself
    path = Path(file) if Path(file).is_absolute() else Path(root or ".") / file
    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:
        rel = ".."
    if rel == ".." or rel.startswith("../") or rel.startswith("..\\"):
        return str(path.resolve())
    return Path(rel).as_posix()
