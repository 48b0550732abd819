"""The benchmark runner at a CI-sized tree: it runs the real CLI and prints the results table."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_runner_prints_a_table_with_every_command(tmp_path) -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "3", "--repeat", "1", "--skip-checkov",
         "--parser", "tree-sitter", "--work-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "`costrail --version`:" in out
    rows = [line for line in out.splitlines() if line.startswith("| 3 |")]
    names = [row.split("|")[4].strip() for row in rows]
    assert {"costrail breakdown (cold)", "costrail check (cold)", "costrail check (cold, table output)",
            "costrail diff, 1 file changed", "costrail diff, 1 file changed (markdown)",
            "costrail diff --base-ref, 1 file changed (cold)", "costrail diff --base-ref, 1 file changed (warm)",
            "load only (parse+evaluate, cold)"} <= set(names)
    for row in rows:
        if row.split("|")[4].strip().startswith("costrail"):
            assert "failed" not in row, row  # every costrail command runs end to end; its time is a number
            float(row.split("|")[5])
