"""Resources of different types sharing one logical name (QA12 pulumi_shared_name_*_unpriced).

Idiomatic components name every resource after themselves (``LaunchTemplate(name)`` +
``autoscaling.Group(name)``; ``Model("llm")`` + ``EndpointConfiguration("llm")`` +
``Endpoint("llm")``). Each resource's mock outputs are its own, so ``lt.id`` / ``c.name`` link
to exactly that resource, and the groups and endpoints are priced as with distinct names.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.model import Project, Resource, Unknown
from estimator.pricing.engine import price_project

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"


@pytest.fixture(scope="module")
def asg() -> Project:
    return load_project(str(PROGRAMS / "shared_names_asg"), LoadOptions())


@pytest.fixture(scope="module")
def sagemaker() -> Project:
    return load_project(str(PROGRAMS / "shared_names_sagemaker"), LoadOptions())


def _by_address(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


def test_each_group_links_to_its_own_launch_template(asg: Project) -> None:
    res = _by_address(asg)
    for pool in ("gpu", "cpu"):
        ref = res[f"{pool}/{pool}:aws_autoscaling_group"].get("launch_template.id")
        assert isinstance(ref, Unknown) and ref.ref == f"{pool}/{pool}:aws_launch_template"


def test_groups_are_priced_as_with_distinct_names(asg: Project) -> None:
    costs = {c.resource.address: c for c in price_project(asg, None)}
    gpu = costs["gpu/gpu:aws_autoscaling_group"]
    cpu = costs["cpu/cpu:aws_autoscaling_group"]
    # linked (else unpriced); partial: their templates set no disks, the AMI's root volume is unpriced
    assert (gpu.status, cpu.status) == ("partial", "partial")
    assert gpu.monthly_cost == Decimal("8281.12")  # 2 x 730 h x g5.12xlarge
    assert cpu.monthly_cost == Decimal("140.16")  # 2 x 730 h x m5.large


def test_an_auto_name_is_the_physical_name_of_its_own_resource(sagemaker: Project) -> None:
    """Auto-named as a preview shows it (logical name + a suffix of its own): the name links go by."""
    res = _by_address(sagemaker)
    names = {t: res[f"llm:aws_sagemaker_{t}"].get("name") for t in ("model", "endpoint_configuration", "endpoint")}
    assert all(n.startswith("llm-") for n in names.values()) and len(set(names.values())) == 3
    assert res["llm:aws_sagemaker_endpoint"].get("endpoint_config_name") == names["endpoint_configuration"]
    config = res["llm:aws_sagemaker_endpoint_configuration"]
    assert config.get("production_variants")[0]["model_name"] == names["model"]


def test_an_explicit_name_is_the_physical_name_links_go_by(sagemaker: Project) -> None:
    res = _by_address(sagemaker)
    assert res["named:aws_sagemaker_endpoint"].get("endpoint_config_name") == "named"
    costs = {c.resource.address: c for c in price_project(sagemaker, None)}
    named = costs["named:aws_sagemaker_endpoint"]
    assert named.status == "priced"
    assert named.components[0].name == "Hosting instance (ml.g5.4xlarge, variant main)"


def test_endpoints_are_priced_as_with_distinct_names(sagemaker: Project) -> None:
    costs = {c.resource.address: c for c in price_project(sagemaker, None)}
    assert costs["llm:aws_sagemaker_endpoint"].monthly_cost == Decimal("1105.95")  # ml.g5.2xlarge x 730 h
    assert costs["embed:aws_sagemaker_endpoint"].monthly_cost == Decimal("1028.132")  # ml.g5.xlarge x 730 h


def test_the_loader_and_the_runner_name_mock_values_alike() -> None:
    """The runner imports nothing from costrail: its token function is a copy, kept equal here."""
    from estimator.loaders import pulumi_runner
    from estimator.loaders.pulumi_program import mock_token

    urn = "urn:pulumi:dev::p::acme:Pool$aws:ec2/launchTemplate:LaunchTemplate::gpu"
    assert mock_token("id", urn) == pulumi_runner.mock_token("id", urn)
    assert mock_token("id", urn) != mock_token("name", urn) != mock_token("id", urn.replace("gpu", "cpu"))


def test_a_scaling_target_names_the_endpoint_by_its_physical_name(sagemaker: Project) -> None:
    res = _by_address(sagemaker)
    endpoint_name = res["llm:aws_sagemaker_endpoint"].get("name")
    assert res["llm:aws_appautoscaling_target"].get("resource_id") == f"endpoint/{endpoint_name}/variant/main"
    costs = {c.resource.address: c for c in price_project(sagemaker, None)}
    assert costs["llm:aws_sagemaker_endpoint"].max_monthly_cost == Decimal("4423.80")  # 4 x ml.g5.2xlarge
