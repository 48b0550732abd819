"""Types whose prices the catalog has (found by QA12 as "not supported yet"): OpenSearch Serverless
collections, WAFv2 web ACLs, REST API stages, and an Auto Scaling group whose launch template is
not in the project but whose overrides name the instance types."""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostedResource
from estimator.model import Project, Resource, Unknown
from estimator.pricing.engine import price_project
from estimator.usage import parse_usage


def res(address: str, region: str = "us-east-1", **attrs: object) -> Resource:
    rtype, name = address.split(".", 1)
    return Resource(address=address, type=rtype, name=name, attributes=dict(attrs), region=region)


def price(*resources: Resource, usage: str | None = None) -> tuple[dict[str, CostedResource], list[str]]:
    project = Project(path="p", source="terraform-hcl", resources=list(resources))
    costed = price_project(project, parse_usage(usage, "u.yml") if usage else None)
    return {c.address: c for c in costed}, [d.message for d in project.diagnostics]


def lines(costed: CostedResource) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    return {c.name: (c.quantity, c.monthly_cost) for c in costed.components}


OSS = "aws_opensearchserverless_collection"


def test_first_vector_collection_carries_the_billed_minimum_of_2_ocus() -> None:
    got, _ = price(res(f"{OSS}.kb", type="VECTORSEARCH"), res(f"{OSS}.kb2", type="VECTORSEARCH"))
    kb = got[f"{OSS}.kb"]
    assert kb.status == "partial"  # storage depends on usage
    # bedrock_kb_related.csv: minimum 2 OCUs; opensearch_us_east_1.csv: $0.24 per OCU-hour
    assert lines(kb)["Compute (billed minimum 2 OCUs, indexing + search)"] == (Decimal(1460), Decimal("350.40"))
    assert kb.components[0].price is not None and "opensearch.py" in kb.components[0].price.source
    kb2 = got[f"{OSS}.kb2"]  # OCUs are the account's: never a second minimum
    assert kb2.status == "unpriced" and kb2.monthly_cost is None
    assert f"shares the account's OCUs with {OSS}.kb" in (kb2.reason or "")


def test_collection_without_a_sourced_minimum_is_usage_based_never_guessed() -> None:
    got, _ = price(res(f"{OSS}.dev", type="VECTORSEARCH", standby_replicas="DISABLED"),
                   res(f"{OSS}.logs", type="TIMESERIES"), res(f"{OSS}.u", type=Unknown("after apply")))
    for address in ("dev", "logs", "u"):
        costed = got[f"{OSS}.{address}"]
        assert costed.status == "unpriced" and costed.monthly_cost is None
        assert "depends on usage: $0.24 per OCU-hours" in (costed.reason or "")
        assert "billed minimum only for a vector-search collection" in (costed.reason or "")


def test_collection_priced_from_usage_ocu_hours_and_storage_without_warning() -> None:
    got, diags = price(res(f"{OSS}.logs", type="TIMESERIES"),
                       usage=f"resource_usage:\n  {OSS}.logs: {{monthly_ocu_hours: 2920, storage_gb: 500}}\n")
    costed = got[f"{OSS}.logs"]
    assert costed.status == "priced" and costed.monthly_cost == Decimal("712.80")  # 2920×0.24 + 500×0.024
    assert diags == []


def test_collection_outside_the_catalogs_region_is_unpriced_with_the_region() -> None:
    got, _ = price(res(f"{OSS}.kb", region="eu-west-1", type="VECTORSEARCH"))
    assert got[f"{OSS}.kb"].status == "unpriced"
    assert "no eu-west-1 price for OpenSearch Serverless OCUs" in (got[f"{OSS}.kb"].reason or "")


def test_waf_acl_month_rules_and_requests() -> None:
    rule = {"name": "r", "statement": [{"managed_rule_group_statement": [{"name": "x", "vendor_name": "AWS"}]}]}
    got, _ = price(res("aws_wafv2_web_acl.gw", rule=[rule, dict(rule, name="s")]), res("aws_wafv2_web_acl.bare"),
                   usage="resource_usage:\n  aws_wafv2_web_acl.gw: {monthly_requests: 50000000}\n")
    gw = got["aws_wafv2_web_acl.gw"]
    # infracost wafv2_web_acl_test: $5 per ACL-month, $1 per rule-month, $0.60 per 1M requests
    assert lines(gw) == {"Web ACL usage": (Decimal(1), Decimal(5)), "Rules": (Decimal(2), Decimal(2)),
                         "Requests": (Decimal(50), Decimal("30.0"))}
    assert gw.status == "priced" and gw.monthly_cost == Decimal("37.0")
    bare = got["aws_wafv2_web_acl.bare"]
    assert bare.status == "partial" and bare.monthly_cost == Decimal(5)
    assert "depends on usage: $0.6 per 1M requests" in (bare.reason or "")


