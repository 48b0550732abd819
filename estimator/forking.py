"""Forked helpers for work that runs side by side on spare cores (cold parses, projects, a diff's base).

Fork, not a process pool: the child starts with everything already imported and loaded, so
there is no start-up to pay and nothing to pickle on the way in. Nothing here is ever
needed for a correct result: when fork is missing or unsafe, or a child fails, the caller
does the work itself. ``COSTRAIL_WORKERS=0`` turns all of it off.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

T = TypeVar("T")

MAX_WORKERS = 4


def spare_cores() -> int:
    """Cores a fork can use besides this process: none where fork is missing or unsafe (macOS,
    where system libraries may not survive a fork, as CPython's own ``multiprocessing`` holds;
    other threads running, as when costrail is used as a library), or with ``COSTRAIL_WORKERS=0``."""
    import sys
    import threading

    if (not hasattr(os, "fork") or sys.platform == "darwin" or os.environ.get("COSTRAIL_WORKERS") == "0"
            or threading.active_count() > 1):
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, min(cores, MAX_WORKERS + 1) - 1)


def run_detached(work: Callable[[], None]) -> int:
    """Fork a child that runs ``work`` and exits; its pid, or 0 when fork failed (run it yourself).

    The child never returns into the caller's code, never runs exit handlers and never flushes
    buffers it inherited (so nothing the parent had buffered is written twice).
    """
    try:
        pid = os.fork()
    except OSError:
        return 0
    if pid:
        return pid
    status = 0
    try:
        work()
    except BaseException:  # noqa: BLE001 - the parent notices the missing result and redoes the work
        status = 1
    finally:
        os._exit(status)


def wait(pid: int) -> bool:
    """Wait for a child of ``run_detached``; True when it exited cleanly."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0


class Future:
    """A value computed in a forked child, read back through a pipe (pickled)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._pid = 0
        self._read_fd = -1
        if spare_cores() < 1:
            return
        read_fd, write_fd = os.pipe()

        def work() -> None:
            os.close(read_fd)
            data = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(data)

        self._pid = run_detached(work)
        os.close(write_fd)
        if self._pid:
            self._read_fd = read_fd
        else:
            os.close(read_fd)

    @property
    def started(self) -> bool:
        return bool(self._pid)

    def result(self) -> tuple[bool, Any]:
        """(True, value) from the child, or (False, None) when it was not started or failed."""
        if not self._pid:
            return False, None
        with os.fdopen(self._read_fd, "rb") as fh:
            data = fh.read()  # read before waiting: a result larger than the pipe blocks the child
        ok = wait(self._pid)
        self._pid = 0
        if not ok:
            return False, None
        with suppress(Exception):
            return True, pickle.loads(data)
        return False, None


def run_all(jobs: list[Callable[[], T]], forkable: list[bool] | None = None) -> list[T]:
    """Every job's result, in order. Each round, this process runs one job (a job that is not
    ``forkable`` first) while forks run up to one forkable job per spare core. A job a fork did
    not deliver (it failed, or its result does not pickle) is run here, so a failure surfaces
    exactly as it would in one process."""
    spare = spare_cores()
    allowed = forkable if forkable is not None else [True] * len(jobs)
    ahead = [i for i, ok in enumerate(allowed) if ok]
    here = [i for i, ok in enumerate(allowed) if not ok]
    if spare < 1 or len(jobs) < 2 or not ahead:
        return [job() for job in jobs]
    results: list[Any] = [None] * len(jobs)
    while ahead or here:
        mine = here.pop(0) if here else ahead.pop(0)
        batch, ahead = ahead[:spare], ahead[spare:]
        futures = [(i, Future(jobs[i])) for i in batch]
        results[mine] = jobs[mine]()
        for i, future in futures:
            ok, value = future.result()
            results[i] = value if ok else jobs[i]()
    return results
