"""QA18b: a quantity or kind not known offline is an unpriced line with the Unknown's own reason.

docs/contracts.md "Unknown quantities": never a guessed default, never a dropped bill line, never a
line with no cost and no reason. A value that is not set keeps the provider's documented default.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project

from .helpers import PRICING_FIXTURES, priced_dir

FIXTURES = PRICING_FIXTURES / "qa18b"
NO_VALUE = "is unknown: var.size has no value (set it with --var or --var-file)"


def _lines(costed) -> dict[str, tuple[Decimal | None, str | None]]:
    return {c.name: (c.monthly_cost, c.unpriced_reason) for c in costed.components}


def test_rds_unknown_allocated_storage_is_an_unpriced_storage_line() -> None:
    db = priced_dir(FIXTURES / "rds")["aws_db_instance.db"]
    assert db.status == "partial"
    assert _lines(db) == {
        "Database instance (on-demand, Single-AZ, db.m5.large)": (Decimal("129.94"), None),
        "Storage (gp2)": (None, f"allocated_storage {NO_VALUE}"),
    }
    assert db.reason == f"allocated_storage {NO_VALUE}"


def test_rds_unknown_allocated_storage_in_a_plan() -> None:
    project = load_project(str(FIXTURES / "rds_plan" / "plan.json"), LoadOptions())
    (db,) = price_project(project, None)
    assert db.status == "partial"
    # storage_type is Optional+Computed and not configured: not set, the gp2 default (never unknown).
    assert _lines(db)["Storage (gp2)"] == (None, "allocated_storage is known only after apply")


def test_rds_read_replica_storage_is_its_source_storage() -> None:
    costed = priced_dir(FIXTURES / "rds")
    # the source's storage is itself unknown: the replica's is too, with the source's reason
    replica = costed["aws_db_instance.replica"]
    assert replica.status == "partial"
    assert _lines(replica)["Storage (gp2)"] == (
        None, f"allocated_storage of aws_db_instance.db (the replica's source) {NO_VALUE}")
    # a known source: the same engine, storage type and size as the source
    for address in ("aws_db_instance.main_replica", "aws_db_instance.main_replica_by_name"):
        item = costed[address]
        assert item.status == "priced", (address, item.reason)
        assert _lines(item) == {
            "Database instance (on-demand, Single-AZ, db.m5.large)": (Decimal("129.94"), None),
            "Storage (gp3)": (Decimal("11.50"), None),  # 100 GB x 0.115
        }
    assert costed["aws_db_instance.main"].monthly_cost == Decimal("141.44")


def test_rds_read_replica_of_a_source_outside_the_project_is_partial() -> None:
    replica = priced_dir(FIXTURES / "rds")["aws_db_instance.external_replica"]
    assert replica.status == "partial"
    (storage,) = [c for c in replica.components if c.name.startswith("Storage")]
    assert storage.monthly_cost is None
    assert storage.unpriced_reason == (
        "a read replica's storage is its source's: replicate_source_db "
        "arn:aws:rds:us-east-1:123456789012:db:elsewhere is not in the project")


def _no_value(attr: str, var: str) -> str:
    return f"{attr} is unknown: var.{var} has no value (set it with --var or --var-file)"


# address → (status, the name of the line that carries the reason or None for the resource's, reason)
UNKNOWN_KINDS = {
    "aws_opensearch_domain.d": ("partial", "Storage (gp3)", _no_value("ebs_options.volume_size", "n")),
    "aws_opensearch_domain.itype": ("unpriced", None, _no_value("cluster_config.instance_type", "t")),
    "aws_opensearch_domain.master": ("partial", "Dedicated master",
                                     _no_value("cluster_config.dedicated_master_enabled", "b")),
    "aws_opensearch_domain.vtype": ("partial", "Storage", _no_value("ebs_options.volume_type", "t")),
    "aws_sagemaker_notebook_instance.nb": ("partial", "Storage (ML storage)", _no_value("volume_size", "n")),
    "aws_eks_node_group.ng": ("partial", "Storage (general purpose SSD, gp2)", _no_value("disk_size", "n")),
    "aws_eks_node_group.captype": ("unpriced", None, _no_value("capacity_type", "t")),
    "aws_vpc_endpoint.ep": ("unpriced", None, _no_value("vpc_endpoint_type", "t")),
    "aws_db_instance.db2": ("partial", "Storage", _no_value("storage_type", "t")),
    "aws_db_instance.iops": ("partial", "Provisioned GP3 IOPS", _no_value("iops", "n")),
    "aws_lb.lb": ("unpriced", None, _no_value("load_balancer_type", "t")),
    "aws_elasticache_cluster.e2": ("unpriced", None, _no_value("engine", "t")),
    "aws_elasticache_replication_group.rg": ("unpriced", None, _no_value("engine", "t")),
    "aws_bedrock_provisioned_model_throughput.pt": ("unpriced", None, _no_value("commitment_duration", "t")),
    "aws_fsx_lustre_file_system.fsx": ("unpriced", None, _no_value("deployment_type", "t")),
    "aws_fsx_lustre_file_system.fsx_size": ("unpriced", None, _no_value("storage_capacity", "n")),
    "aws_ebs_volume.v": ("unpriced", "Storage (general purpose SSD, gp2)", _no_value("size", "n")),
    "aws_ebs_volume.vt": ("unpriced", "Storage", _no_value("type", "t")),
    "aws_ebs_volume.gp3_iops": ("partial", "Provisioned IOPS", _no_value("iops", "n")),
    "aws_instance.tenancy": ("partial", "Instance usage (Linux/UNIX, m5.large)", _no_value("tenancy", "t")),
    "aws_cloudwatch_metric_alarm.alarm": ("unpriced", None, _no_value("period", "n")),
    "aws_dynamodb_table.ddb": ("unpriced", None, _no_value("billing_mode", "t")),
    "aws_dynamodb_table.wcu": ("partial", "Write capacity unit (WCU)", _no_value("write_capacity", "n")),
    "aws_efs_file_system.efs": ("unpriced", "Throughput", _no_value("throughput_mode", "t")),
    "aws_apigatewayv2_api.api": ("unpriced", None, _no_value("protocol_type", "t")),
    "aws_lambda_function.fn": ("unpriced", "Duration", _no_value("architectures", "t")),
    # a reference to the group is unknown until apply, yet it is set: never priced as a standalone cluster
    "aws_elasticache_cluster.member": ("free", None, "nodes billed on its replication group"),
    "aws_autoscaling_group.asg": ("unpriced", None, _no_value("instances_distribution.on_demand_base_capacity", "n")),
}
SUPPORTING = {"aws_launch_template.lt", "aws_sagemaker_endpoint_configuration.cfg", "aws_sagemaker_endpoint.ep",
              "aws_appautoscaling_target.sm"}


def test_every_unknown_size_or_kind_is_unpriced_with_its_reason() -> None:
    costed = priced_dir(FIXTURES / "unknowns")
    assert set(costed) == set(UNKNOWN_KINDS) | SUPPORTING
    wrong = {}
    for address, (status, line_name, reason) in UNKNOWN_KINDS.items():
        item = costed[address]
        # never a line without a cost and without a reason
        silent = [c.name for c in item.components if c.monthly_cost is None and not c.unpriced_reason]
        if line_name is None:
            got = (item.status, None, item.reason, silent)
        else:
            found = [c.unpriced_reason for c in item.components if c.name == line_name]
            got = (item.status, line_name, found[0] if found else f"no line; lines: {_lines(item)}", silent)
            if found and reason not in (item.reason or ""):
                got = (*got[:3], silent + ["resource reason lacks the line's"])
        if got != (status, line_name, reason, []):
            wrong[address] = got
    assert wrong == {}


def test_unknown_autoscaling_max_capacity_is_no_cost_at_max() -> None:
    endpoint = priced_dir(FIXTURES / "unknowns")["aws_sagemaker_endpoint.ep"]
    assert endpoint.status == "priced"
    assert endpoint.max_monthly_cost is None  # never the desired count's cost as the max


def test_not_set_keeps_the_documented_default() -> None:
    costed = priced_dir(FIXTURES / "defaults")
    assert {a: (c.status, c.monthly_cost) for a, c in costed.items()} == {
        "aws_sagemaker_notebook_instance.nb": ("priced", Decimal("37.20")),  # 36.50 + 5 GB x 0.14
        "aws_eks_node_group.ng": ("priced", Decimal("72.08")),  # 70.08 + 20 GB gp2 x 0.10
        "aws_vpc_endpoint.ep": ("free", Decimal(0)),  # Gateway
        "aws_db_instance.db": ("priced", Decimal("141.44")),  # 129.94 + 100 GB gp2 x 0.115
        "aws_lb.lb": ("partial", Decimal("16.425")),  # application: 0.0225 x 730 + LCUs by usage
        "aws_elasticache_cluster.e": ("priced", Decimal("159.87")),  # redis
        "aws_ebs_volume.v": ("priced", Decimal("1.00")),  # gp2
        "aws_cloudwatch_metric_alarm.alarm": ("priced", Decimal("0.10")),  # standard resolution
    }
