"""QA16c's Pulumi-reader defects, each pinned on a program of our own."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions, load_project
from estimator.model import Project, Resource, Unknown, UnknownCount, unknown_quantity
from estimator.pricing.engine import price_project

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"


def by_address(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def test_loop_over_an_invoke_list_is_an_unknown_count() -> None:
    project = load_project(str(PROGRAMS / "qa16c_invoke_loop"), LoadOptions(stack="dev"))
    resources = by_address(project)
    # one stand-in per resource of the loop body, never a made-up 3
    assert sorted(resources) == ["data", "nat-0", "nat-eip-0"]
    for address in ("nat-0", "nat-eip-0"):
        count = unknown_quantity(resources[address])
        assert isinstance(count, UnknownCount)
        assert "count is known only after apply" in count.reason
        assert "getAvailabilityZones" in count.reason
    assert unknown_quantity(resources["data"]) is None  # indexed, not looped over: one volume
    costed = {c.resource.address: c for c in price_project(project, None)}
    assert costed["nat-0"].status == "unpriced" and costed["nat-eip-0"].status == "unpriced"
    assert costed["data"].status == "priced"
    warnings = [d for d in project.diagnostics if "its instances are not priced" in d.message]
    assert warnings and str(warnings[0].location) == "__main__.py:4"
    lengths = [d for d in project.diagnostics if d.message.startswith("len() of the result of")]
    assert [str(d.location) for d in lengths] == ["__main__.py:10"]


def test_nested_invoke_results_are_unknowns_of_their_shape() -> None:
    project = load_project(str(PROGRAMS / "qa16c_invoke_nested"), LoadOptions(stack="dev"))
    assert not [d for d in project.diagnostics if d.severity == "error"]
    resources = by_address(project)
    group = resources["gpu"]
    assert group.attributes["instance_types"] == ["g5.xlarge"]
    assert isinstance(group.attributes["subnet_ids"][0], Unknown)
    assert "vpcConfig" in group.attributes["subnet_ids"][0].reason
    assert isinstance(resources["w"].attributes["ami"], Unknown)
    costed = {c.resource.address: c for c in price_project(project, None)}
    assert costed["gpu"].status in ("priced", "partial")
    assert group.attributes["cluster_name"] == "shared"  # an argument echoed in the result, as AWS does


def test_stack_reference_outputs_are_unknown_and_their_applies_do_not_run() -> None:
    project = load_project(str(PROGRAMS / "qa16c_stackref"), LoadOptions(stack="dev"))
    assert not [d for d in project.diagnostics if d.severity == "error"]
    resources = by_address(project)
    size = resources["data"].attributes["size"]
    assert isinstance(size, Unknown) and "volumeSize" in size.reason and "of stack acme/network/dev" in size.reason
    assert isinstance(resources["w"].attributes["subnet_id"], Unknown)
    costed = {c.resource.address: c for c in price_project(project, None)}
    assert costed["w"].status == "priced" and costed["w"].monthly_cost > 0


def test_a_pulumi_yml_project_reads_its_pulumi_stack_yml() -> None:
    for options in (LoadOptions(), LoadOptions(stack="dev")):
        project = load_project(str(PROGRAMS / "qa16c_yml"), options)
        resources = by_address(project)
        assert sorted(resources) == ["w0", "w1", "w2"]
        assert {r.region for r in resources.values()} == {"eu-west-1"}


def test_a_fully_qualified_stack_name_reads_the_stack_file_of_its_last_segment() -> None:
    for stack in ("acme/dev", "acme/pyml/dev"):
        project = load_project(str(PROGRAMS / "qa16c_yml"), LoadOptions(stack=stack))
        assert sorted(by_address(project)) == ["w0", "w1", "w2"]


def test_provider_default_tags_only_on_resources_that_can_carry_tags() -> None:
    resources = by_address(load_project(str(PROGRAMS / "qa16c_untaggable"), LoadOptions(stack="dev")))
    assert resources["perm"].taggable is False and resources["perm"].tags == {}
    assert resources["policy"].tags == {}
    assert resources["q"].tag_values == {"team": "t", "env": "dev"}


def test_the_several_stacks_hint_survives_a_program_that_then_fails() -> None:
    with pytest.raises(InputError) as caught:
        load_project(str(PROGRAMS / "qa16c_several_stacks"), LoadOptions())
    message = str(caught.value)
    assert "workerCount" in message and "several stacks (dev, prod) and no --stack" in message
    assert str(caught.value.location) == "__main__.py:4"


def test_a_pulumi_yaml_default_is_located_at_its_line_in_pulumi_yaml() -> None:
    resources = by_address(load_project(str(PROGRAMS / "qa16c_yaml_default"), LoadOptions(stack="dev")))
    (ref,) = resources["gpu"].defaults_for("instance_type")
    assert ref.value == "p4d.24xlarge" and ref.name == "config:instanceType"
    assert ref.kind == "pulumi-yaml-default"
    assert str(ref.location) == "Pulumi.yaml:6"


def test_var_options_on_a_pulumi_project_are_warned_ignored() -> None:
    options = LoadOptions(stack="dev", vars={"replicas": "5"}, var_files=["nonexist.tfvars"])
    project = load_project(str(PROGRAMS / "qa16c_yml"), options)
    assert sorted(by_address(project)) == ["w0", "w1", "w2"]  # the stack's config, not --var
    (warning,) = [d for d in project.diagnostics if "--var/--var-file" in d.message]
    assert warning.severity == "warning"
    assert "--var replicas" in warning.message and "--var-file nonexist.tfvars (not found)" in warning.message


def test_esc_environment_imports_are_warned_unreadable() -> None:
    project = load_project(str(PROGRAMS / "qa16c_esc"), LoadOptions(stack="dev"))
    (warning,) = [d for d in project.diagnostics if "ESC environment" in d.message]
    assert "acme/gpu-defaults" in warning.message and warning.severity == "warning"
    assert str(warning.location) == "Pulumi.dev.yaml:3"
    assert by_address(project)["w"].attributes["instance_type"] == "g5.xlarge"
