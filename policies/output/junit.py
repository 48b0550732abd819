"""JUnit XML: one test suite per project, one test case per rule and resource finding.

Unsuppressed findings are failures (``type`` = enforcement), suppressed ones skipped, and each
rule that found nothing is one passing case, so CI dashboards show what was checked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from policies.finding import Finding


def render_junit(findings: list[Finding], rules_run: list[str], projects: list[str]) -> str:
    suites = ET.Element("testsuites", name="costrail check")
    total_tests = total_failures = total_skipped = 0
    for project in projects or [""]:
        mine = [f for f in findings if f.project == project]
        suite = ET.SubElement(suites, "testsuite", name=project or "costrail")
        tests = failures = skipped = 0
        for rule in rules_run:
            hits = [f for f in mine if f.rule == rule]
            if not hits:
                ET.SubElement(suite, "testcase", classname=rule, name=f"{rule} (no findings)")
                tests += 1
                continue
            for f in hits:
                case = ET.SubElement(suite, "testcase", classname=rule, name=f.address)
                if f.location is not None:
                    case.set("file", f.location.file)
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
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        total_tests += tests
        total_failures += failures
        total_skipped += skipped
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    suites.set("skipped", str(total_skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
