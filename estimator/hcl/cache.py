"""Parsed-file cache keyed by content, so a ``diff`` parses only the files that changed.

The key is blake2b(file bytes, front-end name, costrail version): base and head of a diff,
and successive runs, share every unchanged file whatever directory it was checked out in
(``ast.File.path`` is set to the caller's path on the way out). Entries are pickled
``ast.File`` objects written atomically and read back through an unpickler that admits
syntax-node classes only (so a planted entry cannot run code); a corrupt, unreadable or
foreign entry is treated as a miss and rewritten. The directory is bounded: when it grows past ``MAX_BYTES`` the oldest entries
(by access time) are removed. Only successful parses are cached, so errors are always
reported afresh with the current path.
"""

from __future__ import annotations

import atexit
import functools
import os
import pickle
from contextlib import suppress
from pathlib import Path

try:  # CPython's own BLAKE2, without ``hashlib``'s OpenSSL load (~7 ms of every run's start-up)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b
from typing import Any

from estimator import __version__, forking
from estimator.errors import InputError
from estimator.hcl import ast

MAX_BYTES = 256 * 1024 * 1024
_SUBDIR = "hcl-ast-v1"
_pruned: set[str] = set()  # directories already size-checked by this process
_made: set[str] = set()  # directories this process has already created or found


def default_dir() -> str:
    """``$XDG_CACHE_HOME/costrail`` or ``~/.cache/costrail``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "costrail")


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """The front-end code itself: an edited parser must never be served its old trees."""
    h = blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in ("ast.py", "frontend.py", "hcl2_frontend.py", "treesitter_frontend.py"):
        with suppress(OSError):
            h.update((here / name).read_bytes())
    for package in _PARSER_PACKAGES:  # a grammar or parser upgrade must not be served the old trees
        h.update(_installed(package).encode())
    return h.digest()


_PARSER_PACKAGES = ("tree_sitter", "tree_sitter_hcl", "hcl2", "lark")


def _installed(package: str) -> str:
    """What identifies an installed package without importing it: its top files' names, sizes, times."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return f"{package}:absent;"
    parts = [package]
    with suppress(OSError), os.scandir(os.path.dirname(spec.origin)) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            with suppress(OSError):
                if entry.is_file():
                    st = entry.stat()
                    parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts) + ";"


def cache_key(data: bytes, parser: str) -> str:
    h = blake2b(digest_size=20)
    h.update(data)
    h.update(b"\0" + parser.encode() + b"\0" + __version__.encode() + b"\0" + _code_fingerprint())
    return h.hexdigest()


def load_or_parse(path: str, text: str | bytes, parser: str | None, cache_dir: str | None) -> ast.File:
    """The parsed file from the cache, or parse it (via the front-end registry) and store it.

    ``text`` is the file's content as read (bytes or str); ``parser`` None means the default
    front-end; ``cache_dir`` None means the user cache directory.
    """
    from estimator.hcl import frontend

    name = parser or frontend.DEFAULT_PARSER
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    directory = Path(cache_dir or default_dir()) / _SUBDIR
    entry = directory / cache_key(data, name)
    result = _cached(entry, path) or _parse_and_store(path, text, name, directory, entry)
    if isinstance(result, InputError):
        raise result
    return result


def parse_file(path: str, display: str | None = None, parser: str | None = None, cache_dir: str | None = None,
               limit: int | None = None) -> ast.File:
    """``frontend.parse_file`` through the cache: same arguments, same errors, plus ``cache_dir``."""
    from estimator.hcl import frontend

    shown = display or path
    limit = frontend.MAX_FILE_BYTES if limit is None else limit
    return load_or_parse(shown, frontend.read_source(path, shown, limit), parser, cache_dir)


_Missing = tuple[int, str, bytes, Path]  # (position in the caller's list, shown path, text, cache entry)


def parse_files(paths: list[tuple[str, str]], parser: str | None = None, cache_dir: str | None = None,
                limit: int | None = None) -> list[ast.File | InputError]:
    """``parse_file`` for a module directory's files, in order; errors are returned, not raised.

    Cached files are read; when many are missing (a cold run) they are split between this
    process and forked workers, one per spare core. A worker parses its share into the cache
    and exits; this process then reads those entries. Anything a worker did not deliver (a
    syntax error, an unwritable cache, a crash) is parsed here, so errors and their messages
    are exactly the serial ones.
    """
    from estimator.hcl import frontend

    name = parser or frontend.DEFAULT_PARSER
    limit = frontend.MAX_FILE_BYTES if limit is None else limit
    directory = Path(cache_dir or default_dir()) / _SUBDIR
    results: list[ast.File | InputError | None] = []
    missing: list[_Missing] = []
    for path, shown in paths:
        try:
            raw = frontend.read_source(path, shown, limit)
        except InputError as err:
            results.append(err)
            continue
        entry = directory / cache_key(raw, name)
        cached = _cached(entry, shown)
        if cached is None:
            missing.append((len(results), shown, raw, entry))
        results.append(cached)
    for index, result in _parse_missing(missing, name, directory).items():
        results[index] = result
    return [r for r in results if r is not None]


