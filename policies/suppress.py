"""Suppressions: inline ``# costrail:ignore CR-XXX-NNN reason="..."`` comments and config entries.

Inline comments (``#`` or ``//``) count on the resource's first line or on the comment lines
directly above it (also above the finding's own line, e.g. a variable default). Config
suppressions match rule and address (``*`` wildcards); an expired one stops suppressing and
says so in the finding.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from estimator.model import Location
from policies.finding import Finding

if TYPE_CHECKING:
    from estimator.config import Config

IGNORE_RE = re.compile(
    r"(?:#|//)\s*costrail:ignore\s+(?P<rules>[A-Z]+-[A-Z]+-\d+(?:\s*,\s*[A-Z]+-[A-Z]+-\d+)*)"
    r"(?:\s+reason\s*=\s*\"(?P<reason>[^\"]*)\")?"
)
_COMMENT_RE = re.compile(r"^\s*(#|//|/\*|\*)")


class SourceLines:
    """Source files read once per run (suppression comments)."""

    def __init__(self, root: str) -> None:
        self.root = Path(root) if root else Path(".")
        self._cache: dict[str, list[str]] = {}

    def lines(self, file: str) -> list[str]:
        if file not in self._cache:
            path = Path(file) if Path(file).is_absolute() else self.root / file
            try:
                self._cache[file] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._cache[file] = []
        return self._cache[file]

    def inline_ignores(self, location: Location | None) -> dict[str, str]:
        """Rule id → reason of the ``costrail:ignore`` comments on or directly above a line."""
        if location is None or location.line < 1:
            return {}
        lines = self.lines(location.file)
        if location.line > len(lines):
            return {}
        found: dict[str, str] = {}
        candidates = [lines[location.line - 1]]
        index = location.line - 2
        while index >= 0 and _COMMENT_RE.match(lines[index]):
            candidates.append(lines[index])
            index -= 1
        for text in candidates:
            for match in IGNORE_RE.finditer(text):
                reason = match.group("reason") or "no reason given"
                for rule in re.split(r"\s*,\s*", match.group("rules")):
                    found.setdefault(rule, reason)
        return found


def apply_suppressions(
    findings: list[Finding],
    sources: SourceLines,
    resource_locations: dict[str, Location | None],
    config: Config | None,
    today: dt.date | None = None,
) -> None:
    """Mark suppressed findings in place (they stay in the list, with ``suppressed=True``)."""
    for finding in findings:
        for location in _places(finding, resource_locations):
            reason = sources.inline_ignores(location).get(finding.rule)
            if reason is not None:
                finding.suppressed = True
                finding.suppression_reason = f"inline: {reason}"
                break
        if finding.suppressed or config is None:
            continue
        apply_config_suppressions(finding, config, today)


def apply_config_suppressions(finding: Finding, config: Config, today: dt.date | None = None) -> None:
    for sup in config.suppressions:
        if not sup.matches(finding.rule, finding.address):
            continue
        if sup.expired(today):
            finding.extra["suppression_expired"] = sup.expires.isoformat() if sup.expires else None
            finding.message += f" (config suppression expired on {sup.expires}: {sup.reason})"
            continue
        finding.suppressed = True
        finding.suppression_reason = sup.reason
        return


def _places(finding: Finding, resource_locations: dict[str, Location | None]) -> list[Location]:
    places = []
    res_loc = resource_locations.get(finding.address)
    if res_loc is not None:
        places.append(res_loc)
    if finding.location is not None and finding.location != res_loc:
        places.append(finding.location)
    return places


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
