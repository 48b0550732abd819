"""The CLI process exits without heap teardown, yet flushes its output, runs exit handlers and
keeps its exit status (the speed itself is measured in ``benchmarks/``, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from estimator import cli
from tests.conftest import REPO


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)


def test_output_flushed_and_exit_handlers_run(tmp_path: Path) -> None:
    marker = tmp_path / "atexit-ran"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('yes'))\n"
        "sys.stdout.write('x' * 200000)\n"
        "sys.stderr.write('to stderr')\n"
        "from estimator.cli import _exit_now\n"
        "_exit_now(3)\n"
    )
    proc = _python(code, tmp_path)
    assert proc.returncode == 3
    assert proc.stdout == "x" * 200000
    assert proc.stderr == "to stderr"
    assert marker.read_text() == "yes"


def test_message_status_is_printed_with_status_1(tmp_path: Path) -> None:
    proc = _python("from estimator.cli import _exit_now\n_exit_now('fatal: bad thing')\n", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "fatal: bad thing"


def test_breakdown_process_output_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "estimator", "breakdown", str(REPO / "tests" / "fixtures" / "hcl" / "basic"),
         "--format", "json", "--cache-dir", str(tmp_path / "cache"), "--out-file", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["schema"] == "costrail/v1"
    printed = subprocess.run(
        [sys.executable, "-m", "estimator", "breakdown", str(REPO / "tests" / "fixtures" / "hcl" / "basic"),
         "--format", "json", "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert printed.returncode == 0
    assert printed.stdout == out.read_text()


def test_not_the_process_entry_under_pytest() -> None:
    assert not cli._is_process_entry()


def test_gc_scans_less_often_after_a_collection_that_freed_nothing() -> None:
    import gc

    from estimator.cli import _grow_gc_threshold

    saved = gc.get_threshold()
    try:
        gc.set_threshold(1_000_000, 50, 1000)
        _grow_gc_threshold("start", {"generation": 0, "collected": 0})
        _grow_gc_threshold("stop", {"generation": 1, "collected": 0})
        assert gc.get_threshold() == (1_000_000, 50, 1000)  # only a finished young collection counts
        _grow_gc_threshold("stop", {"generation": 0, "collected": 50_000})
        assert gc.get_threshold() == (1_000_000, 50, 1000)  # it freed 5%: cycles exist, keep scanning
        _grow_gc_threshold("stop", {"generation": 0, "collected": 3})
        assert gc.get_threshold() == (4_000_000, 50, 1000)
        for _ in range(10):
            _grow_gc_threshold("stop", {"generation": 0, "collected": 0})
        assert gc.get_threshold()[0] == 64_000_000  # bounded
    finally:
        gc.set_threshold(*saved)
