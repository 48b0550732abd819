"""An Optional+Computed argument the user did not set is ``after_unknown`` in a real plan; the
plan loader reads it as not set, as the HCL reader does, and keeps a value the user set to
something unknown as ``Unknown`` (QA17a plan_computed_optional_partial).

``computed_optional.plan.json`` is ``terraform show -json`` of ``computed_optional_hcl`` (terraform
1.11, hashicorp/aws 5.100.0 from a local plugin dir, ``-refresh=false``; credentials removed)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load as load_hcl
from estimator.loaders.terraform_plan import load as load_plan
from estimator.model import Project, Unknown
from estimator.pricing.engine import price_project
from tests.conftest import FIXTURES

PLANS = FIXTURES / "plans"


def _plan() -> Project:
    return load_plan(str(PLANS / "computed_optional.plan.json"), LoadOptions(environ={}))


def _costs(project: Project) -> dict[str, tuple[Any, ...]]:
    return {c.address: (c.status, c.monthly_cost, [(x.name, x.quantity, x.monthly_cost, x.unpriced_reason)
                                                   for x in c.components if not x.usage_based])
            for c in price_project(project, None)}


def test_unset_computed_arguments_read_as_not_set() -> None:
    res = {r.address: r for r in _plan().resources}
    domain = res["aws_opensearch_domain.os"]
    assert domain.get("ebs_options[0].iops") is None and domain.get("ebs_options[0].throughput") is None
    assert domain.get("ebs_options[0].volume_size") == 500
    assert res["aws_vpc_endpoint.ep"].attributes["subnet_ids"] is None
    for i in (0, 1):  # count: one configuration for both instances, in a module
        inner = res[f"module.search.aws_opensearch_domain.this[{i}]"]
        assert inner.get("ebs_options[0].throughput") is None


def test_a_value_set_to_something_unknown_stays_unknown() -> None:
    res = {r.address: r for r in _plan().resources}
    throughput = res["aws_opensearch_domain.set_unknown"].get("ebs_options[0].throughput")
    assert isinstance(throughput, Unknown) and throughput.ref == "aws_ssm_parameter.tp"
    assert res["aws_opensearch_domain.set_unknown"].get("ebs_options[0].iops") is None  # not written
    endpoint_of = res["aws_vpc_endpoint_subnet_association.b"].attributes["vpc_endpoint_id"]
    assert isinstance(endpoint_of, Unknown) and endpoint_of.ref == "aws_vpc_endpoint.ep"


def test_plan_prices_as_the_hcl_does() -> None:
    hcl = _costs(load_hcl(str(PLANS / "computed_optional_hcl"), LoadOptions(environ={})))
    plan = _costs(_plan())
    assert plan == hcl
    # c4.2xlarge.search $0.587/h x 730 x 2 + 500 GB x $0.122 (opensearch_us_east_1.csv): no baseline lines
    assert plan["aws_opensearch_domain.os"] == ("priced", Decimal("979.020"), [
        ("Instance (c4.2xlarge.search)", Decimal(1460), Decimal("857.020"), None),
        ("Storage (gp3)", Decimal(500 * 2), Decimal("122.000"), None)])
    # 2 associated subnets x 730 h x $0.01 (HCL's number)
    assert plan["aws_vpc_endpoint.ep"][2] == [("Endpoint (Interface, 2 AZ)", Decimal(1460), Decimal("14.60"), None)]
    assert plan["module.search.aws_opensearch_domain.this[1]"][0] == "priced"
    status, _cost, lines = plan["aws_opensearch_domain.set_unknown"]
    assert status == "partial" and lines[-1] == (
        "Throughput above baseline (gp3)", None, None, "ebs_options.throughput is known only after apply")


def _one(tmp_path: Path, after: dict[str, Any], unknown: dict[str, Any], expressions: dict[str, Any]) -> Any:
    rc = {"address": "aws_opensearch_domain.d", "mode": "managed", "type": "aws_opensearch_domain", "name": "d",
          "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}}
    conf = {"address": "aws_opensearch_domain.d", "mode": "managed", "type": "aws_opensearch_domain", "name": "d",
            "expressions": expressions}
    plan = {"format_version": "1.2", "resource_changes": [rc], "configuration": {"root_module": {"resources": [conf]}}}
    (tmp_path / "p.json").write_text(json.dumps(plan), encoding="utf-8")
    [res] = load_plan(str(tmp_path / "p.json"), LoadOptions(environ={})).resources
    return res


def test_dynamic_blocks_stay_unknown(tmp_path: Path) -> None:
    """Plans leave ``dynamic`` blocks out of ``expressions``: what is unknown in them stays unknown."""
    after = {"ebs_options": [{"volume_type": "gp3", "volume_size": 10}]}
    res = _one(tmp_path, after, {"ebs_options": [{"throughput": True}]}, {"domain_name": {"constant_value": "d"}})
    assert isinstance(res.get("ebs_options[0].throughput"), Unknown)
    # a wholly unknown block the configuration does not write is read as not set; written, it stays unknown
    res = _one(tmp_path, {}, {"ebs_options": True}, {"ebs_options": [{"volume_type": {"constant_value": "gp3"}}]})
    assert isinstance(res.attributes["ebs_options"], Unknown)
    # more blocks than written statically: some are dynamic, so none is judged
    two = {"ebs_options": [{"volume_type": "gp3"}, {"volume_type": "gp3"}]}
    res = _one(tmp_path, two, {"ebs_options": [{"throughput": True}, {"throughput": True}]},
               {"ebs_options": [{"volume_type": {"constant_value": "gp3"}}]})
    assert isinstance(res.get("ebs_options[1].throughput"), Unknown)
    assert isinstance(res.get("ebs_options[0].throughput"), Unknown)


def test_set_blocks_count_a_key_any_written_block_sets(tmp_path: Path) -> None:
    """Set blocks come back reordered: a key one written block sets is kept unknown in all of them."""
    two = {"ebs_options": [{"volume_type": "gp3"}, {"volume_type": "gp3"}]}
    exprs = {"ebs_options": [{"volume_type": {"constant_value": "gp3"}},
                             {"volume_type": {"constant_value": "gp3"}, "iops": {"references": ["var.x"]}}]}
    res = _one(tmp_path, two, {"ebs_options": [{"iops": True, "throughput": True}, {"iops": True}]}, exprs)
    assert isinstance(res.get("ebs_options[0].iops"), Unknown) and isinstance(res.get("ebs_options[1].iops"), Unknown)
    assert res.get("ebs_options[0].throughput") is None


def test_a_dynamic_block_with_an_unknown_for_each_stays_unknown() -> None:
    """A block the provider never computes is wholly unknown in a plan only as a dynamic block whose
    for_each is known after apply (plans leave those out of the configuration): unknown, never "not
    set" (QA18a: a node group's dynamic launch_template read as AWS's t3.medium default, $129 for
    ~$16.5k of g5.12xlarge; an ASG's dynamic tags as no tags, a false mandatory CR-TAG-001)."""
    from estimator.config import Config
    from policies.engine import check_project

    plans = PLANS / "dynamic_unknown"
    group = load_plan(str(plans / "nodegroup.plan.json"), LoadOptions(environ={}))
    (node_group,) = [c for c in price_project(group, None) if c.resource.type == "aws_eks_node_group"]
    assert node_group.status == "unpriced" and "launch_template is known only after apply" in (node_group.reason or "")
    asg = load_plan(str(plans / "asg_tags.plan.json"), LoadOptions(environ={}))
    assert isinstance(next(r for r in asg.resources if r.type == "aws_autoscaling_group").attributes["tag"], Unknown)
    assert not [f for f in check_project(asg, price_project(asg, None), Config()) if f.rule == "CR-TAG-001"]


