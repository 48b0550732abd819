"""``costrail breakdown``: monthly cost of each resource (table, json or markdown); exit 2 on input errors."""

from __future__ import annotations

from typing import Any

from estimator import pipeline
from estimator.commands.common import emit, load_config_for, load_options, project_specs, report_diagnostics
from estimator.report.streamed import Streamed


def run(paths: list[str], *, fmt: str = "table", out_file: str | None = None, **opts: Any) -> int:
    config = load_config_for(paths, opts.get("config_path"))
    specs = project_specs(paths, opts, config)
    results = pipeline.run(specs, load_options(opts), config=config, price=True)
    failed = report_diagnostics(results)
    emit(render(results, fmt), out_file)
    return 2 if failed else 0


def render(results: list[pipeline.ProjectResult], fmt: str) -> str | Streamed:
    if fmt == "json":
        from estimator.report.json_report import report_json, streamed

        return streamed(report_json(results, findings=[], policies_checked=False))
    if fmt == "markdown":
        from estimator.report.markdown import render_breakdown

        return render_breakdown(results)
    from estimator.report.table import render_table

    return render_table(results)
