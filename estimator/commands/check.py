"""``costrail check``: policy findings over PATHs; exit 1 on an unsuppressed mandatory finding, 2 on input errors."""

from __future__ import annotations

import sys
from typing import Any

from estimator import pipeline
from estimator.commands.common import emit, load_config_for, load_options, project_specs, report_diagnostics
from estimator.report.streamed import Streamed
from policies.finding import Finding


def run(paths: list[str], *, fmt: str = "table", pack: str | None = None, out_file: str | None = None,
        **opts: Any) -> int:
    config = load_config_for(paths, opts.get("config_path"))
    if pack:
        from policies.pack import load_pack

        load_pack(pack)  # an unknown pack is a usage error before anything is read
    from policies.suppress import expired_suppressions

    for warning in expired_suppressions(config):
        print(f"warning: {warning}", file=sys.stderr)
    specs = project_specs(paths, opts, config)
    results = _run_pipeline(specs, load_options(opts), config, pack)
    failed = report_diagnostics(results)
    findings: list[Finding] = [f for r in results for f in r.findings]
    emit(render(results, findings, fmt, pack, config), out_file)
    if failed:
        return 2
    from policies.engine import exit_code

    return exit_code(findings)


def _run_pipeline(specs: list[pipeline.ProjectSpec], options: Any, config: Any, pack: str | None
                  ) -> list[pipeline.ProjectResult]:
    try:
        import estimator.pricing.engine  # noqa: F401
    except ImportError:
        # Pricing not installed: rules still run on the model (tag rules judge every taggable resource).
        from policies.engine import check_project

        results = pipeline.run(specs, options, config=config, price=False, check=False)
        for result in results:
            if result.project is not None and result.error is None:
                result.findings = check_project(result.project, [], config, pack=pack)
        return results
    return pipeline.run(specs, options, config=config, check=True, pack=pack)


def input_errors(results: list[pipeline.ProjectResult]) -> dict[str, Any]:
    """Project → its input errors (``Diagnostic``), for the JUnit and SARIF reports."""
    from estimator.model import Diagnostic

    out: dict[str, list[Diagnostic]] = {}
    for r in results:
        errors = [d for d in r.diagnostics if d.severity == "error"]
        if r.error is not None:
            errors.append(Diagnostic(r.error.message, r.error.location))
        out[r.project.path if r.project else r.path] = errors
    return out


def render(results: list[pipeline.ProjectResult], findings: list[Finding], fmt: str, pack: str | None,
           config: Any) -> str | Streamed:
    if fmt == "json":
        from estimator.report.json_report import report_json, streamed

        return streamed(report_json(results))
    roots = {r.project.path: r.project.root or r.spec.path for r in results if r.project is not None}
    roots.update({r.path: r.spec.path for r in results if r.project is None})
    if fmt == "sarif":
        from policies.output.sarif import dumps_sarif

        return dumps_sarif(findings, roots, input_errors(results))
    if fmt == "junit":
        from policies.engine import rules_for
        from policies.output.junit import render_junit

        return render_junit(findings, rules_for(config, pack), [r.project.path if r.project else r.path
                                                               for r in results], input_errors(results), roots)
    from policies.output.table import render_table

    text = render_table(findings, roots)
    unread = [r.path for r in results if r.failed]
    if unread:  # "No policy findings." must not read as a clean bill for what could not be read
        names = ", ".join(unread)
        text = (text.replace("No policy findings.", "No policy findings in what could be read.")
                + f"Not fully checked (input errors, see stderr): {names}\n")
    return text
