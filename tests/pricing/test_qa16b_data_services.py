"""Data-service bill lines QA16b found missing or wrong: each fixture is the QA repro, hand-priced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.cost_model import CostedResource
from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "qa16b"


def _costed(case: str, usage: str | None = None) -> dict[str, CostedResource]:
    from estimator.usage import load_usage

    project = load_project(str(FIXTURES / case), LoadOptions())
    usage_file = load_usage(str(FIXTURES / case / usage)) if usage else None
    return {c.address: c for c in price_project(project, usage_file)}


def _lines(item: CostedResource) -> dict[str, object]:
    return {c.name: c for c in item.components}


def test_sagemaker_shadow_variant_bills_its_own_instances() -> None:
    endpoint = _costed("sagemaker_shadow")["aws_sagemaker_endpoint.shadow"]
    lines = _lines(endpoint)
    shadow = lines["Hosting instance (ml.g5.2xlarge, shadow variant candidate)"]
    assert shadow.monthly_cost == Decimal("1105.95")  # 730 h x 1.515 (sagemaker_hosting ml.g5.2xlarge)
    assert endpoint.status == "priced"
    assert endpoint.monthly_cost == Decimal("1028.132") + Decimal("1105.95")  # + ml.g5.xlarge 730 x 1.4084


def test_opensearch_io1_iops_and_gp3_throughput_are_billed_per_data_node() -> None:
    costed = _costed("opensearch_ebs")
    io1 = costed["aws_opensearch_domain.io1"]
    iops = _lines(io1)["Storage IOPS (io1)"]
    assert (iops.quantity, iops.unit_price) == (Decimal(20000), Decimal("0.088"))  # 2 nodes x 10,000
    assert iops.monthly_cost == Decimal(1760)
    assert io1.status == "priced"
    gp3 = costed["aws_opensearch_domain.gp3"]
    throughput = _lines(gp3)["Throughput above baseline (gp3)"]
    # 500 GB a node: 250 MiB/s included (one started 3 TB); 500 - 250 = 250 x 3 nodes x 0.064
    assert (throughput.quantity, throughput.monthly_cost) == (Decimal(750), Decimal(48))
    assert gp3.status == "partial"
    assert "gp3 IOPS above the 3,000 baseline" in (gp3.reason or "")
    small = costed["aws_opensearch_domain.gp3_small"]
    # up to 170 GB: 125 MiB/s included; 200 - 125 = 75 x 2 nodes; 3,000 IOPS is the baseline (no line)
    assert _lines(small)["Throughput above baseline (gp3)"].quantity == Decimal(150)
    assert small.status == "priced" and "IOPS above baseline (gp3)" not in _lines(small)


def test_opensearch_default_instance_type_is_the_provider_schema_default() -> None:
    nocc = _costed("opensearch_ebs")["aws_opensearch_domain.nocc"]
    instance = _lines(nocc)["Instance (m3.medium.search)"]
    assert instance.monthly_cost == Decimal("68.62")  # 730 h x 0.094 (opensearch_us_east_1.csv)


def test_rds_gp3_iops_above_baseline_priced_throughput_and_io2_iops_unpriced() -> None:
    costed = _costed("rds_gp3")
    gp3 = costed["aws_db_instance.gp3"]
    iops = _lines(gp3)["Provisioned GP3 IOPS (above 12,000)"]
    # 500 GB >= 400: 12,000 IOPS included; 40,000 - 12,000 x 0.02 (infracost db_instance_test)
    assert (iops.quantity, iops.monthly_cost) == (Decimal(28000), Decimal(560))
    assert gp3.status == "partial"
    assert "RDS gp3 throughput" in (gp3.reason or "") and "1,500 MiB/s above" in (gp3.reason or "")
    io2 = costed["aws_db_instance.io2"]
    assert io2.status == "partial" and "RDS io2 IOPS" in (io2.reason or "")
    maz = costed["aws_db_instance.multi_az"]
    # infracost db_instance_test gp3["multi_az"]: 2,000 IOPS above 12,000 x 0.04 = 80
    assert _lines(maz)["Provisioned GP3 IOPS (Multi-AZ, above 12,000)"].monthly_cost == Decimal(80)
    small = costed["aws_db_instance.small_baseline"]
    assert small.status == "priced" and len(small.components) == 2  # at the baseline: nothing extra billed


def test_vpc_interface_endpoint_with_unknown_subnets_is_not_priced_as_one_az() -> None:
    hcl = _costed("vpce_hcl")
    bedrock = hcl["aws_vpc_endpoint.bedrock"]
    assert bedrock.status == "unpriced" and bedrock.monthly_cost is None
    assert "subnet_ids" in (bedrock.reason or "") and "after apply" in (bedrock.reason or "")
    # two subnets not created yet: their ids are unknown, their number (2 AZs) is not
    assert _lines(hcl["aws_vpc_endpoint.ecr"])["Endpoint (Interface, 2 AZ)"].monthly_cost == Decimal("14.60")
    plan = {c.address: c for c in price_project(
        load_project(str(FIXTURES / "vpce_plan" / "plan.json"), LoadOptions()), None)}
    endpoint = plan["aws_vpc_endpoint.bedrock"]
    assert endpoint.status == "unpriced" and "subnet_ids" in (endpoint.reason or "")


def test_infrequent_access_log_ingestion_is_unpriced_not_the_standard_rate() -> None:
    costed = _costed("logs_ia", "usage.yml")
    ia = costed["aws_cloudwatch_log_group.ia"]
    ingest = _lines(ia)["Data ingested (INFREQUENT_ACCESS)"]
    assert ingest.monthly_cost is None and ingest.quantity == Decimal(1000)
    assert "INFREQUENT_ACCESS" in (ingest.unpriced_reason or "")
    assert ia.status == "partial" and ia.monthly_cost == Decimal(3)  # storage only: 100 GB x 0.03
    std = costed["aws_cloudwatch_log_group.std"]
    assert std.status == "priced" and std.monthly_cost == Decimal(503)  # 1000 x 0.5 + 100 x 0.03


def test_efs_elastic_throughput_reads_and_writes_are_unpriced_usage_lines() -> None:
    costed = _costed("efs_elastic", "usage.yml")
    elastic = costed["aws_efs_file_system.elastic"]
    lines = _lines(elastic)
    reads, writes = lines["Elastic throughput (reads)"], lines["Elastic throughput (writes)"]
    assert reads.quantity == Decimal(5000) and reads.monthly_cost is None and reads.usage_based
    assert "EFS elastic throughput" in (writes.unpriced_reason or "")
    assert elastic.status == "partial" and elastic.monthly_cost == Decimal(300)  # 1000 GB x 0.30
    assert costed["aws_efs_file_system.bursting"].status == "priced"  # bursting: storage only


def test_plan_replication_group_counts_known_num_cache_clusters_despite_unknown_replicas() -> None:
    project = load_project(str(FIXTURES / "elasticache_plan" / "plan.json"), LoadOptions())
    group = {c.address: c for c in price_project(project, None)}["aws_elasticache_replication_group.cache"]
    assert group.status == "priced"
    assert group.monthly_cost == Decimal("319.74")  # 2 nodes x 730 h x 0.219 (cache.r7g.large redis)


def test_capacity_provider_studio_domain_and_user_profile_are_free() -> None:
    costed = _costed("free_types")
    for address in ("aws_ecs_capacity_provider.gpu", "aws_sagemaker_domain.studio", "aws_sagemaker_user_profile.u"):
        assert costed[address].status == "free", (address, costed[address].status)


def test_usage_init_offers_only_keys_the_resource_reads() -> None:
    from estimator.commands.usage_init import template

    text = template([load_project(str(FIXTURES / "usage_init"), LoadOptions())])
    sections: dict[str, str] = {}
    for block in text.split("resource_type_default_usage:")[0].split("\n  aws_")[1:]:
        address, _, body = block.partition(":\n")
        sections["aws_" + address] = body
    assert "aws_vpc_endpoint.s3" not in sections  # gateway endpoint: free, reads nothing
    assert "aws_apigatewayv2_api.ws" not in sections  # WebSocket: no request price, reads no key
    assert "monthly_data_processed_gb" in sections["aws_vpc_endpoint.bedrock"]
    assert "monthly_requests" in sections["aws_apigatewayv2_api.http"]
    assert "monthly_elastic_read_gb" in sections["aws_efs_file_system.elastic"]  # read, noted as unpriced
    assert "elastic" not in sections["aws_efs_file_system.bursting"]
