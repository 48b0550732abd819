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

Reads can be confined too (``readable``): the scrubbed environment hides the parent's secrets
from the program's own ``os.environ``, but the same user may read ``/proc/<ppid>/environ``
(the CI job's tokens), ``~/.aws/credentials``, or the token ``actions/checkout`` leaves in
``.git/config``, and hand them back as a tag value that lands in the PR comment. The program
then reads only the system and Python directories, its interpreter's prefix, and its own
repository without ``.git`` (``program_read_roots``).
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

_EXECUTE = 1 << 0
_WRITE_FILE = 1 << 1
_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_DIRECTORY_WRITES = (1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 9 | 1 << 10 | 1 << 11 | 1 << 12)  # remove/make
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6
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
    def create(cls, directories: list[str], files: tuple[str, ...] = ("/dev/null",),
               readable: list[str] | None = None) -> WriteConfinement | None:
        """The ruleset, or None where the kernel cannot confine (the child then runs unconfined).

        ``directories`` (and ``files``) may be written; with ``readable``, reading is confined as
        well: to those, ``directories`` and ``files``. Paths that do not exist are skipped."""
        abi = abi_version()
        if abi < 1:
            return None
        handled, on_file = _write_rights(abi)
        read_dir = _READ_FILE | _READ_DIR
        if readable is not None:
            handled |= read_dir
            on_file |= _READ_FILE
        libc = _libc()
        # struct landlock_ruleset_attr {fs; net (ABI 4); scoped (ABI 6)}: with ``readable`` the program
        # also gets no TCP at all and cannot signal or reach (abstract sockets) anything outside
        # its own processes, where the kernel knows how to say so
        fields = [handled]
        if readable is not None and abi >= 4:
            fields.append(_NET_BIND_TCP | _NET_CONNECT_TCP)
            if abi >= 6:
                fields.append(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL)
        attr = (ctypes.c_uint64 * len(fields))(*fields)
        fd = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(8 * len(fields)), ctypes.c_uint32(0))
        if fd < 0:
            return None
        confinement = cls(int(fd))
        try:
            for path, rights in [*((d, handled) for d in directories), *((f, on_file) for f in files)]:
                confinement._allow(path, rights)
            for path in readable or ():
                if os.path.isdir(path):
                    confinement._allow(path, read_dir)
                elif os.path.exists(path):
                    confinement._allow(path, _READ_FILE)
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


# What any Python program needs to read: the system's libraries and configuration, random devices,
# the CPU topology (glibc, grpc). Not /proc: other processes' environments are there.
SYSTEM_READ_ROOTS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc",
                     "/dev/urandom", "/dev/random", "/dev/zero", "/proc/cpuinfo", "/sys/devices/system/cpu")


def program_read_roots(project_dir: str, python: str, extra: tuple[str, ...] = ()) -> list[str]:
    """What a Pulumi program may read: the system, costrail's own interpreter and its import path,
    ``extra``, the installation of the ``python`` it runs on, and the program's repository (its
    top-level entries but ``.git``, where ``actions/checkout`` keeps the job's token; no symlink,
    which could name anything) or, outside a repository, its project directory.

    The repository is the pull request's: nothing in it (a virtualenv's ``pyvenv.cfg``, a symlink)
    may open a directory outside it, except a real Python installation (see ``_python_root``)."""
    roots = [*SYSTEM_READ_ROOTS, *extra]
    roots += [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    roots += [p for p in sys.path if p and os.path.isdir(p)]  # costrail's own (trusted) venv and .pth entries
    project = os.path.realpath(project_dir)
    repo = _repository_of(project)
    home = os.path.realpath(os.path.expanduser("~"))
    if repo is None or repo in (home, "/"):
        roots.append(project_dir)  # not a repository (a dotfiles repository in ~ would open ~/.aws)
        repo = project
    else:
        with os.scandir(repo) as entries:
            roots += [entry.path for entry in entries if entry.name != ".git" and not entry.is_symlink()]
    guard = (home, repo, os.path.realpath(os.getcwd()))
    venv = os.path.dirname(os.path.dirname(os.path.abspath(python)))
    candidates = [venv, os.path.dirname(os.path.dirname(os.path.realpath(python)))]
    home_dir = _venv_home(venv)
    if home_dir:
        candidates.append(os.path.dirname(home_dir))
    pythons = [root for root in (_python_root(c, guard) for c in candidates) if root]
    roots += pythons
    for root in pythons:
        if not _under(root, repo):  # installed outside the pull request: its .pth entries are the CI's own
            roots += [d for d in _pth_dirs(root) if not any(_under(kept, d) for kept in guard)]
    return list(dict.fromkeys(roots))


def _under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _pth_dirs(prefix: str) -> list[str]:
    """Directories the ``.pth`` files of a Python installation put on its import path (an editable
    install of a library kept elsewhere)."""
    found: list[str] = []
    try:
        versions = [n for n in os.listdir(os.path.join(prefix, "lib")) if n.startswith("python3")]
    except OSError:
        return found
    for version in versions:
        site = os.path.join(prefix, "lib", version, "site-packages")
        try:
            names = sorted(n for n in os.listdir(site) if n.endswith(".pth"))
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(site, name), encoding="utf-8") as fh:
                    lines = fh.read().splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for line in lines:
                line = line.strip()
                if not line or line.startswith(("#", "import ", "import\t")):
                    continue
                path = os.path.realpath(os.path.join(site, line))
                if os.path.isdir(path):
                    found.append(path)
    return found


def _python_root(candidate: str, guard: tuple[str, ...]) -> str | None:
    """``candidate`` if it is a Python installation or virtualenv that may be read: it has
    ``pyvenv.cfg`` or ``lib/python3.*``, and it is not ``/``, nor holds the home directory, the
    repository or the working directory (a ``virtualenv: /`` in Pulumi.yaml, or a ``pyvenv.cfg``
    whose ``home`` names ``~/.aws/bin``, must not open them)."""
    path = os.path.realpath(candidate)
    if any(_under(kept, path) for kept in guard):
        return None
    if os.path.isfile(os.path.join(path, "pyvenv.cfg")):
        return path
    try:
        names = os.listdir(os.path.join(path, "lib"))
    except OSError:
        return None
    return path if any(n.startswith("python3") for n in names) else None


def _venv_home(venv: str) -> str | None:
    """The ``home`` of a virtualenv's ``pyvenv.cfg`` (the bin directory of the Python it was made from)."""
    try:
        with open(os.path.join(venv, "pyvenv.cfg"), encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition("=")
                if key.strip() == "home":
                    return os.path.realpath(value.strip())
    except OSError:
        pass
    return None


def _repository_of(directory: str) -> str | None:
    """The closest directory at or above ``directory`` that holds a ``.git``."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
