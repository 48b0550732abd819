"""The Pulumi program loader on our own programs: mapping, providers, tags, refs, defaults, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, detect_source, load_project
from estimator.model import SOURCE_PULUMI_PROGRAM, Location, Project, Resource, Unknown

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"


@pytest.fixture(scope="module")
def basic() -> Iterator[Project]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        mp.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        mp.setenv("GITHUB_TOKEN", "ghp_costrail_test_token")
        mp.setenv("PULUMI_ACCESS_TOKEN", "pul-costrail-test")
        yield load_project(str(PROGRAMS / "basic"), LoadOptions(stack="dev"))


def by_address(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def test_detected_as_a_pulumi_program() -> None:
    assert detect_source(str(PROGRAMS / "basic")) == SOURCE_PULUMI_PROGRAM


def test_addresses_are_name_paths_and_components_are_not_resources(basic: Project) -> None:
    assert sorted(by_address(basic)) == ["box", "data", "scratch", "trainer/trainer-asg", "trainer/trainer-lt"]
    lt = by_address(basic)["trainer/trainer-lt"]
    assert lt.parent == "trainer"
    assert lt.type == "aws_launch_template"
    assert lt.source_type == "aws:ec2/launchTemplate:LaunchTemplate"
    assert lt.origin == SOURCE_PULUMI_PROGRAM
    assert all(r.mode == "managed" for r in basic.resources)


def test_order_is_by_urn_so_runs_compare(basic: Project) -> None:
    again = load_project(str(PROGRAMS / "basic"), LoadOptions(stack="dev"))
    assert [r.address for r in again.resources] == [r.address for r in basic.resources]


def test_inputs_are_snake_case_with_terraform_blocks_and_ints(basic: Project) -> None:
    box = by_address(basic)["box"]
    assert box.attributes["instance_type"] == "t3.large"
    assert box.attributes["root_block_device"] == [{"volume_size": 200, "volume_type": "gp3"}]
    assert isinstance(box.get("root_block_device.volume_size"), int)
    lt = by_address(basic)["trainer/trainer-lt"]
    assert lt.get("instance_market_options.market_type") == "spot"


def test_explicit_provider_reaches_component_children(basic: Project) -> None:
    res = by_address(basic)
    for address in ("trainer/trainer-lt", "trainer/trainer-asg"):
        assert res[address].region == "us-west-2"
        assert res[address].provider == "west"
    assert res["box"].region == "eu-west-1"  # aws:region of the stack
    assert res["box"].provider == "aws"


def test_default_tags_merge_under_resource_tags(basic: Project) -> None:
    res = by_address(basic)
    box = res["box"]
    assert box.tags["cost-center"].value == "research"
    assert box.tags["cost-center"].source == "default_tags"
    assert box.tags["cost-center"].provider == "aws"
    lt = res["trainer/trainer-lt"]
    assert lt.tags["team"].value == "west-team"
    assert lt.tags["team"].provider == "west"
    assert lt.tags["workload"].source == "resource"
    assert "cost-center" not in lt.tags  # the explicit provider's default tags, not the stack's
    scratch = res["scratch"]
    assert scratch.tags["env"].source == "resource"  # resource tag wins over a default tag
    asg = res["trainer/trainer-asg"]  # ASGs: their tag blocks, never default tags
    assert {k: t.value for k, t in asg.tags.items()} == {"team": "research"}
    assert box.taggable is True


def test_secure_config_is_unknown(basic: Project) -> None:
    api_key = by_address(basic)["box"].attributes["tags"]["api-key"]
    assert isinstance(api_key, Unknown)
    assert "secret" in api_key.reason


def test_computed_outputs_are_unknown_with_the_resource_they_come_from(basic: Project) -> None:
    res = by_address(basic)
    attached = res["data"].attributes["tags"]["attached-to"]
    assert isinstance(attached, Unknown) and attached.ref == "box"
    lt_id = res["trainer/trainer-asg"].get("launch_template.id")
    assert isinstance(lt_id, Unknown) and lt_id.ref == "trainer/trainer-lt"
    # Output.all(box.arn, data.id).apply(...) inputs
    tags = res["scratch"].attributes["tags"]
    assert isinstance(tags["box"], Unknown) and tags["box"].ref == "box"
    assert isinstance(tags["data"], Unknown) and tags["data"].ref == "data"


def test_apply_of_known_values_is_computed(basic: Project) -> None:
    data = by_address(basic)["data"]
    assert data.attributes["size"] == 400  # box.id.apply(lambda _: disk_gb * 2)
    # an output the program never set is known after apply (as in a real preview), so an apply
    # on it is too: never its `or "eu-west-1a"` fallback, and it names the instance
    zone = data.attributes["availability_zone"]
    assert isinstance(zone, Unknown) and zone.ref == "box"


def test_unmocked_invoke_results_are_unknown_and_reported(basic: Project) -> None:
    zone = by_address(basic)["scratch"].attributes["availability_zone"]
    assert isinstance(zone, Unknown)
    assert "getAvailabilityZones" in zone.reason
    (warning,) = [d for d in basic.diagnostics if "getAvailabilityZones" in d.message]
    assert warning.severity == "warning"
    assert warning.location == Location("__main__.py", 26)  # aws.get_availability_zones()
    assert not basic.errors


def test_locations_are_constructor_calls_relative_to_the_project(basic: Project) -> None:
    res = by_address(basic)
    assert res["box"].location == Location("__main__.py", 19)
    assert res["data"].location == Location("__main__.py", 27)
    assert res["trainer/trainer-lt"].location == Location("components.py", 11)
    assert res["trainer/trainer-asg"].location == Location("components.py", 18)


def test_code_defaults_are_recorded_with_their_line(basic: Project) -> None:
    res = by_address(basic)
    (ref,) = res["trainer/trainer-lt"].defaults_for("instance_type")
    assert ref.name == "config:gpuType"
    assert ref.value == "p4d.24xlarge"
    assert ref.kind == "pulumi-config"
    assert ref.location == Location("__main__.py", 9)  # `or "p4d.24xlarge"`
    (disk,) = res["box"].defaults_for("root_block_device")
    assert disk.value == [{"volume_size": 100, "volume_type": "gp3"}]
    assert res["box"].defaults_for("instance_type") == ()  # a literal: no default
    assert res["scratch"].defaults == {}


def test_program_sees_no_secret_of_the_ci_job(basic: Project) -> None:
    assert by_address(basic)["box"].attributes["tags"]["seen-env"] == "none"


def test_required_config_keeps_the_stack_value_in_the_defaults_run() -> None:
    """A key read with ``require`` has no code fallback: the defaults run takes the stack's value."""
    project = load_project(str(PROGRAMS / "requires"), LoadOptions(stack="prod"))
    (node,) = project.resources
    assert node.attributes["instance_type"] == "g5.xlarge"
    assert node.defaults == {}
    assert not project.warnings
    assert not project.errors


