"""Terraform plan JSON loader: real plan files from the corpus, our module fixture, bad input."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions, load_project
from estimator.loaders.terraform_plan import load
from estimator.model import DefaultRef, Location, Project, Resource, Unknown
from tests.conftest import FIXTURES

PLANS = FIXTURES / "plans"


def load_plan(name: str, **options: object) -> Project:
    return load(str(PLANS / name), LoadOptions(**{"environ": {}, **options}))  # type: ignore[arg-type]


def by_address(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def line_of(name: str, needle: str, after: str = '"resource_changes"') -> int:
    """The 1-based line of ``needle`` after ``after`` in the fixture text (the test's own oracle)."""
    text = (PLANS / name).read_text()
    return text[: text.index(needle, text.index(after))].count("\n") + 1


# ---- corpus files ------------------------------------------------------------------------------

def test_sagemaker_notebook_planned_values_only() -> None:
    project = load_plan("tfc_sagemaker_notebook_instance.plan.json")
    assert project.source == "terraform-plan" and not project.diagnostics
    [nb] = project.resources
    assert nb.address == "aws_sagemaker_notebook_instance.foo"
    assert (nb.type, nb.name, nb.mode, nb.module, nb.index) == ("aws_sagemaker_notebook_instance", "foo", "managed", "", None)
    assert nb.attributes["instance_type"] == "ml.t2.medium"
    assert nb.attributes["lifecycle_config_name"] is None
    assert nb.actions == ()  # no resource_changes in this plan
    assert nb.region == "us-east-1"  # stub configuration: the default region
    assert nb.tags["Name"].value == "foo" and nb.tags["Name"].source == "resource"
    assert nb.location == Location("tfc_sagemaker_notebook_instance.plan.json", 1)


def test_asg_links_launch_template_through_ref() -> None:
    project = load_plan("tfc_asg_launch_template.plan.json")
    res = by_address(project)
    assert list(res) == ["aws_autoscaling_group.bar", "aws_launch_template.foobar"]
    asg = res["aws_autoscaling_group.bar"]
    lt_id = asg.get("launch_template[0].id")
    assert isinstance(lt_id, Unknown) and lt_id.ref == "aws_launch_template.foobar"
    assert asg.get("launch_template[0].version") == "$Latest"
    # Optional+Computed and not in the configuration: not set, as the HCL reader has it
    assert asg.get("launch_template[0].name") is None
    assert (asg.attributes["min_size"], asg.attributes["max_size"], asg.attributes["desired_capacity"]) == (1, 1, 1)
    assert asg.attributes["arn"] is None  # computed, never configured: absent in HCL too
    assert asg.attributes["availability_zones"] == ["us-east-1a"]  # [false] leaves the known list alone
    assert res["aws_launch_template.foobar"].attributes["instance_type"] == "t2.micro"
    assert asg.actions == ("create",)


def test_eks_node_group_without_instance_types() -> None:
    [ng] = load_plan("checkov_eks_node_group.plan.json").resources
    assert ng.address == "aws_eks_node_group.test"
    assert ng.get("scaling_config.desired_size") == 1 and ng.get("scaling_config[0].max_size") == 1
    # Optional+Computed and not in the configuration: not set (AWS's default), as in HCL
    assert ng.attributes["instance_types"] is None and ng.attributes["capacity_type"] is None
    assert ng.attributes["scaling_config"] == [{"desired_size": 1, "max_size": 1, "min_size": 1}]
    assert ng.location.line == line_of("checkov_eks_node_group.plan.json", '"address": "aws_eks_node_group.test"')


def test_instance_new_format_region_and_tags_all() -> None:
    [web] = load_plan("checkov_instance_tf157.plan.json").resources
    assert web.address == "aws_instance.web" and web.attributes["instance_type"] == "t3.micro"
    assert web.region == "us-west-1"  # configuration.provider_config.aws
    assert web.tag_values == {"Name": "HelloWorld"} and web.tags["Name"].source == "resource"
    assert web.attributes["root_block_device"] is None  # a computed block the configuration does not write
    assert web.taggable is True
    assert web.location == Location("checkov_instance_tf157.plan.json", 59)


def test_infracost_example() -> None:
    project = load_plan("infracost_example.plan.json", default_region="eu-west-1")
    res = by_address(project)
    assert list(res) == ["aws_instance.web_app", "aws_instance.zero_cost_instance", "aws_lambda_function.hello_world",
                         "aws_lambda_function.zero_cost_lambda", "aws_s3_bucket.usage"]
    web = res["aws_instance.web_app"]
    assert web.region == "us-east-1"  # from the provider, not the default
    assert web.attributes["instance_type"] == "m5.4xlarge"
    ebs = web.get("ebs_block_device[0]")
    assert (ebs["volume_type"], ebs["volume_size"], ebs["iops"]) == ("io1", 1000, 800)
    assert ebs["volume_id"] is None  # computed, never configured
    root = web.get("root_block_device[0]")
    assert root["volume_size"] == 50 and root["volume_type"] is None  # not set in its block: AWS's default
    assert web.tags == {}  # tags null, tags_all unknown and no default_tags
    assert web.attributes["tags_all"] is None and web.tags_unknown is None  # computed from (no) default_tags
    fn = res["aws_lambda_function.hello_world"]
    assert fn.attributes["memory_size"] == 1024 and fn.attributes["runtime"] == "nodejs12.x"
    assert res["aws_s3_bucket.usage"].attributes["bucket"] == "bucket_withUsage"
    lines = [r.location.line for r in project.resources]
    assert lines == sorted(lines) and len(set(lines)) == 5
    assert web.location.line == line_of("infracost_example.plan.json", '"aws_instance.web_app"')


# ---- our fixture: modules, providers, defaults, deletes ----------------------------------------

RAG = "rag_modules.plan.json"


@pytest.fixture(scope="module")
def rag() -> dict[str, Resource]:
    project = load_plan(RAG)
    assert not project.diagnostics
    return by_address(project)


def test_addresses_order_and_delete_left_out(rag: dict[str, Resource]) -> None:
    assert list(rag) == [
        "aws_autoscaling_group.gpu_workers",
        'aws_instance.embedder["a"]',
        'aws_instance.embedder["b"]',
        "aws_instance.replica[0]",
        "aws_launch_template.gpu_workers",
        "module.gen[0].aws_autoscaling_group.this",
        "module.gen[0].aws_launch_template.this",
        'module.gen[0].module.inner["x"].aws_sagemaker_endpoint_configuration.this',
        'module.gen[0].module.inner["x"].aws_sagemaker_model.this',
        "module.gen[1].aws_autoscaling_group.this",
        "module.gen[1].aws_launch_template.this",
        'module.gen[1].module.inner["x"].aws_sagemaker_endpoint_configuration.this',
        'module.gen[1].module.inner["x"].aws_sagemaker_model.this',
        "module.legacy.aws_s3_bucket.logs",
        "data.aws_ami.dl",  # only in planned_values
    ]
    assert "aws_ebs_volume.scratch" not in rag  # actions ["delete"]: not part of the planned infra


def test_index_module_mode_actions(rag: dict[str, Resource]) -> None:
    emb = rag['aws_instance.embedder["a"]']
    assert (emb.type, emb.name, emb.index, emb.module) == ("aws_instance", "embedder", "a", "")
    assert rag["aws_instance.replica[0]"].index == 0
    assert rag["aws_instance.replica[0]"].actions == ("delete", "create")
    assert rag["module.legacy.aws_s3_bucket.logs"].actions == ("no-op",)
    inner = rag['module.gen[1].module.inner["x"].aws_sagemaker_endpoint_configuration.this']
    assert inner.module == 'module.gen[1].module.inner["x"]' and inner.name == "this" and inner.index is None
    ami = rag["data.aws_ami.dl"]
    assert ami.mode == "data" and ami.type == "aws_ami" and ami.tags == {} and ami.actions == ()


def test_data_sources_get_no_default_tags(tmp_path: Path) -> None:
    plan = json.loads((PLANS / RAG).read_text())
    data = plan["planned_values"]["root_module"]["resources"][-1]
    assert data["address"] == "data.aws_ami.dl"
    data["values"]["tags"] = {"owner": "aws"}
    (tmp_path / "p.json").write_text(json.dumps(plan))
    ami = by_address(load(str(tmp_path / "p.json"), LoadOptions(environ={})))["data.aws_ami.dl"]
    assert ami.tag_values == {"owner": "aws"}


def test_regions_from_providers(rag: dict[str, Resource]) -> None:
    assert rag['aws_instance.embedder["a"]'].region == "us-west-2"  # region = var.region, value from variables
    replica = rag["aws_instance.replica[0]"]
    assert (replica.region, replica.provider) == ("us-east-1", "aws.east")
    assert rag["module.gen[0].aws_launch_template.this"].region == "us-west-2"  # inherited from the root
    legacy = rag["module.legacy.aws_s3_bucket.logs"]
    assert (legacy.region, legacy.provider) == ("eu-west-1", "module.legacy:aws")


def test_tags_from_tags_all(rag: dict[str, Resource]) -> None:
    emb = rag['aws_instance.embedder["b"]']
    assert emb.tag_values == {"cost-center": "cc-1234", "team": "ml-platform", "env": "prod",
                              "Name": "embedder-b", "model": "bge-large-en-v1.5", "workload": "embedding"}
    assert emb.tags["team"].source == "default_tags" and emb.tags["team"].provider == "aws"
    assert emb.tags["model"].source == "resource" and emb.tags["model"].location == emb.location
    replica = rag["aws_instance.replica[0]"]
    assert replica.tags["team"].value == "research" and replica.tags["team"].provider == "aws.east"
    assert "cost-center" not in replica.tags
    assert rag["module.legacy.aws_s3_bucket.logs"].tag_values == {"team": "data"}
    asg = rag["aws_autoscaling_group.gpu_workers"]  # `tag` blocks; default_tags never reach ASGs
    assert asg.tag_values == {"workload": "batch"} and asg.tags["workload"].source == "resource"
    assert rag["module.gen[0].aws_autoscaling_group.this"].tags == {}


def test_nested_after_unknown_and_refs(rag: dict[str, Resource]) -> None:
    emb = rag['aws_instance.embedder["a"]']
    root = emb.get("root_block_device[0]")
    assert root["volume_type"] == "gp3" and root["volume_size"] == 100
    assert root["iops"] is None and root["volume_id"] is None  # not in its configured block: not set
    assert emb.attributes["ebs_block_device"] == []
    assert emb.attributes["arn"] is None
    asg = rag["aws_autoscaling_group.gpu_workers"]
    assert asg.get("launch_template[0].id").ref == "aws_launch_template.gpu_workers"
    assert asg.get("tag[0].key") == "workload"  # [{}] in after_unknown keeps the known block
    gen = rag["module.gen[1].aws_autoscaling_group.this"]
    assert gen.get("launch_template[0].id").ref == "module.gen[1].aws_launch_template.this"
    epc = rag['module.gen[0].module.inner["x"].aws_sagemaker_endpoint_configuration.this']
    variant = epc.get("production_variants[0]")
    assert (variant["instance_type"], variant["initial_instance_count"]) == ("ml.g5.2xlarge", 2)
    assert variant["model_name"].ref == 'module.gen[0].module.inner["x"].aws_sagemaker_model.this'
    assert variant["container_startup_health_check_timeout_in_seconds"] is None  # Optional+Computed, not written
    lt = rag["aws_launch_template.gpu_workers"]
    assert lt.get("tag_specifications[0].tags") == {"workload": "batch"}


def test_variable_defaults(rag: dict[str, Resource]) -> None:
    emb = rag['aws_instance.embedder["a"]']
    assert emb.attributes["instance_type"] == "g5.xlarge"  # the value used
    assert emb.defaults_for("instance_type") == (DefaultRef("var.gpu_instance_type", "g5.12xlarge", None),)
    assert "subnet_id" not in emb.defaults  # var.subnet_id has no default
    lt = rag["module.gen[0].aws_launch_template.this"]
    assert lt.defaults_for("instance_type")[0].value == "p4d.24xlarge"  # the module's own variable
    epc = rag['module.gen[0].module.inner["x"].aws_sagemaker_endpoint_configuration.this']
    assert {d.name: d.value for d in epc.defaults_for("production_variants")} == {
        "var.instance_count": 2, "var.instance_type": "ml.g5.2xlarge"}


def test_locations_point_at_resource_changes(rag: dict[str, Resource]) -> None:
    for address in ('aws_instance.embedder["a"]', 'module.gen[1].module.inner["x"].aws_sagemaker_model.this'):
        needle = '"address": ' + json.dumps(address)
        assert rag[address].location == Location(RAG, line_of(RAG, needle))
    assert rag["data.aws_ami.dl"].location.line == line_of(RAG, '"address": "data.aws_ami.dl"', "planned_values")


def test_default_region_when_the_provider_has_none(tmp_path: Path) -> None:
    plan = json.loads((PLANS / "tfc_asg_launch_template.plan.json").read_text())
    (tmp_path / "p.json").write_text(json.dumps(plan))
    project = load(str(tmp_path / "p.json"), LoadOptions(environ={}, default_region="ap-south-1"))
    assert {r.region for r in project.resources} == {"ap-south-1"}


def test_region_from_an_unrecorded_expression_is_unknown(tmp_path: Path) -> None:
    plan = json.loads((PLANS / "checkov_instance_tf157.plan.json").read_text())
    plan["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {"references": ["local.region"]}
    (tmp_path / "p.json").write_text(json.dumps(plan))
    [web] = load(str(tmp_path / "p.json"), LoadOptions(environ={})).resources
    assert isinstance(web.region, Unknown) and "local.region" in web.region.reason


def test_dispatch_detects_plan_json() -> None:
    project = load_project(str(PLANS / RAG), LoadOptions(environ={}))
    assert project.source == "terraform-plan" and len(project.resources) == 15


# ---- bad input -----------------------------------------------------------------------------------

def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{\n  "format_version": "1.2",\n  "planned_values": {,}\n}\n')
    with pytest.raises(InputError) as err:
        load(str(bad), LoadOptions(environ={}))
    assert err.value.location == Location("plan.json", 3, 22)
    assert "invalid JSON" in str(err.value) and str(err.value).startswith("plan.json:3:22:")


@pytest.mark.parametrize("content, message", [
    ("[1, 2]", "expected a JSON object, found a list"),
    ('{"format_version": "1.2"}', "no planned_values or resource_changes"),
    ('{"values": [1]}', "no planned_values or resource_changes"),
    ('{"resource_changes": {}}', "resource_changes is not a list"),
    ('{"planned_values": []}', "planned_values is a list"),
    ('{"format_version": "2.0", "planned_values": {}}', "unsupported plan format_version '2.0'"),
])
def test_not_a_plan(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(content)
    with pytest.raises(InputError, match=message):
        load(str(bad), LoadOptions(environ={}))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(str(tmp_path / "absent.json"), LoadOptions(environ={}))
    with pytest.raises(InputError, match="is a directory"):
        load(str(tmp_path), LoadOptions(environ={}))


def test_state_json_is_read_like_planned_values(tmp_path: Path) -> None:
    state = {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {"resources": [
        {"address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a",
         "values": {"instance_type": "g6.xlarge", "tags": {"team": "ml"}, "tags_all": {"team": "ml", "env": "dev"}}}]}}}
    (tmp_path / "state.json").write_text(json.dumps(state))
    [inst] = load(str(tmp_path / "state.json"), LoadOptions(environ={})).resources
    assert inst.attributes["instance_type"] == "g6.xlarge"
    assert inst.tags["env"].source == "default_tags" and inst.tags["team"].source == "resource"


def test_many_resources_read_in_one_pass(tmp_path: Path) -> None:
    """A plan with thousands of resources: every one found, with its own line."""
    changes = [{"address": f"aws_instance.n[{i}]", "mode": "managed", "type": "aws_instance", "name": "n", "index": i,
                "change": {"actions": ["create"], "after": {"instance_type": "t3.micro"}, "after_unknown": {"id": True}}}
               for i in range(3000)]
    (tmp_path / "big.json").write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}, indent=1))
    project = load(str(tmp_path / "big.json"), LoadOptions(environ={}))
    assert len(project.resources) == 3000
    assert len({r.location.line for r in project.resources}) == 3000
    assert project.resources[-1].index == 2999


