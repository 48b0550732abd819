"""``diff --format table``: the change as plain text for a terminal or a CI log."""

from __future__ import annotations

from typing import Any

from estimator.diff import CostDiff
from estimator.report.pr_comment import line_change, line_cost, pct, renamed, resource_cost, signed_usd, usd
from policies.finding import Finding

_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _finding_line(f: Finding, multi: bool) -> str:
    where = f" ({f.location.file}:{f.location.line})" if f.location else ""
    state = " [suppressed]" if f.suppressed else ""
    address = f"{f.project}: {f.address}" if multi and f.project and f.project != f.address else f.address
    return f"    {f.rule} {f.severity}/{f.enforcement}{state} {address}{where}: {f.message}"


def render_table(diff: CostDiff) -> str:
    lines: list[str] = []
    for project in diff.projects:
        presence = {"added": " (only in head)", "removed": " (only in base)"}.get(project.presence, "")
        lines.append(f"Project: {project.path}{presence}")
        for side, errors in project.errors.items():
            lines.append(f"  {side} could not be read (cost unknown, left out of the totals and the budget):")
            lines += [f"    {e}" for e in errors]
        if project.comparable and not project.resources:
            lines.append("  no resource cost changed")
        for r in project.resources:
            lines.append(
                f"  {_SIGN[r.change]} {r.address:<50} {resource_cost(r.base, r.base_cost):>12} -> "
                f"{resource_cost(r.head, r.head_cost):>12}  "
                f"{signed_usd(r.delta):>12}"
            )
            if r.count_unknown_on:
                lines.append(f"      how many there are in {r.count_unknown_on} is known only after apply ([*]): "
                             "change unknown, left out of the totals")
                continue
            if r.partial:
                lines.append(f"      not fully priced in {' and '.join(r.unpriced_sides)}: "
                             "only the lines priced on both sides are in the totals")
            elif r.unpriced_sides:
                lines.append(f"      not fully priced in {' and '.join(r.unpriced_sides)}: change unknown, left out of the totals")
            for c in r.components:
                name = renamed(c.base.name, c.name, "->") if c.base is not None and c.head is not None else c.name
                name = f"{c.group} > {name}" if c.group else name
                before = "-" if c.base is None else line_cost(c.base, c.base_cost)
                after = "-" if c.head is None else line_cost(c.head, c.head_cost)
                lines.append(f"      {name:<60} {before:>12} -> {after:>12}  {line_change(c):>12}")
        change = "unknown" if project.delta is None else f"{signed_usd(project.delta)}{_compared(project)}, " \
            f"{pct(project.percent)}"
        lines.append(f"  monthly: {usd(project.base_cost)}{_left_out(project.base)} -> "
                     f"{usd(project.head_cost)}{_left_out(project.head)} ({change})")
        lines.append("")
    if diff.unpriced_changes:
        lines.append(
            f"Unpriced: {len(diff.unpriced_changes)} changed resource(s) miss a price on one side; "
            "what misses a price is not in the delta"
        )
    readable = " (projects that could be read)" if diff.unreadable_projects else ""
    if not diff.totals_known:
        lines.append("Total monthly cost: unknown (no project could be read on both sides)")
    else:
        lines.append(
            f"Total monthly cost{readable}: {usd(diff.base_cost)} -> {usd(diff.head_cost)} "
            f"({signed_usd(diff.delta)}{_compared(diff)}, {pct(diff.percent)})"
        )
    if diff.head_errors:
        lines.append(f"Input errors in the head: {len(diff.head_errors)} (exit 2)")
    for title, items in (
        ("New findings", diff.new_findings),
        ("Findings already present", diff.existing_findings),
        ("Resolved findings", diff.resolved_findings),
        ("Budget (CR-BUD-002)", diff.budget_findings),
    ):
        if items:
            lines.append(f"{title}: {len(items)}")
            lines += [_finding_line(f, len(diff.projects) > 1) for f in items]
    if not diff.base_findings_checked:
        lines.append("Findings: the base was saved by `costrail breakdown` (no policies ran), so every finding is "
                     "listed as new")
    if not diff.budget_findings:
        lines.append("Budget: within the monthly increase budget" if diff.budget_configured else "Budget: none configured")
    return "\n".join(lines) + "\n"


def _left_out(side: Any) -> str:
    """`` (+ 1 not priced)`` beside a side's total that leaves out resources costing money, as breakdown's
    totals say it (QA22: an instance whose type became unknown read "$75.08 -> $0.00")."""
    if side is None:
        return ""
    n = sum(1 for r in side.resources.values() if not r.fully_priced and not r.usage_only)
    return f" (+ {n} not priced)" if n else ""


def _compared(side: Any) -> str:
    """`` on what is priced on both sides`` when the delta is not head minus base: a resource that lost
    (or gained) a price keeps only its lines priced on both sides in the delta (QA19a: "$422.32 -> $142.00
    (+$70.08)" read as wrong arithmetic)."""
    base, head, delta = side.base_cost, side.head_cost, side.delta
    if base is None or head is None or delta is None or head - base == delta:
        return ""
    return " on what is priced on both sides"
