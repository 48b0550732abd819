"""The example stacks under stacks/: they load cleanly and carry the features the demos rely on."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load
from estimator.model import Location, Project, Resource
from tests.conftest import REPO, SHARED

STACKS = REPO / "stacks"
ROOTS = ["rag-inference", "gpu-training-eks", "pr-demo/base", "pr-demo/head"]


def load_stack(name: str, *var_files: str) -> Project:
    files = [str(STACKS / name / f) for f in var_files]
    return load(str(STACKS / name), LoadOptions(environ={}, var_files=files))


def by_address(project: Project) -> dict[str, Resource]:
    return {r.address: r for r in project.resources}


@pytest.mark.parametrize("name", ROOTS)
def test_stack_loads_without_diagnostics(name: str) -> None:
    project = load_stack(name)
    assert [str(d) for d in project.diagnostics] == []
    assert not project.unresolved_modules
    managed = [r for r in project.resources if r.mode == "managed"]
    assert managed and all(r.location and r.location.line > 0 for r in managed)


@pytest.mark.parametrize("name", ROOTS)
def test_default_tags_reach_every_resource(name: str) -> None:
    """Every resource that can carry tags; a policy attachment or a route cannot, and gets none (as a plan shows)."""
    for r in load_stack(name).resources:
        if r.mode != "managed":
            continue
        if r.taggable is False:
            assert r.tags == {}, r.address
            continue
        assert {"cost-center", "team", "env"} <= set(r.tags), r.address
        # the AWS provider gives an Auto Scaling group no default_tags: its `tag` blocks carry them
        expected = "resource" if r.type == "aws_autoscaling_group" else "default_tags"
        assert r.tags["cost-center"].source == expected, r.address


def test_rag_inference_resources() -> None:
    res = by_address(load_stack("rag-inference"))
    for address in (
        "module.embedder[0].aws_instance.this",
        'aws_instance.reranker["bge"]',
        'aws_instance.reranker["colbert"]',
        "aws_sagemaker_model.llm",
        "aws_sagemaker_endpoint_configuration.llm",
        "aws_sagemaker_endpoint.llm",
        "aws_appautoscaling_target.llm",
        "aws_appautoscaling_policy.llm_cpu",
        "aws_opensearch_domain.vectors",
        "aws_nat_gateway.main",
        "aws_eip.nat",
        "aws_apigatewayv2_api.rag",
        "aws_apigatewayv2_stage.default",
        "aws_lambda_function.query",
        "aws_s3_bucket.documents",
        "aws_cloudwatch_log_group.api_access",
        "aws_budgets_budget.stack",
        'aws_subnet.private["us-east-1a"]',
    ):
        assert address in res, address
    assert "module.embedder[1].aws_instance.this" not in res  # terraform.tfvars: one server in dev
    embedder = res["module.embedder[0].aws_instance.this"]
    assert embedder.attributes["instance_type"] == "g5.xlarge"  # terraform.tfvars overrides the default
    assert embedder.get("root_block_device.volume_type") == "gp3"
    assert embedder.tag_values["workload"] == "embedding" and embedder.tags["model"].source == "resource"
    assert embedder.tag_values["env"] == "dev"
    assert res['aws_instance.reranker["colbert"]'].attributes["instance_type"] == "g5.2xlarge"
    variant = res["aws_sagemaker_endpoint_configuration.llm"].get("production_variants[0]")
    assert (variant["instance_type"], variant["initial_instance_count"]) == ("ml.g5.2xlarge", 2)
    policy = res["aws_appautoscaling_policy.llm_cpu"]
    metric = "target_tracking_scaling_policy_configuration.customized_metric_specification.metric_name"
    assert policy.get(metric) == "CPUUtilization"
    assert policy.attributes["resource_id"] == "endpoint/rag-dev-generate/variant/primary"
    stage = res["aws_apigatewayv2_stage.default"]
    assert stage.get("default_route_settings") is None  # no throttling: the CR-API-001 demo
    assert res["aws_cloudwatch_log_group.api_access"].attributes.get("retention_in_days") is None
    assert res["aws_cloudwatch_log_group.query"].attributes["retention_in_days"] == 30
    ingress = res["aws_security_group.inference"].attributes["ingress"]
    assert [rule["from_port"] for rule in ingress] == [8080, 9090]  # from the dynamic block
    assert res["aws_opensearch_domain.vectors"].get("ebs_options.volume_size") == 100


def test_gpu_default_points_at_variables_tf() -> None:
    embedder = by_address(load_stack("rag-inference"))["module.embedder[0].aws_instance.this"]
    [default] = embedder.defaults_for("instance_type")
    lines = (STACKS / "rag-inference" / "variables.tf").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if 'default     = "g5.12xlarge"' in text)
    assert (default.name, default.value) == ("var.gpu_instance_type", "g5.12xlarge")
    assert default.location == Location("variables.tf", line)


def test_rag_inference_prod_tfvars() -> None:
    res = by_address(load_stack("rag-inference", "prod.tfvars"))
    servers = [a for a in res if a.startswith("module.embedder[")]
    assert servers == [f"module.embedder[{i}].aws_instance.this" for i in range(3)]
    assert {res[a].attributes["instance_type"] for a in servers} == {"g5.xlarge"}
    assert res[servers[0]].tag_values["env"] == "prod"
    assert res["aws_appautoscaling_target.llm"].attributes["max_capacity"] == 6


def test_gpu_training_eks_resources() -> None:
    res = by_address(load_stack("gpu-training-eks"))
    training = res["aws_eks_node_group.training"]
    assert training.attributes["capacity_type"] == "ON_DEMAND"
    assert training.attributes["instance_types"] == ["p4d.24xlarge"]
    assert training.attributes["labels"]["workload"] == "training" and training.tag_values["workload"] == "training"
    assert training.get("scaling_config.max_size") == 4 and training.get("scaling_config.desired_size") == 2
    assert res["aws_eks_node_group.system"].attributes["instance_types"] == ["m6i.large"]
    lt = res["aws_launch_template.batch_gpu"]
    assert [spec["resource_type"] for spec in lt.attributes["tag_specifications"]] == ["instance", "volume"]
    asg = res["aws_autoscaling_group.batch_gpu"]
    overrides = asg.get("mixed_instances_policy.launch_template.override")
    assert [o["instance_type"] for o in overrides] == ["g6e.xlarge", "g6e.2xlarge", "g5.2xlarge"]
    spec = asg.get("mixed_instances_policy.launch_template.launch_template_specification[0]")
    assert spec["launch_template_id"].ref == "aws_launch_template.batch_gpu"
    assert asg.get("mixed_instances_policy.instances_distribution.on_demand_percentage_above_base_capacity") == 0
    assert res["aws_ebs_volume.datasets"].attributes["type"] == "gp2"
    assert res["aws_fsx_lustre_file_system.scratch"].attributes["storage_capacity"] == 1200
    assert "aws_efs_file_system.home" in res and "aws_efs_mount_target.home[1]" in res
    assert {r.region for r in res.values()} == {"us-east-1"}


def test_pr_demo_head_changes() -> None:
    base, head = by_address(load_stack("pr-demo/base")), by_address(load_stack("pr-demo/head"))
    assert set(head) - set(base) == {
        "aws_sagemaker_model.candidate", "aws_subnet.public", "aws_internet_gateway.main", "aws_eip.nat",
        "aws_nat_gateway.main", "aws_route_table.private", "aws_route_table_association.private"}
    assert set(base) <= set(head)
    assert base["aws_instance.api"].attributes["instance_type"] == "m6i.large"
    assert head["aws_instance.api"].attributes["instance_type"] == "m6i.xlarge"
    variants = head["aws_sagemaker_endpoint_configuration.chat"].attributes["production_variants"]
    assert [v["instance_type"] for v in variants] == ["ml.g5.xlarge", "ml.g5.12xlarge"]
    assert len(base["aws_sagemaker_endpoint_configuration.chat"].attributes["production_variants"]) == 1


def test_usage_file_names_resources_of_the_stacks() -> None:
    usage = yaml.safe_load((STACKS / "costrail-usage.yml").read_text())
    addresses: set[str] = set()
    types: set[str] = set()
    for name in ROOTS:
        for r in load_stack(name).resources:
            addresses.add(r.address)
            types.add(r.type)
    assert set(usage["resource_usage"]) <= addresses
    assert set(usage["resource_type_default_usage"]) <= types
    for entry in usage["llm_usage"]:
        assert isinstance(entry["monthly_input_tokens"], int) and isinstance(entry["monthly_output_tokens"], int)


def test_usage_file_models_have_bedrock_prices() -> None:
    prices = SHARED / "pricing" / "bedrock.csv"
    if not prices.exists():
        pytest.skip("shared pricing data not present")
    with prices.open(newline="") as fh:
        known = {row["model_id"] for row in csv.DictReader(fh)}
    usage = yaml.safe_load((STACKS / "costrail-usage.yml").read_text())
    assert {entry["model"] for entry in usage["llm_usage"]} <= known


@pytest.mark.terraform
def test_stacks_are_terraform_fmt_clean(tmp_path: Path) -> None:
    if shutil.which("terraform") is None:
        pytest.skip("terraform not installed")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1"}
    result = subprocess.run(["terraform", "fmt", "-check", "-recursive", str(STACKS)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def findings_of(name: str, *var_files: str) -> set[tuple[str, str]]:
    from estimator.config import Config
    from policies.engine import check_project

    project = load_stack(name, *var_files)
    return {(f.rule, f.address) for f in check_project(project, [], Config()) if not f.suppressed}


def test_rag_inference_demonstrates_its_findings() -> None:
    found = findings_of("rag-inference")
    assert {
        ("CR-GPU-001", "module.embedder[0].aws_instance.this"),
        ("CR-GPU-004", "aws_appautoscaling_policy.llm_cpu"),
        ("CR-API-001", "aws_apigatewayv2_api.rag"),
        ("CR-LOG-001", "aws_cloudwatch_log_group.api_access"),
    } <= found
    assert not {rule for rule, _ in found} & {"CR-TAG-001", "CR-TAG-004", "CR-BUD-001", "CR-EBS-001"}


def test_gpu_training_eks_demonstrates_its_findings() -> None:
    found = findings_of("gpu-training-eks")
    assert {
        ("CR-GPU-002", "aws_eks_node_group.training"),
        ("CR-EBS-001", "aws_ebs_volume.datasets"),
    } <= found
    assert "CR-BUD-001" in {rule for rule, _ in found}
    assert ("CR-GPU-002", "aws_autoscaling_group.batch_gpu") not in found  # the batch workers run on spot


# ---- end to end through the CLI (run once pricing has landed) ---------------------------------

def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout, and stdout+stderr (for messages)."""
    pytest.importorskip("estimator.pricing.engine")
    from click.testing import CliRunner

    from estimator.cli import cli

    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.output


