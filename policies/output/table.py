"""Plain-text findings table for terminals and CI logs."""

from __future__ import annotations

from dataclasses import replace

from estimator.cost_model import cents
from policies.finding import Finding
from policies.output.paths import working_path

ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def render_table(findings: list[Finding], roots: dict[str, str] | None = None) -> str:
    """``roots`` maps a project to its directory (or plan file), so each finding's file is named from the
    working directory, as stderr, SARIF and JUnit name it."""
    if not findings:
        return "No policy findings.\n"
    rows = sorted(findings, key=lambda f: (f.suppressed, f.enforcement != "mandatory", ORDER.get(f.severity, 9),
                                           f.project, f.rule, f.address))
    lines = []
    for f in rows:
        where = str(f.location) if f.location else "-"
        if f.location and roots is not None:
            where = str(replace(f.location, file=working_path(f.location.file, f.project, roots)))
        elif f.project and f.location:
            where = f"{f.project}/{where}" if not where.startswith("/") else where
        status = "suppressed" if f.suppressed else f.enforcement
        lines.append(f"{f.rule}  {f.severity:<8} {status:<10} {f.address}")
        lines.append(f"    {where}: {f.message}")
        if f.monthly_saving is not None:
            lines.append(f"    monthly saving: ${cents(f.monthly_saving):,}")
        if f.suppressed:
            lines.append(f"    suppressed: {f.suppression_reason}")
    active = [f for f in findings if not f.suppressed]
    mandatory = sum(1 for f in active if f.enforcement == "mandatory")
    lines.append("")
    lines.append(f"{len(active)} finding{'s' if len(active) != 1 else ''} ({mandatory} mandatory, "
                 f"{len(active) - mandatory} advisory), {len(findings) - len(active)} suppressed")
    return "\n".join(lines) + "\n"
