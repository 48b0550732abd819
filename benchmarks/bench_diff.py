"""Benchmark: ``costrail diff --base-ref`` where 1 of 300 .tf files changed, against a full run.

Goal (issue 5): the diff must not cost twice a full ``breakdown`` of the same tree, because
what did not change is reused: whole projects whose inputs did not change take the head's
result as their base, and inside a changed project unchanged files come from the parsed-file
cache (keyed by content, shared by base and head).

Two layouts of 300 files each: one project of 300 files, and 30 projects of 10 files (listed
in ``.costrail.yml`` ``projects:``). Each measurement starts from an empty cache directory.

    .venv/bin/python benchmarks/bench_diff.py [--files 300] [--projects 1,30] [--repeat 3] [--out F]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "TF_CLI_CONFIG_FILE": "/dev/null",
}
INSTANCE_TYPES = ["m5.large", "c5.xlarge", "g5.xlarge", "t3.medium", "r5.large"]


def tf_file(project: int, index: int, instance_type: str) -> str:
    """One file: a variable, an instance with a root volume, and an EBS volume."""
    name = f"p{project}_f{index}"
    return f'''variable "{name}_type" {{
  type    = string
  default = "{instance_type}"
}}

resource "aws_instance" "{name}" {{
  ami           = "ami-0123456789abcdef0"
  instance_type = var.{name}_type
  tags = {{
    Name          = "{name}"
    "cost-center" = "cc-{1000 + project}"
    team          = "team-{index % 7}"
    env           = "prod"
  }}
  root_block_device {{
    volume_type = "gp3"
    volume_size = {20 + index % 50}
  }}
}}

resource "aws_ebs_volume" "{name}_data" {{
  availability_zone = "us-east-1a"
  size              = {100 + index}
  type              = "gp3"
  tags = {{
    "cost-center" = "cc-{1000 + project}"
    team          = "team-{index % 7}"
    env           = "prod"
  }}
}}
'''


PROVIDER = '''provider "aws" {
  region = "us-east-1"
}
'''


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=GIT_ENV)


def make_repo(root: Path, files: int, projects: int) -> tuple[list[str], Path]:
    """A git repo: base commit of FILES files in PROJECTS projects, then one file changed (uncommitted)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    per_project = files // projects
    paths = []
    for p in range(projects):
        pdir = root / "stacks" / f"p{p:02d}"
        pdir.mkdir(parents=True)
        (pdir / "providers.tf").write_text(PROVIDER)
        for i in range(per_project):
            (pdir / f"f{i:03d}.tf").write_text(tf_file(p, i, INSTANCE_TYPES[i % len(INSTANCE_TYPES)]))
        paths.append(f"stacks/p{p:02d}")
    if projects > 1:
        lines = ["version: 1", "projects:"] + [f"  - {{path: {p}}}" for p in paths]
        (root / ".costrail.yml").write_text("\n".join(lines) + "\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    changed = root / "stacks" / "p00" / "f000.tf"
    changed.write_text(changed.read_text().replace('default = "m5.large"', 'default = "m5.2xlarge"'))
    return paths, changed


def timed(args: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds of the child and its git subprocesses, process).

    CPU time is reported beside wall time because the machine may be shared: it is what the
    work costs, whatever else is running.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=GIT_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def costrail() -> list[str]:
    """The command measured: ``COSTRAIL_BENCH_CMD`` (split on spaces) or the venv's ``costrail``."""
    if os.environ.get("COSTRAIL_BENCH_CMD"):
        return os.environ["COSTRAIL_BENCH_CMD"].split()
    exe = Path(sys.executable).parent / "costrail"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "estimator"]


def measure(files: int, projects: int, repeat: int) -> dict[str, object]:
    full_times, diff_times, full_cpu, diff_cpu = [], [], [], []
    detail: dict[str, object] = {}
    for _ in range(repeat):
        tmp = Path(tempfile.mkdtemp(prefix="costrail-bench-diff-"))
        try:
            repo = tmp / "repo"
            paths, _ = make_repo(repo, files, projects)
            target = [] if projects > 1 else paths
            cache_full, cache_diff = tmp / "cache-full", tmp / "cache-diff"
            t_full, c_full, full = timed([*costrail(), "breakdown", *target, "--format", "json", "--cache-dir", str(cache_full)], repo)
            t_diff, c_diff, diff = timed(
                [*costrail(), "diff", *target, "--base-ref", "HEAD", "--format", "json", "--cache-dir", str(cache_diff)],
                repo,
            )
            if full.returncode != 0 or diff.returncode not in (0, 1):
                raise SystemExit(f"costrail failed:\n{full.stderr[-2000:]}\n{diff.stderr[-2000:]}")
            doc = json.loads(diff.stdout)["diff"]
            detail = {
                "changed_resources": len(doc["resources"]),
                "delta_monthly_cost": doc["delta_monthly_cost"],
            }
            full_times.append(t_full)
            diff_times.append(t_diff)
            full_cpu.append(c_full)
            diff_cpu.append(c_diff)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    full_s, diff_s = statistics.median(full_times), statistics.median(diff_times)
    full_c, diff_c = statistics.median(full_cpu), statistics.median(diff_cpu)
    return {
        "files": files,
        "projects": projects,
        "full_breakdown_s": round(full_s, 3),
        "diff_s": round(diff_s, 3),
        "ratio": round(diff_s / full_s, 2),
        "full_breakdown_cpu_s": round(full_c, 3),
        "diff_cpu_s": round(diff_c, 3),
        "cpu_ratio": round(diff_c / full_c, 2),
        "goal": "ratio < 2.0",
        **detail,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--projects", default="1,30", help="comma-separated project counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    args = parser.parse_args()
    results = [measure(args.files, int(p), args.repeat) for p in args.projects.split(",")]
    for r in results:
        print(
            f"{r['files']} files in {r['projects']} project(s): breakdown {r['full_breakdown_s']}s "
            f"(cpu {r['full_breakdown_cpu_s']}s), diff {r['diff_s']}s (cpu {r['diff_cpu_s']}s), "
            f"ratio {r['ratio']} (cpu {r['cpu_ratio']}; goal < 2.0)"
        )
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
