"""Our own exceptions: each knows the file and line it is about, printed as one line."""

from __future__ import annotations

from estimator.model import Location


class CostrailError(Exception):
    """A user-facing error (bad input, bad config); the CLI prints ``str(err)`` and exits 2."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(CostrailError):
    """A source file cannot be read or evaluated (syntax, reference, type, cycle)."""

    source: str | None = None  # the input's kind (``pulumi-program``) when known before it failed


class MissingStackError(InputError):
    """``--stack NAME`` names a stack the Pulumi project has no stack file for: in a diff's base, a stack
    the change adds (the project is new on that side, not unreadable)."""


class ConfigError(CostrailError):
    """`.costrail.yml` or a usage file is invalid: names the key and line."""


class UsageError(CostrailError):
    """The command line is wrong."""


TOO_DEEP = "JSON nested too deeply (arrays or objects inside each other beyond what Python's decoder reads)"


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f)}


def one_line(text: str) -> str:
    """A message as one safe log line: control characters (a newline or ESC in a file name or a validation
    message) escaped, and never a line starting with ``::``, which GitHub Actions reads as a workflow
    command (QA19b: a pull request's file name could inject one into the job's log)."""
    line = text.translate(_CONTROL)
    return f"costrail: {line}" if line.startswith("::") else line
