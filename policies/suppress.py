"""Suppressions: inline ``# costrail:ignore CR-XXX-NNN reason="..."`` comments and config entries.

Inline comments (``#`` or ``//``) count anywhere in the resource's block — from its first line to
its closing brace (a Pulumi resource: its constructor call's parentheses), on a line of their own
or at the end of one, as checkov's ``#checkov:skip=`` does — and on the comment lines directly
above it; for a finding placed elsewhere (a variable default), on that line or directly above.
A ``costrail:ignore`` naming a rule id that does not exist is warned about, never silently
ignored. Config suppressions match rule and address (``*`` wildcards); an expired one stops
suppressing and says so in the finding.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from estimator.model import Diagnostic, Location
from policies.finding import STACK_RESOURCES, Finding

if TYPE_CHECKING:
    from estimator.config import Config, Suppression

IGNORE_RE = re.compile(
    r"(?:#|//)\s*costrail:ignore\s+(?P<rules>[A-Z]+-[A-Z]+-\d+(?:\s*,\s*[A-Z]+-[A-Z]+-\d+)*)"
    r"(?:\s+reason\s*=\s*\"(?P<reason>[^\"]*)\")?"
)
_COMMENT_RE = re.compile(r"^\s*(#|//|/\*|\*)")
IGNORE_MARK = "costrail:ignore"
_ANY_IGNORE_RE = re.compile(r"(?:#|//)\s*costrail:ignore\b(?P<rest>.*)")
_TRAILING_COMMENT_RE = re.compile(r"#|//")
_HEREDOC_RE = re.compile(r"<<-?\s*([A-Za-z_][\w-]*)\s*$")


class SourceLines:
    """Source files read once per run (suppression comments)."""

    def __init__(self, root: str) -> None:
        self.root = Path(root) if root else Path(".")
        self._texts: dict[str, str] = {}
        self._cache: dict[str, list[str]] = {}
        self._blocks: dict[tuple[str, int], list[tuple[int, str]]] = {}

    def text(self, file: str) -> str:
        if file not in self._texts:
            path = Path(file) if Path(file).is_absolute() else self.root / file
            try:
                self._texts[file] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[file] = ""
        return self._texts[file]

    def lines(self, file: str) -> list[str]:
        if file not in self._cache:
            self._cache[file] = self.text(file).splitlines()
        return self._cache[file]

    def mentions_ignore(self, file: str) -> bool:
        """Whether the file has any ``costrail:ignore`` at all: most have none, and then no line of
        them needs a look (scanning each finding's block character by character was half of the
        policy stage of a 300-file ``check``)."""
        return IGNORE_MARK in self.text(file)

    def inline_ignores(self, location: Location | None, block: bool = False) -> dict[str, str]:
        """Rule id → reason of the ``costrail:ignore`` comments on or directly above a line, and with
        ``block`` (a resource's location), in the block that opens on that line."""
        if location is None or location.line < 1 or not self.mentions_ignore(location.file):
            return {}
        lines = self.lines(location.file)
        if location.line > len(lines):
            return {}
        candidates = [lines[location.line - 1]]
        index = location.line - 2
        while index >= 0 and _COMMENT_RE.match(lines[index]):
            candidates.append(lines[index])
            index -= 1
        if block:
            candidates += [text for _line, text in self._block_comments(location.file, location.line)]
        found: dict[str, str] = {}
        for text in candidates:
            for match in IGNORE_RE.finditer(text):
                reason = match.group("reason") or "no reason given"
                for rule in re.split(r"\s*,\s*", match.group("rules")):
                    found.setdefault(rule, reason)
        return found

    def _block_comments(self, file: str, line: int) -> list[tuple[int, str]]:
        key = (file, line)
        if key not in self._blocks:
            python = file.endswith(".py")
            self._blocks[key] = [] if file.endswith(".json") else block_comments(self.lines(file), line, python)
        return self._blocks[key]


def block_comments(lines: list[str], start: int, python: bool = False) -> list[tuple[int, str]]:
    """(line, comment text) of the comments in the block (HCL ``{...}``, a Python call's ``(...)``) that
    opens on line ``start`` (1-based), up to its closing bracket; strings, HCL templates and heredocs
    are skipped. Empty when no block opens on that line or it never closes (nothing is guessed)."""
    comments: list[tuple[int, str]] = []
    stack: list[list] = [["code", 0]]  # ["code", bracket depth] | ["str", closing quote]
    opened = False
    heredoc: str | None = None
    in_block_comment = False
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        i = 0
        if in_block_comment:
            end = line.find("*/")
            comments.append((number, line if end < 0 else line[:end + 2]))
            if end < 0:
                continue
            in_block_comment, i = False, end + 2
        while i < len(line):
            top = stack[-1]
            char, two = line[i], line[i:i + 2]
            if top[0] == "str":
                if char == "\\":
                    i += 2
                elif not python and two in ("$$", "%%"):
                    i += 2  # escaped template sequence
                elif not python and two in ("${", "%{"):
                    stack.append(["code", 1])
                    i += 2
                elif line.startswith(top[1], i):
                    stack.pop()
                    i += len(top[1])
                else:
                    i += 1
                continue
            if char == "#" or (not python and two == "//"):
                comments.append((number, line[i:]))
                break
            if not python and two == "/*":
                end = line.find("*/", i + 2)
                comments.append((number, line[i:] if end < 0 else line[i:end + 2]))
                if end < 0:
                    in_block_comment = True
                    break
                i = end + 2
                continue
            if python and line[i:i + 3] in ('"""', "'''"):
                stack.append(["str", line[i:i + 3]])
                i += 3
                continue
            if char == '"' or (python and char == "'"):
                stack.append(["str", char])
                i += 1
                continue
            if not python and two == "<<" and (m := _HEREDOC_RE.match(line, i)):
                heredoc = m.group(1)
                break
            if char in "{([":
                top[1] += 1
                opened = True
            elif char in "})]":
                top[1] -= 1
                if len(stack) > 1 and top[1] == 0:
                    stack.pop()  # the end of a template interpolation: back in its string
                elif len(stack) == 1 and top[1] <= 0 and opened:
                    tail = _TRAILING_COMMENT_RE.search(line, i + 1)  # `} # costrail:ignore ...`
                    if tail:
                        comments.append((number, line[tail.start():]))
                    return comments
            i += 1
        if not opened:
            return []  # no block opens on the resource's line: only that line and the comments above count
        if len(stack) > 1 and stack[-1][0] == "str" and len(stack[-1][1]) == 1:
            stack.pop()  # a quoted string (not a Python triple-quoted one) ends with its line
    return []


def unknown_rule_warnings(sources: SourceLines, files: list[str], known: set[str]) -> list[Diagnostic]:
    """One warning per ``costrail:ignore`` comment naming a rule id that does not exist (a typo would
    otherwise suppress nothing, silently)."""
    out: list[Diagnostic] = []
    for file in files:
        if file.endswith(".json"):
            continue  # a plan or preview: JSON has no comments
        if not sources.mentions_ignore(file):
            continue
        for number, text in enumerate(sources.lines(file), start=1):
            if IGNORE_MARK not in text:
                continue
            match = _ANY_IGNORE_RE.search(text)
            if match is None:
                continue
            names = []
            for token in re.split(r"[\s,]+", match.group("rest").strip()):
                if not token or '"' in token or "=" in token or token.startswith(("*/", "-->")):
                    break  # the reason (or the end of the comment): the rule ids come before it
                names.append(token)
            unknown = [n for n in names if n not in known]
            if not names:
                message = "costrail:ignore names no rule id (it suppresses nothing)"
            elif unknown:
                message = (f"costrail:ignore names unknown rule id{'s' if len(unknown) > 1 else ''} "
                           f"{', '.join(unknown)} (it suppresses nothing)")
            else:
                continue
            out.append(Diagnostic(message, Location(file, number), severity="warning"))
    return out


def apply_suppressions(
    findings: list[Finding],
    sources: SourceLines,
    resource_locations: dict[str, Location | None],
    config: Config | None,
    today: dt.date | None = None,
) -> None:
    """Mark suppressed findings in place (they stay in the list, with ``suppressed=True``).

    A stack-level finding (CR-BUD-001) stands for every resource it lists: an ignore in, or a config
    suppression for, any of them suppresses it, so it does not come back when its anchor moves."""
    for finding in findings:
        blocks = {loc for a in _covered(finding) if (loc := resource_locations.get(a)) is not None}
        for location in _places(finding, resource_locations):
            reason = sources.inline_ignores(location, block=location in blocks).get(finding.rule)
            if reason is not None:
                finding.suppressed = True
                finding.suppression_reason = f"inline: {reason}"
                break
        if finding.suppressed or config is None:
            continue
        apply_config_suppressions(finding, config, today)


def _covered(finding: Finding) -> list[str]:
    """The addresses a finding stands for: its own, and a stack-level finding's listed resources."""
    listed = finding.extra.get(STACK_RESOURCES)
    return [finding.address, *(a for a in listed if a != finding.address)] if isinstance(listed, list) \
        else [finding.address]


def _suppresses(sup: Suppression, rule: str, covered: list[str]) -> bool:
    """A suppression that names the rule covers a stack finding from any resource it lists (its anchor
    moves as resources come and go); one for every rule (``rule: "*"``) of one resource only when it
    covers every resource listed: "all rules on the sandbox" must not silence the stack's budget
    finding about the trainer too."""
    if sup.rule == "*" and len(covered) > 1:
        return all(sup.matches(rule, address) for address in covered)
    return any(sup.matches(rule, address) for address in covered)


def apply_config_suppressions(finding: Finding, config: Config, today: dt.date | None = None) -> None:
    """A valid matching suppression suppresses; only when there is none does an expired one say so."""
    covered = _covered(finding)
    matching = [sup for sup in config.suppressions if _suppresses(sup, finding.rule, covered)]
    valid = next((sup for sup in matching if not sup.expired(today)), None)
    if valid is not None:
        finding.suppressed = True
        finding.suppression_reason = valid.reason
        return
    for sup in matching:
        finding.extra["suppression_expired"] = sup.expires.isoformat() if sup.expires else None
        finding.message += f" (config suppression expired on {sup.expires}: {sup.reason})"


def _places(finding: Finding, resource_locations: dict[str, Location | None]) -> list[Location]:
    """The resources' locations, then the finding's own: each once, in order (a set, not a list scan:
    a stack finding lists every GPU resource of the stack)."""
    places = dict.fromkeys(loc for a in _covered(finding) if (loc := resource_locations.get(a)) is not None)
    if finding.location is not None:
        places.setdefault(finding.location)
    return list(places)


def expired_suppressions(config: Config | None, today: dt.date | None = None) -> list[str]:
    """One warning line per expired config suppression."""
    if config is None:
        return []
    out = []
    for sup in config.suppressions:
        if sup.expired(today):
            where = f"{sup.location}: " if sup.location else ""
            out.append(f"{where}suppression of {sup.rule} for {sup.address} expired on {sup.expires} "
                       f"({sup.reason}); it no longer suppresses")
    return out
