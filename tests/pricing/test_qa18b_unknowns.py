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