def test_required_config_does_not_hide_the_code_defaults() -> None:
    """``require("env")``, ``Config("aws").require("region")`` and ``require_int`` next to
    ``get("gpuType") or "p4d.24xlarge"``: the fallback is still seen (QA gpu001_require_disables_defaults)."""
    project = load_project(str(PROGRAMS / "requires_and_defaults"), LoadOptions(stack="dev"))
    assert not project.warnings
    assert not project.errors
    (worker,) = project.resources
    assert worker.attributes["instance_type"] == "g5.xlarge"
    assert worker.region == "us-west-2"
    (ref,) = worker.defaults_for("instance_type")
    assert (ref.name, ref.value, ref.location) == ("config:gpuType", "p4d.24xlarge", Location("__main__.py", 9))
    assert set(worker.defaults) == {"instance_type"}  # required keys are the same in both runs


def test_main_entry_directory_and_its_imports() -> None:
    project = load_project(str(PROGRAMS / "main_entry"), LoadOptions())
    (nb,) = project.resources
    assert nb.type == "aws_sagemaker_notebook_instance"
    assert nb.attributes["instance_type"] == "ml.t3.medium"
    assert nb.location == Location("src/__main__.py", 5)
    assert nb.region == "us-east-1"  # no stack, no aws:region: the default region


def test_default_region_option_is_the_last_fallback() -> None:
    project = load_project(str(PROGRAMS / "main_entry"), LoadOptions(default_region="ap-south-1"))
    assert project.resources[0].region == "ap-south-1"


def test_missing_virtualenv_is_a_warning_not_a_failure() -> None:
    project = load_project(str(PROGRAMS / "venv_missing"), LoadOptions())
    assert [r.address for r in project.resources] == ["b"]
    assert any("virtualenv venv" in d.message for d in project.warnings)


