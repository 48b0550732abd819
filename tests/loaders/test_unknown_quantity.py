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
