"""A program from a pull request writes only beneath its own temporary directory (Linux Landlock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions, load_project
from estimator.loaders.write_confinement import WriteConfinement, abi_version

needs_landlock = pytest.mark.skipif(abi_version() < 1, reason="the kernel has no Landlock")


def _program(root: Path, body: str) -> Path:
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: writer\nruntime: python\n", encoding="utf-8")
    (root / "__main__.py").write_text("import os\nimport pathlib\n\nimport pulumi_aws as aws\n\n"
                                      'aws.s3.Bucket("b")\n' + body, encoding="utf-8")
    return root


@needs_landlock
def test_a_program_cannot_write_outside_its_temporary_directory(tmp_path: Path) -> None:
    victim = tmp_path / "cache-entry"
    victim.write_text("honest", encoding="utf-8")
    prog = _program(tmp_path / "prog", f'pathlib.Path({str(victim)!r}).write_text("planted")\n')
    with pytest.raises(InputError) as info:
        load_project(str(prog), LoadOptions())
    assert "PermissionError" in info.value.message
    assert info.value.location is not None and info.value.location.line == 7
    assert victim.read_text(encoding="utf-8") == "honest"


@needs_landlock
def test_a_program_cannot_add_files_to_its_own_project(tmp_path: Path) -> None:
    prog = _program(tmp_path / "prog", 'pathlib.Path(__file__).with_name("extra.tf").write_text("x")\n')
    with pytest.raises(InputError):
        load_project(str(prog), LoadOptions())
    assert not (prog / "extra.tf").exists()


def test_home_temp_files_and_dev_null_stay_writable(tmp_path: Path) -> None:
    prog = _program(tmp_path / "prog", 'pathlib.Path(os.environ["HOME"], "x").write_text("ok")\n'
                                       'import tempfile\ntempfile.NamedTemporaryFile().write(b"ok")\n'
                                       'open(os.devnull, "w").write("ok")\n')
    project = load_project(str(prog), LoadOptions())
    assert [r.type for r in project.resources] == ["aws_s3_bucket"]


@needs_landlock
def test_the_confinement_holds_for_the_child_and_what_it_starts(tmp_path: Path) -> None:
    allowed, denied = tmp_path / "allowed", tmp_path / "denied"
    allowed.mkdir()
    denied.mkdir()
    confinement = WriteConfinement.create([str(allowed)])
    assert confinement is not None
    script = ("import pathlib, subprocess, sys\n"
              f"pathlib.Path({str(allowed / 'a')!r}).write_text('1')\n"
              f"subprocess.run(['sh', '-c', 'echo 1 > {denied / 'b'}'])\n"
              f"pathlib.Path({str(denied / 'c')!r}).write_text('1')\n")
    try:
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             preexec_fn=confinement.apply)
    finally:
        confinement.close()
    assert (allowed / "a").exists()
    assert os.listdir(denied) == []
    assert "PermissionError" in run.stderr
