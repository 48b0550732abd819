"""GPU inference workers: a launch template and an Auto Scaling group behind one component."""

import pulumi
import pulumi_aws as aws


class GpuWorkers(pulumi.ComponentResource):
    """Self-managed vLLM workers on G5/G6 instances, in the region of the provider passed in."""

    def __init__(self, name: str, instance_type: str, max_size: int, desired: int,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm:index:GpuWorkers", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.launch_template = aws.ec2.LaunchTemplate(
            f"{name}-lt",
            image_id="ami-0c2b0d3fb02824d92",
            instance_type=instance_type,
            block_device_mappings=[{
                "device_name": "/dev/xvda",
                "ebs": {"volume_size": 200, "volume_type": "gp3"},
            }],
            tag_specifications=[{
                "resource_type": "instance",
                "tags": {"model": "llama-3-8b", "workload": "inference"},
            }],
            tags={"model": "llama-3-8b", "workload": "inference"},
            opts=child,
        )
        self.group = aws.autoscaling.Group(
            f"{name}-asg",
            min_size=1,
            max_size=max_size,
            desired_capacity=desired,
            vpc_zone_identifiers=["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
            mixed_instances_policy={
                "launch_template": {
                    "launch_template_specification": {
                        "launch_template_id": self.launch_template.id,
                        "version": "$Latest",
                    },
                    "overrides": [{"instance_type": instance_type}, {"instance_type": "g6.xlarge"}],
                },
                "instances_distribution": {"on_demand_base_capacity": 1,
                                           "on_demand_percentage_above_base_capacity": 0},
            },
            tags=[
                {"key": "cost-center", "value": "ml-platform", "propagate_at_launch": True},
                {"key": "team", "value": "llm", "propagate_at_launch": True},
                {"key": "env", "value": "dev", "propagate_at_launch": True},
                {"key": "model", "value": "llama-3-8b", "propagate_at_launch": True},
            ],
            opts=child,
        )
        self.register_outputs({"group_name": self.group.name})
