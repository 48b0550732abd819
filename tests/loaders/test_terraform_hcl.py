"""Terraform HCL loader: modules, for_each/count, providers and tags, defaults, tfvars, errors."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load
from estimator.model import Location, Unknown
from tests.conftest import FIXTURES

HCL = FIXTURES / "hcl"


def load_fixture(name: str, **options: object) -> object:
    opts = LoadOptions(**{"environ": {}, **options})  # type: ignore[arg-type]
    return load(str(HCL / name), opts)


def by_address(project: object) -> dict[str, object]:
    return {r.address: r for r in project.resources}


def messages(project: object, severity: str | None = None) -> list[str]:
    return [str(d) for d in project.diagnostics if severity is None or d.severity == severity]


# ---- basic: providers, tags, for_each, dynamic, modules with providers, links --------------

def test_project_fields() -> None:
    project = load_fixture("basic")
    assert project.source == "terraform-hcl"
    assert project.root == str((HCL / "basic").resolve())
    assert project.path.endswith("basic")
    assert not project.errors


def test_addresses_and_order() -> None:
    project = load_fixture("basic")
    assert [r.address for r in project.resources] == [
        "aws_launch_template.gpu",
        "aws_autoscaling_group.gpu[0]",
        'aws_instance.each["a"]',
        'aws_instance.each["b"]',
        "data.aws_ami.dl",
        "aws_instance.from_module",
        'module.gpu["big"].aws_launch_template.this',
        'module.gpu["small"].aws_launch_template.this',
    ]
    res = by_address(project)
    assert res["aws_autoscaling_group.gpu[0]"].index == 0
    assert res['aws_instance.each["a"]'].index == "a"
    assert res["data.aws_ami.dl"].mode == "data"
    small = res['module.gpu["small"].aws_launch_template.this']
    assert small.module == 'module.gpu["small"]' and small.name == "this" and small.type == "aws_launch_template"
    assert small.location == Location("modules/gpu/main.tf", 5)
    assert res["aws_launch_template.gpu"].location == Location("main.tf", 24)


def test_provider_region_alias_and_default_tags() -> None:
    res = by_address(load_fixture("basic"))
    lt = res["aws_launch_template.gpu"]
    assert lt.region == "us-west-2" and lt.provider == "aws"
    assert lt.tags["team"].value == "platform" and lt.tags["team"].source == "default_tags"
    assert lt.tags["team"].provider == "aws" and lt.tags["team"].location == Location("main.tf", 4)
    assert lt.tags["app"].source == "resource" and lt.tags["app"].location == Location("main.tf", 26)
    east = res['aws_instance.each["a"]']
    assert east.region == "us-east-1" and east.provider == "aws.east"
    assert east.tags["env"].value == "staging" and east.tags["env"].source == "resource"  # resource wins
    assert east.tag_values == {"env": "staging", "Name": "node-a", "rank": "1"}  # tags are strings
    in_module = res['module.gpu["big"].aws_launch_template.this']  # providers = { aws = aws.east }
    assert in_module.region == "us-east-1" and in_module.provider == "aws.east"
    assert in_module.tags["env"].value == "prod" and in_module.tags["env"].provider == "aws.east"
    assert east.taggable is True and res["data.aws_ami.dl"].taggable is None


def test_default_region_when_no_provider_says() -> None:
    project = load_fixture("modules_nested", default_region="eu-west-1")
    assert {r.region for r in project.resources} == {"eu-west-1"}


def test_for_each_set_and_dynamic_blocks() -> None:
    res = by_address(load_fixture("basic"))
    each = res['aws_instance.each["b"]']
    assert each.attributes["tags"]["Name"] == "node-b"
    assert each.attributes["ebs_block_device"] == [
        {"volume_size": 100, "device_name": "/dev/sd0"},
        {"volume_size": 200, "device_name": "/dev/sd1"},
    ]
    assert each.get("ebs_block_device[1].volume_size") == 200


def test_unknown_links_carry_the_referenced_instance() -> None:
    res = by_address(load_fixture("basic"))
    lt_id = res["aws_autoscaling_group.gpu[0]"].attributes["launch_template"][0]["id"]
    assert isinstance(lt_id, Unknown) and lt_id.ref == "aws_launch_template.gpu"
    from_module = res["aws_instance.from_module"]
    assert from_module.attributes["instance_type"] == "g5.xlarge"  # module output of a config attribute
    assert from_module.attributes["user_data"].ref == 'module.gpu["big"].aws_launch_template.this'
    assert from_module.attributes["ami"].ref == "data.aws_ami.dl"


def test_defaults_tracking_points_at_the_variable_default_line() -> None:
    res = by_address(load_fixture("basic"))
    lt = res["aws_launch_template.gpu"]
    assert lt.attributes["instance_type"] == "g5.2xlarge"  # terraform.tfvars overrides the default
    (ref,) = lt.defaults_for("instance_type")
    assert ref.name == "var.gpu_type" and ref.value == "p4d.24xlarge"
    assert ref.location == Location("variables.tf", 3) and ref.kind == "terraform-variable"
    inner = res['module.gpu["big"].aws_launch_template.this']
    assert inner.attributes["instance_type"] == "p5.48xlarge"  # the caller passes a value
    assert [d.name for d in inner.defaults_for("instance_type")] == ["var.size"]
    assert inner.defaults_for("instance_type")[0].location == Location("modules/gpu/main.tf", 2)


def test_missing_required_variable_warns_with_its_declaration() -> None:
    project = load_fixture("basic")
    warnings = messages(project, "warning")
    assert any('variable "required_team" is required' in w and "variables.tf:16" in w for w in warnings)


# ---- modules ------------------------------------------------------------------------------------

def test_nested_local_modules_with_count_for_each_and_outputs() -> None:
    project = load_fixture("modules_nested")
    res = by_address(project)
    assert 'module.outer[1].module.inner["y"].aws_ebs_volume.data' in res
    assert len(project.resources) == 6
    vol = res['module.outer[0].module.inner["x"].aws_ebs_volume.data']
    assert vol.attributes == {"size": 500, "tags": {"Name": "o0-x"}}
    assert vol.module == 'module.outer[0].module.inner["x"]'
    assert [(d.name, d.value) for d in vol.defaults_for("size")] == [("var.disk", 100), ("var.disk_gb", 500)]
    logs = res["aws_s3_bucket.logs"]
    assert logs.attributes["bucket"] == "o1-x"
    assert logs.attributes["tags"] == {"names": "o0-x,o0-y"}
    whole = res["aws_ssm_parameter.outputs"].attributes
    assert whole["value"] == '[["o0-x","o0-y"],["o1-x","o1-y"]]'
    assert whole["all"][1] == {"all_names": ["o1-x", "o1-y"], "bucket_names": {"x": "o1-x", "y": "o1-y"}}
    assert not project.diagnostics


def test_unresolved_registry_module_is_listed_and_warned() -> None:
    project = load_fixture("registry_module")
    assert project.unresolved_modules == ["module.vpc"]
    assert any('module "vpc"' in w and "main.tf:1" in w for w in messages(project, "warning"))
    app = by_address(project)["aws_instance.app"]
    assert isinstance(app.attributes["subnet_id"], Unknown)
    assert not project.errors


def test_modules_json_resolves_installed_module() -> None:
    project = load_fixture("modules_json")
    res = by_address(project)
    config = res["module.llm.aws_sagemaker_endpoint_configuration.this"]
    assert config.get("production_variants[0].instance_type") == "g5.12xlarge"
    (ref,) = config.defaults_for("production_variants")
    assert ref.value == "ml.p4d.24xlarge" and ref.location == Location(".terraform/modules/llm/main.tf", 2)
    endpoint = res["aws_sagemaker_endpoint.llm"]
    assert endpoint.attributes["endpoint_config_name"].ref == "module.llm.aws_sagemaker_endpoint_configuration.this"
    assert project.unresolved_modules == [] and not project.diagnostics


# ---- variables --------------------------------------------------------------------------------

def test_tfvars_precedence_like_terraform() -> None:
    project = load_fixture(
        "tfvars_precedence",
        environ={"TF_VAR_v_env": "env", "TF_VAR_v_tfvars": "env", "TF_VAR_v_num": "5"},
        var_files=[str(HCL / "tfvars_precedence" / "extra.tfvars")],
        vars={"v_cli": "cli", "v_list": '["x", "y"]'},
    )
    attrs = project.resources[0].attributes
    assert attrs["v_default"] == "default"
    assert attrs["v_env"] == "env"
    assert attrs["v_tfvars"] == "tfvars"
    assert attrs["v_auto"] == "auto-b"  # *.auto.tfvars(.json) in lexical order, after terraform.tfvars
    assert attrs["v_varfile"] == "varfile"
    assert attrs["v_cli"] == "cli"
    assert attrs["v_num"] == 6  # TF_VAR string converted by the variable type
    assert attrs["v_list"] == ["x", "y"]  # -var parsed as HCL for a complex type
    assert attrs["v_obj"] == {"size": 20, "kind": "gp3"}  # optional attribute default
    assert not project.diagnostics


def test_var_value_of_the_wrong_type_is_an_error() -> None:
    project = load_fixture("tfvars_precedence", vars={"v_num": "many"})
    assert any('invalid value for variable "v_num"' in e for e in messages(project, "error"))
    assert isinstance(project.resources[0].attributes["v_num"], Unknown)


def test_undeclared_cli_var_warns_but_env_var_is_ignored() -> None:
    project = load_fixture("tfvars_precedence", vars={"nope": "1"}, environ={"TF_VAR_other": "x"})
    assert messages(project) == ['a value was given for undeclared variable "nope"']


def test_missing_var_file_raises_input_error() -> None:
    with pytest.raises(InputError, match="variable file not found"):
        load_fixture("tfvars_precedence", var_files=["nope.tfvars"])


# ---- errors ---------------------------------------------------------------------------------------

def test_local_cycle_names_the_locals() -> None:
    project = load_fixture("cycle")
    assert messages(project, "error") == [
        "main.tf:2:3: cycle between local values: local.a, local.b",
        "main.tf:15: cycle between resources: aws_instance.a -> aws_instance.b -> aws_instance.a",
    ]
    res = by_address(project)
    assert isinstance(res["aws_instance.uses_cycle"].attributes["instance_type"], Unknown)
    assert res["aws_instance.fine"].attributes["instance_type"] == "fine"


def test_block_with_wrong_labels_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_instance" {\n}\n')
    project = load(str(tmp_path), LoadOptions(environ={}))
    assert messages(project) == ["main.tf:1:1: a resource block needs a type and a name, found 1 label(s)"]


def test_syntax_error_in_one_file_other_files_still_read() -> None:
    project = load_fixture("syntax_error")
    assert messages(project) == ["bad.tf:4:1: unexpected token '}'"]
    assert [r.address for r in project.resources] == ["aws_instance.good"]


def test_reference_type_and_function_errors_are_one_line_diagnostics() -> None:
    project = load_fixture("errors")
    assert messages(project, "error") == [
        'main.tf:2:19: reference to undeclared input variable "nope"',
        'main.tf:6:19: reference to undeclared local value "nope"',
        "main.tf:10:3: aws_instance.bad_count: invalid count: a whole number >= 0 is required",
        'main.tf:15:19: call to unknown function "nosuchfunc"',
        'main.tf:19:18: reference to undeclared input variable "also_nope"',  # an unused local is still checked
    ]
    assert "aws_instance.bad_count" not in {r.address for r in project.resources}


def test_templatefile_renders_and_cannot_escape_the_module_tree() -> None:
    project = load_fixture("templatefile")
    res = by_address(project)
    assert res["aws_instance.ok"].attributes["user_data"] == "#!/bin/sh\necho gpu\nopen 80\nopen 443\n"
    assert res["aws_instance.ok"].attributes["tags"] == {"banner": "hello", "exists": True, "missing": False}
    (error,) = messages(project, "error")
    assert error.startswith("main.tf:11:15: templatefile: path") and "outside the module directory tree" in error
    assert isinstance(res["aws_instance.escape"].attributes["user_data"], Unknown)


def _copy_with(tmp_path: Path, name: str, content: bytes) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(HCL / "syntax_error", root)
    (root / "bad.tf").unlink()
    (root / name).write_bytes(content)
    return root


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'a = "' + b"x" * (10 * 1024 * 1024) + b'"\n', "over the 5 MB limit"),
        (bytes([0xC3, 0x28]) + bytes(random.Random(3).randrange(256) for _ in range(8192)), "invalid UTF-8"),
        (("x = " + "[" * 1000 + "]" * 1000 + "\n").encode(), "nesting deeper than 200 levels"),
    ],
    ids=["10MB", "random-bytes", "deep-nesting"],
)
def test_bad_files_are_diagnostics_not_crashes(tmp_path: Path, content: bytes, message: str) -> None:
    root = _copy_with(tmp_path, "broken.tf", content)
    project = load(str(root), LoadOptions(environ={}))
    (error,) = messages(project, "error")
    assert error.startswith("broken.tf:") and message in error
    assert [r.address for r in project.resources] == ["aws_instance.good"]


def test_unreadable_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load(str(tmp_path / "missing"), LoadOptions(environ={}))


def test_single_file_path_reads_only_that_file() -> None:
    project = load(str(HCL / "syntax_error" / "good.tf"), LoadOptions(environ={}))
    assert [r.address for r in project.resources] == ["aws_instance.good"] and not project.diagnostics


def test_override_files_merge_into_their_blocks() -> None:
    project = load_fixture("override")
    (gpu,) = project.resources
    assert gpu.attributes == {"instance_type": "g5.2xlarge", "ami": "ami-2", "root_block_device": [{"volume_size": 200}]}
    (ref,) = gpu.defaults_for("instance_type")
    assert ref.value == "g5.2xlarge" and ref.location == Location("gpu_override.tf", 2)
    assert messages(project) == ["gpu_override.tf:12:1: override for a resource block that is not declared: "
                                 "aws_instance missing"]


def test_terraform_json_configuration() -> None:
    project = load_fixture("tf_json")
    assert messages(project) == ["broken.tf.json:4:1: invalid JSON: Expecting property name enclosed in double quotes"]
    res = by_address(project)
    gpu = res["aws_instance.gpu[1]"]
    assert gpu.attributes == {"instance_type": "p4d.24xlarge", "tags": {"Name": "llm-1"},
                              "root_block_device": [{"volume_size": 200, "volume_type": "gp3"}]}
    assert gpu.region == "us-east-1" and gpu.provider == "aws.east" and gpu.location == Location("main.tf.json", 15)
    assert [(d.name, d.location) for d in gpu.defaults_for("root_block_device")] == [
        ("var.sizes", Location("main.tf.json", 10))]
    param = res["aws_ssm_parameter.p"]
    assert param.attributes == {"type": "String", "value": "${literal}"}
    assert param.tags["team"].source == "default_tags" and param.region == "eu-west-1"


def test_recursive_module_is_an_error_not_an_explosion() -> None:
    project = load_fixture("recursive_module")
    assert messages(project) == ['mod/main.tf:5: module "again" calls a module that contains it (recursive modules)']
    assert [r.address for r in project.resources] == ["module.loop.aws_instance.x[0]", "module.loop.aws_instance.x[1]"]


def test_huge_count_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_instance" "x" {\n  count = 100000000\n}\n')
    project = load(str(tmp_path), LoadOptions(environ={}))
    assert messages(project) == ["main.tf:2:3: aws_instance.x: count 100000000 is over the limit of 10000 instances"]
    assert project.resources == []


def test_unknown_parser_fails_once() -> None:
    with pytest.raises(InputError, match="unknown HCL parser 'nope'"):
        load_fixture("syntax_error", parser="nope")


def test_undeclared_module_reference_and_output_without_value(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_instance" "x" {\n  ami = module.nope.id\n}\n\noutput "o" {\n  description = "x"\n}\n')
    project = load(str(tmp_path), LoadOptions(environ={}))
    assert messages(project) == ['main.tf:2:9: reference to undeclared module "nope"',
                                 'main.tf:5: output "o" has no value argument']


def test_an_auto_scaling_group_has_its_tag_blocks_and_no_default_tags(tmp_path: Path) -> None:
    """The AWS provider does not apply default_tags to aws_autoscaling_group (as the plan shows):
    its `tag` blocks, static or dynamic, are its tags."""
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n  default_tags {\n    tags = { team = "ml" }\n  }\n}\n'
        'resource "aws_autoscaling_group" "g" {\n  max_size = 2\n  min_size = 1\n'
        '  tag {\n    key = "env"\n    value = "dev"\n    propagate_at_launch = true\n  }\n'
        '  dynamic "tag" {\n    for_each = { cost-center = "cc-1234" }\n    content {\n'
        '      key = tag.key\n      value = tag.value\n      propagate_at_launch = true\n    }\n  }\n}\n'
        'resource "aws_instance" "i" {\n  ami = "ami-1"\n  instance_type = "m5.large"\n}\n')
    project = load(str(tmp_path), LoadOptions())
    asg, instance = project.resources
    assert {k: t.value for k, t in asg.tags.items()} == {"env": "dev", "cost-center": "cc-1234"}
    assert all(t.source == "resource" and t.location.line == 10 for t in asg.tags.values())
    assert {k: t.value for k, t in instance.tags.items()} == {"team": "ml"}


def test_a_resources_own_region_argument_overrides_its_provider(tmp_path: Path) -> None:
    """AWS provider v6: ``region`` on a resource places it there (the plan reader already honours it)."""
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\nvariable "dr" {\n  type = string\n}\n'
        'resource "aws_instance" "v6" {\n  region        = "eu-west-1"\n  instance_type = "g5.xlarge"\n}\n'
        'resource "aws_instance" "home" {\n  instance_type = "g5.xlarge"\n}\n'
        'resource "aws_instance" "dr" {\n  region        = var.dr\n  instance_type = "g5.xlarge"\n}\n'
        'resource "random_id" "r" {\n  region      = "eu-west-1"\n  byte_length = 4\n}\n', encoding="utf-8")
    res = by_address(load(str(tmp_path), LoadOptions(environ={})))
    assert res["aws_instance.v6"].region == "eu-west-1"
    assert res["aws_instance.home"].region == "us-east-1"
    assert isinstance(res["aws_instance.dr"].region, Unknown)  # never the provider's region in its place


def test_symlinks_out_of_the_repository_are_not_read(tmp_path: Path) -> None:
    """A pull request can commit ``terraform.tfvars.json -> ~/.docker/config.json``; the loader must not read
    it into a variable a tag hands back (QA19b). A link inside the repository is read; a broken one or a loop
    is an error naming the link, as terraform's "Failed to read file"."""
    import subprocess

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "config.json").write_text('{"auths": "secret-token"}', encoding="utf-8")
    (outside / "extra.tf").write_text('resource "aws_eip" "stolen" {}\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "shared").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    root = repo / "app"
    root.mkdir()
    (root / "main.tf").write_text('variable "auths" {\n  default = {}\n}\nresource "aws_eip" "ok" {\n'
                                  '  tags = { team = jsonencode(var.auths) }\n}\n', encoding="utf-8")
    (repo / "shared" / "common.tf").write_text('resource "aws_eip" "shared" {}\n', encoding="utf-8")
    (root / "common.tf").symlink_to(repo / "shared" / "common.tf")
    (root / "terraform.tfvars.json").symlink_to(outside / "config.json")
    (root / "extra.tf").symlink_to(outside / "extra.tf")
    (root / "gone.tf").symlink_to(root / "missing.tf")
    project = load(str(root), LoadOptions(environ={}))
    assert sorted(by_address(project)) == ["aws_eip.ok", "aws_eip.shared"]
    assert "secret-token" not in str(by_address(project)["aws_eip.ok"].tags)
    errors = messages(project, "error")
    assert "extra.tf:1: a symlink to a file outside the repository is not read" in errors
    assert "terraform.tfvars.json:1: a symlink to a file outside the repository is not read" in errors
    assert "gone.tf:1: cannot read: a broken symlink or a symlink loop" in errors
    # the head repository's own files, linked into a diff's base checkout, are allowed by link_roots
    allowed = load(str(root), LoadOptions(environ={}, link_roots=(str(outside),)))
    assert "aws_eip.stolen" in by_address(allowed)


def test_a_second_default_provider_is_an_error_never_a_silent_override(tmp_path: Path) -> None:
    """Two ``provider "aws"`` blocks without an alias (or with one alias twice): terraform's "Duplicate provider
    configuration"; the later one moved resources to its region and dropped the default tags (QA19b)."""
    (tmp_path / "a.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n'
                                   'resource "aws_eip" "ip" {}\n', encoding="utf-8")
    (tmp_path / "b.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n', encoding="utf-8")
    project = load(str(tmp_path), LoadOptions(environ={}))
    assert by_address(project)["aws_eip.ip"].region == "us-east-1"
    assert messages(project, "error") == [
        'b.tf:1:1: duplicate provider configuration "aws" (first at a.tf:1); this one is ignored']


def test_a_region_that_is_not_a_string_is_an_error_and_unknown(tmp_path: Path) -> None:
    """``region = ["eu-west-1"]`` is terraform's type error; the region is then unknown, never a list in the
    JSON nor a traceback's words as the unpriced reason (QA19b)."""
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = ["eu-west-1"]\n}\nresource "aws_eip" "x" {}\n'
                                      'resource "aws_eip" "own" {\n  region = 5\n}\n', encoding="utf-8")
    project = load(str(tmp_path), LoadOptions(environ={}))
    res = by_address(project)
    assert isinstance(res["aws_eip.x"].region, Unknown) and isinstance(res["aws_eip.own"].region, Unknown)
    assert messages(project, "error") == ["main.tf:2: region must be a string, got list",
                                          "main.tf:6: region must be a string, got number"]


