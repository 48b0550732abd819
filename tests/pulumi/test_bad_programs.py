"""Bad programs: one clear line with file and line, exit 2; never a traceback, never a hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions, load_project
from estimator.model import Location

REPO = Path(__file__).resolve().parent.parent.parent
PROGRAMS = REPO / "tests" / "fixtures" / "pulumi" / "programs"


def costrail(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "estimator", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_program_that_raises_names_its_file_line_and_exception() -> None:
    project = load_project(str(PROGRAMS / "raises"), LoadOptions())
    (err,) = project.errors
    assert err.location == Location("__main__.py", 10)  # relative to the project, as Terraform's errors
    assert project.source == "pulumi-program"
    assert "KeyError" in err.message and "large" in err.message


def test_a_program_that_raises_keeps_what_it_registered() -> None:
    """QA12 pulumi_error_drops_read_resources: read only in part, as a Terraform root with a
    broken file: the bucket registered before the error is listed."""
    project = load_project(str(PROGRAMS / "raises"), LoadOptions())
    assert [r.address for r in project.resources] == ["ok"]


def test_a_program_that_raises_before_registering_anything_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: early\nruntime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text("import pulumi\n\nraise RuntimeError('no')\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_project(str(tmp_path), LoadOptions())
    assert info.value.location == Location("__main__.py", 3)
    assert info.value.source == "pulumi-program"


def test_a_hang_keeps_what_was_registered_before_it() -> None:
    project = load_project(str(PROGRAMS / "hangs_after_register"), LoadOptions(timeout=2))
    (err,) = project.errors
    assert "did not finish within 2 s" in err.message
    assert err.location == Location("__main__.py", 7)  # `time.sleep(0.1)`, where it was
    assert [(r.address, r.get("instance_type")) for r in project.resources] == [("gpu", "g5.xlarge")]


def test_a_program_that_will_not_stop_is_killed_with_nothing_read() -> None:
    with pytest.raises(InputError) as info:
        load_project(str(PROGRAMS / "hangs_swallowing_stop"), LoadOptions(timeout=1))
    assert "did not finish within 1 s" in info.value.message


def test_cli_reports_a_raising_program_in_one_line_with_exit_2() -> None:
    out = costrail("check", "tests/fixtures/pulumi/programs/raises")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert lines == ["tests/fixtures/pulumi/programs/raises/__main__.py:10: the program raised KeyError: 'large'"]
    assert "Traceback" not in out.stdout + out.stderr


def test_json_names_the_source_and_keeps_errors_relative_to_the_project() -> None:
    """QA pulumi_error_json_path_source: as a broken Terraform root's, and no total claimed."""
    import json

    out = costrail("breakdown", "tests/fixtures/pulumi/programs/raises", "--format", "json")
    assert out.returncode == 2
    (project,) = json.loads(out.stdout)["projects"]
    assert project["source"] == "pulumi-program"
    assert project["errors"] == ["__main__.py:10: the program raised KeyError: 'large'"]
    assert project["monthly_cost"] is None
    assert [r["address"] for r in project["resources"]] == ["ok"]  # read before the error


def test_hanging_program_times_out() -> None:
    with pytest.raises(InputError) as info:
        load_project(str(PROGRAMS / "hangs"), LoadOptions(timeout=2))
    assert "did not finish within 2 s" in info.value.message
    assert info.value.location == Location("__main__.py", 4)  # `time.sleep(1)`, where it was


def test_a_hang_names_the_project_line_where_the_program_was() -> None:
    """QA pulumi_timeout_line: the runner's stack dump at the timeout, not ``__main__.py:1``."""
    with pytest.raises(InputError) as info:
        load_project(str(PROGRAMS / "hangs_in_helper"), LoadOptions(timeout=2))
    assert "did not finish within 2 s" in info.value.message
    assert info.value.location == Location("helpers.py", 6)


def test_stuck_frame_reads_the_current_thread_first(tmp_path: Path) -> None:
    from estimator.loaders.pulumi_program import stuck_frame

    dump = (f'Thread 0x01 (most recent call first):\n  File "{tmp_path}/worker.py", line 9 in run\n'
            f'Current thread 0x02 (most recent call first):\n'
            f'  File "{tmp_path}/.venv/lib/python3.11/site-packages/x.py", line 3 in f\n'
            f'  File "{tmp_path}/app/main.py", line 7 in g\n  File "<frozen runpy>", line 88 in _run_code\n')
    assert stuck_frame(dump, tmp_path) == ("app/main.py", 7)
    assert stuck_frame("", tmp_path) is None


def test_missing_package_is_named() -> None:
    with pytest.raises(InputError) as info:
        load_project(str(PROGRAMS / "missing_import"), LoadOptions())
    assert "pulumi_costrail_not_installed" in info.value.message
    assert "not installed" in info.value.message
    assert info.value.location is not None and info.value.location.line == 3


def test_unknown_stack_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        load_project(str(PROGRAMS / "basic"), LoadOptions(stack="nope"))
    assert "Pulumi.nope.yaml" in info.value.message


def test_non_python_runtime_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: ts\nruntime: nodejs\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_project(str(tmp_path), LoadOptions())
    assert "nodejs" in info.value.message
    assert info.value.location == Location("Pulumi.yaml", 1)


def test_invalid_pulumi_yaml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: python\nconfig: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_project(str(tmp_path), LoadOptions())
    assert "invalid YAML" in info.value.message
    assert info.value.location is not None and info.value.location.line >= 3


def test_virtualenv_whose_python_cannot_start_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: broken-venv\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text("import pulumi\n", encoding="utf-8")
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("not an executable\n", encoding="utf-8")  # no exec bit
    with pytest.raises(InputError) as info:
        load_project(str(tmp_path), LoadOptions())
    assert "cannot start" in info.value.message


def test_syntax_error_names_its_line() -> None:
    with pytest.raises(InputError) as info:
        load_project(str(PROGRAMS / "syntax_error"), LoadOptions())
    assert "SyntaxError" in info.value.message
    assert info.value.location is not None
    assert info.value.location.file == "__main__.py"
    assert info.value.location.line in (3, 4)