def test_waf_rules_of_unknown_count_are_unpriced_with_why() -> None:
    got, _ = price(res("aws_wafv2_web_acl.d", rule=Unknown('dynamic "rule": for_each is known only after apply')),
                   res("aws_wafv2_web_acl.j", rule_json='[{"Name": "a"}, {"Name": "b"}, {"Name": "c"}]'))
    assert got["aws_wafv2_web_acl.d"].status == "partial"
    assert "for_each is known only after apply" in (got["aws_wafv2_web_acl.d"].reason or "")
    assert lines(got["aws_wafv2_web_acl.j"])["Rules"] == (Decimal(3), Decimal(3))


def test_api_stage_is_free_unless_its_cache_cluster_is_enabled() -> None:
    got, _ = price(res("aws_api_gateway_stage.prod", stage_name="prod"),
                   res("aws_api_gateway_stage.small", cache_cluster_enabled=True, cache_cluster_size="0.5"),
                   res("aws_api_gateway_stage.big", cache_cluster_enabled=True, cache_cluster_size=6.1),
                   res("aws_api_gateway_stage.nosize", cache_cluster_enabled=True),
                   res("aws_api_gateway_stage.later", cache_cluster_enabled=Unknown("after apply")))
    assert got["aws_api_gateway_stage.prod"].status == "free"
    small = got["aws_api_gateway_stage.small"]  # infracost api_gateway_stage_test: $0.02/h for 0.5 GB
    assert small.status == "priced" and lines(small) == {"Cache memory (0.5 GB)": (Decimal(730), Decimal("14.60"))}
    assert got["aws_api_gateway_stage.big"].status == "unpriced"
    assert got["aws_api_gateway_stage.big"].reason == "no us-east-1 price for an API Gateway cache of 6.1 GB"
    assert got["aws_api_gateway_stage.nosize"].reason == "cache_cluster_size is not set"
    assert got["aws_api_gateway_stage.later"].status == "unpriced"
    assert got["aws_api_gateway_stage.later"].monthly_cost is None


def _mixed(template: dict, overrides: list[dict]) -> dict:
    return {"launch_template": [{"launch_template_specification": [template], "override": overrides}]}


def test_asg_with_a_literal_template_id_is_priced_from_its_overrides_volumes_unknown() -> None:
    spec = _mixed({"launch_template_id": "lt-0abc"}, [{"instance_type": "m5.xlarge"}, {"instance_type": "m5a.xlarge"}])
    got, _ = price(res("aws_launch_template.a", name="a"), res("aws_launch_template.b", name="b"),
                   res("aws_autoscaling_group.g", desired_capacity=2, max_size=4, mixed_instances_policy=[spec]))
    group = got["aws_autoscaling_group.g"]
    assert group.status == "partial"
    assert lines(group)["Instance usage (Linux/UNIX, on-demand, m5.xlarge)"] == (Decimal(1460), Decimal("280.320"))
    assert "launch template lt-0abc is not in the project" in (group.reason or "")
    assert group.max_monthly_cost == Decimal("560.640")


def test_asg_with_a_literal_template_id_and_a_spot_split_says_the_volumes_once() -> None:
    spec = _mixed({"launch_template_id": "lt-0abc"}, [{"instance_type": "m5.xlarge"}])
    spec["instances_distribution"] = [{"on_demand_base_capacity": 1, "on_demand_percentage_above_base_capacity": 0}]
    got, _ = price(res("aws_autoscaling_group.g", desired_capacity=3, max_size=3, mixed_instances_policy=[spec]))
    names = [c.name for c in got["aws_autoscaling_group.g"].components]
    assert names == ["Instance usage (Linux/UNIX, on-demand, m5.xlarge)",
                     "Instance usage (Linux/UNIX, spot: on-demand upper bound, m5.xlarge)", "Volumes"]


def test_asg_with_a_literal_template_id_and_no_override_type_stays_unpriced() -> None:
    spec = _mixed({"launch_template_id": "lt-0abc"}, [])
    got, _ = price(res("aws_launch_template.a", name="a"), res("aws_launch_template.b", name="b"),
                   res("aws_autoscaling_group.g", desired_capacity=2, mixed_instances_policy=[spec]))
    assert got["aws_autoscaling_group.g"].status == "unpriced"
    assert got["aws_autoscaling_group.g"].reason == "launch template not resolvable"


def test_pulumi_web_acl_rules_and_serverless_collection_read_like_terraform() -> None:
    from estimator.pulumi_types import snake_props, terraform_type

    assert terraform_type("aws:opensearch/serverlessCollection:ServerlessCollection") == OSS
    attrs = snake_props({"scope": "REGIONAL", "rules": [{"name": "a"}, {"name": "b"}]}, "aws:wafv2/webAcl:WebAcl")
    got, _ = price(res("aws_wafv2_web_acl.p", **attrs))
    assert lines(got["aws_wafv2_web_acl.p"])["Rules"] == (Decimal(2), Decimal(2))
