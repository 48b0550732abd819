"""Shared test helpers: paths to the repo, fixtures and the shared corpora."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SHARED = Path(os.environ.get("COSTRAIL_SHARED", REPO.parent / "shared"))


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def default_recursion_limit() -> Iterator[None]:
    """Python's default recursion limit, as on a warm parse cache (a cold tree-sitter parse raises it to
    20000): a nesting-depth check must not depend on which."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)