def test_addresses_with_escapes_keep_their_lines(tmp_path: Path) -> None:
    keys = ['plain', 'with "quotes"', "back\\slash", "ünï"]
    changes = [{"address": f"aws_instance.x[{json.dumps(k)}]", "mode": "managed", "type": "aws_instance",
                "name": "x", "index": k, "change": {"actions": ["create"], "after": {}, "after_unknown": {}}}
               for k in keys]
    text = json.dumps({"resource_changes": changes}, indent=2)
    (tmp_path / "p.json").write_text(text)
    project = load(str(tmp_path / "p.json"), LoadOptions(environ={}))
    assert [r.index for r in project.resources] == keys
    expected = [n for n, line in enumerate(text.splitlines(), 1) if '"address"' in line]
    assert [r.location.line for r in project.resources] == expected == [4, 18, 32, 46]


def test_encodings_and_binary_plans(tmp_path: Path) -> None:
    text = (PLANS / "tfc_asg_launch_template.plan.json").read_text()
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (tmp_path / "ps.json").write_bytes(text.encode("utf-16"))  # PowerShell 5 `>` redirection
    for name in ("bom.json", "ps.json"):
        assert len(load(str(tmp_path / name), LoadOptions(environ={})).resources) == 2
    (tmp_path / "tfplan").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputError, match="binary Terraform plan file"):
        load(str(tmp_path / "tfplan"), LoadOptions(environ={}))
    (tmp_path / "latin1.json").write_bytes(b'{\n"planned_values": {"x": "caf\xe9"}}')
    with pytest.raises(InputError) as err:
        load(str(tmp_path / "latin1.json"), LoadOptions(environ={}))
    assert err.value.location == Location("latin1.json", 2) and "not UTF-8" in err.value.message


