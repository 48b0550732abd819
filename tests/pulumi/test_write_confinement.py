"""A program from a pull request writes only beneath its own temporary directory (Linux Landlock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.loaders.write_confinement import WriteConfinement, abi_version
from estimator.model import Diagnostic

needs_landlock = pytest.mark.skipif(abi_version() < 1, reason="the kernel has no Landlock")


def _program(root: Path, body: str) -> Path:
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: writer\nruntime: python\n", encoding="utf-8")
    (root / "__main__.py").write_text("import os\nimport pathlib\n\nimport pulumi_aws as aws\n\n"
                                      'aws.s3.Bucket("b")\n' + body, encoding="utf-8")
    return root


def _failure(prog: Path) -> Diagnostic:
    """The one error of a program that registered a bucket and then failed: it is read in part,
    the bucket listed with the error (as a Terraform root with one broken file)."""
    project = load_project(str(prog), LoadOptions())
    (err,) = project.errors
    assert project.resources[0].type == "aws_s3_bucket"
    return err


@needs_landlock
def test_a_program_cannot_write_outside_its_temporary_directory(tmp_path: Path) -> None:
    victim = tmp_path / "cache-entry"
    victim.write_text("honest", encoding="utf-8")
    prog = _program(tmp_path / "prog", f'pathlib.Path({str(victim)!r}).write_text("planted")\n')
    info = _failure(prog)
    assert "PermissionError" in info.message
    assert info.location is not None and info.location.line == 7
    assert victim.read_text(encoding="utf-8") == "honest"


@needs_landlock
def test_a_program_cannot_add_files_to_its_own_project(tmp_path: Path) -> None:
    prog = _program(tmp_path / "prog", 'pathlib.Path(__file__).with_name("extra.tf").write_text("x")\n')
    _failure(prog)
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


@needs_landlock
def test_a_program_cannot_read_the_environment_of_costrail_from_proc(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Its own environment is scrubbed; the parent's (the CI job's tokens) is one open() away."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_must_not_leak")
    prog = _program(tmp_path / "prog", 'aws.s3.Bucket("leak", tags={"t": open(f"/proc/{os.getppid()}/environ").read()})\n')
    info = _failure(prog)
    assert "PermissionError" in info.message and "ghp_must_not_leak" not in info.message


@needs_landlock
def test_a_program_reads_its_repository_but_not_its_git_directory_nor_outside(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text("extraheader = AUTHORIZATION: basic c2VjcmV0\n", encoding="utf-8")
    (repo / "shared.json").write_text('{"size": "g5.xlarge"}', encoding="utf-8")
    (tmp_path / "credentials").write_text("aws_secret_access_key = x\n", encoding="utf-8")
    body = ('import json\nsize = json.load(open(pathlib.Path(__file__).parent.parent / "shared.json"))["size"]\n'
            'aws.ec2.Instance("gpu", instance_type=size, ami="ami-1")\n')
    fine = _program(repo / "prog", body)
    assert [r.attributes.get("instance_type") for r in load_project(str(fine), LoadOptions()).resources
            if r.type == "aws_instance"] == ["g5.xlarge"]
    for i, secret in enumerate((repo / ".git" / "config", tmp_path / "credentials")):
        prog = _program(repo / f"thief{i}", f'aws.s3.Bucket("x", tags={{"t": open({str(secret)!r}).read()}})\n')
        info = _failure(prog)
        assert "PermissionError" in info.message


def test_read_roots_are_the_repository_without_git_the_system_and_pythons(tmp_path: Path) -> None:
    from estimator.loaders.write_confinement import program_read_roots

    repo = tmp_path / "repo"
    for name in (".git", "app", "modules"):
        (repo / name).mkdir(parents=True)
    roots = program_read_roots(str(repo / "app"), sys.executable)
    assert str(repo / "app") in roots and str(repo / "modules") in roots
    assert str(repo / ".git") not in roots and str(repo) not in roots
    assert "/usr" in roots and sys.prefix in roots and "/proc" not in roots
    assert program_read_roots(str(tmp_path / "alone"), sys.executable)[-1] == str(tmp_path / "alone")


@pytest.mark.skipif(abi_version() < 4, reason="the kernel's Landlock has no network rights")
def test_a_program_opens_no_tcp_connection(tmp_path: Path) -> None:
    """Nothing to send a secret to: Pulumi's mocks need no network."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        prog = _program(tmp_path / "prog", f'import socket\nsocket.create_connection(("127.0.0.1", {port}), 5)\n')
        info = _failure(prog)
    assert "PermissionError" in info.message


@pytest.mark.skipif(abi_version() < 6, reason="the kernel's Landlock cannot scope signals")
def test_a_program_cannot_signal_costrail(tmp_path: Path) -> None:
    prog = _program(tmp_path / "prog", "os.kill(os.getppid(), 0)\n")  # 0: the permission check, no signal
    info = _failure(prog)
    assert "PermissionError" in info.message


def test_a_repository_in_the_home_directory_opens_only_the_project(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A dotfiles repository in ~ must not make ~/.aws readable: the project directory only."""
    from estimator.loaders.write_confinement import program_read_roots

    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)
    (home / ".aws").mkdir()
    (home / "infra").mkdir()
    monkeypatch.setenv("HOME", str(home))
    roots = program_read_roots(str(home / "infra"), sys.executable)
    assert str(home / "infra") in roots and str(home / ".aws") not in roots and str(home) not in roots


@needs_landlock
def test_a_symlink_in_the_repository_opens_nothing(tmp_path: Path) -> None:
    """A pull request controls its symlinks: ``gitlink -> .git`` must not make the token readable."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text("extraheader = AUTHORIZATION: basic c2VjcmV0\n", encoding="utf-8")
    (repo / "gitlink").symlink_to(".git")
    prog = _program(repo / "thief", 'aws.s3.Bucket("x", tags={"t": open("../gitlink/config").read()})\n')
    info = _failure(prog)
    assert "PermissionError" in info.message


def test_only_real_python_installations_outside_the_repository_are_opened(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository's ``pyvenv.cfg`` (``home = ~/.aws/bin``) or Pulumi.yaml (``virtualenv: /``) names
    directories; only a Python installation that holds neither ~ nor the repository is opened."""
    from estimator.loaders.write_confinement import _pth_dirs, _python_root

    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    guard = (str(home), str(tmp_path / "repo"), str(tmp_path))
    assert _python_root("/", guard) is None and _python_root(str(home), guard) is None
    assert _python_root(str(home / ".aws"), guard) is None  # not a Python installation
    assert _python_root(sys.base_prefix, ()) == os.path.realpath(sys.base_prefix)
    prefix = tmp_path / "opt" / "venv"
    site = prefix / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (tmp_path / "opt" / "shared-lib").mkdir()
    (site / "__editable__mylib.pth").write_text(f"{tmp_path / 'opt' / 'shared-lib'}\nimport sys\n# note\n")
    assert _python_root(str(prefix), (str(home),)) == str(prefix)
    assert _pth_dirs(str(prefix)) == [str(tmp_path / "opt" / "shared-lib")]
