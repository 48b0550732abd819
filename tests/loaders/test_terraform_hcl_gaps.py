"""Gaps closed in the issue 7 follow-up: file/time functions through the loader, for_each
validation as Terraform does it, sets in dynamic blocks and conditionals, provider functions.

Output values are compared with `terraform console` on a locals+outputs copy of the fixture.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from estimator.hcl.functions import jsonencode
from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load, root_outputs
from estimator.model import Unknown
from tests.conftest import FIXTURES

GAPS = FIXTURES / "hcl" / "gaps"


def _errors(project):  # noqa: ANN001, ANN202
    return [d for d in project.diagnostics if d.severity == "error"]


def test_functions_resolve_through_the_loader() -> None:
    outputs, project = root_outputs(str(GAPS), LoadOptions())
    assert not _errors(project), project.diagnostics
    assert outputs["fileset"] == ["files/a.txt", "files/sub/c.txt"]
    assert outputs["fileset_top"] == ["a.txt", "b.json"]
    assert outputs["filebase64"] == "YQ=="
    assert outputs["templatestring"] == "model=llama"
    assert outputs["subnets"] == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"]
    assert outputs["later"] == "2024-02-01"
    assert outputs["hashes"][0] == "0cc175b9c0f1b6a831c399e269772661"  # md5("a")


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_function_outputs_match_terraform(tmp_path: Path) -> None:
    work = tmp_path / "gaps"
    shutil.copytree(GAPS, work, ignore=shutil.ignore_patterns("foreach_list"))
    text = (work / "main.tf").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=resource |output |locals )", text)
    (work / "main.tf").write_text("\n".join(b for b in blocks if b.startswith(("locals", "output"))) + "\n",
                                  encoding="utf-8")
    outputs, _ = root_outputs(str(GAPS), LoadOptions())
    names = sorted(outputs)
    query = "jsonencode({" + ", ".join(f"{n} = {_output_expr(text, n)}" for n in names) + "})\n"
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    proc = subprocess.run(["terraform", "console"], input=query, capture_output=True, text=True, cwd=work,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(json.loads(proc.stdout))
    assert {n: outputs[n] for n in names} == expected


def _output_expr(text: str, name: str) -> str:
    m = re.search(rf'output "{name}" {{\n  value = (.*)\n}}', text)
    assert m, name
    return m.group(1)


def test_for_each_over_a_set_and_conditional_set() -> None:
    project = load(str(GAPS), LoadOptions())
    addresses = [r.address for r in project.resources]
    assert 'aws_instance.by_set["a"]' in addresses and 'aws_instance.by_set["b"]' in addresses
    assert 'aws_instance.optional["gpu"]' in addresses  # `c ? toset(x) : []` is a set


def test_dynamic_block_over_a_set_uses_values_as_keys() -> None:
    project = load(str(GAPS), LoadOptions())
    lt = next(r for r in project.resources if r.address == "aws_launch_template.lt")
    assert [t["resource_type"] for t in lt.attributes["tag_specifications"]] == ["instance", "volume"]


def test_null_argument_of_a_resource_is_unknown_when_referenced() -> None:
    # coalesce(null, <computed default_version>) is unknown in Terraform's plan, not an error.
    project = load(str(GAPS), LoadOptions())
    ng = next(r for r in project.resources if r.address == "aws_eks_node_group.ng")
    assert isinstance(ng.attributes["launch_template"][0]["version"], Unknown)


def test_for_each_over_a_list_is_an_error_like_terraform() -> None:
    project = load(str(GAPS / "foreach_list"), LoadOptions())
    errors = {(d.location.line, d.message.split(":")[0]) for d in _errors(project)}
    assert errors == {(6, "aws_instance.from_list"), (11, "aws_instance.numbers"), (16, "aws_instance.nulls"),
                      (22, "module.child")}
    by_line = {d.location.line: d.message for d in _errors(project)}
    assert "set of strings" in by_line[6] and "toset()" in by_line[6]
    assert "set containing type number" in by_line[11]
    assert "must not contain null values" in by_line[16]
    assert not project.resources


def test_provider_function_is_unknown_with_a_warning() -> None:
    outputs, project = root_outputs(str(GAPS / "foreach_list"), LoadOptions())
    assert isinstance(outputs["arn"], Unknown)
    warnings = [d for d in project.diagnostics if d.severity == "warning" and "provider::aws::arn_parse" in d.message]
    assert len(warnings) == 1 and warnings[0].location.line == 26


def test_modern_blocks_are_accepted() -> None:
    # moved/import/removed/check/ephemeral blocks, backend, lifecycle conditions, provisioners,
    # terraform_remote_state: Terraform 1.5-1.11 accepts all of them; none is an error or warning.
    project = load(str(GAPS / "blocks"), LoadOptions())
    assert not project.diagnostics, project.diagnostics
    res = {r.address: r for r in project.resources}
    assert set(res) == {"data.terraform_remote_state.net", "aws_instance.gpu", "aws_instance.uses_ephemeral"}
    gpu = res["aws_instance.gpu"]
    assert gpu.attributes["instance_type"] == "g5.xlarge"
    assert isinstance(gpu.attributes["subnet_id"], Unknown)
    assert gpu.attributes["tags"] == {"ws": "default", "root": "."}
    assert isinstance(res["aws_instance.uses_ephemeral"].attributes["user_data"], Unknown)


def test_removed_functions_are_errors_like_terraform(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('locals {\n  l = list("a")\n  m = map("a", 1)\n}\n'
                                      'resource "aws_instance" "a" {\n  tags = { n = length(local.l) }\n}\n')
    project = load(str(tmp_path), LoadOptions())
    messages = [d.message for d in project.diagnostics if d.severity == "error"]
    assert any('"list" function was deprecated' in m and "tolist" in m for m in messages), messages


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_real_world_idioms_match_terraform(tmp_path: Path) -> None:
    # optional() defaults in nested objects, grouping for, flatten/range fan-out, regex filters,
    # heredoc directives with strip markers, conditional merges, jsonencode/yamlencode.
    src = FIXTURES / "hcl" / "idioms"
    for name in ("main.tf", "variables.tf"):
        shutil.copy(src / name, tmp_path / name)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    proc = subprocess.run(["terraform", "console"], input="jsonencode(local.all)\n", capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(json.loads(proc.stdout))
    outputs, project = root_outputs(str(src), LoadOptions())
    assert not project.diagnostics
    ours = json.loads(jsonencode(outputs["all"]))
    assert ours == expected


def test_nullable_false_variable_takes_its_default_for_null() -> None:
    outputs, project = root_outputs(str(GAPS / "nullable"), LoadOptions())
    assert not project.diagnostics
    assert outputs["o"]["a"] == "dflt"  # nullable = false: null input -> default
    assert outputs["o"]["b"] is None  # nullable (default true): null stays null
    assert outputs["o"]["c"] == {"x": 5, "y": None}
    assert outputs["o"]["d"] == {"x": {"size": 10}, "y": {"size": 10}}


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_nullable_and_optional_defaults_match_terraform(tmp_path: Path) -> None:
    work = tmp_path / "nullable"
    shutil.copytree(GAPS / "nullable", work)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    init = subprocess.run(["terraform", "init", "-backend=false", "-input=false"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)  # local module only: no network
    assert init.returncode == 0, init.stderr
    proc = subprocess.run(["terraform", "console"], input="jsonencode(module.m.o)\n", capture_output=True,
                          text=True, cwd=work, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    outputs, _ = root_outputs(str(GAPS / "nullable"), LoadOptions())
    assert json.loads(jsonencode(outputs["o"])) == json.loads(json.loads(proc.stdout))


def test_failing_variable_validation_is_an_error_like_terraform_plan() -> None:
    project = load(str(GAPS / "validation"), LoadOptions())
    errors = [d for d in project.diagnostics if d.severity == "error"]
    assert len(errors) == 1 and errors[0].location.line == 1
    assert "Only g5/g6 instances are allowed, got p5.48xlarge." in errors[0].message
    assert "validation at main.tf:4" in errors[0].message
    ok = load(str(GAPS / "validation"), LoadOptions(vars={"instance_type": "g5.xlarge"}))
    assert not ok.diagnostics


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_variable_validation_matches_terraform_plan(tmp_path: Path) -> None:
    shutil.copy(GAPS / "validation" / "main.tf", tmp_path / "main.tf")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1"}
    bad = subprocess.run(["terraform", "plan", "-no-color", "-input=false"], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)  # no providers: plans offline
    assert bad.returncode == 1 and "Only g5/g6 instances are allowed, got p5.48xlarge." in bad.stderr
    good = subprocess.run(["terraform", "plan", "-no-color", "-input=false", "-var=instance_type=g5.xlarge"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert good.returncode == 0, good.stderr


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_for_each_errors_match_terraform_validate(tmp_path: Path) -> None:
    # The same file with the built-in terraform_data resource (no provider to download).
    work = tmp_path / "fl"
    shutil.copytree(GAPS / "foreach_list", work)
    text = (work / "main.tf").read_text(encoding="utf-8")
    text = text.replace('resource "aws_instance"', 'resource "terraform_data"').replace('instance_type = "t3.micro"', "")
    text = text[: text.index('output "arn"')]  # provider functions need the aws provider
    (work / "main.tf").write_text(text, encoding="utf-8")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    init = subprocess.run(["terraform", "init", "-backend=false", "-input=false"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert init.returncode == 0, init.stderr
    proc = subprocess.run(["terraform", "validate", "-json"], capture_output=True, text=True, cwd=work, env=env,
                          timeout=120)
    report = json.loads(proc.stdout)
    theirs = sorted((d["range"]["start"]["line"], d["detail"].split(":")[0]) for d in report["diagnostics"]
                    if d["severity"] == "error")
    project = load(str(GAPS / "foreach_list"), LoadOptions())
    ours = sorted(d.location.line for d in project.diagnostics if d.severity == "error")
    assert [line for line, _ in theirs] == ours == [6, 11, 16, 22]


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_set_valued_for_each_matches_terraform_plan(tmp_path: Path) -> None:
    # Sets must stay sets through variables (any, set(string), object attributes), module outputs,
    # conditionals, try() and set functions, or for_each would wrongly be refused as a list.
    work = tmp_path / "sets"
    shutil.copytree(GAPS / "sets", work)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1"}
    init = subprocess.run(["terraform", "init", "-backend=false", "-input=false"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert init.returncode == 0, init.stderr
    plan = subprocess.run(["terraform", "plan", "-no-color", "-input=false"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)  # terraform_data only: plans offline
    assert plan.returncode == 0, plan.stderr
    theirs = sorted(re.findall(r"# (\S+) will be created", plan.stdout))
    project = load(str(GAPS / "sets"), LoadOptions())
    assert not project.diagnostics
    assert sorted(r.address for r in project.resources) == theirs
    assert len(theirs) == 21


def test_module_call_missing_a_required_argument_is_an_error_at_the_call() -> None:
    """terraform validate: 'Missing required argument ... on main.tf line 2, in module "m2"' for x only
    (y is given, z has a default, even a null one); the rest of the configuration is still read."""
    project = load(str(FIXTURES / "hcl" / "module_missing_arg"), LoadOptions(environ={}))
    errors = [str(d) for d in project.errors]
    assert errors == ['main.tf:2: module "m2": missing required argument "x" (variable "x" in mod/m.tf:1 '
                      "has no default)"]
    assert not any("TF_VAR_x" in str(d) for d in project.diagnostics)  # no tfvars hint for a module input
    assert "aws_instance.other" in [r.address for r in project.resources]


def test_null_resource_tag_keeps_the_default_tag_and_count_with_for_each_is_an_error() -> None:
    """terraform plan: tags_all = {cost-center, env, team = "dflt", x} (the provider drops null tags);
    terraform validate: 'Invalid combination of "count" and "for_each"' at the for_each line."""
    project = load(str(FIXTURES / "hcl" / "null_tag_and_meta"), LoadOptions(environ={}))
    res = {r.address: r for r in project.resources}
    assert res["aws_instance.nullv"].tag_values == {"cost-center": "cc-1234", "env": "dev", "team": "dflt", "x": "1"}
    assert res["aws_instance.nullv"].tags["team"].source == "default_tags"
    assert [str(d) for d in project.errors] == [
        'main.tf:18:3: aws_instance.both: invalid combination of "count" and "for_each": only one may be set']
    assert not any(a.startswith("aws_instance.both") for a in res)
