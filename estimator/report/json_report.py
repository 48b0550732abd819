"""The ``costrail/v1`` JSON document (DESIGN.md): keys may be added, never renamed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from estimator.cost_model import money
from estimator.pipeline import ProjectResult
from estimator.report.streamed import Streamed
from estimator.report.table import input_error_texts, read_total, usage_only

if TYPE_CHECKING:
    from policies.finding import Finding

SCHEMA = "costrail/v1"


def project_json(result: ProjectResult) -> dict[str, Any]:
    project = result.project
    data: dict[str, Any] = {
        "path": result.path,
        "source": project.source if project else getattr(result.error, "source", None),
        "monthly_cost": None if result.failed else money(result.monthly_cost),  # not (fully) read: no total
        "resources": [],
        "unpriced": [],
        "unsupported": [],
    }
    for costed in result.costed:
        if costed.status == "unsupported":
            data["unsupported"].append({"address": costed.address, "type": costed.resource.type})
            continue
        data["resources"].append(costed.to_json())
        if costed.status in ("unpriced", "partial"):
            reasons = [c.unpriced_reason for c in costed.components if c.unpriced_reason]
            reason = costed.reason or "; ".join(reasons) or "not all components could be priced"
            entry = {"address": costed.address, "type": costed.resource.type, "reason": reason}
            missing = [c for c in costed.components if c.monthly_cost is None]
            if usage_only(costed) or (missing and all(c.waits_for_usage for c in missing)):
                entry["usage_based"] = True  # every line left out waits for usage: no price is missing
            data["unpriced"].append(entry)
    if project is not None and not result.costed:
        # Pricing did not run: still list what was read, with no cost claimed.
        for resource in project.resources:
            if resource.mode == "data":
                continue  # data sources are read, not bought: never a resource with no price
            item = resource.to_json()
            item.update({"monthly_cost": None, "priced": False, "components": []})
            data["resources"].append(item)
    data["unsupported_types"] = _count_types(data["unsupported"])
    # the same keys whether or not the project could be read
    data["unresolved_modules"] = list(project.unresolved_modules) if project is not None else []
    data["warnings"] = [str(d) for d in project.warnings] if project is not None else []
    data["errors"] = input_error_texts(result, most=None)
    return data


def _count_types(items: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item["type"]] = counts.get(item["type"], 0) + 1
    return dict(sorted(counts.items()))


def report_json(
    results: list[ProjectResult],
    findings: list[Finding] | None = None,
    diff: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    policies_checked: bool = True,
) -> dict[str, Any]:
    """The costrail/v1 document. ``policies_checked`` False (a breakdown) says its empty ``findings``
    mean "no policy ran", not "none found", so a later ``diff --compare-to`` does not call every
    head finding new without saying so."""
    # the total covers the projects read without errors; those left out are named
    total = read_total(results)
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "currency": "USD",
        "projects": [project_json(r) for r in results],
        "monthly_cost": money(total),
        "projects_not_in_total": [r.path for r in results if r.failed],
        "findings": [f.to_json() for f in (findings if findings is not None else _all_findings(results))],
        "policies_checked": policies_checked,
    }
    try:
        from estimator.pricing.catalog import catalog_as_of

        doc["price_catalog"] = catalog_as_of()
    except ImportError:  # pragma: no cover - pricing always ships with the package
        pass
    if diff is not None:
        doc["diff"] = diff
    if extra:
        doc.update(extra)
    return doc


def _all_findings(results: list[ProjectResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def dumps(doc: dict[str, Any]) -> str:
    """``json.dumps(doc, indent=2, default=_default)`` text, via the faster writer (same bytes)."""
    return str(streamed(doc))


def streamed(doc: dict[str, Any]) -> Streamed:
    """The same text as ``dumps``, written in pieces by ``emit`` (never one huge string)."""
    from estimator.report.json_text import write_indented

    def write_to(sink: Callable[[str], object]) -> None:
        write_indented(doc, _default, sink)
        sink("\n")

    return Streamed(write_to)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)
