"""JSON nested deeper than Python's decoder reads is an input error naming the file, never a traceback;
the other files of the project are still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.errors import TOO_DEEP, InputError
from estimator.hcl.functions import FunctionError, f_jsondecode
from estimator.loaders import LoadOptions, load_project

DEEP = "[" * 100_000 + "]" * 100_000


def test_plan(tmp_path: Path) -> None:
    plan = tmp_path / "deep.plan.json"
    plan.write_text(DEEP, encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply") as info:
        load_project(str(plan), LoadOptions(environ={}))
    assert info.value.location is not None and info.value.location.file.endswith("deep.plan.json")


def test_tf_json_and_tfvars_json_next_to_good_files(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{"locals": {"x": ' + DEEP + "}}", encoding="utf-8")
    (tmp_path / "terraform.tfvars.json").write_text('{"x": ' + DEEP + "}", encoding="utf-8")
    (tmp_path / "ok.tf").write_text('resource "aws_eip" "a" {\n  domain = "vpc"\n}\n', encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    assert sorted(str(d.location.file) for d in project.errors if TOO_DEEP in d.message) == [
        "main.tf.json", "terraform.tfvars.json"]
    assert [r.address for r in project.resources] == ["aws_eip.a"]


def test_jsondecode() -> None:
    with pytest.raises(FunctionError, match="nested too deeply"):
        f_jsondecode(DEEP)
