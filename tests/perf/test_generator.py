"""The benchmark tree generator: deterministic, realistic, terraform-fmt clean, parseable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.hcl import treesitter_frontend
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


def _tree(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.tf"))}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 6, seed=1)
    generate(tmp_path / "b", 6, seed=1)
    generate(tmp_path / "c", 6, seed=2)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_sizes_and_resource_mix(tmp_path: Path) -> None:
    stats = generate(tmp_path, 30)
    assert stats["files"] == len(list(tmp_path.glob("*.tf"))) == 30
    assert 3500 <= stats["bytes"] / 30 <= 4500  # ~4 KB a file: 300 files ≈ 1.1-1.2 MB
    types: dict[str, int] = {}
    for path in tmp_path.glob("*.tf"):
        for block in treesitter_frontend.parse(path.name, path.read_text()).body.blocks:
            if block.type == "resource":
                types[block.labels[0]] = types.get(block.labels[0], 0) + 1
    assert sum(types.values()) == stats["resource_blocks"]
    for kind in ("aws_instance", "aws_eks_node_group", "aws_sagemaker_endpoint_configuration", "aws_ebs_volume"):
        assert types[kind] == 29


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform not on PATH")
def test_generated_text_is_terraform_fmt_clean(tmp_path: Path) -> None:
    generate(tmp_path, 5)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    run = subprocess.run(["terraform", "fmt", "-check", "-recursive"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
