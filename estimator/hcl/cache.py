"""Parsed-file cache keyed by content, so a ``diff`` parses only the files that changed.

The key is blake2b(file bytes, front-end name, costrail version): base and head of a diff,
and successive runs, share every unchanged file whatever directory it was checked out in
(``ast.File.path`` is set to the caller's path on the way out). Entries are pickled
``ast.File`` objects written atomically; a corrupt or unreadable entry is treated as a miss
and rewritten. The directory is bounded: when it grows past ``MAX_BYTES`` the oldest entries
(by access time) are removed. Only successful parses are cached, so errors are always
reported afresh with the current path.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from contextlib import suppress
from pathlib import Path

from estimator import __version__
from estimator.hcl import ast

MAX_BYTES = 256 * 1024 * 1024
_SUBDIR = "hcl-ast-v1"
_pruned: set[str] = set()  # directories already size-checked by this process


def default_dir() -> str:
    """``$XDG_CACHE_HOME/costrail`` or ``~/.cache/costrail``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "costrail")


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """The front-end code itself: an edited parser must never be served its old trees."""
    h = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in ("ast.py", "frontend.py", "hcl2_frontend.py", "treesitter_frontend.py"):
        with suppress(OSError):
            h.update((here / name).read_bytes())
    return h.digest()


def cache_key(data: bytes, parser: str) -> str:
    h = hashlib.blake2b(digest_size=20)
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
    cached = _read(entry)
    if cached is not None:
        cached.path = path
        return cached
    parsed = frontend.parse(path, text, name)
    _write(directory, entry, parsed)
    return parsed


def parse_file(path: str, display: str | None = None, parser: str | None = None, cache_dir: str | None = None,
               limit: int | None = None) -> ast.File:
    """``frontend.parse_file`` through the cache: same arguments, same errors, plus ``cache_dir``."""
    from estimator.hcl import frontend

    shown = display or path
    limit = frontend.MAX_FILE_BYTES if limit is None else limit
    return load_or_parse(shown, frontend.read_source(path, shown, limit), parser, cache_dir)


def _read(entry: Path) -> ast.File | None:
    try:
        with entry.open("rb") as fh:
            value = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - any corrupt/truncated/foreign entry is just a miss
        return None
    return value if isinstance(value, ast.File) else None


def _write(directory: Path, entry: Path, parsed: ast.File) -> None:
    """Atomic write (temp file + rename); a cache that cannot be written is silently skipped."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
    key = str(directory)
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

