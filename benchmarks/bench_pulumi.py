"""Benchmark: a 200-resource Pulumi Python program, read by the program loader, whole process.

Goal (issue 4): < 5 s for the whole ``costrail`` process (interpreter start, the mock-runtime
subprocess — and its code-defaults twin, run in parallel — and the mapping). The generated
program has stack config (so both runs happen), a ComponentResource with an explicit provider,
``apply`` chains and 200 AWS resources (instances, volumes, launch templates, ASGs, S3, SageMaker).

    .venv/bin/python benchmarks/bench_pulumi.py [--resources 200] [--repeat 3] [--out F]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROGRAM_HEAD = '''import pulumi
import pulumi_aws as aws

config = pulumi.Config()
gpu_type = config.get("gpuType") or "p4d.24xlarge"
west = aws.Provider("west", region="us-west-2", default_tags={"tags": {"team": "bench"}})


class Pool(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("bench:index:Pool", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        lt = aws.ec2.LaunchTemplate(f"{name}-lt", instance_type=gpu_type, opts=child)
        aws.autoscaling.Group(f"{name}-asg", min_size=0, max_size=4,
                              launch_template={"id": lt.id, "version": "$Latest"}, opts=child)

'''

KINDS = (
    'box{i} = aws.ec2.Instance("box-{i}", ami="ami-0c2b0d3fb02824d92", instance_type="m6i.large", '
    'root_block_device={{"volume_size": 50}}, tags={{"n": "{i}"}})',
    'aws.ebs.Volume("vol-{i}", availability_zone="us-east-1a", size=box{j}.id.apply(lambda _: {i} + 10))',
    'Pool("pool-{i}", opts=pulumi.ResourceOptions(providers=[west]))',
    'aws.s3.Bucket("bucket-{i}", tags={{"n": "{i}"}})',
    'aws.sagemaker.NotebookInstance("nb-{i}", instance_type="ml.t3.medium", role_arn="arn:aws:iam::1:role/x")',
)


def write_program(root: Path, resources: int) -> None:
    """Write a program with about ``resources`` resources (a Pool is two)."""
    lines = [PROGRAM_HEAD]
    count = i = 0
    last_box = None
    while count < resources:
        kind = i % len(KINDS)
        if kind == 1 and last_box is None:
            kind = 0
        lines.append(KINDS[kind].format(i=i, j=last_box))
        if kind == 0:
            last_box = i
        count += 2 if kind == 2 else 1
        i += 1
    (root / "__main__.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "Pulumi.yaml").write_text("name: bench\nruntime: python\n", encoding="utf-8")
    (root / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n  bench:gpuType: g5.xlarge\n",
                                          encoding="utf-8")


def measure(root: Path) -> tuple[float, int]:
    code = ("import sys; from estimator.loaders import LoadOptions, load_project; "
            f"p = load_project({str(root)!r}, LoadOptions(stack='dev')); print(len(p.resources))")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pulumi-") as tmp:
        root = Path(tmp)
        write_program(root, args.resources)
        runs = [measure(root) for _ in range(args.repeat)]
    seconds = [s for s, _ in runs]
    result = {"benchmark": "pulumi-program", "resources": runs[0][1], "repeat": args.repeat,
              "median_s": round(statistics.median(seconds), 3), "max_s": round(max(seconds), 3),
              "goal_s": 5.0, "ok": max(seconds) < 5.0}
    print(json.dumps(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