def test_the_project_has_an_instance_budget_across_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """count inside a counted module multiplies: one project-wide budget stops 10^8 expansions (QA19b: 4 GB
    in 53 s), with one error, the instances within it kept."""
    from estimator.loaders import terraform_hcl

    monkeypatch.setattr(terraform_hcl, "MAX_PROJECT_INSTANCES", 25)
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('resource "aws_eip" "e" {\n  count = 10\n}\n', encoding="utf-8")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./m"\n  count  = 4\n}\n', encoding="utf-8")
    project = load(str(tmp_path), LoadOptions(environ={}))
    assert len(project.resources) == 20  # 4 module instances, then two of them x 10 EIPs, then over budget
    (error,) = messages(project, "error")
    assert "passes the limit of 25 resource instances in one project" in error


def test_a_file_hash_needs_no_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``source_code_hash = filebase64sha256("lambda.zip")`` on a package over file()'s limit: hashed in
    chunks, as terraform does (QA20a: "over the 5 MB limit", exit 2, a null total)."""
    import base64
    import hashlib

    from estimator.loaders import terraform_hcl

    monkeypatch.setattr(terraform_hcl, "MAX_FILE_BYTES", 1024)
    blob = bytes(range(256)) * 64  # 16 KB, over the patched limit
    (tmp_path / "lambda.zip").write_bytes(blob)
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n'
                                      '  source_code_hash = filebase64sha256("lambda.zip")\n'
                                      '  etag             = filemd5("lambda.zip")\n}\n', encoding="utf-8")
    project = load(str(tmp_path), LoadOptions(environ={}))
    assert not messages(project, "error")
    attrs = by_address(project)["aws_lambda_function.f"].attributes
    assert attrs["source_code_hash"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()
    assert attrs["etag"] == hashlib.md5(blob).hexdigest()


def test_outside_git_links_within_the_working_directory_are_read(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A monorepo exported without .git (a tarball, a build context): a root's link to a shared file in the
    tree it is run from is read, as in a checkout; a missing terraform.tfvars link (only the deploy job has
    its target) is skipped, as terraform skips it (QA20a)."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "common.tf").write_text('resource "aws_eip" "shared" {}\n', encoding="utf-8")
    root = tmp_path / "stacks" / "app"
    root.mkdir(parents=True)
    (root / "main.tf").write_text('resource "aws_eip" "app" {}\n', encoding="utf-8")
    (root / "common.tf").symlink_to(tmp_path / "shared" / "common.tf")
    (root / "terraform.tfvars").symlink_to(tmp_path / "secrets" / "prod.tfvars")
    monkeypatch.chdir(tmp_path)
    project = load("stacks/app", LoadOptions(environ={}))
    assert sorted(by_address(project)) == ["aws_eip.app", "aws_eip.shared"]
    assert not messages(project, "error")


def test_provisioned_concurrency_cannot_carry_tags(tmp_path: Path) -> None:
    """It costs money since 430a1fb but has no tags argument: never judged for tags (QA20b: a false mandatory
    CR-TAG-001 the user could not fix)."""
    (tmp_path / "main.tf").write_text('provider "aws" {\n  default_tags {\n    tags = { team = "ml" }\n  }\n}\n'
                                      'resource "aws_lambda_provisioned_concurrency_config" "pc" {\n'
                                      '  function_name = "f"\n  qualifier = "1"\n'
                                      '  provisioned_concurrent_executions = 2\n}\n', encoding="utf-8")
    pc = by_address(load(str(tmp_path), LoadOptions(environ={})))["aws_lambda_provisioned_concurrency_config.pc"]
    assert pc.taggable is False and pc.tags == {}
