"""Time every rule of the finops-ai pack over a synthetic 10,000-resource project (target: < 1 s).

Run: .venv/bin/python benchmarks/bench_policies.py [--resources 10000]
The mix follows an AI stack: GPU instances, ASGs with launch templates and CPU scaling
policies, SageMaker endpoints with autoscaling, notebooks, HTTP APIs with stages, volumes, log
groups, tags; 13 resources per group, every rule has work to do.
Prints resources, findings and seconds (best of 3); exits 1 when over the target.
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator.config import Config  # noqa: E402
from estimator.cost_model import CostComponent, CostedResource  # noqa: E402
from estimator.model import Location, Project, Resource, Tag, Unknown  # noqa: E402
from policies.engine import check_project  # noqa: E402

GPU = ["g5.xlarge", "g5.12xlarge", "p4d.24xlarge", "g6e.2xlarge", "p3.2xlarge", "m7i.large"]


def synthetic(n: int) -> tuple[Project, list[CostedResource]]:
    resources: list[Resource] = []
    i = 0
    while len(resources) < n:
        tags = {"team": Tag("ml", "default_tags"), "env": Tag(["dev", "prod", "qa"][i % 3])}
        if i % 4:
            tags["cost-center"] = Tag("cc-1234")
        if i % 5 == 0:
            tags["model-params"] = Tag("8b")
            tags["quantization"] = Tag("int4")
        loc = Location(f"f{i % 50}.tf", i % 400 + 1)
        itype = GPU[i % len(GPU)]
        resources += [
            Resource(f"aws_instance.i{i}", "aws_instance", f"i{i}", {"instance_type": itype,
                     "root_block_device": [{"volume_type": "gp2" if i % 2 else "gp3"}]}, "us-east-1", tags, loc),
            Resource(f"aws_launch_template.lt{i}", "aws_launch_template", f"lt{i}",
                     {"name": f"lt{i}", "instance_type": itype}, "us-east-1", tags, loc),
            Resource(f"aws_autoscaling_group.g{i}", "aws_autoscaling_group", f"g{i}",
                     {"name": f"g{i}", "max_size": 10, "launch_template": [{"id": Unknown(ref=f"aws_launch_template.lt{i}")}],
                      "tag": [{"key": "workload", "value": "training", "propagate_at_launch": i % 3 == 0}]},
                     "us-east-1", tags, loc),
            Resource(f"aws_autoscaling_policy.p{i}", "aws_autoscaling_policy", f"p{i}",
                     {"autoscaling_group_name": f"g{i}", "target_tracking_configuration": [
                         {"predefined_metric_specification": [{"predefined_metric_type": "ASGAverageCPUUtilization"}]}]},
                     "us-east-1", tags, loc, taggable=False),
            Resource(f"aws_cloudwatch_log_group.l{i}", "aws_cloudwatch_log_group", f"l{i}",
                     {"retention_in_days": 30 if i % 2 else None}, "us-east-1", tags, loc),
            Resource(f"aws_apigatewayv2_api.a{i}", "aws_apigatewayv2_api", f"a{i}", {"protocol_type": "HTTP"},
                     "us-east-1", {**tags, "workload": Tag("inference")}, loc),
            Resource(f"aws_apigatewayv2_stage.s{i}", "aws_apigatewayv2_stage", f"s{i}",
                     {"api_id": Unknown(ref=f"aws_apigatewayv2_api.a{i}"),
                      "default_route_settings": [{"throttling_rate_limit": 10}] if i % 2 else []},
                     "us-east-1", tags, loc),
            Resource(f"aws_sagemaker_endpoint_configuration.c{i}", "aws_sagemaker_endpoint_configuration", f"c{i}",
                     {"name": f"c{i}", "production_variants": [{"instance_type": "ml.g5.2xlarge",
                                                               "initial_instance_count": 1}]}, "us-east-1", tags, loc),
            Resource(f"aws_sagemaker_endpoint.e{i}", "aws_sagemaker_endpoint", f"e{i}",
                     {"name": f"e{i}", "endpoint_config_name": f"c{i}"}, "us-east-1", tags, loc),
            Resource(f"aws_appautoscaling_target.t{i}", "aws_appautoscaling_target", f"t{i}",
                     {"service_namespace": "sagemaker", "resource_id": f"endpoint/e{i}/variant/main",
                      "max_capacity": 20}, "us-east-1", tags, loc, taggable=False),
            Resource(f"aws_appautoscaling_policy.ap{i}", "aws_appautoscaling_policy", f"ap{i}",
                     {"service_namespace": "sagemaker", "resource_id": f"endpoint/e{i}/variant/main",
                      "target_tracking_scaling_policy_configuration": [{"customized_metric_specification": [
                          {"metric_name": "CPUUtilization"}]}]}, "us-east-1", tags, loc, taggable=False),
            Resource(f"aws_sagemaker_notebook_instance.n{i}", "aws_sagemaker_notebook_instance", f"n{i}",
                     {"instance_type": "ml.g5.xlarge"}, "us-east-1", tags, loc),
            Resource(f"aws_ebs_volume.v{i}", "aws_ebs_volume", f"v{i}", {"type": "gp2", "size": 100},
                     "us-east-1", tags, loc),
        ]
        i += 1
    resources = resources[:n]
    costed = []
    for res in resources:
        comps = [CostComponent("Instance usage", "hours", Decimal(730), Decimal("1.006"))] \
            if res.type in ("aws_instance", "aws_autoscaling_group") else []
        costed.append(CostedResource(res, comps, status="priced" if comps else "free"))
    return Project("bench", "terraform-hcl", resources, root=""), costed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()
    project, costed = synthetic(args.resources)
    config = Config()
    config.budgets.max_exposure_usd = Decimal(50_000)
    check_project(project, costed, config)  # warm caches (GPU specs, pack files)
    best = None
    findings = []
    for _ in range(3):
        start = time.perf_counter()
        findings = check_project(project, costed, config)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    assert best is not None
    print(f"resources={len(project.resources)} findings={len(findings)} seconds={best:.3f} target<1.0")
    return 0 if best < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
