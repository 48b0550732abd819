"""Differential test: our evaluator against `terraform console` on the same expressions.

All expressions go to Terraform in one call (as ``locals``), and both sides are compared
after a JSON round trip, so number formatting, key order and types must agree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from estimator.hcl.evaluator import Evaluator
from estimator.hcl.functions import jsonencode
from estimator.hcl.hcl2_frontend import parse_expression
from tests.conftest import FIXTURES

EXPRESSIONS = FIXTURES / "hcl" / "oracle" / "expressions.txt"


def read_expressions(path: Path) -> list[str]:
    entries: list[str] = []
    block: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if block is not None:
            if line == "<<<":
                entries.append("\n".join(block) + "\n")
                block = None
            else:
                block.append(line)
        elif line == ">>>":
            block = []
        elif line.strip() and not line.startswith("#"):
            entries.append(line)
    return entries


class _NoNames:
    def root(self, name, pos):  # noqa: ANN001, ANN201
        raise AssertionError(f"oracle expressions use no names ({name})")


def ours(expr: str) -> object:
    value = Evaluator(_NoNames(), "expressions.txt").value(parse_expression("expressions.txt", expr))
    return json.loads(jsonencode(value))


def terraform(exprs: list[str], workdir: Path) -> dict[str, object]:
    lines = ["locals {", "  all = {"]
    for i, expr in enumerate(exprs):
        lines.append(f"    e{i} = {expr.rstrip()}")
        lines.append("")
    lines += ["  }", "}", ""]
    (workdir / "main.tf").write_text("\n".join(lines), encoding="utf-8")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1"}
    proc = subprocess.run(["terraform", "console"], input="jsonencode(local.all)\n", capture_output=True,
                          text=True, cwd=workdir, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(json.loads(proc.stdout))


def test_fixture_has_enough_expressions() -> None:
    assert len(read_expressions(EXPRESSIONS)) >= 200


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_evaluator_matches_terraform_console(tmp_path: Path) -> None:
    exprs = read_expressions(EXPRESSIONS)
    expected = terraform(exprs, tmp_path)
    mismatches = []
    for i, expr in enumerate(exprs):
        try:
            got = ours(expr)
        except Exception as err:  # noqa: BLE001 - report every failing expression at once
            got = f"ERROR {err}"
        if got != expected[f"e{i}"] or type(got) is not type(expected[f"e{i}"]):
            mismatches.append(f"{expr!r}: ours={got!r} terraform={expected[f'e{i}']!r}")
    assert not mismatches, "\n".join(mismatches)
