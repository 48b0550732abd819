"""GPU types set in a launch template: node groups and ASGs that launch them are judged like ones with
``instance_types`` (CR-GPU-002, CR-GPU-007, CR-BUD-001; found by QA12)."""

from __future__ import annotations

from tests.policies.helpers import run, where

FIXTURE = "gpu-launch-template"


def test_gpu002_node_group_typed_by_its_launch_template() -> None:
    assert where(run("CR-GPU-002", FIXTURE)) == {("aws_eks_node_group.train_on_demand", "main.tf:12")}


def test_gpu007_node_group_and_asg_typed_by_their_launch_template() -> None:
    findings = run("CR-GPU-007", FIXTURE)
    assert where(findings) == {("aws_eks_node_group.llm_8b", "main.tf:53"),
                               ("aws_autoscaling_group.llm_asg", "main.tf:70")}
    for finding in findings:  # the message says where the type is written
        assert finding.message.startswith("aws_launch_template.big.instance_type = p4d.24xlarge has 320 GiB")
        assert finding.monthly_saving is not None and finding.monthly_saving > 0


def test_bud001_lists_node_groups_and_asgs_typed_by_their_launch_template() -> None:
    (finding,) = run("CR-BUD-001", FIXTURE)
    assert {"aws_eks_node_group.train_on_demand", "aws_eks_node_group.train_spot", "aws_eks_node_group.llm_8b",
            "aws_autoscaling_group.llm_asg", "aws_eks_node_group.old_gpu"} <= set(finding.extra["gpu_resources"])


def test_gpu005_previous_generation_is_reported_once_where_the_type_is_written() -> None:
    """The launch template itself names the p3 type: one finding there, not one more per node group using it."""
    assert where(run("CR-GPU-005", FIXTURE)) == {("aws_launch_template.old", "main.tf:83")}
