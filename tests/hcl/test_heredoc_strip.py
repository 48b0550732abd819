"""Heredocs with strip markers evaluate as ``terraform console`` does, whichever front-end parses.

``expected.json`` is ``jsonencode(local.all)`` from ``terraform console`` (1.11) on the fixture;
the terraform-marked test re-derives it so the record cannot drift from Terraform.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from estimator.hcl import hcl2_frontend, treesitter_frontend
from estimator.hcl.evaluator import Evaluator
from estimator.hcl.functions import jsonencode
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "hcl" / "heredoc_strip"
EXPECTED: dict[str, str] = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))


class _Locals:
    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def root(self, name: str, pos: Any) -> Any:
        return self.names[name]


def _values(parse: Any) -> dict[str, Any]:
    path = str(FIXTURE / "main.tf")
    attrs = parse(path, (FIXTURE / "main.tf").read_text(encoding="utf-8")).body.blocks[0].body.attributes
    names = Evaluator(_Locals({}), path).value(attrs["names"].expr)
    evaluator = Evaluator(_Locals({"local": {"names": names}}), path)
    return {key: json.loads(jsonencode(evaluator.value(attrs[key].expr))) for key in EXPECTED}


def test_fixture_covers_strip_markers_in_trimmed_heredocs() -> None:
    text = (FIXTURE / "main.tf").read_text(encoding="utf-8")
    assert "<<-EOT" in text and "%{~ for" in text and "%{ if" in text and "~}" in text
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("parse", [hcl2_frontend.parse_text, treesitter_frontend.parse],
                         ids=["python-hcl2", "tree-sitter"])
def test_heredoc_strip_markers_match_terraform_console(parse: Any) -> None:
    assert _values(parse) == EXPECTED


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_expected_values_are_terraform_consoles(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "main.tf", tmp_path / "main.tf")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1"}
    proc = subprocess.run(["terraform", "console"], input="jsonencode(local.all)\n", capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(json.loads(proc.stdout)) == EXPECTED
