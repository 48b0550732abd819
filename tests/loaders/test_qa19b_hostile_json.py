"""QA19b: hostile Terraform JSON and plan JSON are one-line input errors naming file and line, never a
traceback (which exits 1, a policy failure to CI) nor a silently kept last value; other files still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.errors import TOO_DEEP, InputError
from estimator.hcl.json_config import loads_strict, parse_json_text
from estimator.loaders import LoadOptions, load_project

FIXTURES = Path(__file__).parent.parent / "fixtures" / "qa19b"


@pytest.fixture(params=["tree-sitter", "python-hcl2"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)



def _errors(project: object) -> list[str]:
    return sorted(str(d) for d in project.errors)  # type: ignore[attr-defined]


def test_tf_json_resource_type_not_an_object(parser: str) -> None:
    project = load_project(str(FIXTURES / "tfjson_shape"), LoadOptions(environ={}, parser=parser))
    assert _errors(project) == ['bad.tf.json:1: "aws_eip" must be an object',
                                'null.tf.json:2: "null_body" must be an object']
    assert [r.address for r in project.resources] == ["aws_eip.ok"]


@pytest.mark.usefixtures("default_recursion_limit")
def test_tf_json_500_deep_is_too_deep_at_the_default_recursion_limit() -> None:
    text = (FIXTURES / "tfjson_deep" / "bad.tf.json").read_text(encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_json_text("bad.tf.json", text)
    assert info.value.message == TOO_DEEP
    assert info.value.location is not None and info.value.location.line == 1


def test_tf_json_500_deep_next_to_a_good_file(parser: str) -> None:
    project = load_project(str(FIXTURES / "tfjson_deep"), LoadOptions(environ={}, parser=parser))
    assert [e.split(": ", 1) for e in _errors(project)] == [["bad.tf.json:1:13", TOO_DEEP]]
    assert [r.address for r in project.resources] == ["aws_eip.ok"]


def test_tf_json_duplicate_key_names_both_places(parser: str) -> None:
    project = load_project(str(FIXTURES / "tfjson_dup"), LoadOptions(environ={}, parser=parser))
    assert _errors(project) == ['main.tf.json:7:9: duplicate key "instance_type" in one object (first set at 6:9)']
    assert [r.address for r in project.resources] == ["aws_eip.ok"]


def test_loads_strict_same_key_in_different_objects_is_fine() -> None:
    assert loads_strict("x.json", '{"a": {"k": 1}, "b": {"k": 2}, "k": [{"k": 3}]}') == {
        "a": {"k": 1}, "b": {"k": 2}, "k": [{"k": 3}]}
    with pytest.raises(InputError, match=r'duplicate key "k" in one object \(first set at 1:2\)') as info:
        loads_strict("x.json", '{"k": {"k": 1, "j": 2}, "k": 2}')
    assert str(info.value.location) == "x.json:1:25"


def test_tfvars_json_duplicate_key_is_an_error(parser: str) -> None:
    project = load_project(str(FIXTURES / "tfvars_dup"), LoadOptions(environ={}, parser=parser))
    assert _errors(project) == [
        'terraform.tfvars.json:3:3: duplicate key "itype" in one object (first set at 2:3)']


def test_tf_json_block_types_written_twice_merge_as_terraform_reads_them(tmp_path: Path) -> None:
    """``"resource"`` twice at the top (or a resource type twice) and repeated ``"//"`` comments are valid
    Terraform JSON (`terraform validate` says Success): merged, not rejected (QA20a); an argument twice stays
    an error."""
    (tmp_path / "main.tf.json").write_text(
        '{"//": "generated",\n'
        ' "resource": {"aws_nat_gateway": {"a": {"subnet_id": "s", "allocation_id": "x", "//": "c1", "//": "c2"}}},\n'
        ' "resource": {"aws_nat_gateway": {"b": {"subnet_id": "s", "allocation_id": "y"}},\n'
        '              "aws_eip": {"ip": {"domain": "vpc"}}}}\n', encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    assert sorted(r.address for r in project.resources) == ["aws_eip.ip", "aws_nat_gateway.a", "aws_nat_gateway.b"]
    assert not _errors(project)
    (tmp_path / "main.tf.json").write_text('{"resource": {"aws_eip": {"ip": {"domain": "vpc", "domain": "x"}}}}\n',
                                           encoding="utf-8")
    assert any("duplicate key" in e for e in _errors(load_project(str(tmp_path), LoadOptions(environ={}))))


def test_tf_json_two_provider_blocks_and_labels_across_block_objects(tmp_path: Path) -> None:
    """``"provider"`` twice (a default and an alias) and ``"terraform"`` twice are valid; a resource or
    variable written in two block objects is terraform's duplicate, reported where it is (QA21a)."""
    (tmp_path / "main.tf.json").write_text(
        '{"provider": {"aws": {"region": "us-east-1"}},\n'
        ' "provider": {"aws": {"region": "eu-west-1", "alias": "eu"}},\n'
        ' "terraform": {"required_version": ">= 1.0"},\n'
        ' "terraform": {"required_version": ">= 1.0"},\n'
        ' "resource": {"aws_eip": {"a": {"domain": "vpc"}}},\n'
        ' "resource": {"aws_eip": {"b": {"domain": "vpc", "provider": "aws.eu"}}}}\n', encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    assert not _errors(project)
    assert {r.address: r.region for r in project.resources} == {"aws_eip.a": "us-east-1", "aws_eip.b": "eu-west-1"}
    (tmp_path / "main.tf.json").write_text('{"variable": {"x": {"default": 1}},\n "variable": {"x": {"default": 2}}}\n',
                                           encoding="utf-8")
    assert _errors(load_project(str(tmp_path), LoadOptions(environ={}))) == [
        'main.tf.json:2:15: duplicate key "x" in two block objects of one type (first set at 1:15)']


def test_tf_json_repeated_nested_blocks_and_provider_names_are_blocks(tmp_path: Path) -> None:
    """Two "ebs_block_device" (or "dynamic") keys in one body are two blocks, and one provider object naming
    aws twice is two configurations, as terraform reads repeated block keys (QA22: the project was rejected);
    tags written twice stay a duplicate argument."""
    (tmp_path / "main.tf.json").write_text(
        '{"provider": {"aws": {"region": "us-east-1"}, "aws": {"alias": "eu", "region": "eu-west-1"}},\n'
        ' "resource": {"aws_instance": {"a": {"provider": "aws.eu", "ami": "x", "instance_type": "m5.large",\n'
        '   "ebs_block_device": {"device_name": "/dev/sdb", "volume_size": 10},\n'
        '   "ebs_block_device": {"device_name": "/dev/sdc", "volume_size": 20}}}}}\n', encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    assert not _errors(project)
    (res,) = project.resources
    assert res.region == "eu-west-1" and [d["volume_size"] for d in res.attributes["ebs_block_device"]] == [10, 20]
    (tmp_path / "main.tf.json").write_text('{"resource": {"aws_eip": {"ip": {"tags": {"a": "1"}, "tags": {"b": "2"}}}}}\n',
                                           encoding="utf-8")
    assert any("duplicate key" in e for e in _errors(load_project(str(tmp_path), LoadOptions(environ={}))))
