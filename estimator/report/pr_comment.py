"""The pull-request comment (``diff --format markdown``): verdict, tables, findings, chart.

One comment per PR, found again by ``MARKER``; a second hidden line carries the delta so that
``comment github --skip-no-diff`` can tell "no change" without re-running anything. Details
sit in ``<details>`` sections, and when the whole body would pass GitHub's 65,536-character
limit the detail rows are cut (largest changes kept) and a note says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from estimator.cost_model import cents, money
from estimator.diff import ComponentCost, ComponentDelta, CostDiff, ProjectDelta, ResourceCost, ResourceDelta
from estimator.model import Location
from policies.finding import Finding

MARKER = "<!-- costrail-comment -->"
GITHUB_LIMIT = 65536
DEFAULT_MAX_CHARS = GITHUB_LIMIT - 536  # headroom for what a caller might append
PIE_TAGS = ("cost-center", "team", "model")
_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_CHANGE_SIGN = {"added": "+", "removed": "−", "changed": "~"}
_STATE_RE = re.compile(
    r"<!-- costrail:state delta=(?P<delta>-?[0-9.]+|unknown) changes=(?P<changes>[0-9]+)"
    r"(?: new=(?P<new>[0-9]+))?(?: verdict=(?P<verdict>pass|fail))?(?: unknown=(?P<unknown>[0-9]+))? -->"
)

FileUrl = Callable[[str, Location], "str | None"]


def usd(value: Decimal | None) -> str:
    """``$1,234.56``; None (not priced) is "unknown", never $0."""
    if value is None:
        return "unknown"
    q = cents(value)
    sign = "-" if q < 0 else ""
    return f"{sign}${abs(q):,.2f}"


def signed_usd(value: Decimal | None) -> str:
    if value is None:
        return "unknown"
    q = cents(value)
    if q > 0:
        return f"+{usd(q)}"
    return usd(q)


def pct(value: Decimal | None) -> str:
    if value is None:
        return "new"
    q = cents(value)
    return f"+{q}%" if q > 0 else f"{q}%"


def _cell(text: Any) -> str:
    """Markdown table cell: one line, pipes escaped."""
    return str(text).replace("\r", " ").replace("\n", " ").replace("|", "\\|")


def renamed(before: str, after: str, arrow: str = "→") -> str:
    """``Instance usage (Linux, g5.xlarge)`` → ``Instance usage (Linux, g5.xlarge → g5.2xlarge)``."""
    if before == after:
        return after
    b_stem, _, b_detail = before.partition(" (")
    a_stem, _, a_detail = after.partition(" (")
    if b_stem != a_stem or not b_detail.endswith(")") or not a_detail.endswith(")"):
        return f"{before} {arrow} {after}"
    b_parts, a_parts = b_detail[:-1].split(", "), a_detail[:-1].split(", ")
    shortest = min(len(b_parts), len(a_parts))
    head = 0
    while head < shortest - 1 and b_parts[head] == a_parts[head]:
        head += 1
    tail = 0
    while tail < shortest - head - 1 and b_parts[-1 - tail] == a_parts[-1 - tail]:
        tail += 1
    b_mid, a_mid = b_parts[head : len(b_parts) - tail], a_parts[head : len(a_parts) - tail]
    changed = f"{', '.join(b_mid)} {arrow} {', '.join(a_mid)}"
    return f"{a_stem} ({', '.join([*a_parts[:head], changed, *a_parts[len(a_parts) - tail :]])})"


def parse_state(body: str) -> tuple[Decimal | None, int] | None:
    """(delta, number of changed resources) from a body we rendered; None if not ours."""
    state = parse_full_state(body)
    return None if state is None else (state.delta, state.changes)


@dataclass(frozen=True)
class State:
    """The hidden state line: what ``--skip-no-diff`` needs to know that nothing worth showing changed.

    ``new_findings`` and ``verdict`` are None in a line written before they existed.
    """

    delta: Decimal | None  # None: unknown (no project read on both sides)
    changes: int
    new_findings: int | None
    verdict: str | None  # "pass" or "fail", as the verdict line says
    unknown: int | None = None  # projects not read on a side + changes of unknown cost (None: an older line)

    @property
    def nothing_to_show(self) -> bool:
        """No cost change, no changed resource, no new finding, nothing unknown, and the gate passes."""
        return (self.delta == 0 and self.changes == 0 and self.new_findings == 0 and self.verdict == "pass"
                and not self.unknown)


def parse_full_state(body: str) -> State | None:
    match = _STATE_RE.search(body)
    if not match:
        return None
    new, unknown = match["new"], match["unknown"]
    delta = None if match["delta"] == "unknown" else Decimal(match["delta"])
    return State(delta, int(match["changes"]), None if new is None else int(new), match["verdict"],
                 None if unknown is None else int(unknown))


def state_line(body: str) -> str | None:
    """The state line of BODY as written, to tell whether two comments say the same."""
    match = _STATE_RE.search(body)
    return match[0] if match else None


def _state(diff: CostDiff, verdict: str) -> str:
    new = sum(1 for f in diff.new_findings if not f.suppressed)
    passes = "fail" if "❌" in verdict else "pass"
    # an unreadable side or a change of unknown cost is something to show, even at delta 0
    unknown = len(diff.unreadable_projects) + diff.unknown_changes
    delta = money(diff.delta) if diff.totals_known else "unknown"
    return (f"<!-- costrail:state delta={delta} changes={len(diff.resources)} new={new} "
            f"verdict={passes} unknown={unknown} -->")


def _failing(finding: Finding) -> bool:
    return finding.enforcement == "mandatory" and not finding.suppressed


def _finding_order(f: Finding) -> tuple[int, int, str, str, str]:
    return (0 if _failing(f) else 1, _SEVERITY_ORDER.get(f.severity, 9), f.project, f.rule, f.address)


class _Limits:
    """How many detail rows each section may show (None: all)."""

    def __init__(self, rows: int | None) -> None:
        self.rows = rows
        self.cut = False

    def take(self, items: list[Any]) -> tuple[list[Any], int]:
        if self.rows is None or len(items) <= self.rows:
            return items, 0
        self.cut = True
        return items[: self.rows], len(items) - self.rows


def render_comment(
    diff: CostDiff,
    *,
    catalog: dict[str, str] | None = None,
    file_url: FileUrl | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    title: str = "costrail",
) -> str:
    """The whole comment, under ``max_chars``: detail rows are cut, largest first kept, with a note."""
    body = _render(diff, catalog, file_url, _Limits(None), title)
    if len(body) <= max_chars:
        return body
    low, high = 0, max(_row_count(diff), 1)
    best = _render(diff, catalog, file_url, _Limits(0), title)
    while low <= high:
        mid = (low + high) // 2
        candidate = _render(diff, catalog, file_url, _Limits(mid), title)
        if len(candidate) <= max_chars:
            best, low = candidate, mid + 1
        else:
            high = mid - 1
    if len(best) > max_chars:  # even the summary is too long: cut it hard
        note = "\n\n> **Note:** comment cut to fit GitHub's 65,536-character limit.\n"
        best = best[: max_chars - len(note)] + note
    return best


def _row_count(diff: CostDiff) -> int:
    rows = max((len(p.resources) for p in diff.projects), default=0)
    return max(rows, len(diff.new_findings), len(diff.existing_findings), len(diff.resolved_findings))


def _render(
    diff: CostDiff, catalog: dict[str, str] | None, file_url: FileUrl | None, limits: _Limits, title: str
) -> str:
    verdict = _verdict(diff, title)
    out: list[str] = [MARKER, _state(diff, verdict)]
    out.append(verdict)
    out += _unreadable_section(diff)
    out.append("")
    out += _projects_table(diff)
    out += _resources_section(diff, limits)
    out += _findings_section(diff, file_url, limits)
    out += _budget_section(diff)
    out += _pie_section(diff)
    out += _per_1k_section(diff)
    if limits.cut:
        out += [
            "",
            "> **Note:** details were cut to keep this comment under GitHub's 65,536-character limit; "
            "run `costrail diff --format json` for the full report.",
        ]
    out += _footer(catalog)
    return "\n".join(out).rstrip() + "\n"


def _verdict(diff: CostDiff, title: str) -> str:
    failing = [f for f in diff.head_findings if _failing(f)]
    if not diff.totals_known:
        change = "monthly cost is unknown (no project could be read on both sides)"
    elif diff.unreadable_projects:
        change = "monthly cost of the projects that could be read"
        change += (f" will increase by **{signed_usd(diff.delta)}** ({pct(diff.percent)})" if diff.delta > 0 else
                   f" will decrease by **{usd(-diff.delta)}** ({pct(diff.percent)})" if diff.delta < 0 else
                   " will not change")
    elif diff.delta > 0:
        change = f"monthly cost will increase by **{signed_usd(diff.delta)}** ({pct(diff.percent)})"
    elif diff.delta < 0:
        change = f"monthly cost will decrease by **{usd(-diff.delta)}** ({pct(diff.percent)})"
    else:
        change = "monthly cost will not change"
    unknown = diff.unknown_changes
    resources = f"{unknown} changed resource{'s' if unknown != 1 else ''} of unknown cost"
    if unknown and diff.totals_known and not diff.unreadable_projects and diff.delta == 0:
        # nothing priced changed but something that costs money did: the change is unknown, not none
        change = f"monthly cost change is unknown ({resources}; the priced rest does not change)"
    elif unknown:
        change += f" ({resources} left out)"
    totals = f"{usd(diff.base_cost)} → {usd(diff.head_cost)}" if diff.totals_known else "unknown"
    problems = []
    errors = diff.head_errors
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        problems.append(f"input error `{_code(errors[0])}`{more}")
    if failing:
        problems.append(f"{len(failing)} mandatory finding{'s' if len(failing) != 1 else ''}")
    if diff.budget_exceeded:
        problems.append("budget exceeded")
    status = f"❌ fails: {', '.join(problems)}" if problems else "✅ passes"
    return f"### 💰 {title}: {change} — {totals} · {status}"


def _code(text: str) -> str:
    """TEXT inside a code span on one line (backticks would end it)."""
    return _cell(text).replace("`", "'")


def _unreadable_section(diff: CostDiff) -> list[str]:
    """Each project side that could not be read, with its errors: its cost is unknown, so the
    project is left out of the totals and the budget rather than shown as $0 or removed."""
    out: list[str] = []
    for project in diff.unreadable_projects:
        for side, errors in project.errors.items():
            if side == "head":
                head = f"❌ **`{_code(project.path)}` could not be read** (input errors, exit 2)"
            else:
                head = f"⚠️ **The base of `{_code(project.path)}` could not be read**"
            out += ["", f"> {head}: its cost is unknown, so the project is left out of the totals and the budget."]
            out += [f"> - `{_code(e)}`" for e in errors[:10]]
            if len(errors) > 10:
                out.append(f"> - … {len(errors) - 10} more")
    return out


def _projects_table(diff: CostDiff) -> list[str]:
    out = ["| Project | Previous | New | Diff |", "|---|---:|---:|---:|"]
    for project in diff.projects:
        change = "unknown" if project.delta is None else f"{signed_usd(project.delta)} ({pct(project.percent)})"
        out.append(f"| {_cell(_project_label(project))} | {_prev(project)} | {_new(project)} | {change} |")
    if len(diff.projects) > 1 and not diff.totals_known:
        out.append("| **Total** | **unknown** | **unknown** | **unknown** |")
    elif len(diff.projects) > 1:
        out.append(
            f"| **Total{' (projects read)' if diff.unreadable_projects else ''}** | **{usd(diff.base_cost)}** | **{usd(diff.head_cost)}** | "
            f"**{signed_usd(diff.delta)} ({pct(diff.percent)})** |"
        )
    return out


def _project_label(project: ProjectDelta) -> str:
    suffix = {"added": " (new project)", "removed": " (removed project)"}.get(project.presence, "")
    for side in project.unreadable:
        suffix += f" ({side} could not be read)"
    return f"`{project.path}`{suffix}"


def _prev(project: ProjectDelta) -> str:
    return "–" if project.base is None else usd(project.base_cost)


def _new(project: ProjectDelta) -> str:
    return "–" if project.head is None else usd(project.head_cost)


def _resources_section(diff: CostDiff, limits: _Limits) -> list[str]:
    if not diff.resources:
        return ["", "No resource cost changed."]
    out = ["", "#### Changed resources"]
    for project in diff.projects:
        if not project.resources:
            continue
        shown, hidden = limits.take(project.resources)
        count = len(project.resources)
        out += [
            "",
            "<details open>" if count <= 10 else "<details>",
            f"<summary><code>{project.path}</code>: {count} resource{'s' if count != 1 else ''} changed, "
            f"{signed_usd(project.delta)} per month</summary>",
            "",
            "| | Resource | Previous | New | Diff |",
            "|---|---|---:|---:|---:|",
        ]
        for resource in shown:
            out += _resource_rows(resource)
        if hidden:
            out.append(f"| | … {hidden} more not shown | | | |")
        out += ["", "</details>"]
    return out


def _resource_rows(resource: ResourceDelta) -> list[str]:
    sign = _CHANGE_SIGN[resource.change]
    rows = [
        f"| {sign} | `{_cell(resource.address)}` | {resource_cost(resource.base, resource.base_cost)} | "
        f"{resource_cost(resource.head, resource.head_cost)} | "
        f"{signed_usd(resource.delta)} |"
    ]
    if resource.count_unknown_on:
        rows.append(f"| | ↳ *how many there are in {resource.count_unknown_on} is known only after apply "
                    "(`[*]`): change unknown, left out of the totals* | | | |")
        return rows
    for comp in resource.components:
        name = renamed(comp.base.name, comp.name) if comp.base is not None and comp.head is not None else comp.name
        name = f"{comp.group} › {name}" if comp.group else name
        before = "–" if comp.base is None else line_cost(comp.base, comp.base_cost)
        after = "–" if comp.head is None else line_cost(comp.head, comp.head_cost)
        rows.append(f"| | ↳ {_cell(name)} | {before} | {after} | {line_change(comp)} |")
    if resource.head is not None and resource.head.usage_only:
        rows.append(f"| | ↳ *{USAGE_BASED}, no usage given: {_cell(resource.head.reason or '')}* | | | |")
    elif resource.head is not None and resource.head.monthly_cost is None:
        reason = resource.head.reason or "no price found"
        rows.append(f"| | ↳ *not priced: {_cell(reason)}* | | | |")
    elif resource.partial:
        sides = " and ".join(resource.unpriced_sides)
        rows.append(f"| | ↳ *not fully priced in {sides}: only the lines priced on both sides are in the totals* | | | |")
    elif resource.unpriced_sides:
        sides = " and ".join(resource.unpriced_sides)
        rows.append(f"| | ↳ *not fully priced in {sides}: change unknown, left out of the totals* | | | |")
    return rows


USAGE_BASED = "usage-based"


def line_cost(line: ComponentCost, cost: Decimal | None) -> str:
    """A bill line's cost; a line waiting for usage quantities says so rather than "unknown"."""
    return USAGE_BASED if line.waits_for_usage else usd(cost)


