"""Time the plan JSON loader on a generated `terraform show -json` plan (one run).

Run: .venv/bin/python benchmarks/bench_plan_load.py [--resources 20000]
Prints resources, bytes, seconds and MB/s. The work is linear: one json.loads, one regex
scan for address lines, one pass over resource_changes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator.loaders import LoadOptions  # noqa: E402
from estimator.loaders.terraform_plan import load  # noqa: E402


def plan(resources: int) -> dict:
    changes, planned, configs = [], [], {}
    for i in range(resources):
        module = f"module.m{i % 50}[{i % 3}]"
        address = f'{module}.aws_instance.gpu["k{i}"]'
        after = {"instance_type": "g5.xlarge", "ami": "ami-123", "tags": {"model": "m"},
                 "tags_all": {"model": "m", "team": "ml", "env": "dev"},
                 "root_block_device": [{"volume_size": 100, "volume_type": "gp3"}]}
        changes.append({"address": address, "module_address": module, "mode": "managed", "type": "aws_instance",
                        "name": "gpu", "index": f"k{i}", "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {"id": True, "arn": True, "root_block_device": [{"iops": True}]}}})
        planned.append({"address": address, "mode": "managed", "type": "aws_instance", "name": "gpu",
                        "index": f"k{i}", "values": after})
        configs[f"m{i % 50}"] = {"source": "./m", "module": {"resources": [{
            "address": "aws_instance.gpu", "mode": "managed", "type": "aws_instance", "name": "gpu",
            "provider_config_key": "aws", "expressions": {"instance_type": {"references": ["var.type"]}}}],
            "variables": {"type": {"default": "g5.12xlarge"}}}}
    return {"format_version": "1.2", "planned_values": {"root_module": {"child_modules": [{"resources": planned}]}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
                "region": {"constant_value": "us-west-2"}}}}, "root_module": {"module_calls": configs}}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(plan(args.resources), indent=2), encoding="utf-8")
        size = path.stat().st_size
        start = time.perf_counter()
        project = load(str(path), LoadOptions(environ={}))
        seconds = time.perf_counter() - start
    print(f"resources={len(project.resources)} bytes={size} seconds={seconds:.2f} MB/s={size / 1e6 / seconds:.1f}")


if __name__ == "__main__":
    main()
