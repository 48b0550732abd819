"""Variable precedence and type conversion checked against `terraform console`.

The ``tfvars_precedence`` fixture's variables and tfvars are copied next to a locals-only
file (console needs no providers then), and Terraform's values must equal the attributes
our loader resolved for the fixture's resource.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load, root_outputs
from tests.conftest import FIXTURES

HCL = FIXTURES / "hcl"
ENV = {"TF_VAR_v_env": "env", "TF_VAR_v_tfvars": "env", "TF_VAR_v_num": "5"}
CLI_VARS = {"v_cli": "cli", "v_list": '["x", "y"]'}


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_variable_precedence_matches_terraform(tmp_path: Path) -> None:
    src = HCL / "tfvars_precedence"
    for name in ("variables.tf", "terraform.tfvars", "a.auto.tfvars", "b.auto.tfvars.json", "extra.tfvars"):
        shutil.copy(src / name, tmp_path / name)
    shutil.copy(HCL / "tfvars_oracle" / "locals.tf", tmp_path / "main.tf")
    args = ["terraform", "console", "-var-file=extra.tfvars"] + [f"-var={k}={v}" for k, v in CLI_VARS.items()]
    env = {**os.environ, **ENV, "TF_CLI_CONFIG_FILE": "/dev/null"}
    proc = subprocess.run(args, input="jsonencode(local.all)\n", capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(json.loads(proc.stdout))

    project = load(str(src), LoadOptions(environ=dict(ENV), var_files=[str(src / "extra.tfvars")],
                                         vars=dict(CLI_VARS)))
    assert not project.diagnostics
    assert project.resources[0].attributes == expected


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_module_outputs_match_terraform(tmp_path: Path) -> None:
    """Nested local modules with count/for_each, outputs, splats over module instances."""
    work = tmp_path / "mod"
    shutil.copytree(HCL / "modules_oracle", work)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1"}
    init = subprocess.run(["terraform", "init", "-backend=false", "-input=false"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert init.returncode == 0, init.stderr
    proc = subprocess.run(["terraform", "console"], input="jsonencode(local.all)\n", capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(json.loads(proc.stdout))

    outputs, project = root_outputs(str(HCL / "modules_oracle"), LoadOptions(environ={}))
    assert not project.diagnostics
    assert outputs["all"] == expected
