"""Nothing a Pulumi program starts outlives its run.

The runner is started in a new session and its process group is killed at the end, but a
program can start a child in a session of its own (``start_new_session=True``, a double fork);
when its parent exits, such a child is re-parented to init and runs on after costrail, on a CI
runner that may hold the job's credentials. While runs are going, this process is a *child
subreaper* (Linux ``PR_SET_CHILD_SUBREAPER``): orphans of its descendants become its own
children, and are killed once the runs are over. Best effort: elsewhere nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Iterator

_PR_SET_CHILD_SUBREAPER = 36
_MAX_ROUNDS = 64  # each round kills one generation re-parented here by the previous one


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from ``/proc``; empty where there is none)."""
    found: set[int] = set()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")"
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.add(int(name))
    return found


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


@contextlib.contextmanager
def reaping_orphans() -> Iterator[None]:
    """Adopt the orphans of whatever starts inside the block; kill them (and theirs) when it ends.

    This process's children from before the block (forked workers) are left alone; inside the
    block it must start no long-lived child of its own besides the runs it waits for."""
    if not sys.platform.startswith("linux"):
        yield
        return
    me = os.getpid()
    before = children_of(me)
    if not _prctl(_PR_SET_CHILD_SUBREAPER, 1):
        yield
        return
    try:
        yield
    finally:
        try:
            kill_adopted(me, before)
        finally:
            _prctl(_PR_SET_CHILD_SUBREAPER, 0)


def kill_adopted(me: int, keep: set[int]) -> int:
    """Kill and reap every child of ``me`` not in ``keep``, generation after generation; how many."""
    killed = 0
    for _ in range(_MAX_ROUNDS):
        adopted = children_of(me) - keep
        if not adopted:
            break
        for pid in adopted:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            killed += 1
    return killed
