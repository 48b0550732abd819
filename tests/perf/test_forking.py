"""Forked helpers: a value comes back from the child, or the caller is told to do the work itself."""

from __future__ import annotations

import os

import pytest

from estimator import forking

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "spare_cores", lambda: 1)


def test_future_returns_the_childs_value_even_beyond_a_pipe_buffer(two_cores: None) -> None:
    parent = os.getpid()
    future = forking.Future(lambda: {"pid": os.getpid(), "blob": "x" * 1_000_000})
    assert future.started
    ok, value = future.result()
    assert ok and value["pid"] != parent and len(value["blob"]) == 1_000_000
    assert future.result() == (False, None)  # read once


def test_a_failing_child_is_reported_not_raised(two_cores: None) -> None:
    def boom() -> None:
        raise RuntimeError("in the child")

    assert forking.Future(boom).result() == (False, None)


def test_an_unpicklable_value_is_a_failure(two_cores: None) -> None:
    assert forking.Future(lambda: (lambda: 1)).result() == (False, None)


def test_no_spare_core_means_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTRAIL_WORKERS", "0")
    future = forking.Future(lambda: 1)
    assert not future.started and future.result() == (False, None)


def test_run_detached_status(two_cores: None) -> None:
    assert forking.wait(forking.run_detached(lambda: None))
    assert not forking.wait(forking.run_detached(lambda: 1 / 0))
