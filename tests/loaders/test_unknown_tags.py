"""A tag map known only after apply (a plan's ``after_unknown.tags``, an HCL map or dynamic ``tag``
blocks over an unknown value) reads as unknown tags, never as "no tags" (a false CR-TAG-001)."""

from __future__ import annotations

from pathlib import Path

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load as load_hcl
from estimator.loaders.terraform_plan import load as load_plan
from estimator.model import Unknown, unknown_tags
from estimator.pricing.engine import price_project
from policies.engine import check_project
from tests.conftest import FIXTURES


def _tag001(project: object) -> list[str]:
    findings = check_project(project, price_project(project, None), None)
    return [f.address for f in findings if f.rule == "CR-TAG-001"]


def test_plan_unknown_tag_map_is_not_missing_tags() -> None:
    project = load_plan(str(FIXTURES / "plans" / "unknown_tag_value.plan.json"), LoadOptions(environ={}))
    res = {r.address: r for r in project.resources}
    assert isinstance(unknown_tags(res["aws_instance.u"]), Unknown)
    assert unknown_tags(res["aws_instance.o"]) is None
    assert _tag001(project) == []


def test_hcl_unknown_tag_map_and_dynamic_tag_blocks(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
provider "aws" { region = "us-east-1" }
data "aws_ami" "u" {}
resource "aws_instance" "u" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  tags          = data.aws_ami.u.tags
}
resource "aws_instance" "bare" {
  ami           = "ami-1"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "g" {
  min_size = 1
  max_size = 2
  launch_configuration = "lc"
  dynamic "tag" {
    for_each = data.aws_ami.u.tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
''')
    project = load_hcl(str(tmp_path), LoadOptions(environ={}))
    res = {r.address: r for r in project.resources}
    assert isinstance(unknown_tags(res["aws_instance.u"]), Unknown)
    assert isinstance(unknown_tags(res["aws_autoscaling_group.g"]), Unknown)
    assert _tag001(project) == ["aws_instance.bare"]
    costed = {c.address: c for c in price_project(project, None)}
    assert 'dynamic "tag"' not in (costed["aws_autoscaling_group.g"].reason or "")  # tags do not change its price


def test_ai_taxonomy_tags_in_a_tag_map_known_only_after_apply_are_unknown_not_missing(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
provider "aws" { region = "us-east-1" }
data "aws_ami" "u" {}
resource "aws_instance" "gpu_unknown_tags" {
  ami           = "ami-1"
  instance_type = "g5.xlarge"
  tags          = data.aws_ami.u.tags
}
resource "aws_instance" "gpu_no_tags" {
  ami           = "ami-1"
  instance_type = "g5.xlarge"
}
''')
    project = load_hcl(str(tmp_path), LoadOptions(environ={}))
    findings = check_project(project, price_project(project, None), None)
    assert sorted(f.address for f in findings if f.rule == "CR-TAG-004") == ["aws_instance.gpu_no_tags"]


def test_hcl_default_tags_not_known_offline_are_unknown_not_missing(tmp_path: Path) -> None:
    """``default_tags { tags = var.x }`` with no value for x (or a data source's tags): which keys every
    resource gets is unknown, so CR-TAG-001 does not call them missing (the plan reader agrees; QA12)."""
    (tmp_path / "main.tf").write_text('''
variable "dt" { type = map(string) }
data "aws_default_tags" "d" {}
provider "aws" {
  region = "us-east-1"
  default_tags { tags = var.dt }
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
  default_tags { tags = data.aws_default_tags.d.tags }
}
resource "aws_ebs_volume" "w" {
  availability_zone = "us-east-1a"
  size              = 100
  type              = "gp3"
}
resource "aws_ebs_volume" "x" {
  provider          = aws.west
  availability_zone = "us-west-2a"
  size              = 100
  type              = "gp3"
}
''', encoding="utf-8")
    project = load_hcl(str(tmp_path), LoadOptions(environ={}))
    assert all(isinstance(unknown_tags(r), Unknown) for r in project.resources if r.mode == "managed")
    assert _tag001(project) == []


def test_hcl_resources_of_other_providers_carry_no_aws_tags(tmp_path: Path) -> None:
    """``random_id`` cannot carry a cost-allocation tag: never judged, even with scope: all."""
    from estimator.config import Config

    (tmp_path / "main.tf").write_text('provider "aws" { region = "us-east-1" }\n'
                                      'resource "random_id" "x" { byte_length = 4 }\n', encoding="utf-8")
    project = load_hcl(str(tmp_path), LoadOptions(environ={}))
    assert project.resources[0].taggable is False
    config = Config(required_tags_scope="all")
    findings = check_project(project, price_project(project, None), config)
    assert [f.address for f in findings if f.rule == "CR-TAG-001"] == []


def test_hcl_untaggable_aws_types_get_no_tags_and_are_not_judged(tmp_path: Path) -> None:
    """A route or a scaling policy cannot carry tags: no default_tags, never judged (scope: all), as the
    plan reader decides from the planned object (QA13)."""
    from estimator.config import Config

    (tmp_path / "main.tf").write_text('''
provider "aws" {
  region = "us-east-1"
  default_tags { tags = { team = "t" } }
}
resource "aws_apigatewayv2_route" "r" {
  api_id    = "a"
  route_key = "POST /ask"
}
resource "aws_appautoscaling_policy" "p" {
  name               = "p"
  resource_id        = "endpoint/e/variant/v"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  service_namespace  = "sagemaker"
}
resource "aws_route53_record" "r" {
  zone_id = "z"
  name    = "api"
  type    = "A"
}
resource "aws_lambda_function_url" "u" {
  function_name      = "f"
  authorization_type = "NONE"
}
''', encoding="utf-8")
    project = load_hcl(str(tmp_path), LoadOptions(environ={}))
    assert [(r.taggable, r.tags) for r in project.resources] == [(False, {})] * 4
    findings = check_project(project, price_project(project, None), Config(required_tags_scope="all"))
    assert [f for f in findings if f.rule == "CR-TAG-001"] == []