def warm(paths: list[str], parser: str | None = None, cache_dir: str | None = None, limit: int | None = None) -> None:
    """Parse into the cache whichever of ``paths`` it lacks (on every core), reading no hit back:
    so that processes forked next (a diff's base) find every file they share already parsed.
    Unreadable files and syntax errors are left for the real read to report."""
    from estimator.hcl import frontend

    name = parser or frontend.DEFAULT_PARSER
    limit = frontend.MAX_FILE_BYTES if limit is None else limit
    directory = Path(cache_dir or default_dir()) / _SUBDIR
    missing: list[_Missing] = []
    for path in paths:
        try:
            raw = frontend.read_source(path, path, limit)
        except InputError:
            continue
        entry = directory / cache_key(raw, name)
        if not entry.exists():
            missing.append((len(missing), path, raw, entry))
    _parse_missing(missing, name, directory, read_back=False)


def _parse_missing(missing: list[_Missing], name: str, directory: Path,
                   read_back: bool = True) -> dict[int, ast.File | InputError]:
    """Parse and store ``missing``: many of them on every core (forked workers parse their shares
    into the cache, this process reads them back unless ``read_back`` is off), anything a worker
    did not deliver here."""
    results: dict[int, ast.File | InputError] = {}
    delegated: list[_Missing] = []
    workers: list[int] = []
    defer = read_back and _defer_owner == os.getpid()
    if len(missing) >= PARALLEL_MIN_FILES and sum(len(m[2]) for m in missing) >= PARALLEL_MIN_BYTES:
        shares = _split(missing, forking.spare_cores() + 1, MY_DEFERRED_SHARE if defer else 1.0)
        missing = shares[0]
        for share in shares[1:]:
            pid = _fork_worker(share, name, directory)
            if pid:
                workers.append(pid)
                delegated.extend(share)
            else:
                missing.extend(share)
    later: list[tuple[Path, ast.File]] = []
    defer = defer and bool(workers)
    for index, shown, raw, entry in missing:
        if defer:
            result = _parse_only(shown, raw, name)
            if isinstance(result, ast.File):
                later.append((entry, result))
            results[index] = result
        else:
            results[index] = _parse_and_store(shown, raw, name, directory, entry)
    if later:
        _write_in_background(directory, later)
    for pid in workers:
        forking.wait(pid)
    for index, shown, raw, entry in delegated:
        if read_back:
            results[index] = _cached(entry, shown) or _parse_and_store(shown, raw, name, directory, entry)
        elif not entry.exists():
            _parse_and_store(shown, raw, name, directory, entry)
    return results


PARALLEL_MIN_FILES = 16  # below this (or PARALLEL_MIN_BYTES), a fork costs more than it saves
PARALLEL_MIN_BYTES = 128 * 1024
# This process's share, in workers' shares, when its own cache writes are deferred: a worker
# also pickles and stores its trees, so equal shares left this process waiting for it (300-file
# cold ``check``, 15-20 interleaved runs: 1.5 beat 1.0 by 0.03-0.1 s; 1.4-2.2 were alike).
MY_DEFERRED_SHARE = 1.5


def _split(items: list[_Missing], parts: int, mine: float = 1.0) -> list[list[_Missing]]:
    """Shares of about equal bytes, in file order, the first (this process's) ``mine`` times a
    worker's. A smaller share for this process (which also reads the workers' entries back)
    measured slower: forked workers pay copy-on-write faults."""
    if parts <= 1:
        return [items]
    total = sum(len(m[2]) for m in items)
    each = total / (parts - 1 + mine)
    shares: list[list[_Missing]] = [[] for _ in range(parts)]
    current, filled = 0, 0.0
    for item in items:
        bound = each * (current + mine)
        if filled >= bound and current < parts - 1:
            current += 1
        shares[current].append(item)
        filled += len(item[2])
    return shares


