"""The ``costrail`` command line: thin wrappers that parse options and delegate.

Heavy modules (loaders, pricing, policies, rendering) are imported inside the commands so
that ``costrail --version`` starts fast. User mistakes become one line on stderr and exit 2.
"""

from __future__ import annotations

import atexit
import functools
import gc
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from estimator import __version__
from estimator.errors import CostrailError, one_line

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_INPUT = 2


def _parse_vars(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"expected k=v, got {item!r}", param_hint="--var")
        key, value = item.split("=", 1)
        out[key.strip()] = value
    return out


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``breakdown``, ``check`` and ``diff`` share (DESIGN.md CLI contract)."""

    @click.option("--var-file", "var_files", multiple=True, help="Terraform .tfvars file (repeatable).")
    @click.option("--var", "vars_", multiple=True, help="Terraform variable k=v (repeatable).")
    @click.option("--usage-file", default=None, help="costrail-usage.yml with monthly quantities.")
    @click.option("--config", "config_path", default=None, help=".costrail.yml (default: found in PATH or its git root).")
    @click.option("--stack", default=None, help="Pulumi stack name (reads Pulumi.<stack>.yaml).")
    @click.option("--parser", default=None, help="HCL front-end: python-hcl2 or tree-sitter.")
    @click.option("--timeout", default=120.0, show_default=True, help="Pulumi program time limit, seconds.")
    @click.option("--cache-dir", default=None, help="Where parsed files are cached.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def _fail(err: CostrailError) -> None:
    click.echo(one_line(f"costrail: {err}" if not err.location else str(err)), err=True)
    sys.exit(EXIT_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="costrail")
def cli() -> None:
    """Review planned AWS infrastructure: monthly cost, FinOps policies, PR cost change."""


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table")
@click.option("--out-file", default=None, help="Write the report here instead of stdout.")
@input_options
def breakdown(paths: tuple[str, ...], fmt: str, out_file: str | None, **opts: Any) -> None:
    """Monthly cost of each resource."""
    from estimator.commands import run_breakdown

    _run(run_breakdown, list(paths), fmt=fmt, out_file=out_file, **opts)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "sarif", "junit"]), default="table")
@click.option("--pack", default=None, help="Run only this policy pack.")
@click.option("--out-file", default=None, help="Write the report here instead of stdout.")
@input_options
def check(paths: tuple[str, ...], fmt: str, pack: str | None, out_file: str | None, **opts: Any) -> None:
    """Policy findings; exit 1 when a mandatory policy fails."""
    from estimator.commands import run_check

    _run(run_check, list(paths), fmt=fmt, pack=pack, out_file=out_file, **opts)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--base-ref", default=None, help="Git ref to compare against (checked out with git worktree).")
@click.option("--compare-to", default=None, help="A saved `breakdown --format json` of the base.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table")
@click.option("--out-file", default=None, help="Write the report here instead of stdout.")
@input_options
def diff(
    paths: tuple[str, ...], base_ref: str | None, compare_to: str | None, fmt: str, out_file: str | None, **opts: Any
) -> None:
    """Cost change and new findings of a change; exit 1 on a mandatory finding or blown budget."""
    from estimator.commands import run_diff

    _run(run_diff, list(paths), base_ref=base_ref, compare_to=compare_to, fmt=fmt, out_file=out_file, **opts)


@cli.group()
def comment() -> None:
    """Post the PR comment."""


@comment.command("github")
@click.option("--repo", required=True, help="OWNER/NAME")
@click.option("--pull", "pull", required=True, type=int, help="Pull request number.")
@click.option("--body-file", required=True, help="Markdown body (from `diff --format markdown`).")
@click.option(
    "--behavior",
    type=click.Choice(["update", "new", "delete-and-new", "hide-and-new"]),
    default="update",
    show_default=True,
)
@click.option("--skip-no-diff", is_flag=True,
              help="Post nothing when the body shows nothing new: no cost change, no changed resource, no new "
                   "finding, a passing check, and the same state as the last comment.")
@click.option(
    "--tag",
    metavar="NAME",
    default=None,
    help="Keep a separate comment per NAME (e.g. one per project in a matrix job); default: one comment per PR.",
)
def comment_github(repo: str, pull: int, body_file: str, behavior: str, skip_no_diff: bool, tag: str | None) -> None:
    """Post or update the costrail comment on a GitHub pull request."""
    from estimator.commands import run_comment_github

    try:
        code = run_comment_github(
            repo=repo, pull=pull, body_file=body_file, behavior=behavior, skip_no_diff=skip_no_diff, tag=tag
        )
    except CostrailError as err:
        _fail(err)
    sys.exit(code)


@cli.group()
def usage() -> None:
    """Usage file helpers."""


@usage.command("init")
@click.argument("path")
@click.option("--out-file", "-o", default=None, help="Where to write (default: PATH/costrail-usage.yml).")
@input_options
def usage_init(path: str, out_file: str | None, **opts: Any) -> None:
    """Write a commented costrail-usage.yml template for the resources found in PATH."""
    from estimator.commands import run_usage_init

    _run(run_usage_init, [path], out_file=out_file, **opts)


@cli.group()
def policies() -> None:
    """Policy catalog."""


@policies.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--config", "config_path", default=None)
def policies_list(fmt: str, config_path: str | None) -> None:
    """List every rule with its severity and enforcement."""
    from estimator.commands import run_policies_list

    try:
        sys.exit(run_policies_list(fmt=fmt, config_path=config_path))
    except CostrailError as err:
        _fail(err)


def _run(command: Callable[..., int], paths: list[str], **kwargs: Any) -> None:
    kwargs["vars_"] = _parse_vars(kwargs.get("vars_", ()))
    if _is_process_entry():
        from estimator.hcl.cache import defer_writes

        defer_writes()  # this process exits through ``_exit_now``, which waits for the writers
    try:
        code = command(paths, **kwargs)
    except CostrailError as err:
        _fail(err)
    sys.exit(code)


def main() -> None:
    # One short batch run builds ~10^6 small acyclic objects (syntax trees, models); the cyclic
    # GC rescanning them cost ~25% of a 300-file run and freed nothing (issue 6, benchmarks/README.md).
    # A high threshold keeps that saving while still collecting should a run ever build cycles.
    # 1,000,000: a 300-file breakdown nets ~410k tracked objects, so it never collects; at 200k
    # it paid two ~90 ms young-generation scans that freed nothing (0.18 s of a 1.5 s run).
    # A 3,000-file run (2.3 M objects) paid two 0.3 s scans that freed nothing: a scan that frees
    # almost nothing now quadruples the threshold (``_grow_gc_threshold``).
    gc.set_threshold(1_000_000, 50, 1000)
    if _grow_gc_threshold not in gc.callbacks:
        gc.callbacks.append(_grow_gc_threshold)
    if not _is_process_entry():
        cli(prog_name="costrail")
        return
    try:
        cli(prog_name="costrail")
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(0)


def _grow_gc_threshold(phase: str, info: dict[str, int]) -> None:
    """After a young-generation collection that freed under 1% of what it scanned, scan four
    times less often (up to 64 M objects): the data is live, and rescanning it is pure cost.
    Cyclic garbage, should a run ever make much, still triggers collections, only later."""
    if phase != "stop" or info.get("generation") != 0:
        return
    young, middle, old = gc.get_threshold()
    if info.get("collected", 0) < young // 100 and young < 64_000_000:
        gc.set_threshold(young * 4, middle, old)


def _is_process_entry() -> bool:
    """True when this process is the ``costrail`` command itself (not a test calling ``main``)."""
    entry = sys.modules.get("__main__")
    spec = getattr(entry, "__spec__", None)
    if spec is not None and spec.name == "estimator.__main__":
        return True
    return os.path.basename(getattr(entry, "__file__", "") or "").startswith("costrail")


def _exit_now(code: object) -> NoReturn:
    """Exit without freeing the heap object by object: interpreter teardown of a 300-file run's
    ~10^6 objects took 0.35 s, a quarter of the run, and the OS reclaims it at once. Exit
    handlers still run and output is flushed; if flushing fails, the normal exit reports it."""
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, (int, type(None))):
        print(code, file=sys.stderr)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - e.g. a closed pipe: let the interpreter report it as usual
        raise SystemExit(status) from None
    os._exit(status)


if __name__ == "__main__":
    main()
