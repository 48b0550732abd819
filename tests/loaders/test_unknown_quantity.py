"""A count or for_each known only after apply (resource, module, dynamic block): the resource stays
in the model and is priced ``unpriced`` with that reason (docs/contracts.md "Unknown quantities")."""

from __future__ import annotations

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load
from estimator.model import UnknownCount, unknown_quantity
from estimator.pricing.engine import price_project
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "hcl" / "unknown_quantity"


def _load() -> object:
    return load(str(FIXTURE), LoadOptions(environ={}))


def test_unknown_count_and_for_each_keep_one_unpriced_stand_in() -> None:
    project = _load()
    costed = {c.address: c for c in price_project(project, None)}
    for address, meta in [("aws_instance.per_az[*]", "count"), ("aws_instance.cond[*]", "count"),
                          ("aws_instance.fe[*]", "for_each"), ("aws_instance.ref_other[*]", "count")]:
        item = costed[address]
        assert item.status == "unpriced" and item.monthly_cost is None, address
        assert f"{meta} is known only after apply" in item.reason
        assert isinstance(item.resource.index, UnknownCount)
    assert not any(a.startswith(("aws_instance.per_az[0]", "aws_instance.cond[0]")) for a in costed)
    assert costed["aws_instance.known[1]"].status == "priced"
    assert not project.errors


def test_length_of_an_unknown_for_each_resource_is_unknown_not_zero() -> None:
    costed = {c.address: c for c in price_project(_load(), None)}
    assert "length() of a value known only after apply" in costed["aws_instance.ref_other[*]"].reason


def test_dynamic_block_over_unknown_for_each_makes_the_resource_unpriced() -> None:
    project = _load()
    dyn = next(r for r in project.resources if r.address == "aws_instance.dyn")
    assert isinstance(dyn.attributes["ebs_block_device"], UnknownCount)
    assert unknown_quantity(dyn) is dyn.attributes["ebs_block_device"]
    item = next(c for c in price_project(project, None) if c.address == "aws_instance.dyn")
    assert item.status == "unpriced" and 'dynamic "ebs_block_device"' in item.reason


def test_module_with_unknown_count_marks_its_resources_and_outputs_unknown() -> None:
    project = _load()
    costed = {c.address: c for c in price_project(project, None)}
    inner = costed["module.per_az[*].aws_instance.in_mod[0]"]
    assert inner.status == "unpriced" and "module.per_az: count is known only after apply" in inner.reason
    assert costed["aws_instance.from_module"].status == "unpriced"  # module.per_az[0].itype is unknown
    warnings = [str(d) for d in project.warnings]
    assert any(w.startswith("main.tf:52:3: module.per_az: count is known only after apply") for w in warnings)
    assert not any("assuming 1" in w for w in warnings)


def test_static_block_after_an_unknown_dynamic_block_of_its_type_keeps_it_unknown() -> None:
    project = _load()
    res = next(r for r in project.resources if r.address == "aws_instance.dyn_and_static")
    assert isinstance(res.attributes["ebs_block_device"], UnknownCount)
    assert not project.errors


LT_WITH_UNKNOWN_COUNT = """
provider "aws" { region = "us-east-1" }
data "aws_subnets" "private" {}
resource "aws_launch_template" "lt" {
  count         = length(data.aws_subnets.private.ids) > 0 ? 1 : 0
  name_prefix   = "gpu"
  image_id      = "ami-1"
  instance_type = "p4d.24xlarge"
}
resource "aws_autoscaling_group" "g" {
  min_size            = 1
  max_size            = 100
  desired_capacity    = 1
  vpc_zone_identifier = data.aws_subnets.private.ids
  launch_template {
    id      = aws_launch_template.lt[0].id
    version = "$Latest"
  }
}
"""


def test_a_free_stand_in_stays_free_and_the_rules_follow_links_to_it(tmp_path) -> None:
    """A launch template of unknown count costs nothing (no false "unpriced", no false mandatory
    CR-TAG-001), and an ASG that uses ``lt[0]`` is judged through the stand-in ``lt[*]`` as pricing
    prices it (found by QA11: CR-GPU-003 went silent)."""
    from policies.engine import check_project

    (tmp_path / "main.tf").write_text(LT_WITH_UNKNOWN_COUNT)
    project = load(str(tmp_path), LoadOptions(environ={}))
    costed = price_project(project, None)
    by = {c.address: c for c in costed}
    assert by["aws_launch_template.lt[*]"].status == "free"
    assert by["aws_autoscaling_group.g"].max_monthly_cost is not None
    rules = {(f.rule, f.address) for f in check_project(project, costed, None)}
    assert ("CR-GPU-003", "aws_autoscaling_group.g") in rules
    assert ("CR-TAG-001", "aws_launch_template.lt[*]") not in rules
