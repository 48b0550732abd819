"""What every command does around the pipeline: options, config, output, exit codes."""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estimator.errors import CostrailError, one_line
from estimator.loaders import LoadOptions
from estimator.model import Diagnostic
from estimator.pipeline import ProjectResult, ProjectSpec, specs_from
from estimator.report.streamed import Streamed

if TYPE_CHECKING:
    from estimator.config import Config


def load_options(kwargs: dict[str, Any]) -> LoadOptions:
    options = LoadOptions(
        var_files=list(kwargs.get("var_files") or ()),
        vars=dict(kwargs.get("vars_") or {}),
        stack=kwargs.get("stack"),
        parser=kwargs.get("parser"),
        timeout=float(kwargs.get("timeout") or 120.0),
        cache_dir=kwargs.get("cache_dir"),
    )
    return options


def load_config_for(paths: list[str], config_path: str | None) -> Config:
    from estimator.config import load_config

    return load_config(config_path, paths)


def project_specs(paths: list[str], kwargs: dict[str, Any], config: Config | None) -> list[ProjectSpec]:
    given = kwargs.get("usage_file")
    specs = specs_from(paths, usage_file=given, config=config)
    for spec in specs:  # a projects: entry's own usage file wins: never silently over the command line's
        if given and spec.usage_file and spec.usage_file != given and spec.origin:
            print(f"warning: {spec.origin}: {spec.name or spec.path} reads its own usage_file {spec.usage_file}, "
                  f"not --usage-file {given}", file=sys.stderr)
    return specs


def report_diagnostics(results: list[ProjectResult]) -> bool:
    """Print input errors and warnings on stderr, one line each (a line several projects share, such
    as their usage file's error, once); True when any error."""
    failed = False
    printed: set[str] = set()
    for result in results:
        lines = [("warning: " if diag.severity == "warning" else "") + _from_cwd(diag, result.spec.path)
                 for diag in result.diagnostics]
        if result.error is not None:
            err = result.error
            line = _from_cwd(Diagnostic(err.message, err.location), result.spec.path)
            if result.spec.origin and (err.location is None or not err.location.line):
                line = f"{result.spec.origin}: {line}"  # a path or file the config names: say where
            lines.append(line)
        for line in lines:
            if line not in printed:
                printed.add(line)
                print(one_line(line), file=sys.stderr)
        failed = failed or result.failed
    return failed


def _from_cwd(diag: Diagnostic, project_path: str) -> str:
    """The diagnostic with its file named from the working directory, so with several PATHs it is clear which."""
    loc = diag.location
    root = Path(project_path)
    if root.is_file():  # a plan JSON: its locations are relative to its directory
        root = root.parent
    if loc is None or Path(loc.file).is_absolute() or not root.is_dir() or str(root) in ("", "."):
        return str(diag)
    candidate = root / loc.file
    if not candidate.is_file() and not candidate.is_symlink():
        return str(diag)
    # the file where it sits in the project, never where a symlink points (QA20a: a refused link to an
    # outside secret put that path in the CI log)
    full = Path(os.path.abspath(candidate))
    try:
        shown = str(full.relative_to(Path(os.path.abspath(Path.cwd()))))
    except ValueError:  # outside the working directory (a var file in /tmp): the absolute path
        shown = str(full)
    return str(replace(diag, location=replace(loc, file=shown)))


def emit(text: str | Streamed, out_file: str | None) -> None:
    """The report to ``out_file`` or stdout; streamed reports (JSON) are written piece by piece.

    A report that cannot be written is an input error (exit 2, one line), never exit 1, which CI
    reads as a failed policy; a regular ``out_file`` is replaced only once complete."""
    if isinstance(text, Streamed):
        write_to = text.write_to
    else:
        whole = text if out_file or text.endswith("\n") else text + "\n"

        def write_to(sink: Any) -> None:
            sink(whole)

    if out_file:
        _write_file(write_to, out_file)
        return
    try:
        write_to(sys.stdout.write)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader closed the pipe (`| head`): its choice, handled quietly as usual
    except OSError as err:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - drop the rest; exit must not retry it
        raise CostrailError(f"cannot write the report to standard output: {err.strerror or err}") from None


def _write_file(write_to: Any, out_file: str) -> None:
    """Into a temporary file beside ``out_file``, renamed over it when complete: a full disk or a
    failed run never leaves half a report that a later CI step would read. Devices, pipes and
    symlinks (``/dev/stdout``) are written in place."""
    target = Path(out_file)
    in_place = target.is_symlink() or (target.exists() and not target.is_file())
    tmp = Path(f"{out_file}.{os.getpid()}.tmp")
    try:
        if in_place:
            with target.open("w", encoding="utf-8") as fh:
                write_to(fh.write)
            return
        try:
            with tmp.open("x", encoding="utf-8") as fh:
                write_to(fh.write)
            os.replace(tmp, target)
        except BaseException:
            with suppress(OSError):
                tmp.unlink()
            raise
    except OSError as err:
        raise CostrailError(f"cannot write {out_file}: {err.strerror or err}") from None
