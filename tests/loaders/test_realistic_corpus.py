"""Real-world Terraform (vendored under tests/fixtures/realistic, see each SOURCE.md) read end
to end: no error Terraform would not raise, the resources and values Terraform would know.

Registry modules are not available offline: they must be warnings, never errors or crashes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.model import Project, Unknown
from tests.conftest import FIXTURES

REAL = FIXTURES / "realistic"


def _load(rel: str) -> Project:
    return load_project(str(REAL / rel), LoadOptions())


def _errors(project: Project) -> list[str]:
    return [f"{d.location}: {d.message}" for d in project.diagnostics if d.severity == "error"]


def _by_address(project: Project) -> dict[str, object]:
    return {r.address: r for r in project.resources}


# Every root in the corpus, with the errors Terraform itself reports for it (upstream bugs).
ROOTS = {
    "eks_managed_node_group": [],
    "nvidia_gpu_efa": [],
    "ml_capacity_block": [],
    "opensearch_serverless/examples/vector": [],
    "opensearch_serverless/examples/basic": ['module "oss" has no variable named "create_oss_index"'],
    # autoscaling_config defaults to null, but the policy (no count) indexes the target [0]
    # and reads attributes of the null object: `terraform plan` fails the same way.
    "sagemaker_endpoint/examples/basic": ["invalid index"] * 3 + ["from a null value"] * 3,
    "sagemaker_endpoint/examples/jumpstart_rte": ["invalid index"] * 3 + ["from a null value"] * 3,
    "opensearch_serverless/examples/knowledge-base-config": [],
    "sagemaker_endpoint_autoscaling": [],
}


@pytest.mark.parametrize("root", sorted(ROOTS))
def test_root_loads_with_only_terraform_errors(root: str) -> None:
    project = _load(root)
    errors = _errors(project)
    expected = ROOTS[root]
    assert len(errors) == len(expected), errors
    for want in set(expected):
        assert sum(want in got for got in errors) == expected.count(want), errors


def test_every_corpus_dir_has_a_source_note() -> None:
    for d in sorted(p for p in REAL.iterdir() if p.is_dir()):
        text = (d / "SOURCE.md").read_text(encoding="utf-8")
        assert "Licence" in text and ("Apache-2.0" in text or "MIT" in text or "MPL" in text), d


def test_registry_modules_are_unresolved_warnings() -> None:
    for root in ("nvidia_gpu_efa", "ml_capacity_block"):
        project = _load(root)
        warnings = [d.message for d in project.diagnostics if d.severity == "warning"]
        assert any('module "eks"' in w and "not installed" in w for w in warnings), warnings
        assert any('module "vpc"' in w and "not installed" in w for w in warnings), warnings
        assert [r.address for r in project.resources] == ["data.aws_availability_zones.available"]
        assert project.resources[0].region == "us-west-2"  # provider region from a local


def test_ml_capacity_block_required_variable_warns() -> None:
    project = _load("ml_capacity_block")
    assert any("capacity_reservation_id" in d.message and d.severity == "warning" for d in project.diagnostics)


def test_eks_node_groups_resolve_types_sizes_and_tags() -> None:
    project = _load("eks_managed_node_group")
    res = _by_address(project)
    gpu = res['module.eks_managed_node_group["gpu"].aws_eks_node_group.this[0]']
    assert gpu.attributes["instance_types"] == ["g5.2xlarge"]
    assert gpu.attributes["scaling_config"] == [{"min_size": 1, "max_size": 4, "desired_size": 2}]
    assert gpu.attributes["ami_type"] == "AL2_x86_64_GPU"
    assert gpu.attributes["taint"] == [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}]
    assert gpu.attributes["node_group_name_prefix"] == "gpu-"
    assert gpu.region == "us-west-2"
    assert {k: t.value for k, t in gpu.tags.items()} == {
        "team": "ml-platform", "Name": "gpu", "cost-center": "ml", "env": "prod"}
    # launch template version: coalesce(null, <computed default_version>) is unknown, not an error
    assert isinstance(gpu.attributes["launch_template"][0]["version"], Unknown)
    spot = res['module.eks_managed_node_group["spot-inference"].aws_eks_node_group.this[0]']
    assert spot.attributes["capacity_type"] == "SPOT"
    assert spot.attributes["instance_types"] == ["g4dn.xlarge", "g4dn.2xlarge"]
    assert spot.attributes["scaling_config"][0]["desired_size"] == 3
    system = res['module.eks_managed_node_group["system"].aws_eks_node_group.this[0]']
    assert system.attributes["disk_size"] == 50  # from the defaults map, no launch template
    assert "launch_template" not in system.attributes
    assert not any("system" in a and "aws_launch_template" in a for a in res)
    lt = res['module.eks_managed_node_group["gpu"].aws_launch_template.this[0]']
    assert [t["resource_type"] for t in lt.attributes["tag_specifications"]] == [
        "instance", "network-interface", "volume"]
    assert lt.attributes["block_device_mappings"][0]["ebs"][0]["volume_size"] == 200
    assert lt.attributes["user_data"] == ""  # try() falls back past the count-0 cloudinit data source
    policies = sorted(a for a in res if '["gpu"].aws_iam_role_policy_attachment' in a)
    assert [p.split(".this")[1] for p in policies] == [
        '["AmazonEC2ContainerRegistryReadOnly"]', '["AmazonEKSWorkerNodePolicy"]', '["AmazonEKS_CNI_Policy"]']
    # pre_bootstrap_user_data set: the cloudinit data source exists for that group only
    assert ('module.eks_managed_node_group["spot-inference"].module.user_data.data.cloudinit_config.'
            "linux_eks_managed_node_group[0]") in res


def test_sagemaker_endpoint_resolves_instance_and_container() -> None:
    project = _load("sagemaker_endpoint_autoscaling")
    res = _by_address(project)
    cfg = res["module.endpoint.aws_sagemaker_endpoint_configuration.sagemaker_endpoint_config"]
    variant = cfg.attributes["production_variants"][0]
    assert variant["instance_type"] == "ml.g5.2xlarge"
    assert variant["initial_instance_count"] == 2
    assert variant["variant_name"] == "AllTraffic"  # optional(string, "AllTraffic") default
    model = res["module.endpoint.aws_sagemaker_model.sagemaker_model"]
    assert model.attributes["primary_container"][0]["mode"] == "SingleModel"
    assert model.attributes["primary_container"][0]["environment"]["SM_NUM_GPUS"] == "1"  # map(string)
    assert "container" not in model.attributes
    target = res["module.endpoint.aws_appautoscaling_target.sagemaker_target[0]"]
    assert target.attributes["min_capacity"] == 1 and target.attributes["max_capacity"] == 4
    policy = res["module.endpoint.aws_appautoscaling_policy.sagemaker_policy"]
    assert policy.attributes["scalable_dimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert {k: t.value for k, t in cfg.tags.items()} == {"team": "genai", "env": "prod"}


def test_sagemaker_upstream_example_keeps_its_values() -> None:
    project = _load("sagemaker_endpoint/examples/basic")
    res = _by_address(project)
    cfg = res["module.sagemaker-endpoint.aws_sagemaker_endpoint_configuration.sagemaker_endpoint_config"]
    assert cfg.attributes["production_variants"][0]["instance_type"] == "ml.g5.2xl"
    assert cfg.attributes["production_variants"][0]["initial_instance_count"] is None
    assert "module.sagemaker-endpoint.aws_appautoscaling_target.sagemaker_target[0]" not in res
    errors = [d for d in project.diagnostics if d.severity == "error"]
    assert {d.location.line for d in errors} == {158, 159, 160, 163, 164, 165}
    assert all(d.location.file == "../../main.tf" for d in errors)


def test_sagemaker_jumpstart_example_values() -> None:
    project = _load("sagemaker_endpoint/examples/jumpstart_rte")
    res = _by_address(project)
    cfg = res["module.sagemaker-endpoint.aws_sagemaker_endpoint_configuration.sagemaker_endpoint_config"]
    variant = cfg.attributes["production_variants"][0]
    assert (variant["instance_type"], variant["initial_instance_count"]) == ("ml.g5.2xlarge", 1)
    assert variant["container_startup_health_check_timeout_in_seconds"] == 600
    model = res["module.sagemaker-endpoint.aws_sagemaker_model.sagemaker_model"]
    assert model.attributes["enable_network_isolation"] is True
    assert model.attributes["primary_container"][0]["image"] is None  # only model_package_name given
    assert "image_config" not in model.attributes["primary_container"][0]


def test_opensearch_knowledge_base_mapping_heredoc() -> None:
    project = _load("opensearch_serverless/examples/knowledge-base-config")
    index = _by_address(project)["module.oss-for-knowledgebase.opensearch_index.vector_index[0]"]
    mappings = json.loads(index.attributes["mappings"])
    vector = mappings["properties"]["bedrock-knowledge-base-default-vector"]
    assert vector["dimension"] == 1536 and vector["method"]["engine"] == "faiss"
    assert index.attributes["mappings"].startswith("{\n\"properties\"")  # <<- strips the common indent


def test_opensearch_serverless_vector_index() -> None:
    project = _load("opensearch_serverless/examples/vector")
    res = _by_address(project)
    index = res["module.oss.opensearch_index.vector_index[0]"]
    assert index.attributes["number_of_replicas"] == "2"  # string-typed variable
    assert index.attributes["number_of_shards"] == "1"
    coll = res["module.oss.awscc_opensearchserverless_collection.os_collection"]
    assert coll.attributes["type"] == "VECTORSEARCH"
    assert {k: t.value for k, t in coll.tags.items()} == {"team": "search"}  # awscc [{key, value}] tags
    assert not res["module.oss.random_string.solution_suffix"].tags  # no aws default tags on random_*
    assert "module.oss.aws_opensearchserverless_security_policy.nw_policy[0]" in res


def test_corpus_dirs_are_all_covered() -> None:
    roots = {Path(r).parts[0] for r in ROOTS}
    assert roots == {p.name for p in REAL.iterdir() if p.is_dir()}


def test_upstream_variable_validation_runs(tmp_path: Path) -> None:
    # terraform-aws-sagemaker-endpoint validates each container's mode: a bad one fails the plan.
    (tmp_path / "main.tf").write_text(
        f'module "ep" {{\n  source = "{os.path.relpath(REAL / "sagemaker_endpoint", tmp_path)}"\n'
        '  containers = [{ image_uri = "x", mode = "Batch" }]\n'
        '  autoscaling_config = { max_capacity = 2, target_value = 1, scale_in_cooldown = 1, scale_out_cooldown = 1 }\n'
        "}\n", encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions())
    errors = _errors(project)
    assert len(errors) == 1 and "must be either 'SingleModel' or 'MultiModel'" in errors[0], errors
