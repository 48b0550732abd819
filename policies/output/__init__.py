"""Renderers of policy findings: table, SARIF 2.1.0, JUnit XML (JSON is ``estimator.report.json_report``)."""