def test_unknown_tag_values_make_tags_unknown_never_missing_nor_the_defaults() -> None:
    """Two real-provider behaviours (QA18a): provider default_tags with an unknown value are planned
    out of a known tags_all (the resource's own tags only), and one unknown value in a resource's own
    tags makes its whole map unknown, so the provider's env=dev must not stand in for its env=prod."""
    from estimator.config import Config
    from estimator.model import unknown_tags
    from policies.engine import check_project

    plans = PLANS / "dynamic_unknown"
    for name in ("default_tags_unknown", "own_tags_unknown"):
        project = load_plan(str(plans / f"{name}.plan.json"), LoadOptions(environ={}))
        costed = price_project(project, None)
        config = Config()
        config.gpu.max_gpus = {"default": 8, "dev": 1}
        config.allowed_tag_values = {"env": ["prod", "staging"]}
        rules = {f.rule for f in check_project(project, costed, config)}
        assert not rules & {"CR-TAG-001", "CR-TAG-002", "CR-TAG-004", "CR-GPU-001"}, (name, rules)
        tagged = [r for r in project.resources if r.type == "aws_instance"]
        assert tagged and all(unknown_tags(r) is not None for r in tagged), name


def test_a_root_variable_default_reaches_a_module_resource_through_the_module_call() -> None:
    """stacks/rag-inference's var.gpu_instance_type default feeds module.embedder's instance type: the
    plan records the call's argument, so CR-GPU-001 sees the default there as it does from HCL (QA18a)."""
    project = load_plan(str(PLANS / "dynamic_unknown" / "module_default.plan.json"), LoadOptions(environ={}))
    (embedder,) = [r for r in project.resources if r.address == "module.embedder[0].aws_instance.this"]
    (ref,) = embedder.defaults_for("instance_type")
    assert (ref.name, ref.value) == ("var.gpu_instance_type", "g5.12xlarge")
