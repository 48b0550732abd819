"""``breakdown --format markdown``: one table per project with the bill lines, totals and as-of dates."""

from __future__ import annotations

from estimator.pipeline import ProjectResult
from estimator.report.table import (
    as_of_line,
    input_error_texts,
    overall_total,
    project_total,
    qty,
    summary_lines,
    unit_price,
    usd,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_breakdown(results: list[ProjectResult]) -> str:
    out = ["# costrail breakdown", ""]
    for result in results:
        out += [f"## {_cell(result.path)}", "", "| Resource | Component | Monthly qty | Unit | Unit price | Monthly cost |",
                "|---|---|---:|---|---:|---:|"]
        for costed in result.costed:
            if costed.status == "unsupported":
                continue
            if not costed.components:
                note = f"{costed.status}: {costed.reason}" if costed.reason else costed.status  # never "_free: _"
                out.append(f"| `{costed.address}` | _{_cell(note)}_ | | | | |")
                continue
            for i, c in enumerate(costed.components):
                name = f"{c.group} / {c.name}" if c.group else c.name
                cost = usd(c.monthly_cost) if c.monthly_cost is not None else (
                    "depends on usage" if c.waits_for_usage else f"not priced ({c.unpriced_reason})")
                star = " \\*" if c.usage_based else ""
                out.append(f"| {'`' + costed.address + '`' if i == 0 else ''} | {_cell(name)}{star} | {qty(c.quantity)} | "
                           f"{c.unit} | {unit_price(c.unit_price)} | {_cell(cost)} |")
            if costed.max_monthly_cost is not None:
                out.append(f"| | _at max capacity_ | | | | {usd(costed.max_monthly_cost)} |")
            if costed.cost_per_1k_requests is not None:
                out.append(f"| | _cost per 1,000 requests_ | | | | {usd(costed.cost_per_1k_requests, 4)} |")
        errors = input_error_texts(result)
        if errors:
            out += ["", *(f"**Error:** {_cell(text)}  " for text in errors)]
        out += ["", f"**Project total: {project_total(result)}**", ""]
    label, amount = overall_total(results)
    out += [f"**{label}: {amount}**", ""]
    out += [f"- {_cell(line.strip())}" for line in summary_lines([c for r in results for c in r.costed])]
    out += ["", f"_{as_of_line()}_", ""]
    return "\n".join(out)
