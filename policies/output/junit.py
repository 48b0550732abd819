"""JUnit XML: one test suite per project, one test case per rule and resource finding.

Unsuppressed findings are failures (``type`` = enforcement), suppressed ones skipped, and each
rule that found nothing is one passing case, so CI dashboards show what was checked.

A project with input errors (it could not be read, or only partly) has one ``<error>`` case per
error, named by its file:line, and its rules that found nothing are skipped ("not checked"),
never passing: a project that was not read must not look all-green.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from estimator.model import Diagnostic
from policies.finding import Finding

NOT_CHECKED = "not checked: the project has input errors"


def render_junit(findings: list[Finding], rules_run: list[str], projects: list[str],
                 errors: dict[str, list[Diagnostic]] | None = None, roots: dict[str, str] | None = None) -> str:
    """``errors`` maps a project to its input errors (``Diagnostic`` with file:line); ``roots`` maps
    a project to its directory, so ``file`` is named from the working directory as SARIF names it."""
    from policies.output.paths import working_path

    roots = roots or {}
    suites = ET.Element("testsuites", name="costrail check")
    total_tests = total_failures = total_skipped = total_errors = 0
    for project in projects or [""]:
        mine = [f for f in findings if f.project == project]
        suite = ET.SubElement(suites, "testsuite", name=project or "costrail")
        tests = failures = skipped = 0
        input_errors = (errors or {}).get(project, [])
        for diag in input_errors:
            where = str(diag.location) if diag.location is not None else project
            case = ET.SubElement(suite, "testcase", classname="costrail.input", name=f"input error: {where}")
            if diag.location is not None:
                case.set("file", working_path(diag.location.file, project, roots))
                case.set("line", str(diag.location.line))
            error = ET.SubElement(case, "error", type="InputError", message=diag.message)
            error.text = f"{where}: {diag.message}"
            tests += 1
        for rule in rules_run:
            hits = [f for f in mine if f.rule == rule]
            if not hits:
                case = ET.SubElement(suite, "testcase", classname=rule, name=f"{rule} (no findings)")
                if input_errors:
                    case.set("name", f"{rule} ({NOT_CHECKED})")
                    ET.SubElement(case, "skipped", message=NOT_CHECKED)
                    skipped += 1
                tests += 1
                continue
            for f in hits:
                case = ET.SubElement(suite, "testcase", classname=rule, name=f.address)
                if f.location is not None:
                    case.set("file", working_path(f.location.file, project, roots))
                    case.set("line", str(f.location.line))
                tests += 1
                if f.suppressed:
                    ET.SubElement(case, "skipped", message=f"suppressed: {f.suppression_reason}")
                    skipped += 1
                else:
                    failure = ET.SubElement(case, "failure", type=f.enforcement, message=f.message)
                    failure.text = f"{f.rule} [{f.severity}, {f.enforcement}] {f.address}\n" \
                                   f"{f.location or '-'}: {f.message}"
                    failures += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(len(input_errors)))
        suite.set("skipped", str(skipped))
        total_tests += tests
        total_failures += failures
        total_skipped += skipped
        total_errors += len(input_errors)
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", str(total_errors))
    suites.set("skipped", str(total_skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
