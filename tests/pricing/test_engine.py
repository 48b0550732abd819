"""price_project on hand-built resources: unknowns, links, statuses, worst case, unit economics."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.cost_model import CostedResource
from estimator.model import Project, Resource, Unknown
from estimator.pricing.engine import price_project
from estimator.usage import parse_usage


def res(address: str, **attrs: object) -> Resource:
    rtype, name = address.split(".", 1)
    region = attrs.pop("region", "us-east-1")
    mode = str(attrs.pop("mode", "managed"))
    return Resource(address=address, type=rtype, name=name, attributes=dict(attrs), region=region, mode=mode)


def price(*resources: Resource, usage: str | None = None) -> dict[str, CostedResource]:
    project = Project(path="p", source="terraform-hcl", resources=list(resources))
    costed = price_project(project, parse_usage(usage) if usage else None)
    return {c.address: c for c in costed}


def test_one_costed_resource_per_managed_resource_in_order_data_sources_skipped() -> None:
    got = price_project(Project("p", "terraform-hcl", [
        res("aws_instance.b", instance_type="m5.large"), res("aws_ami.x", mode="data"),
        res("aws_iam_role.r"), res("aws_foo_bar.z")]), None)
    assert [c.address for c in got] == ["aws_instance.b", "aws_iam_role.r", "aws_foo_bar.z"]
    assert [c.status for c in got] == ["partial", "free", "unsupported"]  # root volume size unknown offline
    assert got[2].monthly_cost is None


def test_unknown_instance_type_is_unpriced_with_reason() -> None:
    got = price(res("aws_instance.a", instance_type=Unknown()))["aws_instance.a"]
    assert got.status == "unpriced" and got.monthly_cost is None
    assert got.reason == "instance_type is known only after apply"


def test_unknown_region_is_unpriced_with_reason() -> None:
    got = price(res("aws_nat_gateway.a", region=Unknown()))["aws_nat_gateway.a"]
    assert got.status == "unpriced" and "region" in (got.reason or "")


def test_missing_region_price_names_region_and_type() -> None:
    got = price(res("aws_instance.a", instance_type="ml.p5.48xlarge", region="us-east-2",
                    root_block_device={"volume_size": 8}))["aws_instance.a"]
    comp = got.components[0]
    assert comp.monthly_cost is None and comp.unpriced_reason == "no us-east-2 price for ml.p5.48xlarge"


def test_spot_instance_shows_on_demand_price_as_upper_bound() -> None:
    got = price(res("aws_instance.a", instance_type="g5.xlarge", instance_market_options={"market_type": "spot"},
                    root_block_device={"volume_size": 10}))["aws_instance.a"]
    comp = got.components[0]
    assert "spot" in comp.name and "upper bound" in comp.name
    assert comp.unit_price == Decimal("1.006") and comp.monthly_cost == Decimal("734.380")


def test_asg_links_template_by_ref_then_name_then_only_one() -> None:
    lt_a = res("aws_launch_template.a", name="a", instance_type="m5.large")
    lt_b = res("aws_launch_template.b", name="b", instance_type="g5.xlarge")
    by_ref = res("aws_autoscaling_group.r", desired_capacity=2, max_size=4,
                 launch_template={"id": Unknown(ref="aws_launch_template.b")})
    by_name = res("aws_autoscaling_group.n", desired_capacity=1, launch_template={"name": "a"})
    lost = res("aws_autoscaling_group.x", desired_capacity=1, launch_template={"id": Unknown()})
    got = price(lt_a, lt_b, by_ref, by_name, lost)
    assert got["aws_autoscaling_group.r"].components[0].name.endswith("g5.xlarge)")
    assert got["aws_autoscaling_group.r"].monthly_cost == Decimal("1468.760")
    assert got["aws_autoscaling_group.r"].max_monthly_cost == Decimal("2937.520")
    assert got["aws_autoscaling_group.n"].components[0].name.endswith("m5.large)")
    assert got["aws_autoscaling_group.x"].status == "unpriced"
    assert got["aws_autoscaling_group.x"].reason == "launch template not resolvable"
    assert got["aws_launch_template.a"].status == "free"
    only = price(res("aws_launch_template.o", instance_type="t3.medium"),
                 res("aws_autoscaling_group.g", desired_capacity=1, launch_template={"id": Unknown()}))
    assert only["aws_autoscaling_group.g"].monthly_cost == Decimal("30.368")


def test_sagemaker_instances_priced_once_on_the_endpoint() -> None:
    config = res("aws_sagemaker_endpoint_configuration.c", name="cfg",
                 production_variants=[{"variant_name": "v", "instance_type": "ml.g5.xlarge", "initial_instance_count": 1}])
    endpoint = res("aws_sagemaker_endpoint.e", name="ep", endpoint_config_name="cfg")
    got = price(config, endpoint, usage="resource_usage:\n  aws_sagemaker_endpoint.e: {monthly_requests: 1000000}\n")
    assert got["aws_sagemaker_endpoint_configuration.c"].status == "free"
    assert got["aws_sagemaker_endpoint_configuration.c"].monthly_cost == 0
    assert got["aws_sagemaker_endpoint.e"].monthly_cost == Decimal("1028.1320")
    assert got["aws_sagemaker_endpoint.e"].cost_per_1k_requests == Decimal("1.028132")
    assert got["aws_sagemaker_endpoint.e"].to_json()["cost_per_1k_requests"] == "1.028132"


def test_serverless_variant_is_unpriced_not_zero() -> None:
    config = res("aws_sagemaker_endpoint_configuration.c", name="cfg",
                 production_variants=[{"variant_name": "s", "serverless_config": {"memory_size_in_mb": 2048}}])
    got = price(config, res("aws_sagemaker_endpoint.e", endpoint_config_name="cfg"))["aws_sagemaker_endpoint.e"]
    assert got.status == "unpriced" and "serverless" in (got.reason or "")


def test_node_group_defaults_to_t3_medium_and_reports_max() -> None:
    got = price(res("aws_eks_node_group.n", scaling_config={"desired_size": 1, "max_size": 5}))["aws_eks_node_group.n"]
    assert "t3.medium" in got.components[0].name
    assert got.max_monthly_cost == 5 * (Decimal("0.0416") * 730 + Decimal(20) * Decimal("0.1"))


def test_usage_based_line_without_usage_says_depends_on_usage() -> None:
    got = price(res("aws_lambda_function.f"))["aws_lambda_function.f"]
    assert got.components[0].unpriced_reason == "depends on usage: $0.2 per 1M requests"
    assert got.components[0].usage_based and got.components[0].monthly_cost is None


def test_only_usage_based_lines_without_usage_is_unpriced_never_zero() -> None:
    """Nothing priced is no cost: null, ``priced: false``, as it is listed in ``unpriced`` (QA: "0.00", priced)."""
    got = price(res("aws_apigatewayv2_api.chat", protocol_type="HTTP"))["aws_apigatewayv2_api.chat"]
    assert got.status == "unpriced" and got.monthly_cost is None and not got.priced
    assert got.reason == "depends on usage: $1 per 1M requests"
    data = got.to_json()
    assert data["monthly_cost"] is None and data["priced"] is False
    assert data["components"][0]["usage_based"] is True and data["components"][0]["monthly_cost"] is None


def test_usage_based_line_next_to_a_priced_line_is_partial() -> None:
    got = price(res("aws_nat_gateway.n"))["aws_nat_gateway.n"]
    assert got.status == "partial" and got.monthly_cost is not None and got.monthly_cost > 0


def test_cost_per_1k_requests_is_rounded_in_json() -> None:
    """A quotient that does not terminate is a money string, not 28 digits (QA usage_only_zero)."""
    config = res("aws_sagemaker_endpoint_configuration.c", name="cfg",
                 production_variants=[{"variant_name": "v", "instance_type": "ml.g5.xlarge", "initial_instance_count": 1}])
    endpoint = res("aws_sagemaker_endpoint.e", name="ep", endpoint_config_name="cfg")
    got = price(config, endpoint, usage="resource_usage:\n  aws_sagemaker_endpoint.e: {monthly_requests: 3000000}\n")
    assert got["aws_sagemaker_endpoint.e"].to_json()["cost_per_1k_requests"] == "0.342711"


def test_pulumi_float_numbers_are_coerced_exactly() -> None:
    got = price(res("aws_ebs_volume.v", type="gp3", size=100.0, iops=3000.0))["aws_ebs_volume.v"]
    assert got.monthly_cost == Decimal("8.000")


def test_llm_usage_priced_from_token_prices() -> None:
    got = price(usage="llm_usage:\n  - {model: anthropic.claude-3-5-haiku-20241022-v1:0, "
                      "monthly_input_tokens: 2.0e9, monthly_output_tokens: 4.0e8}\n")
    assert got["llm_usage[0]"].monthly_cost == Decimal("3200")


def test_plan_computed_market_options_block_is_on_demand() -> None:
    got = price(res("aws_instance.a", instance_type="m5.large", instance_market_options=Unknown(),
                    root_block_device={"volume_size": 8}))["aws_instance.a"]
    assert got.status == "priced" and "on-demand" in got.components[0].name
    unknown = price(res("aws_instance.b", instance_type="m5.large", instance_market_options={"market_type": Unknown()},
                        root_block_device={"volume_size": 8}))["aws_instance.b"]
    assert unknown.status == "unpriced" and "market_type" in (unknown.reason or "")


def test_odd_shaped_attributes_are_unpriced_not_a_traceback() -> None:
    got = price(res("aws_eks_node_group.n", scaling_config={"desired_size": 1}, instance_types=5))
    assert got["aws_eks_node_group.n"].status in ("priced", "unpriced")
    weird = price(res("aws_autoscaling_group.g", desired_capacity=1, mixed_instances_policy={"launch_template": 3}))
    assert weird["aws_autoscaling_group.g"].status == "unpriced"


def test_multi_az_rds_storage_at_the_multi_az_rate() -> None:
    """QA rds_multiaz_storage: Multi-AZ storage was priced at the Single-AZ rate (half the bill)."""
    got = price(res("aws_db_instance.m", engine="mysql", instance_class="db.t3.large", multi_az=True,
                    allocated_storage=50, storage_type="gp3"))["aws_db_instance.m"]
    storage = got.components[1]
    assert storage.name == "Storage (Multi-AZ, gp3)"
    assert storage.unit_price == Decimal("0.23") and storage.monthly_cost == Decimal("11.50")
    single = price(res("aws_db_instance.s", engine="mysql", instance_class="db.t3.large",
                       allocated_storage=50, storage_type="gp3"))["aws_db_instance.s"]
    assert single.components[1].unit_price == Decimal("0.115")


def test_multi_az_rds_io1_has_no_rate_so_it_is_unpriced_not_single_az() -> None:
    got = price(res("aws_db_instance.m", engine="postgres", instance_class="db.t3.large", multi_az=True,
                    allocated_storage=100, storage_type="io1", iops=1000))["aws_db_instance.m"]
    assert [c.monthly_cost for c in got.components] == [None, None, None]
    assert got.components[1].unpriced_reason == "no us-east-1 price for RDS Multi-AZ io1 storage"
    assert got.components[2].unpriced_reason == "no us-east-1 price for RDS Multi-AZ io1 IOPS"


def test_rds_multi_az_known_only_after_apply_prices_neither_rate() -> None:
    got = price(res("aws_db_instance.m", engine="postgres", instance_class="db.t3.large", multi_az=Unknown(),
                    allocated_storage=20))["aws_db_instance.m"]
    assert got.status == "unpriced" and got.monthly_cost is None
    assert got.reason == "multi_az is known only after apply"


def _lt(**attrs: object) -> Resource:
    return res("aws_launch_template.lt", name="lt", **attrs)


def test_instance_takes_type_market_and_disks_from_its_launch_template() -> None:
    """QA instance_from_launch_template: the instance was unpriced ("instance_type is not set")."""
    template = _lt(instance_type="g6.xlarge",
                   block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": 100, "volume_type": "gp3"}}])
    inst = res("aws_instance.i", launch_template={"id": Unknown(ref="aws_launch_template.lt"), "version": "$Latest"})
    got = price(template, inst)["aws_instance.i"]
    assert got.status == "priced"
    assert got.components[0].name == "Instance usage (Linux/UNIX, on-demand, g6.xlarge)"
    assert got.monthly_cost == Decimal("0.8048") * 730 + 100 * Decimal("0.08")
    spot = price(_lt(instance_type="g6.xlarge", instance_market_options={"market_type": "spot"}),
                 res("aws_instance.i", launch_template={"name": "lt"}, root_block_device={"volume_size": 8}))
    assert "spot" in spot["aws_instance.i"].components[0].name


def test_instance_own_type_and_disks_win_over_its_template() -> None:
    template = _lt(instance_type="g6.xlarge",
                   block_device_mappings=[{"ebs": {"volume_size": 100, "volume_type": "gp3"}}])
    inst = res("aws_instance.i", instance_type="t3.medium", launch_template={"name": "lt"},
               root_block_device={"volume_size": 10, "volume_type": "gp3"})
    got = price(template, inst)["aws_instance.i"]
    assert got.components[0].name.endswith("t3.medium)")
    assert [c.group for c in got.components[1:]] == ["root_block_device"]
    lost = price(res("aws_instance.i", instance_type="t3.medium", launch_template={"id": Unknown()},
                     root_block_device={"volume_size": 10}))["aws_instance.i"]
    assert lost.status == "priced"  # its own type prices it even where the template cannot be found


def test_instance_with_no_type_anywhere_is_unpriced_with_the_reason() -> None:
    got = price(_lt(image_id="ami-1"), res("aws_instance.i", launch_template={"name": "lt"}))["aws_instance.i"]
    assert got.status == "unpriced"
    assert got.reason == "instance_type is set neither on the instance nor in aws_launch_template.lt"
    unknown = price(_lt(instance_type=Unknown()), res("aws_instance.i", launch_template={"name": "lt"}))
    assert unknown["aws_instance.i"].reason == "instance_type of aws_launch_template.lt is known only after apply"


def test_asg_launch_configuration_volumes_priced_like_template_mappings() -> None:
    """QA asg_launch_configuration_volume: the launch configuration's root volume was not priced."""
    config = res("aws_launch_configuration.lc", name="lc", instance_type="g5.xlarge",
                 root_block_device=[{"volume_size": 40, "volume_type": "gp2"}])
    group = res("aws_autoscaling_group.g", min_size=1, max_size=3,
                launch_configuration=Unknown(ref="aws_launch_configuration.lc"))
    got = price(config, group)["aws_autoscaling_group.g"]
    assert [c.group for c in got.components] == [None, "root_block_device"]
    assert got.monthly_cost == Decimal("738.380")
    assert got.max_monthly_cost == 3 * Decimal("738.380")
    spot = price(res("aws_launch_configuration.lc", instance_type="g5.xlarge", spot_price="0.5"),
                 res("aws_autoscaling_group.g", min_size=1, launch_configuration="lc"))
    assert "spot" in spot["aws_autoscaling_group.g"].components[0].name