def test_cli_breakdown_of_a_plan_json() -> None:
    plan = REPO / "tests" / "fixtures" / "plans" / "infracost_example.plan.json"
    code, out, messages = run_cli(["breakdown", str(plan), "--format", "json"])
    assert code == 0, messages
    doc = json.loads(out)
    assert doc["schema"] == "costrail/v1"
    [project] = doc["projects"]
    assert project["source"] == "terraform-plan"
    priced = {r["address"]: r for r in project["resources"]}
    web = priced["aws_instance.web_app"]
    assert web["region"] == "us-east-1" and web["location"]["file"] == "infracost_example.plan.json"
    assert any("m5.4xlarge" in c["name"] and c["quantity"] == "730" for c in web["components"])


def test_cli_check_rag_inference_reports_the_demo_findings() -> None:
    code, out, messages = run_cli(["check", str(STACKS / "rag-inference"), "--format", "json"])
    assert code in (0, 1), messages
    rules = {(f["rule"], f["address"]) for f in json.loads(out)["findings"]}
    assert ("CR-API-001", "aws_apigatewayv2_api.rag") in rules
    assert ("CR-GPU-004", "aws_appautoscaling_policy.llm_cpu") in rules


def test_cli_bad_plan_json_exits_2_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{\n  "format_version": "1.2",\n  "planned_values": {,}\n}\n')
    code, _out, messages = run_cli(["breakdown", str(bad), "--format", "json"])
    assert code == 2
    assert "plan.json:3:22" in messages