def _fork_worker(share: list[_Missing], name: str, directory: Path) -> int:
    """Fork a process that parses ``share`` into the cache; its pid, or 0 when it could not."""
    from estimator.hcl import frontend

    def work() -> None:
        for _index, shown, raw, entry in share:
            try:
                parsed = frontend.parse(shown, raw, name)
            except Exception:  # noqa: BLE001 - the parent parses it again and reports the error
                continue
            _write(directory, entry, parsed)

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return 0
    return forking.run_detached(work)


def defer_writes() -> None:
    """Let this process (the ``costrail`` command itself) hand its own cache writes of a cold,
    forked parse to a writer child, waited for at exit. Its parse workers already store their
    shares; storing its own (pickling ~half the trees) was ~0.05 s on the critical path of a
    300-file ``check``, while the evaluation that follows leaves the other core idle. Forked
    children (a diff's base, other projects) and library callers keep writing in line, so an
    entry is on disk when their call returns."""
    global _defer_owner
    if _defer_owner is None:
        atexit.register(join_writers)
    _defer_owner = os.getpid()


def join_writers() -> None:
    """Wait for this process's background writers (at exit, or before reading the cache elsewhere)."""
    while _writers:
        forking.wait(_writers.pop())


_defer_owner: int | None = None
_writers: list[int] = []


def _write_in_background(directory: Path, trees: list[tuple[Path, ast.File]]) -> None:
    """Store ``trees`` from a forked child (a snapshot of them as they are now); in line if fork fails."""

    def work() -> None:
        for entry, tree in trees:
            _write(directory, entry, tree)

    pid = forking.run_detached(work)
    if pid:
        _writers.append(pid)
    else:
        work()


def _parse_only(shown: str, text: str | bytes, name: str) -> ast.File | InputError:
    from estimator.hcl import frontend

    try:
        return frontend.parse(shown, text, name)
    except InputError as err:
        return err


def _cached(entry: Path, shown: str) -> ast.File | None:
    """The cached tree, under the caller's path; None on a miss."""
    cached = _read(entry)
    if cached is not None:
        cached.path = shown
    return cached


def _parse_and_store(shown: str, text: str | bytes, name: str, directory: Path, entry: Path) -> ast.File | InputError:
    parsed = _parse_only(shown, text, name)
    if isinstance(parsed, ast.File):
        _write(directory, entry, parsed)
    return parsed


class _NodeUnpickler(pickle.Unpickler):
    """Loads syntax nodes and plain data only: an entry may name no other class or function.

    The cache directory is writable by anything running as the same user, a sandboxed Pulumi
    program from a pull request included; with plain ``pickle.load`` a planted entry would run
    its code in this process. Here it is a miss, and is rewritten."""

    def find_class(self, module: str, name: str) -> Any:
        node = _NODE_CLASSES.get(name) if module == ast.__name__ else None
        if node is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a syntax node")
        return node


_NODE_CLASSES: dict[str, type] = {cls.__name__: cls for cls in ast.NODE_TYPES}


def _read(entry: Path) -> ast.File | None:
    try:
        with entry.open("rb") as fh:
            value = _NodeUnpickler(fh).load()
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - any corrupt/truncated/foreign entry is just a miss
        return None
    return value if isinstance(value, ast.File) else None


def _write(directory: Path, entry: Path, parsed: ast.File) -> None:
    """Atomic write (temp file + rename); a cache that cannot be written is silently skipped."""
    key = str(directory)
    try:
        if key not in _made:
            directory.mkdir(parents=True, exist_ok=True)
            _made.add(key)
        # a per-process temporary name (O_EXCL) instead of mkstemp's random one: same safety,
        # a fraction of the cost when a cold run writes hundreds of entries
        tmp = f"{entry}.{os.getpid()}.tmp"
        try:
            with open(tmp, "xb") as fh:
                pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
    if key not in _pruned:
        _pruned.add(key)
        prune(directory, MAX_BYTES)


def prune(directory: Path, max_bytes: int) -> int:
    """Remove the least recently used entries until the directory is under ``max_bytes``."""
    entries = []
    total = 0
    try:
        with os.scandir(directory) as it:
            for item in it:
                try:
                    st = item.stat()
                except OSError:
                    continue
                entries.append((max(st.st_atime, st.st_mtime), st.st_size, item.path))
                total += st.st_size
    except OSError:
        return 0
    removed = 0
    if total <= max_bytes:
        return 0
    entries.sort()
    for _, size, p in entries:
        if total <= max_bytes * 0.8:  # some headroom, so pruning is rare
            break
        with suppress(OSError):
            os.unlink(p)
            total -= size
            removed += 1
    return removed

