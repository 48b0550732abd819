"""Usage-file key validation: a key that prices nothing is a warning naming file and line; a key
that is applied is never reported as ignored (found by QA12)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.cost_model import CostedResource
from estimator.model import Project, Resource
from estimator.pricing.engine import price_project
from estimator.usage import load_usage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "usage"


def res(address: str, **attrs: object) -> Resource:
    rtype, name = address.split(".", 1)
    return Resource(address=address, type=rtype, name=name, attributes=dict(attrs), region="us-east-1")


def price(fixture: str, *resources: Resource) -> tuple[dict[str, CostedResource], list[str]]:
    project = Project(path="p", source="terraform-hcl", resources=list(resources))
    costed = price_project(project, load_usage(str(FIXTURES / fixture)))
    return {c.address: c for c in costed}, [d.message for d in project.diagnostics if d.severity == "warning"]


def _bucket() -> Resource:
    return res("aws_s3_bucket.docs", bucket="docs")


def _db(name: str) -> Resource:
    return res(f"aws_db_instance.{name}", engine="postgres", instance_class="db.m5.large", allocated_storage=100)


def test_misspelt_nested_key_is_a_warning_naming_file_line_and_key() -> None:
    costed, warnings = price("keys_nested_typo.yml", _bucket())
    path = str(FIXTURES / "keys_nested_typo.yml")
    assert warnings == [f"{path}:6: 'standard.monthly_tier_1_requets' is not a usage key of aws_s3_bucket "
                        "(known: standard.monthly_tier_1_requests, standard.monthly_tier_2_requests, "
                        "standard.storage_gb); it is ignored"]
    lines = {c.name: c for c in costed["aws_s3_bucket.docs"].components}
    assert lines["Standard / Storage"].monthly_cost == Decimal("115.000")  # the sibling key is applied


def test_key_of_a_type_that_takes_no_usage_is_a_warning_per_entry() -> None:
    _, warnings = price("keys_no_usage_type.yml", _db("meta"), _db("other"))
    path = str(FIXTURES / "keys_no_usage_type.yml")
    assert warnings == [
        f"{path}:3: 'monthly_hours' is not a usage key of aws_db_instance (it reads none); it is ignored",
        f"{path}:4: 'monthly_hours' is not a usage key of aws_db_instance (it reads none); it is ignored",
    ]


def test_flat_storage_gb_of_a_bucket_is_applied_and_not_called_ignored() -> None:
    costed, warnings = price("keys_flat_alias.yml", _bucket())
    assert warnings == []
    lines = {c.name: c for c in costed["aws_s3_bucket.docs"].components}
    assert lines["Standard / Storage"].quantity == Decimal(5000)


def test_warning_names_the_entry_that_supplied_the_key_once_per_entry() -> None:
    _, warnings = price("keys_sources.yml", res("aws_instance.a[0]", instance_type="m5.large"),
                        res("aws_instance.a[1]", instance_type="m5.large"),
                        res("aws_instance.b", instance_type="m5.large"),
                        res("aws_instance.c", instance_type="m5.large"), _bucket())
    path = str(FIXTURES / "keys_sources.yml")
    assert [w.split(" is not")[0] for w in warnings] == [f"{path}:9: 'monthly_hourz'", f"{path}:4: 'monthly_hourz'"]


def test_unsupported_and_free_types_say_their_usage_is_ignored() -> None:
    project = Project(path="p", source="terraform-hcl", resources=[res("aws_foo_bar.z"), res("aws_iam_role.r")])
    from estimator.usage import parse_usage

    usage = parse_usage("resource_usage:\n  aws_foo_bar.z: {monthly_requests: 5}\n"
                        "  aws_iam_role.r: {monthly_requests: 5}\n", "u.yml")
    price_project(project, usage)
    assert [d.message for d in project.diagnostics] == [
        "u.yml:2: 'monthly_requests' is not a usage key of aws_foo_bar (costrail does not price it yet); it is ignored",
        "u.yml:3: 'monthly_requests' is not a usage key of aws_iam_role (it is free); it is ignored",
    ]
