"""The ``breakdown`` table: an infracost-like tree per resource with a unit-price column.

Plain fixed-width text (no terminal detection), so output is the same everywhere and golden
tests can compare it. ``*`` marks usage-based lines. After the projects: OVERALL TOTAL, a
summary of priced / free / unpriced (with reasons) / not supported (by type), and the price
catalog's as-of dates.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from estimator.cost_model import CostComponent, CostedResource, quantize
from estimator.errors import one_line
from estimator.pipeline import ProjectResult

NAME_W = 74
COLS = (("Monthly Qty", 13), ("Unit", 12), ("Unit price", 14), ("Monthly Cost", 13))


def usd(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "-"
    q = quantize(value, Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"${q:,.{places}f}"


NOT_READ = "not read (error)"
INCOMPLETE = "unknown (input errors)"


def project_total(result: ProjectResult) -> str:
    """A project that could not be (fully) read has no total: never a $0.00, nor a partial sum,
    that looks like its cost (its resources that were read still show theirs)."""
    if result.error is not None:
        return NOT_READ
    if result.failed:
        return INCOMPLETE
    return usd(result.monthly_cost) + not_priced_note(result.costed) + modules_note([result])


def not_priced_note(costed: list[CostedResource]) -> str:
    """`` (+ 2 not priced)`` when resources that cost money are left out of a total, wholly or in part
    (a price is missing, or costrail does not price the type yet): a total of $0.00 for a stack of
    unpriced databases must not read as free. Lines that only wait for usage are marked ``*`` instead."""
    left_out = sum(1 for c in costed if (c.status in ("unpriced", "unsupported") and not usage_only(c)) or (
        c.status == "partial" and any(x.missing_price for x in c.components)))
    return f" (+ {left_out} not priced)" if left_out else ""


def modules_note(results: list[ProjectResult]) -> str:
    """`` (+ 2 modules not installed)``: registry or git modules not downloaded (`terraform init`) are
    not read, so what they would cost is missing from a total that must not look complete (QA19b)."""
    modules = sum(len(r.project.unresolved_modules) for r in results if r.project is not None)
    return f" (+ {modules} module{'s' if modules != 1 else ''} not installed)" if modules else ""


def input_error_texts(result: ProjectResult, most: int | None = 10) -> list[str]:
    """The project's input errors, ``file:line: message`` each (at most ``most``, then how many more):
    a report that says "unknown (input errors)" names them; the JSON ``errors`` lists them all."""
    texts = [str(d) for d in result.project.errors] if result.project is not None else []
    if result.error is not None:
        texts.append(str(result.error))
    if most is None or len(texts) <= most:
        return texts
    return [*texts[:most], f"... and {len(texts) - most} more"]


def read_total(results: list[ProjectResult]) -> Decimal | None:
    """The monthly cost of the projects read without input errors (the others have no total);
    None when every project has input errors: nothing was read to total, which is not $0."""
    read = [r for r in results if not r.failed]
    if results and not read:
        return None
    return sum((r.monthly_cost for r in read), Decimal(0))


def overall_total(results: list[ProjectResult]) -> tuple[str, str]:
    """(label, amount) of the total over the projects read without errors, saying so when some were not."""
    total = read_total(results)
    unread = sum(1 for r in results if r.failed)
    label = f"OVERALL TOTAL ({unread} project{'s' if unread != 1 else ''} with input errors left out)" if unread \
        else "OVERALL TOTAL"
    if total is None:
        return label, "unknown (input errors)"
    read = [r for r in results if not r.failed]
    return label, usd(total) + not_priced_note([c for r in read for c in r.costed]) + modules_note(read)


def unit_price(value: Decimal | None) -> str:
    if value is None:
        return "-"
    text = format(value.normalize(), "f")
    if "." in text and len(text.split(".")[1]) < 2:
        text = format(quantize(value, Decimal("0.01")), "f")
    return f"${text}"


def qty(value: Decimal | None) -> str:
    if value is None:
        return "-"
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{quantize(value, Decimal('0.0001'), ROUND_HALF_EVEN):,f}".rstrip("0").rstrip(".")


def _row(name: str, cells: tuple[str, ...], mark: str = "") -> str:
    if len(name) > NAME_W:
        name = name[: NAME_W - 1] + "…"
    parts = [f" {name:<{NAME_W}}"]
    for (_, width), cell in zip(COLS, cells, strict=False):
        parts.append(f" {cell:>{width}}")
    return "".join(parts) + (f" {mark}" if mark else "")


def _component_cells(c: CostComponent) -> tuple[str, ...]:
    if c.waits_for_usage:
        return ("", c.unit, unit_price(c.unit_price), "depends on usage")
    if c.monthly_cost is None:
        return (qty(c.quantity), c.unit, unit_price(c.unit_price), "not priced")
    return (qty(c.quantity), c.unit, unit_price(c.unit_price), usd(c.monthly_cost))


def resource_lines(costed: CostedResource) -> list[str]:
    lines = [_row(costed.address, ("", "", "", ""))]
    items: list[tuple[str | None, CostComponent]] = [(c.group, c) for c in costed.components]
    notes = []
    if costed.status in ("unpriced", "free") and costed.reason and not costed.components:
        notes.append(costed.reason)
    if costed.max_monthly_cost is not None:
        notes.append(f"at max capacity: {usd(costed.max_monthly_cost)}/month")
    if costed.cost_per_1k_requests is not None:
        notes.append(f"cost per 1,000 requests: {usd(costed.cost_per_1k_requests, 4)}")
    entries: list[tuple[str, CostComponent | None, list[CostComponent]]] = []
    for group, comp in items:
        if group is None:
            entries.append(("", comp, []))
        elif entries and entries[-1][0] == group:
            entries[-1][2].append(comp)
        else:
            entries.append((group, None, [comp]))
    total = len(entries) + len(notes)
    k = 0
    for group, comp, children in entries:
        k += 1
        branch, cont = ("└─ ", "   ") if k == total else ("├─ ", "│  ")
        if comp is not None:
            lines.append(_row(branch + comp.name, _component_cells(comp), "*" if comp.usage_based else ""))
            if comp.unpriced_reason and comp.missing_price:
                lines.append(f" {cont}   ({comp.unpriced_reason})")
            continue
        lines.append(_row(branch + group, ("", "", "", "")))
        for j, child in enumerate(children):
            sub = "└─ " if j == len(children) - 1 else "├─ "
            lines.append(_row(cont + sub + child.name, _component_cells(child), "*" if child.usage_based else ""))
    for note in notes:
        k += 1
        branch = "└─ " if k == total else "├─ "
        lines.append(f" {branch}{note}")
    return [line.rstrip() for line in lines]


def usage_only(costed: CostedResource) -> bool:
    """Nothing priced because every line is usage-based and the usage file gives none."""
    return costed.status == "unpriced" and bool(costed.components) and all(
        c.waits_for_usage for c in costed.components)


def summary_lines(costed: list[CostedResource]) -> list[str]:
    counts = Counter(c.status for c in costed)
    priced = counts["priced"] + counts["partial"]
    partly = f" ({counts['partial']} partly)" if counts["partial"] else ""
    out = [f"{len(costed)} resources: {priced} priced{partly}, {counts['free']} free, {counts['unpriced']} unpriced, "
           f"{counts['unsupported']} not supported yet"]
    for c in costed:
        if c.status == "unpriced" and usage_only(c):
            out.append(f"  usage-based, no usage given: {c.address}: {c.reason}")
        elif c.status == "unpriced":
            out.append(f"  unpriced: {c.address}: {c.reason}")
        elif c.status == "partial":
            reasons = [x.unpriced_reason for x in c.components if x.unpriced_reason and x.missing_price]
            if reasons:
                out.append(f"  partly priced: {c.address}: {'; '.join(dict.fromkeys(reasons))}")
    unsupported = Counter(c.resource.type for c in costed if c.status == "unsupported")
    for rtype, n in sorted(unsupported.items()):
        out.append(f"  not supported yet: {rtype} × {n}")
    return out


def as_of_line() -> str:
    from estimator.pricing.catalog import catalog_as_of

    return "Prices as of: " + "; ".join(f"{k} {v}" for k, v in catalog_as_of().items())


def render_table(results: list[ProjectResult]) -> str:
    out: list[str] = []
    header = _row("Name", tuple(title for title, _ in COLS))
    everything: list[CostedResource] = []
    for result in results:
        out.append(f"Project: {result.path}")
        out.append("")
        out.append(header)
        out.append("")
        for costed in result.costed:
            if costed.status in ("unsupported", "free"):
                continue  # counted in the summary below
            out.extend(resource_lines(costed))
            out.append("")
        out.extend(f" error: {one_line(text)}" for text in input_error_texts(result))
        out.append(_row("Project total", ("", "", "", project_total(result))))
        out.append("")
        everything.extend(result.costed)
    label, amount = overall_total(results)
    out.append(_row(label, ("", "", "", amount)))
    out.append("")
    if any(c.usage_based for r in everything for c in r.components):
        out.append("* usage-based: quantities from the usage file; without one, the unit price is shown")
    out.append("─" * 40)
    out.extend(summary_lines(everything))
    out.append(as_of_line())
    return "\n".join(line.rstrip() for line in out) + "\n"