def test_bedrock_provisioned_throughput_context_variant_ids_are_priced() -> None:
    """QA bedrock_pt_suffix: ``:2:100k`` / ``:1:200k`` ids (the only form AWS takes for PT) were unpriced."""
    arn = "arn:aws:bedrock:us-east-1::foundation-model/"
    got = price(
        res("aws_bedrock_provisioned_model_throughput.ctx", model_arn=arn + "anthropic.claude-instant-v1:2:100k",
            commitment_duration="OneMonth", model_units=2),
        res("aws_bedrock_provisioned_model_throughput.v21", model_arn=arn + "anthropic.claude-v2:1:200k",
            commitment_duration="SixMonths", model_units=1),
        res("aws_bedrock_provisioned_model_throughput.v20", model_arn=arn + "anthropic.claude-v2:0:100k",
            commitment_duration="SixMonths", model_units=1),
    )
    assert got["aws_bedrock_provisioned_model_throughput.ctx"].monthly_cost == 2 * 730 * Decimal("39.6")
    assert got["aws_bedrock_provisioned_model_throughput.v21"].monthly_cost == 730 * Decimal("34.992")
    v20 = got["aws_bedrock_provisioned_model_throughput.v20"]  # no price for claude-v2:0: never v2:1's
    assert v20.status == "unpriced"
    assert v20.reason == "no us-east-1 6-month provisioned-throughput price for anthropic.claude-v2:0:100k"