def line_change(comp: ComponentDelta) -> str:
    waits = any(side is not None and side.waits_for_usage for side in (comp.base, comp.head))
    return USAGE_BASED if comp.delta is None and waits else signed_usd(comp.delta)


def resource_cost(side: ResourceCost | None, cost: Decimal | None) -> str:
    """A resource's cost on one side; one priced only by usage, with none given, says so (not $0.00)."""
    return USAGE_BASED if side is not None and side.usage_only else usd(cost)


def _where(finding: Finding, file_url: FileUrl | None) -> str:
    if finding.location is None:
        return ""
    text = f"{finding.location.file}:{finding.location.line}"
    url = file_url(finding.project, finding.location) if file_url else None
    return f"[{_cell(text)}]({url})" if url else f"`{_cell(text)}`"


def _finding_rows(
    findings: list[Finding], file_url: FileUrl | None, resolved: bool = False, multi: bool = False
) -> list[str]:
    rows = ["| | Rule | Severity | Resource | Where | Message |", "|---|---|---|---|---|---|"]
    for f in sorted(findings, key=_finding_order):
        resource = f"`{_cell(f.project)}` › `{_cell(f.address)}`" if multi and f.project else f"`{_cell(f.address)}`"
        icon = "✅" if resolved else "❌" if _failing(f) else ("🔕" if f.suppressed else "⚠️")
        saving = f" (saves {usd(f.monthly_saving)}/month)" if f.monthly_saving else ""
        why = f" — suppressed: {f.suppression_reason or 'no reason given'}" if f.suppressed else ""
        rows.append(
            f"| {icon} | {f.rule} | {f.severity} ({f.enforcement}) | {resource} | "
            f"{_where(f, file_url)} | {_cell(f.message)}{_cell(saving)}{_cell(why)} |"
        )
    return rows


