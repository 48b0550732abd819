"""checkov's list-wrapped conf → our plain model, converted at the edge (no checkov needed)."""

from __future__ import annotations

from estimator.model import Unknown
from policies.checkov.costrail_convert import to_resource


def test_unwraps_attributes_blocks_and_maps() -> None:
    conf = {
        "instance_types": [["p4d.24xlarge"]],
        "capacity_type": ["ON_DEMAND"],
        "labels": [{"workload": "training"}],
        "tags": [{"env": "dev", "team": "ml"}],
        "scaling_config": [{"max_size": [4], "min_size": [0]}],
        "tag_specifications": [{"resource_type": ["instance"], "tags": [{"a": "b"}]},
                               {"resource_type": ["volume"], "tags": [{"a": "b"}]}],
        "image_id": ["${data.aws_ssm_parameter.ami.value}"],
        "__start_line__": 7,
        "__address__": "aws_eks_node_group.train",
    }
    res = to_resource(conf, "aws_eks_node_group", "main.tf")
    assert res.address == "aws_eks_node_group.train" and res.location is not None and res.location.line == 7
    assert res.attributes["instance_types"] == ["p4d.24xlarge"]
    assert res.attributes["capacity_type"] == "ON_DEMAND"
    assert res.attributes["labels"] == {"workload": "training"}
    assert res.get("scaling_config.max_size") == 4
    assert [b["resource_type"] for b in res.attributes["tag_specifications"]] == ["instance", "volume"]
    assert res.attributes["tag_specifications"][0]["tags"] == {"a": "b"}
    assert isinstance(res.attributes["image_id"], Unknown)
    assert res.tag_values == {"env": "dev", "team": "ml"}


def test_asg_tag_blocks_are_its_tags() -> None:
    """As the loaders read them (estimator.model.tag_blocks): the group's only tags."""
    conf = {
        "max_size": [3],
        "tag": [{"key": ["env"], "value": ["dev"], "propagate_at_launch": [True]},
                {"key": ["team"], "value": ["${var.team}"], "propagate_at_launch": [True]}],
        "__address__": "aws_autoscaling_group.asg",
    }
    res = to_resource(conf, "aws_autoscaling_group", "main.tf")
    assert res.tag_values["env"] == "dev"
    assert isinstance(res.tag_values["team"], Unknown)
    single = to_resource({"tag": [{"key": ["env"], "value": ["prod"]}]}, "aws_autoscaling_group")
    assert single.tag_values == {"env": "prod"}
