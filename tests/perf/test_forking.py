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


def test_run_all_keeps_order_and_redoes_what_a_fork_did_not_deliver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "spare_cores", lambda: 2)
    parent = os.getpid()
    ran_here: list[int] = []

    def job(i: int):  # noqa: ANN202
        def run() -> object:
            if os.getpid() == parent:
                ran_here.append(i)
            if i == 4 and os.getpid() != parent:
                raise RuntimeError("only in a fork")  # the parent redoes it, and there it works
            if i == 5:
                return (lambda: i) if os.getpid() != parent else "five"  # unpicklable from a fork
            return i * 10
        return run

    assert forking.run_all([job(i) for i in range(7)]) == [0, 10, 20, 30, 40, "five", 60]
    assert 0 in ran_here and 4 in ran_here and 5 in ran_here
    assert len(ran_here) < 7  # the others came from forks


def test_run_all_without_spare_cores_runs_in_order_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTRAIL_WORKERS", "0")
    seen: list[int] = []
    assert forking.run_all([lambda i=i: seen.append(i) or i for i in range(4)]) == [0, 1, 2, 3]
    assert seen == [0, 1, 2, 3]


def test_no_fork_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert forking.spare_cores() == 1
    monkeypatch.setattr(sys, "platform", "darwin")
    assert forking.spare_cores() == 0


def test_run_all_keeps_jobs_that_must_not_fork_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "spare_cores", lambda: 1)
    parent = os.getpid()
    where: dict[int, bool] = {}

    def job(i: int):  # noqa: ANN202
        def run() -> int:
            if os.getpid() == parent:
                where[i] = True
            return i
        return run

    assert forking.run_all([job(i) for i in range(5)], [True, False, True, False, True]) == [0, 1, 2, 3, 4]
    assert where.get(1) and where.get(3)  # the jobs that must not fork ran here
    assert len(where) < 5  # and some of the others in forks