def _findings_section(diff: CostDiff, file_url: FileUrl | None, limits: _Limits) -> list[str]:
    out = ["", "#### Policy findings"]
    multi = len(diff.projects) > 1
    new = sorted(diff.new_findings, key=_finding_order)
    if new:
        shown, hidden = limits.take(new)
        out += ["", f"**New in this change ({len(new)}):**", ""]
        out += _finding_rows(shown, file_url, multi=multi)
        if hidden:
            out.append(f"| | … {hidden} more not shown | | | | |")
    else:
        out += ["", "No new policy findings."]
    if not diff.base_findings_checked:
        out += ["", "_The base was saved by `costrail breakdown`, which runs no policies: every finding is "
                "listed as new. Save the base with `costrail check --format json`, or use `--base-ref`._"]
    for label, items in (("already present", diff.existing_findings), ("resolved by this change", diff.resolved_findings)):
        if not items:
            continue
        failing = sum(1 for f in items if _failing(f)) if label == "already present" else 0
        extra = f", {failing} mandatory" if failing else ""
        shown, hidden = limits.take(sorted(items, key=_finding_order))
        out += ["", "<details>", f"<summary>{len(items)} finding{'s' if len(items) != 1 else ''} {label}{extra}</summary>", ""]
        out += _finding_rows(shown, file_url, resolved=label.startswith("resolved"), multi=multi)
        if hidden:
            out.append(f"| | … {hidden} more not shown | | | | |")
        out += ["", "</details>"]
    return out