def test_program_runs_in_its_own_virtualenv(tmp_path: Path) -> None:
    """``runtime.options.virtualenv`` names the interpreter; here a venv that sees our packages via a .pth."""
    import shutil
    import site
    import subprocess
    import sys

    project = tmp_path / "own_venv"
    shutil.copytree(PROGRAMS / "own_venv", project)
    venv = project / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_dir,) = venv.glob("lib/python*/site-packages")
    (site_dir / "costrail-test.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    loaded = load_project(str(project), LoadOptions())
    (bucket,) = loaded.resources
    assert Path(bucket.attributes["tags"]["prefix"]).resolve() == venv.resolve()
    assert not loaded.diagnostics


def test_same_name_path_is_told_apart_by_type() -> None:
    project = load_project(str(PROGRAMS / "collide"), LoadOptions())
    assert sorted(r.address for r in project.resources) == [
        "logs:aws_cloudwatch_log_group", "logs:aws_s3_bucket", "peer", "sg", "solo"]
    log_group = next(r for r in project.resources if r.type == "aws_cloudwatch_log_group")
    assert log_group.name == "logs"
    # auto-named as a preview shows it: the logical name plus a suffix of its own (not the bucket's)
    assert log_group.attributes == {"retention_in_days": 30, "name": log_group.attributes["name"]}
    bucket = next(r for r in project.resources if r.type == "aws_s3_bucket")
    assert log_group.attributes["name"].startswith("logs-") and bucket.attributes["bucket"].startswith("logs-")
    assert log_group.attributes["name"] != bucket.attributes["bucket"]
    sg = next(r for r in project.resources if r.address == "sg")
    assert sg.attributes["vpc_id"] == "vpc-0123456789abcdef0"  # Vpc.get: read, not planned
    peer = next(r for r in project.resources if r.address == "peer")
    subnet = peer.attributes["subnet_id"]
    assert isinstance(subnet, Unknown) and "subnetId" in subnet.reason and "acme/network/prod" in subnet.reason
    assert isinstance(peer.attributes["tags"]["vpc"], Unknown)


def test_several_stacks_without_stack_option_warn_and_use_no_stack_config(tmp_path: Path) -> None:
    import shutil

    project_dir = tmp_path / "two_stacks"
    shutil.copytree(PROGRAMS / "main_entry", project_dir)
    (project_dir / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n", encoding="utf-8")
    (project_dir / "Pulumi.prod.yaml").write_text("config:\n  aws:region: eu-central-1\n", encoding="utf-8")
    loaded = load_project(str(project_dir), LoadOptions())
    assert loaded.resources[0].region == "us-east-1"
    (warning,) = loaded.warnings
    assert "several stacks (dev, prod)" in warning.message
    assert load_project(str(project_dir), LoadOptions(stack="prod")).resources[0].region == "eu-central-1"



def test_secret_values_are_their_value_and_undecryptable_ones_unknown() -> None:
    """Pulumi's secret envelope never reaches the model (QA pulumi_secret_envelope)."""
    project = load_project(str(PROGRAMS / "secrets"), LoadOptions(stack="dev"))
    assert not project.errors
    res = by_address(project)
    assert res["w"].attributes["instance_type"] == "g5.xlarge"
    assert res["w"].attributes["tags"] == {"team": "ml", "env": "dev", "cost-center": "cc-1234"}
    assert res["w"].tags["team"].value == "ml"
    assert res["v"].attributes["instance_type"] == "g5.xlarge"
    password = res["v"].attributes["user_data"]
    assert isinstance(password, Unknown) and "secret" in password.reason


def test_a_secret_envelope_without_its_value_is_an_unknown_secret() -> None:
    from estimator.loaders.pulumi_program import SECRET_SIG, build_resources

    reg = {"urn": "urn:pulumi:s::p::aws:ec2/instance:Instance::w", "type": "aws:ec2/instance:Instance",
           "name": "w", "custom": True, "inputs": {"instanceType": {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270"},
                                                    "ami": {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270",
                                                            "value": "ami-1"}}}
    (res,) = build_resources([reg], {}, "us-east-1", SOURCE_PULUMI_PROGRAM)
    assert res.attributes["instance_type"] == Unknown("secret")
    assert res.attributes["ami"] == "ami-1"


@pytest.mark.parametrize("stack", ["dev", None])
def test_stack_files_are_read_from_stack_config_dir(stack: str | None) -> None:
    """``stackConfigDir: config`` in Pulumi.yaml, as `pulumi preview` honours it (QA pulumi_stackconfigdir)."""
    project = load_project(str(PROGRAMS / "stack_config_dir"), LoadOptions(stack=stack))
    assert not project.errors and not project.warnings
    (w,) = project.resources
    assert (w.attributes["instance_type"], w.region) == ("g5.xlarge", "us-west-2")


def test_unknown_stack_names_the_stack_config_dir() -> None:
    from estimator.errors import InputError

    with pytest.raises(InputError, match=r"stack 'prod' has no config/Pulumi\.prod\.yaml"):
        load_project(str(PROGRAMS / "stack_config_dir"), LoadOptions(stack="prod"))


def test_a_resources_own_region_input_overrides_its_provider() -> None:
    res = by_address(load_project(str(PROGRAMS / "own_region"), LoadOptions()))
    assert res["dr"].region == "eu-west-1"
    assert res["main"].region == "us-east-1"


def test_the_cluster_default_strategy_reads_as_terraform_spells_it() -> None:
    """``default_capacity_provider_strategies`` is Terraform's singular block (QA17a: the service read as free)."""
    from estimator.pricing.engine import price_project

    project = load_project(str(PROGRAMS / "ecs_default_strategy"), LoadOptions())
    assert by_address(project)["cp"].attributes["default_capacity_provider_strategy"][0]["capacity_provider"] == \
        "FARGATE"
    (service,) = [c for c in price_project(project, None) if c.address == "s"]
    assert service.status == "priced" and service.monthly_cost > 0
