"""Front-ends alone: MB/s of python-hcl2 vs tree-sitter (text -> ``ast.File``) on a generated tree.

    .venv/bin/python benchmarks/bench_frontends.py [--files 300] [--repeat 3] [--skip-hcl2]

In-process, files already read: this isolates the parser and the conversion to our ``ast``
from the evaluator and from process start. Also times the parsed-file cache (cold: parse +
store; warm: load the pickled trees), with the cyclic GC off as in the CLI (``--gc`` to keep
it on). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from estimator.hcl import cache, frontend  # noqa: E402


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-hcl2", action="store_true", help="python-hcl2 takes several seconds on 300 files")
    parser.add_argument("--gc", action="store_true", help="keep the cyclic GC on (the CLI turns it off)")
    args = parser.parse_args()
    if not args.gc:
        gc.disable()
    work = Path(tempfile.mkdtemp(prefix="costrail-fe-"))
    try:
        stats = generate(work / "tree", args.files)
        texts = [(p.name, p.read_bytes()) for p in sorted((work / "tree").glob("*.tf"))]
        mb = stats["bytes"] / 1e6
        names = ["tree-sitter"] + ([] if args.skip_hcl2 else ["python-hcl2"])
        print(f"{args.files} files, {mb:.2f} MB, median of {args.repeat}\n")
        print("| front-end | parse s | MB/s | cache cold s | cache warm s |")
        print("|---|---:|---:|---:|---:|")
        for name in names:
            def parse_all(name: str = name) -> None:
                for path, data in texts:
                    frontend.parse(path, data, name)

            seconds = timed(parse_all, args.repeat)
            cache_dir = work / f"cache-{name}"

            def cold(name: str = name, cache_dir: Path = cache_dir) -> None:
                shutil.rmtree(cache_dir, ignore_errors=True)
                for path, data in texts:
                    cache.load_or_parse(path, data, name, str(cache_dir))

            def warm(name: str = name, cache_dir: Path = cache_dir) -> None:
                for path, data in texts:
                    cache.load_or_parse(path, data, name, str(cache_dir))

            cold_s = timed(cold, 1)
            warm_s = timed(warm, args.repeat)
            print(f"| {name} | {seconds:.2f} | {mb / seconds:.2f} | {cold_s:.2f} | {warm_s:.2f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