def _budget_section(diff: CostDiff) -> list[str]:
    out = ["", "#### Budget"]
    limits = []
    if diff.budget_usd is not None:
        limits.append(f"+{usd(diff.budget_usd)}")
    if diff.budget_percent is not None:
        limits.append(f"+{diff.budget_percent.normalize():f}%")
    if not diff.budget_findings:
        if limits:
            out += ["", f"✅ Within the monthly increase budget ({' or '.join(limits)} a month, CR-BUD-002)."]
            if diff.unreadable_projects:
                out[-1] += " Projects that could not be read are not judged."
        else:
            out += ["", "No monthly increase budget configured (`budgets.monthly_increase_usd` / `_percent`)."]
        return out
    out.append("")
    for f in diff.budget_findings:
        icon = "❌" if _failing(f) else ("🔕" if f.suppressed else "⚠️")
        why = f" (suppressed: {f.suppression_reason or 'no reason given'})" if f.suppressed else ""
        out.append(f"- {icon} **{f.rule}** ({f.enforcement}) `{_cell(f.project or f.address)}`: {f.message}{why}")
    return out


def pie_dimension(diff: CostDiff) -> str | None:
    """The first of cost-center, team, model that any head resource carries."""
    tags = [r for p in diff.projects if p.head for r in p.head.resources.values()]
    for key in PIE_TAGS:
        if any(key in r.tags for r in tags):
            return key
    return None


