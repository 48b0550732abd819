"""Front-end registry: one place that turns HCL text into ``ast.File``, whichever parser.

The evaluator only ever sees ``estimator.hcl.ast`` nodes, so parsers can be swapped with
``--parser``. Guards that do not depend on the parser (size, encoding, NUL bytes) live here,
so every front-end rejects bad input with the same one-line message.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from estimator.errors import InputError
from estimator.hcl import ast
from estimator.model import Location

DEFAULT_PARSER = "tree-sitter"
MAX_FILE_BYTES = 5 * 1024 * 1024

# name -> module that defines ``parse_text(path, text) -> ast.File`` (or ``parse``)
FRONTENDS: dict[str, str] = {
    "python-hcl2": "estimator.hcl.hcl2_frontend",
    "tree-sitter": "estimator.hcl.treesitter_frontend",
}


def available() -> list[str]:
    """Front-end names whose module can be imported here."""
    names = []
    for name in FRONTENDS:
        try:
            _frontend(name)
        except InputError:
            continue
        names.append(name)
    return names


def _frontend(name: str) -> Callable[[str, str], ast.File]:
    module_name = FRONTENDS.get(name)
    if module_name is None:
        raise InputError(f"unknown HCL parser {name!r} (one of {', '.join(FRONTENDS)})")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise InputError(f"HCL parser {name!r} is not available: {err}") from err
    func = getattr(module, "parse_text", None) or getattr(module, "parse", None)
    if func is None:
        raise InputError(f"HCL parser {name!r} has no parse_text(path, text) function")
    return func


def require_frontend(name: str | None) -> None:
    """Raise ``InputError`` now if the named front-end cannot be used."""
    _frontend(name or DEFAULT_PARSER)


def check_text(path: str, data: bytes | str, limit: int = MAX_FILE_BYTES) -> str:
    """Reject what no HCL parser should see: too big, NUL bytes, invalid UTF-8."""
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limit:
        raise InputError(
            f"file is {size / 1048576:.1f} MB, over the {limit / 1048576:g} MB limit for one HCL file",
            Location(path, 1, 1),
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise InputError(f"invalid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
                             Location(path, line, 1)) from err
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError("binary content (NUL byte) in an HCL file", Location(path, line, 1))
    return text


def parse(path: str, text: str | bytes, parser: str | None = None) -> ast.File:
    """Parse one file's text; raises ``InputError`` with file, line and column."""
    checked = check_text(path, text)
    return _frontend(parser or DEFAULT_PARSER)(path, checked)


def read_source(path: str, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing (with its size) a file over ``limit``; ``shown`` names it in errors."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", Location(shown, 1)) from err
    if len(data) > limit:
        import os

        size = os.path.getsize(path)
        raise InputError(
            f"file is {size / 1048576:.1f} MB, over the {limit / 1048576:g} MB limit for one HCL file",
            Location(shown, 1, 1),
        )
    return data


def parse_file(path: str, display: str | None = None, parser: str | None = None,
               limit: int = MAX_FILE_BYTES) -> ast.File:
    """Read and parse; ``display`` is the path used in messages (relative to the project)."""
    shown = display or path
    return parse(shown, read_source(path, shown, limit), parser)
