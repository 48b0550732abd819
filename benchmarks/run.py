"""Whole-process benchmark of the costrail CLI against ``terraform fmt -check`` (and checkov).

    .venv/bin/python benchmarks/run.py --sizes 30,300 [--repeat 5] [--skip-checkov] [--json F]

For each size a tree is generated (``generate.py``, seeded), then every command is run
``--repeat`` times, interleaved (fmt, breakdown, check, diff, ... then again), each as its own
process, timing wall clock and reading the child's peak RSS from ``wait4``. Reported: the
median, the ratio to ``terraform fmt -check -recursive`` on the same tree, and the targets of
issue 6 (breakdown <= 1.5x fmt; check >= 30x faster than checkov; a one-file-changed diff <=
0.3x a cold breakdown; peak RSS < 500 MB). Cold runs get a fresh empty ``--cache-dir``; the
diff runs against a cache warmed by the base tree, with one file of the head changed.

checkov runs when ``COSTRAIL_CHECKOV_VENV`` or ``.venv-checkov`` holds it (``--skip-checkov``
to skip; ``--checkov-repeat`` runs, default 1: it takes about a minute on 300 files). A command that fails is reported with its
exit code and first stderr line, not silently timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
LOAD_ONLY = (
    "import gc, sys; gc.disable(); from estimator.loaders import LoadOptions, load_project; "
    "p = load_project(sys.argv[1], LoadOptions(parser=sys.argv[2] or None, cache_dir=sys.argv[3])); "
    "print(len(p.resources))"
)

# exit codes that mean "ran to completion": check/diff exit 1 on a mandatory finding or budget,
# fmt -check exits 3 when a file would be reformatted, checkov 1 when a check fails
OK_CODES = {"breakdown": (0,), "check": (0, 1), "diff": (0, 1), "terraform fmt -check": (0, 3), "checkov -d": (0, 1)}


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def run_once(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS (KiB) of the child process, exit code, last stderr line."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = stderr.decode("utf-8", "replace")
    lines = text.strip().splitlines()
    last = lines[-1] if lines else ""
    if "Traceback (most recent call last)" in text:
        last = "traceback: " + last
    return seconds, int(usage.ru_maxrss), proc.returncode, last


CHECKOV_OWN = "checkov -d, costrail's rules only"


def adapted_rule_ids() -> list[str]:
    """The rule ids the checkov adapter registers (read from its source: checkov is not importable here)."""
    text = (REPO / "policies" / "checkov" / "costrail_checks.py").read_text(encoding="utf-8")
    block = text.split("ADAPTED", 1)[1].split("}", 1)[0]
    return re.findall(r'"(CR-[A-Z]+-\d+)":', block)


def checkov_bin() -> str | None:
    for venv in (os.environ.get("COSTRAIL_CHECKOV_VENV"), str(REPO / ".venv-checkov")):
        if venv and (Path(venv) / "bin" / "checkov").exists():
            return str(Path(venv) / "bin" / "checkov")
    return None


def costrail() -> list[str]:
    exe = REPO / ".venv" / "bin" / "costrail"
    return [str(exe)] if exe.exists() else [PY, "-m", "estimator"]


def _git_repo(base: Path, repo: Path, changed: Path) -> Path:
    """A git repository holding the base tree in HEAD and the changed file in its working tree."""
    shutil.rmtree(repo, ignore_errors=True)
    tree = repo / "infra"
    shutil.copytree(base, tree)
    git = ["git", "-C", str(repo), "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    shutil.copy(changed, tree / changed.name)
    return tree


def bench_size(files: int, repeat: int, work: Path, with_checkov: bool, parser: str | None,
               checkov_repeat: int = 1, only: list[str] | None = None) -> dict:
    base = work / f"tree{files}"
    head = work / f"tree{files}-head"
    for d in (base, head):
        shutil.rmtree(d, ignore_errors=True)
    stats = generate(base, files)
    shutil.copytree(base, head)
    changed = head / "svc0001.tf"
    changed.write_text(changed.read_text().replace("initial_instance_count = 1", "initial_instance_count = 2"))
    warm = work / f"cache{files}-warm"
    shutil.rmtree(warm, ignore_errors=True)
    base_json = work / f"base{files}.json"
    parser_opt = ["--parser", parser] if parser else []
    cli = costrail()
    if not only or any("diff" in w for w in only):
        # base report for diff --compare-to, which also warms the cache with every base file
        subprocess.run([*cli, "breakdown", str(base), "--format", "json", "--out-file", str(base_json),
                        "--cache-dir", str(warm), *parser_opt], capture_output=True)

    repo = work / f"repo{files}"
    if not only or any("base-ref" in w or w == "diff" for w in only):
        repo_tree = _git_repo(base, repo, changed)
    tf_env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    commands: dict[str, tuple[list[str], Path | None, dict | None, bool]] = {}  # name -> argv, cwd, env, cold
    if shutil.which("terraform"):
        commands["terraform fmt -check"] = (["terraform", "fmt", "-check", "-recursive"], base, tf_env, False)
    commands["costrail breakdown (cold)"] = ([*cli, "breakdown", str(base), "--format", "json", *parser_opt],
                                             None, None, True)
    commands["costrail check (cold)"] = ([*cli, "check", str(base), "--format", "json", *parser_opt], None, None, True)
    # each tool's default human output, as checkov's row below prints its own (no 4 MB JSON report)
    commands["costrail check (cold, table output)"] = ([*cli, "check", str(base), *parser_opt], None, None, True)
    commands["costrail diff, 1 file changed"] = (
        [*cli, "diff", str(head), "--compare-to", str(base_json), "--format", "json", "--cache-dir", str(warm),
         *parser_opt], None, None, False)
    # what the pull-request job renders: the Markdown comment
    commands["costrail diff, 1 file changed (markdown)"] = (
        [*cli, "diff", str(head), "--compare-to", str(base_json), "--format", "markdown", "--cache-dir", str(warm),
         *parser_opt], None, None, False)
    if not only or any("base-ref" in w or w == "diff" for w in only):
        # the pull-request job: base read from git (a worktree), head with one file changed
        base_ref = [*cli, "diff", str(repo_tree), "--base-ref", "HEAD", "--format", "json", *parser_opt]
        commands["costrail diff --base-ref, 1 file changed (cold)"] = (base_ref, None, None, True)
        commands["costrail diff --base-ref, 1 file changed (warm)"] = (
            [*base_ref, "--cache-dir", str(work / f"cache{files}-repo")], None, None, False)
    commands["load only (parse+evaluate, cold)"] = ([PY, "-c", LOAD_ONLY, str(base), parser or ""], None, None, True)
    checkov = checkov_bin() if with_checkov else None
    if checkov:
        commands["checkov -d"] = ([checkov, "-d", str(base), "--framework", "terraform", "--quiet", "--compact",
                                   "--skip-download"], None, None, False)
        # the same work as `costrail check`: costrail's rules as checkov external checks, and only them
        commands[CHECKOV_OWN] = ([checkov, "-d", str(base), "--framework", "terraform", "--external-checks-dir",
                                  str(REPO / "policies" / "checkov"), "--check", ",".join(adapted_rule_ids()),
                                  "--quiet", "--compact", "--skip-download"], None, None, False)

    if only:
        commands = {k: v for k, v in commands.items() if any(word in k for word in only)}
    for name, (argv, _cwd, _env, _cold) in commands.items():
        if name.endswith("(warm)"):
            subprocess.run(argv, capture_output=True)  # fills its cache: later runs measure it warm
    samples = {name: Sample() for name in commands}
    env_base = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_no in range(repeat):
        for name, (argv, cwd, env, cold) in commands.items():
            if name.startswith("checkov") and round_no >= checkov_repeat:
                continue
            cache_dir = None
            call = list(argv)
            if cold:
                cache_dir = Path(tempfile.mkdtemp(prefix="cold-", dir=work))
                if name.startswith("load only"):
                    call.append(str(cache_dir))
                else:
                    call += ["--cache-dir", str(cache_dir)]
            seconds, rss, code, err = run_once(call, cwd, env or env_base)
            if cache_dir:
                shutil.rmtree(cache_dir, ignore_errors=True)
            s = samples[name]
            s.codes.add(code)
            kind = name.split(" ")[1] if name.startswith("costrail") else name.split(",")[0]
            if code not in OK_CODES.get(kind, (0,)) or err.startswith("traceback:"):
                s.error = s.error or f"exit {code}: {err[:120]}"
                continue
            s.seconds.append(seconds)
            s.rss_kb.append(rss)
    return {"files": files, "bytes": stats["bytes"], "resources": stats["resources"], "samples": samples}


def render(results: list[dict], repeat: int) -> str:
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}",
        f"Median of {repeat} interleaved whole-process runs.",
        "",
        "| files | MB | resources | command | median s | × fmt | peak RSS MB | note |",
        "|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for res in results:
        samples: dict[str, Sample] = res["samples"]
        fmt = samples.get("terraform fmt -check")
        fmt_median = fmt.median if fmt and fmt.seconds else None
        cold = samples.get("costrail breakdown (cold)")
        checkov = samples.get("checkov -d")
        for name, s in samples.items():
            if not s.seconds:
                lines.append(f"| {res['files']} | {res['bytes'] / 1e6:.2f} | {res['resources']} | {name} | – | – | – "
                             f"| failed: {s.error} |")
                continue
            ratio = f"{s.median / fmt_median:.2f}" if fmt_median else "–"
            note = ""
            if name.startswith("costrail diff --base-ref"):
                cold_ref = samples.get("costrail diff --base-ref, 1 file changed (cold)")
                if name.endswith("(warm)") and cold_ref and cold_ref.seconds:
                    note = f"{s.median / cold_ref.median:.2f}× the cold --base-ref diff"
            elif name.startswith("costrail diff") and cold and cold.seconds:
                note = f"{s.median / cold.median:.2f}× cold breakdown (target ≤ 0.3)"
            elif name.startswith("costrail breakdown") and fmt_median:
                note = "target ≤ 1.5× fmt"
            elif name.startswith("costrail check") and checkov and checkov.seconds:
                note = f"checkov / check = {checkov.median / s.median:.1f}× (target ≥ 30)"
                own = samples.get(CHECKOV_OWN)
                if own and own.seconds:
                    note += f"; checkov with costrail's rules only / check = {own.median / s.median:.1f}×"
            lines.append(f"| {res['files']} | {res['bytes'] / 1e6:.2f} | {res['resources']} | {name} | "
                         f"{s.median:.2f} | {ratio} | {max(s.rss_kb) / 1024:.0f} | {note} |")
    return "\n".join(lines)


def version_time(repeat: int) -> float:
    times = [run_once([*costrail(), "--version"])[0] for _ in range(repeat)]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="costrail whole-process benchmarks (issue 6)")
    parser.add_argument("--sizes", default="30,300", help="comma-separated file counts (30, 300, 3000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--checkov-repeat", type=int, default=1, help="checkov runs (about a minute each at 300)")
    parser.add_argument("--checkov-max-files", type=int, default=300, help="no checkov on bigger trees")
    parser.add_argument("--commands", default="", help="only these (comma-separated words: fmt,breakdown,check,"
                        "diff,load,checkov)")
    parser.add_argument("--parser", default=None, help="HCL front-end for costrail (default: costrail's default)")
    parser.add_argument("--work-dir", default=None, help="where trees and caches go (default: a temp dir)")
    parser.add_argument("--json", default=None, help="also write the raw results here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="costrail-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    # measure costrail as pip installs it: with bytecode (an editable checkout under
    # PYTHONDONTWRITEBYTECODE would otherwise compile ~60 modules on every run, ~0.1 s)
    subprocess.run([PY, "-m", "compileall", "-q", "estimator", "policies"], cwd=REPO, stdout=subprocess.DEVNULL,
                   check=False)
    try:
        for size in sizes:
            print(f"size {size}...", file=sys.stderr)
            with_checkov = not args.skip_checkov and size <= args.checkov_max_files
            results.append(bench_size(size, args.repeat, work, with_checkov, args.parser, args.checkov_repeat,
                                      [w for w in args.commands.split(",") if w]))
        print(f"`costrail --version`: {version_time(args.repeat):.3f} s (target < 0.3 s)\n")
        print(render(results, args.repeat))
        if args.json:
            raw = [{**r, "samples": {k: {"seconds": v.seconds, "rss_kb": v.rss_kb, "error": v.error}
                                     for k, v in r["samples"].items()}} for r in results]
            Path(args.json).write_text(json.dumps(raw, indent=2))
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