def _nodes(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _nodes(v, (*path, i))
    return out


def test_malformed_plans_never_raise_anything_but_input_error(tmp_path: Path) -> None:
    """Hand-edited plans: any node replaced by a value of the wrong type → a result or InputError."""
    original = json.loads((PLANS / RAG).read_text())
    paths = [p for p in _nodes(original) if p]
    rng = random.Random(7)
    for case in range(150):
        plan = json.loads(json.dumps(original))
        for _ in range(3):
            path = rng.choice(paths)
            target = plan
            try:
                for step in path[:-1]:
                    target = target[step]
                target[path[-1]] = rng.choice([None, 7, "x", True, [], {}, [1], {"a": 1}])
            except (KeyError, IndexError, TypeError):
                continue
        (tmp_path / "p.json").write_text(json.dumps(plan))
        try:
            load(str(tmp_path / "p.json"), LoadOptions(environ={}))
        except InputError:
            pass
        except Exception as err:  # noqa: BLE001 - the point of the test
            pytest.fail(f"case {case}: {type(err).__name__}: {err}")


def test_malformed_entries_become_error_diagnostics(tmp_path: Path) -> None:
    plan = json.loads((PLANS / "tfc_asg_launch_template.plan.json").read_text())
    plan["resource_changes"].insert(0, {"mode": "managed"})
    plan["resource_changes"].append("aws_instance.x")
    (tmp_path / "p.json").write_text(json.dumps(plan))
    project = load(str(tmp_path / "p.json"), LoadOptions(environ={}))
    assert [str(d) for d in project.errors] == [
        "p.json:1: malformed plan: resource_changes[0] is not an object with an address",
        "p.json:1: malformed plan: resource_changes[3] is not an object with an address",
    ]
    assert [r.address for r in project.resources] == ["aws_autoscaling_group.bar", "aws_launch_template.foobar"]