TWO_UNNAMED_ENDPOINTS = """provider "aws" { region = "us-east-1" }
resource "aws_sagemaker_endpoint_configuration" "cfg" {
  production_variants {
    variant_name           = "primary"
    model_name             = "m"
    instance_type          = "ml.g5.12xlarge"
    initial_instance_count = 1
  }
}
resource "aws_sagemaker_endpoint" "a" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.cfg.name
}
resource "aws_sagemaker_endpoint" "b" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.cfg.name
}
resource "aws_appautoscaling_target" "ta" {
  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.a.name}/variant/primary"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = 1
  max_capacity       = 10
}
resource "aws_appautoscaling_target" "tb" {
  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.b.name}/variant/primary"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = 1
  max_capacity       = 3
}
"""


def test_each_unnamed_endpoint_takes_the_max_of_its_own_autoscaling_target(tmp_path: Path) -> None:
    """Two endpoints AWS names: each target's ``endpoint/${aws_sagemaker_endpoint.X.name}/...`` points at
    its own endpoint (the old fallback only worked with one endpoint in the project)."""
    from estimator.loaders import LoadOptions
    from estimator.loaders.terraform_hcl import load

    (tmp_path / "main.tf").write_text(TWO_UNNAMED_ENDPOINTS)
    costed = {c.address: c for c in price_project(load(str(tmp_path), LoadOptions(environ={})), None)}
    assert costed["aws_sagemaker_endpoint.a"].max_monthly_cost == Decimal("51757.00")  # 10 × ml.g5.12xlarge
    assert costed["aws_sagemaker_endpoint.b"].max_monthly_cost == Decimal("15527.10")  # 3 ×
