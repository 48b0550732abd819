"""SARIF 2.1.0 for GitHub code scanning: rule metadata, help text, file/line regions, suppressions.

When given the projects' input errors, the run has an ``invocations`` entry: each error is a
``toolExecutionNotifications`` item (level error, its file:line) and ``executionSuccessful`` is
false, so a project that could not be read is not shown as clean.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from estimator import __version__
from estimator.model import Diagnostic, Location
from policies.finding import Finding
from policies.metadata import SARIF_LEVEL, SECURITY_SEVERITY
from policies.output.paths import working_path
from policies.rules import RULES

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(module: Any) -> dict[str, Any]:
    help_md = f"**Why.** {module.WHY}\n\n**Fix.** {module.FIX}\n\nSee docs/policies/{module.ID}.md"
    return {
        "id": module.ID,
        "name": "".join(part.capitalize() for part in module.__name__.rsplit(".", 1)[-1].split("_")),
        "shortDescription": {"text": module.TITLE},
        "fullDescription": {"text": module.WHY},
        "help": {"text": f"{module.WHY}\nFix: {module.FIX}", "markdown": help_md},
        "defaultConfiguration": {"level": SARIF_LEVEL[module.DEFAULT_ENFORCEMENT]},
        "properties": {
            "tags": ["finops", "cost", module.ID.split("-")[1].lower()],
            "severity": module.SEVERITY,
            "security-severity": SECURITY_SEVERITY[module.SEVERITY],
        },
    }


def _uri(finding: Finding, roots: dict[str, str]) -> str | None:
    return _location_uri(finding.location, finding.project, roots)


SRCROOT = "%SRCROOT%"


@functools.lru_cache(maxsize=8)
def _root_of(cwd: Path) -> Path:
    return next((d for d in (cwd, *cwd.parents) if (d / ".git").exists()), cwd)


def source_root() -> Path:
    """What relative URIs are relative to: the repository holding the working directory (GitHub
    code scanning resolves a relative URI against the repository root, whichever folder the job ran
    ``check`` from), else the working directory itself."""
    return _root_of(Path.cwd().resolve())  # once per working directory, not per finding


def _location_uri(location: Location | None, project: str, roots: dict[str, str]) -> str | None:
    if location is None:
        return None
    path = Path(working_path(location.file, project, roots))
    absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        return quote(absolute.relative_to(source_root()).as_posix(), safe="/")  # a URI reference (spaces, %)
    except ValueError:  # outside the repository: an absolute file:// URI, not ../../
        return absolute.as_uri()


def _artifact(uri: str) -> dict[str, str]:
    return {"uri": uri} if uri.startswith("file:") else {"uri": uri, "uriBaseId": SRCROOT}


def _region(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(location.line, 1)}
    if location.column:
        region["startColumn"] = location.column
    return region


def _invocation(errors: dict[str, list[Diagnostic]], roots: dict[str, str]) -> dict[str, Any]:
    notifications = []
    for project, diags in errors.items():
        for diag in diags:
            note: dict[str, Any] = {"level": "error", "message": {"text": f"{project}: {diag}"},
                                    "descriptor": {"id": "costrail/input-error"}}
            uri = _location_uri(diag.location, project, roots)
            if uri is not None and diag.location is not None:
                note["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(uri),
                                                           "region": _region(diag.location)}}]
            notifications.append(note)
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def render_sarif(findings: list[Finding], roots: dict[str, str] | None = None,
                 errors: dict[str, list[Diagnostic]] | None = None) -> dict[str, Any]:
    """``roots`` maps a finding's project to its directory, so URIs are relative to the working dir;
    ``errors`` maps a project to its input errors (then the run has an ``invocations`` entry)."""
    roots = roots or {}
    index = {module.ID: i for i, module in enumerate(RULES)}
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": SARIF_LEVEL.get(f.enforcement, "warning"),
            "message": {"text": f"{f.address}: {f.message}"},
            "properties": {"address": f.address, "severity": f.severity, "enforcement": f.enforcement},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        uri = _uri(f, roots)
        if uri is not None and f.location is not None:
            result["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(uri),
                                                         "region": _region(f.location)}}]
        result["partialFingerprints"] = {"costrailKey/v1": "|".join(f.key)}  # a stack finding's survives its anchor
        if f.monthly_saving is not None:
            result["properties"]["monthly_saving"] = str(f.monthly_saving)
        if f.suppressed:
            kind = "inSource" if (f.suppression_reason or "").startswith("inline:") else "external"
            result["suppressions"] = [{"kind": kind, "justification": f.suppression_reason or ""}]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "costrail",
            "version": __version__,
            "informationUri": "https://github.com/costrail/costrail",
            "rules": [_rule(module) for module in RULES],
        }},
    }
    run["originalUriBaseIds"] = {SRCROOT: {"uri": source_root().as_uri() + "/"}}
    if errors is not None:
        run["invocations"] = [_invocation(errors, roots)]
    run["results"] = results
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def dumps_sarif(findings: list[Finding], roots: dict[str, str] | None = None,
                errors: dict[str, list[Diagnostic]] | None = None) -> str:
    return json.dumps(render_sarif(findings, roots, errors), indent=2) + "\n"