def _pie_section(diff: CostDiff) -> list[str]:
    key = pie_dimension(diff)
    if key is None:
        return []
    groups: dict[str, Decimal] = {}
    for project in diff.projects:
        if project.head is None:
            continue
        for resource in project.head.resources.values():
            if not resource.monthly_cost:
                continue
            label = str(resource.tags.get(key) or "untagged")
            groups[label] = groups.get(label, Decimal(0)) + resource.monthly_cost
    if not groups:
        return []
    out = ["", f"#### New monthly cost by `{key}`", "", "```mermaid", f"pie showData title Monthly cost by {key} (USD)"]
    for label, cost in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])):
        safe = label.replace('"', "'")
        out.append(f'    "{safe}" : {cents(cost)}')
    out.append("```")
    return out


def _per_1k_section(diff: CostDiff) -> list[str]:
    rows = []
    for project in diff.projects:
        if project.head is None:
            continue
        for resource in project.head.resources.values():
            per_1k = resource.cost_per_1k_requests
            if per_1k is None or resource.monthly_requests is None:
                continue
            rows.append(
                f"| `{_cell(resource.address)}` | {resource.monthly_requests:,.0f} | {usd(resource.monthly_cost)} | "
                f"${per_1k.quantize(Decimal('0.0001'))} |"
            )
    if not rows:
        return []
    return [
        "",
        "<details>",
        "<summary>Cost per 1,000 requests (from the usage file)</summary>",
        "",
        "| Resource | Monthly requests | Monthly cost | Per 1,000 requests |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        "</details>",
    ]


def _footer(catalog: dict[str, str] | None) -> list[str]:
    if not catalog:
        return ["", "<sub>Prices from costrail's offline catalog.</sub>"]
    dates = ", ".join(f"{name} {_cell(as_of)}" for name, as_of in sorted(catalog.items()))
    return ["", f"<sub>Prices from costrail's offline catalog, as of: {dates}. Costs are monthly (730 hours).</sub>"]
