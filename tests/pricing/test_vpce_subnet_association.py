"""An interface endpoint bills one ENI-hour per subnet, including subnets added by
``aws_vpc_endpoint_subnet_association`` resources (QA16b)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project

MAIN = """
provider "aws" {
  region = "us-east-1"
}
resource "aws_vpc_endpoint" "ecr" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type = "Interface"
  %s
}
resource "aws_vpc_endpoint_subnet_association" "a" {
  for_each        = toset(["subnet-a", "subnet-b"])
  vpc_endpoint_id = aws_vpc_endpoint.ecr.id
  subnet_id       = each.value
}
"""


def _hours_line(tmp_path: Path, subnets: str) -> tuple[str, Decimal | None]:
    (tmp_path / "main.tf").write_text(MAIN % subnets, encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    (endpoint,) = [c for c in price_project(project, None) if c.address == "aws_vpc_endpoint.ecr"]
    line = endpoint.components[0]
    return line.name, line.quantity


def test_associated_subnets_count_as_azs(tmp_path: Path) -> None:
    assert _hours_line(tmp_path, "") == ("Endpoint (Interface, 2 AZ)", Decimal(1460))


def test_listed_and_associated_subnets_add_up(tmp_path: Path) -> None:
    assert _hours_line(tmp_path, 'subnet_ids = ["subnet-c"]') == ("Endpoint (Interface, 3 AZ)", Decimal(2190))


def test_an_association_with_another_endpoints_id_is_not_counted(tmp_path: Path) -> None:
    """A literal ``vpce-...`` of an endpoint outside the project adds nothing to this one (QA17a)."""
    main = (MAIN % 'subnet_ids = ["subnet-c"]').replace("vpc_endpoint_id = aws_vpc_endpoint.ecr.id",
                                                        'vpc_endpoint_id = "vpce-0abc"')
    (tmp_path / "main.tf").write_text(main, encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    (endpoint,) = [c for c in price_project(project, None) if c.address == "aws_vpc_endpoint.ecr"]
    assert endpoint.components[0].name == "Endpoint (Interface, 1 AZ)"
