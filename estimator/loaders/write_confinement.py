"""Confine a child process's filesystem writes to a few directories (Linux Landlock).

A Pulumi program from a pull request runs as the same user as costrail. A scrubbed
environment keeps secrets from it, but without this it could still write anywhere that user
can: the parsed-file cache (planting trees that change later runs' costs), the Terraform
files or the base worktree costrail reads next, costrail's own installed code. Landlock
(Linux 5.13+) lets an unprivileged process give up rights for itself and every process it
starts; the child here keeps reading and executing everywhere, and writes only beneath the
run's own temporary directory and to ``/dev/null``.

Best effort, as Landlock is designed to be used: where the kernel lacks it (or on another OS)
the child runs as before, confined by the scrubbed environment and the timeout only.
The ruleset is built in the parent; the forked child only makes two system calls before exec.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from typing import Any

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same numbers on every Linux architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_WRITE_FILE = 1 << 1
_DIRECTORY_WRITES = (1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 9 | 1 << 10 | 1 << 11 | 1 << 12)  # remove/make
_REFER = 1 << 13  # ABI 2: link or rename across directories
_TRUNCATE = 1 << 14  # ABI 3


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


@functools.lru_cache(maxsize=1)
def abi_version() -> int:
    """The kernel's Landlock ABI version; 0 where there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        version = _libc().syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _write_rights(abi: int) -> tuple[int, int]:
    """(every write right this ABI knows, the subset that applies to a single file)."""
    on_file = _WRITE_FILE | (_TRUNCATE if abi >= 3 else 0)
    return on_file | _DIRECTORY_WRITES | (_REFER if abi >= 2 else 0), on_file


class WriteConfinement:
    """A Landlock ruleset: writes allowed beneath ``directories`` and to ``files``, nowhere else.

    Build it in the parent, pass ``apply`` as ``preexec_fn``, ``close`` it once the child has
    started."""

    def __init__(self, ruleset_fd: int) -> None:
        self.ruleset_fd = ruleset_fd
        self._libc = _libc()

    @classmethod
    def create(cls, directories: list[str], files: tuple[str, ...] = ("/dev/null",)) -> WriteConfinement | None:
        """The ruleset, or None where the kernel cannot confine (the child then runs unconfined)."""
        abi = abi_version()
        if abi < 1:
            return None
        handled, on_file = _write_rights(abi)
        libc = _libc()
        attr = ctypes.c_uint64(handled)  # struct landlock_ruleset_attr, filesystem field only
        fd = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(8), ctypes.c_uint32(0))
        if fd < 0:
            return None
        confinement = cls(int(fd))
        try:
            for path, rights in [*((d, handled) for d in directories), *((f, on_file) for f in files)]:
                confinement._allow(path, rights)
        except OSError:
            confinement.close()
            return None
        return confinement

    def _allow(self, path: str, rights: int) -> None:
        target = os.open(path, os.O_PATH | os.O_CLOEXEC)
        try:
            rule = _PathBeneath(rights, target)
            if self._libc.syscall(_ADD_RULE, ctypes.c_int(self.ruleset_fd), ctypes.c_int(_RULE_PATH_BENEATH),
                                  ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                errno = ctypes.get_errno()
                raise OSError(errno, os.strerror(errno), path)
        finally:
            os.close(target)

    def apply(self) -> None:
        """In the forked child, before exec: give up every write outside the ruleset, for good."""
        libc = self._libc
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return
        libc.syscall(_RESTRICT_SELF, ctypes.c_int(self.ruleset_fd), ctypes.c_uint32(0))

    def close(self) -> None:
        if self.ruleset_fd >= 0:
            os.close(self.ruleset_fd)
            self.ruleset_fd = -1
