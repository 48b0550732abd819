"""Benchmark: pricing 10,000 resources (goal: adds < 0.5 s) and the catalog's first load (< 100 ms).

Not a test (no timed assertions in tests): run ``.venv/bin/python benchmarks/bench_pricing.py``.
The project is built in memory (a mix of instances, volumes, groups, endpoints, usage-priced
and unsupported types) so only pricing is measured, not a loader.
"""

from __future__ import annotations

import time

from estimator.model import Project, Resource, Unknown

N = 10_000
TYPES = ("m5.large", "g5.xlarge", "c5.2xlarge", "p4d.24xlarge", "t3.medium", "r5.large")


def build(n: int) -> Project:
    resources: list[Resource] = []
    for i in range(n):
        kind = i % 10
        if kind < 4:
            r = Resource(f"aws_instance.i{i}", "aws_instance", f"i{i}",
                         {"instance_type": TYPES[i % len(TYPES)], "root_block_device": {"volume_size": 50, "volume_type": "gp3"}},
                         region="us-east-1" if i % 3 else "eu-west-1")
        elif kind == 4:
            r = Resource(f"aws_ebs_volume.v{i}", "aws_ebs_volume", f"v{i}", {"type": "gp3", "size": 100, "iops": 4000},
                         region="us-east-1")
        elif kind == 5:
            r = Resource(f"aws_autoscaling_group.g{i}", "aws_autoscaling_group", f"g{i}",
                         {"desired_capacity": 2, "max_size": 5, "launch_template": {"id": Unknown(ref="aws_launch_template.lt")}},
                         region="us-east-1")
        elif kind == 6:
            r = Resource(f"aws_lambda_function.f{i}", "aws_lambda_function", f"f{i}", {"memory_size": 512}, region="us-east-1")
        elif kind == 7:
            r = Resource(f"aws_nat_gateway.n{i}", "aws_nat_gateway", f"n{i}", {}, region="us-east-1")
        elif kind == 8:
            r = Resource(f"aws_security_group.s{i}", "aws_security_group", f"s{i}", {}, region="us-east-1")
        else:
            r = Resource(f"aws_kinesis_stream.k{i}", "aws_kinesis_stream", f"k{i}", {}, region="us-east-1")
        resources.append(r)
    resources.append(Resource("aws_launch_template.lt", "aws_launch_template", "lt", {"instance_type": "g5.xlarge"},
                              region="us-east-1"))
    return Project(path="bench", source="terraform-hcl", resources=resources)


def main() -> None:
    t0 = time.perf_counter()
    from estimator.pricing import catalog

    catalog.ec2_hourly("m5.large")
    load_s = time.perf_counter() - t0
    from estimator.pricing.engine import price_project

    project = build(N)
    t1 = time.perf_counter()
    costed = price_project(project, None)
    price_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    price_project(project, None)
    warm_s = time.perf_counter() - t2
    print(f"catalog import + first lookup: {load_s * 1000:.1f} ms (goal < 100 ms)")
    print(f"pricing {len(costed):,} resources: {price_s:.3f} s first run, {warm_s:.3f} s warm (goal < 0.5 s)")


if __name__ == "__main__":
    main()
