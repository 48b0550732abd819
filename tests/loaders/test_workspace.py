"""``terraform.workspace``: TF_WORKSPACE, else ``.terraform/environment``, else "default" (as terraform 1.11
answers in ``terraform console``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "hcl" / "workspace"


def _ws(path: Path, environ: dict[str, str]) -> tuple[str, str]:
    res = load(str(path), LoadOptions(environ=environ)).resources[0]
    return res.tags["ws"].value, res.attributes["instance_type"]


def test_workspace_from_env_then_environment_file_then_default(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    assert _ws(root, {}) == ("default", "t3.micro")
    assert _ws(root, {"TF_WORKSPACE": "prod"}) == ("prod", "m5.large")
    (root / ".terraform").mkdir()
    (root / ".terraform" / "environment").write_text("staging\n")
    assert _ws(root, {}) == ("staging", "t3.micro")
    assert _ws(root, {"TF_WORKSPACE": "prod"}) == ("prod", "m5.large")  # the variable wins over the file
    assert _ws(root, {"TF_WORKSPACE": ""}) == ("staging", "t3.micro")  # empty is unset, as in terraform


def test_workspace_file_under_tf_data_dir(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    (root / "tfdata").mkdir()
    (root / "tfdata" / "environment").write_text("prod")
    assert _ws(root, {"TF_DATA_DIR": "tfdata"}) == ("prod", "m5.large")
