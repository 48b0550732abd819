"""``costrail diff PATH --base-ref REF | --compare-to BASE.json``: the cost change of a change.

Head is the working tree as it is. The base is either REF checked out in a temporary git
worktree (same project paths, the config's ``projects:`` read from the base's own config so a
project only in base or only in head is seen) or a saved ``costrail/v1`` JSON.

Both sides are judged by the head's config, so "new" findings come from the code change, not
from a config change. The gate fails (exit 1) on every unsuppressed mandatory finding present
in head, new *or* pre-existing, as checkov and infracost users expect, and on a mandatory
CR-BUD-002. Input errors in head exit 2; errors reading the base are warnings (a PR that fixes
a broken base must be able to pass).

Reuse: with ``--base-ref``, a project none of whose inputs changed between base and working
tree (no changed file under its directory, in its var or usage files, nor any source-like file
outside every project directory, e.g. a shared module) takes the head's result as its base
instead of being read twice. Within a changed project, unchanged files are parsed once thanks
to the parsed-file cache (shared by both sides, keyed by content).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estimator import diff as diffing
from estimator import pipeline
from estimator.commands.common import emit, load_options, project_specs, report_diagnostics
from estimator.errors import TOO_DEEP, CostrailError, InputError, MissingStackError, UsageError, one_line
from estimator.pipeline import ProjectResult, ProjectSpec
from estimator.report.streamed import Streamed

if TYPE_CHECKING:
    from estimator.config import Config
    from estimator.loaders import LoadOptions
    from estimator.model import Location
    from estimator.report.pr_comment import FileUrl
    from estimator.worktree import Worktree

UNCHECKED_BASE = ("the base report was saved by `costrail breakdown`, which runs no policies: every finding "
                  "is listed as new (save the base with `costrail check --format json`, or use --base-ref)")
SOURCE_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl", ".py", ".yaml", ".yml", ".json")


def run(
    paths: list[str],
    *,
    base_ref: str | None = None,
    compare_to: str | None = None,
    fmt: str = "table",
    out_file: str | None = None,
    **kwargs: Any,
) -> int:
    if bool(base_ref) == bool(compare_to):
        raise UsageError("diff needs exactly one of --base-ref REF or --compare-to BASE.json")
    options = load_options(kwargs)
    config = _load_config(paths, kwargs.get("config_path"))
    from policies.suppress import expired_suppressions

    for warning in expired_suppressions(config):  # as `check` does: diff is what CI runs
        print(f"warning: {warning}", file=sys.stderr)
    specs = project_specs(paths, kwargs, config)

    groups: dict[str, list[str]] = {}  # usage file → the projects sharing its LLM spend, head's first
    if compare_to:
        base_projects = _read_saved(compare_to)  # a bad file fails before the head is read
        head_results = pipeline.run(specs, options, config=config, price=True, check=True)
        _add_usage_groups(groups, specs)
    else:
        assert base_ref is not None
        # --var-file files are inputs of every project: held by each spec, each side reads its
        # own version of them (the base's from the checkout) and a change to one is a change
        specs = [replace(s, var_files=[*s.var_files, *options.var_files]) for s in specs]
        options = replace(options, var_files=[])
        head_results, base_projects = _against_ref(paths, specs, base_ref, options, config, kwargs, groups)

    failed = report_diagnostics(head_results)
    head_projects = [diffing.project_from_result(r) for r in head_results]
    diffing.place_llm_spend(base_projects, head_projects, list(groups.values()))
    change = diffing.compute_diff(base_projects, head_projects)
    diffing.apply_budget(change, config)
    if not change.base_findings_checked:
        print(f"warning: {UNCHECKED_BASE}", file=sys.stderr)
    code = diffing.exit_code(change, failed)
    emit(_render(change, head_results, specs, fmt), out_file)
    return code


def _add_usage_groups(groups: dict[str, list[str]], specs: list[ProjectSpec], *roots: Path) -> None:
    """Add SPECS' projects to the groups of the usage files they share (keyed by the file's path in the
    repository, so a base checkout's copy is the same file), each project once, in order."""
    for spec in specs:
        if spec.usage_file:
            key = _rel(spec.usage_file, *roots) or pipeline.usage_key(spec)
            names = groups.setdefault(key, [])
            if (spec.name or spec.path) not in names:
                names.append(spec.name or spec.path)


def _load_config(paths: list[str], explicit: str | None) -> Config:
    from estimator.config import load_config

    return load_config(explicit, paths or ["."])


def _read_saved(path: str) -> list[diffing.ProjectCost]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from err
    from estimator.model import Location

    try:
        doc = json.loads(text)
    except ValueError as err:
        raise InputError(f"not valid JSON: {err}", Location(path, getattr(err, "lineno", 0))) from err
    except RecursionError:
        raise InputError(TOO_DEEP, Location(path, 1)) from None
    return diffing.projects_from_json(doc, path)


# --- --base-ref --------------------------------------------------------------------------------


def _against_ref(
    paths: list[str],
    specs: list[ProjectSpec],
    ref: str,
    options: LoadOptions,
    config: Config | None,
    kwargs: dict[str, Any],
    groups: dict[str, list[str]],
) -> tuple[list[ProjectResult], list[diffing.ProjectCost]]:
    """Head results and base projects; ``groups`` gets the head's usage-file groups, then the base's
    (a project only the base has, with the usage file it read)."""
    from estimator import forking, worktree

    projects_source = (config.projects_source or config.source) if config and config.projects else None
    anchor = paths[0] if paths else (str(Path(projects_source).parent) if projects_source else ".")
    top = worktree.toplevel(anchor)
    commit = worktree.resolve_commit(top, ref)
    changed = worktree.changed_files(top, commit)
    present = [s for s in specs if Path(s.path).exists()]
    _add_usage_groups(groups, present, top)
    head_dirs = [_rel(s.path, top) for s in present]
    head_results: list[ProjectResult] | None = None
    if len(present) == len(specs) and all(_unchanged((top,), s, changed, head_dirs) for s in present):
        # Nothing any project reads changed (a change to the config is a change outside every
        # project): the base is the head, no checkout needed.
        head_results = pipeline.run(present, options, config=config, price=True, check=True)
        if not any(r.failed for r in head_results):
            return head_results, [_as_base(diffing.project_from_result(r)) for r in head_results]
    with worktree.checkout(top, commit) as tree:
        _check_missing([s for s in specs if s not in present], tree, ref)
        tree.share_ignored_inputs([s.path for s in present])
        base_options = replace(options, link_roots=(*options.link_roots, str(top)))  # the shared ignored inputs
        base = _Base(_base_specs(paths, specs, config, tree, kwargs), present, changed, base_options, config, tree)
        _add_usage_groups(groups, base.specs, tree.root, top)
        done: dict[int, tuple[diffing.ProjectCost | None, list[str]]] = {}
        if head_results is None:
            # The changed base projects are read in a fork on a spare core while this process
            # reads the head; the head's files are parsed into the cache first, so the fork
            # finds every file the two share already parsed. What the fork does not deliver is
            # read here afterwards, so the result is the serial one.
            ahead = base.changed_projects()
            future = None
            if ahead and not any(pipeline.is_pulumi_program(base.specs[i].path) for i in ahead):
                _warm_parse_cache(present, options)
                future = forking.Future(lambda: {i: base.read(i) for i in ahead})
            head_results = pipeline.run(present, options, config=config, price=True, check=True)
            if future is not None:
                ok, value = future.result()
                done = value if ok else {}
        return head_results, base.projects(head_results, done)


def _as_base(project: diffing.ProjectCost) -> diffing.ProjectCost:
    """A head project standing for its base too (none of its inputs changed)."""
    project.same_as_head = True
    return project


def _check_missing(missing: list[ProjectSpec], tree: Worktree, ref: str) -> None:
    """A project in neither the head nor the base is a typo (a PATH, or a ``projects:`` entry),
    an error as in ``breakdown``, never a silent $0; one only in the base is reported as removed,
    which a typo would fake too, so it is warned about."""
    for spec in missing:
        name = spec.name or spec.path
        if not tree.map(spec.path).exists():
            raise UsageError(f"{name}: no such file or directory (neither in the working tree nor in {ref})")
        print(f"warning: {name}: no such file or directory in the working tree; it is in {ref}, so it is "
              "reported as a removed project (check the path if it should still exist)", file=sys.stderr)


def _warm_parse_cache(specs: list[ProjectSpec], options: LoadOptions) -> None:
    """Every ``.tf`` file of these (head) project directories parsed into the cache."""
    from estimator.hcl import cache

    files = [str(f) for spec in specs if Path(spec.path).is_dir() for f in sorted(Path(spec.path).glob("*.tf"))
             if f.is_file()]
    if files:
        cache.warm(files, options.parser, options.cache_dir)


class _Base:
    """The base side of ``--base-ref``: which projects must be read, reading one, and the list."""

    def __init__(self, specs: list[ProjectSpec], present: list[ProjectSpec], changed: list[str],
                 options: LoadOptions, config: Config | None, tree: Worktree) -> None:
        self.specs = specs
        self.changed = changed
        self.options = options
        self.config = config
        self.tree = tree
        self.roots = (tree.top, tree.root)
        self.all_dirs = [_rel(s.path, *self.roots) for s in [*present, *specs]]
        self.head_specs = {s.name or s.path: s for s in present}

    def _same_as_head(self, head_spec: ProjectSpec | None) -> bool:
        return head_spec is not None and _unchanged(self.roots, head_spec, self.changed, self.all_dirs)

    def changed_projects(self) -> list[int]:
        """Indexes of the base projects to read: in the base, and not the same as in the head."""
        return [i for i, spec in enumerate(self.specs)
                if Path(spec.path).exists() and not self._same_as_head(self.head_specs.get(spec.name or spec.path))]

    def read(self, index: int) -> tuple[diffing.ProjectCost | None, list[str]]:
        """One base project's costs and findings, with the warnings its errors become; None for a Pulumi
        stack the base has no stack file for: the change adds that stack, as a new root would be added."""
        spec = self.specs[index]
        result = pipeline.run_one(spec, self.options, config=self.config, price=True, check=True,
                                  include_llm_usage=True)  # counted once, by ``place_llm_spend``
        if isinstance(result.error, MissingStackError):
            return None, [f"warning: {spec.name or spec.path}: {result.error.message} in the base "
                          f"({ref_name(self.tree)}): the change adds this stack"]
        return diffing.project_from_result(result, spec.name or spec.path), _base_warnings(result, self.tree)

    def projects(self, head_results: list[ProjectResult],
                 done: dict[int, tuple[diffing.ProjectCost | None, list[str]]]) -> list[diffing.ProjectCost]:
        """Each base project: the head's where none of its inputs changed (and the head read it),
        else ``done``'s (read ahead), else read now; base warnings go to stderr in order."""
        head_by_name = {r.path: r for r in head_results}
        out = []
        for i, spec in enumerate(self.specs):
            if not Path(spec.path).exists():
                continue  # only in head
            reused = head_by_name.get(spec.name or spec.path)
            if reused and not reused.failed and self._same_as_head(reused.spec):
                out.append(_as_base(diffing.project_from_result(reused)))
                continue
            project, warnings = done[i] if i in done else self.read(i)
            for line in warnings:
                print(one_line(line), file=sys.stderr)
            if project is not None:
                out.append(project)
        return out


def _base_specs(
    paths: list[str], specs: list[ProjectSpec], config: Config | None, tree: Worktree, kwargs: dict[str, Any]
) -> list[ProjectSpec]:
    """The base's projects: from the base's own config when the head's comes from the repo."""
    source = (config.projects_source or config.source) if config is not None else None
    if config is not None and source and config.projects and not paths:
        base_config_path = tree.map(source)
        if base_config_path.exists() and base_config_path != Path(source).resolve():
            try:
                from estimator.config import parse_config_file

                base_config = parse_config_file(base_config_path)
            except CostrailError as err:
                print(f"warning: base config {ref_name(tree)}: {err}; using the head's projects", file=sys.stderr)
            else:
                if base_config.projects:
                    base_specs = pipeline.specs_from([], usage_file=kwargs.get("usage_file"), config=base_config)
                    return [_keep_usage(s, tree) for s in base_specs]
    return [_map_spec(s, tree) for s in specs]


def ref_name(tree: Worktree) -> str:
    return tree.commit[:12]


def _map_spec(spec: ProjectSpec, tree: Worktree) -> ProjectSpec:
    """The head spec, every path inside the repository moved into the worktree."""
    var_files = []
    for var_file in spec.var_files:
        mapped = tree.map(var_file)
        if mapped.exists():
            var_files.append(str(mapped))
        else:
            print(f"warning: {var_file} is not in the base ({ref_name(tree)}); base read without it", file=sys.stderr)
    return replace(
        spec,
        path=str(tree.map(spec.path)),
        var_files=var_files,
        usage_file=_usage_in(spec.usage_file, tree),
        name=spec.name or spec.path,
    )


def _keep_usage(spec: ProjectSpec, tree: Worktree) -> ProjectSpec:
    if spec.usage_file and not Path(spec.usage_file).exists():
        # A usage file new in head: the head's quantities are the fairest base.
        rel = _rel(spec.usage_file, tree.root)
        head_usage = tree.top / rel if rel is not None else None
        return replace(spec, usage_file=str(head_usage) if head_usage and head_usage.exists() else None)
    return spec


def _usage_in(usage_file: str | None, tree: Worktree) -> str | None:
    if not usage_file:
        return None
    mapped = tree.map(usage_file)
    return str(mapped) if mapped.exists() else usage_file


def _rel(path: str, *roots: Path) -> str | None:
    """PATH relative to the first of ROOTS that holds it (the repository or the base checkout)."""
    p = Path(path).resolve()
    for root in roots:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            continue
    return None


def _under(file: str, directory: str) -> bool:
    return directory in ("", ".") or file == directory or file.startswith(directory.rstrip("/") + "/")


def _unchanged(
    roots: tuple[Path, ...], spec: ProjectSpec, changed: list[str], all_dirs: list[str | None]
) -> bool:
    """True when no input of SPEC differs between the base commit and the working tree."""
    own = _rel(spec.path, *roots)
    if own is None:
        return False
    inputs = [_rel(f, *roots) for f in [*spec.var_files, *([spec.usage_file] if spec.usage_file else [])]]
    if any(i is None for i in inputs):
        return False
    dirs = [d for d in all_dirs if d is not None]
    for file in changed:
        if _under(file, own) or file in inputs:
            return False
        outside_projects = not any(_under(file, d) for d in dirs)
        if outside_projects and file.endswith(SOURCE_SUFFIXES):
            return False  # e.g. a shared module: any project may read it
    return True


def _base_warnings(result: ProjectResult, tree: Worktree) -> list[str]:
    """A base that cannot be read is a warning, not a failure: the head is what is judged. Files
    are named under the project as given (``stacks/app/main.tf``), as the head's errors are."""
    return [f"warning: base ({ref_name(tree)}): {line}" for line in diffing.error_texts(result)]


# --- output ------------------------------------------------------------------------------------


def _render(
    change: diffing.CostDiff, head_results: list[ProjectResult], specs: list[ProjectSpec], fmt: str
) -> str | Streamed:
    if fmt == "json":
        from estimator.report.json_report import report_json, streamed

        return streamed(report_json(head_results, findings=change.gate_findings, diff=change.to_json()))
    if fmt == "markdown":
        from estimator.report.pr_comment import render_comment

        return render_comment(change, catalog=_catalog(), file_url=_file_url(specs))
    from estimator.report.diff_table import render_table

    return render_table(change)


def _catalog() -> dict[str, str]:
    from estimator.pricing.catalog import catalog_as_of

    return catalog_as_of()


def _file_url(specs: list[ProjectSpec]) -> FileUrl | None:
    """Links to the PR's files: COSTRAIL_LINK_BASE, or the GitHub Actions environment."""
    base = os.environ.get("COSTRAIL_LINK_BASE")
    if not base:
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        repo = os.environ.get("GITHUB_REPOSITORY")
        sha = os.environ.get("COSTRAIL_HEAD_SHA") or os.environ.get("GITHUB_SHA")
        if not (repo and sha):
            return None
        base = f"{server}/{repo}/blob/{sha}"
    try:
        from estimator.worktree import toplevel

        top = toplevel(specs[0].path if specs else ".")
    except CostrailError:
        return None
    dirs: dict[str, Path] = {}
    for spec in specs:
        p = Path(spec.path).resolve()
        dirs[spec.name or spec.path] = p if p.is_dir() else p.parent

    def url(project: str, location: Location) -> str | None:
        root = dirs.get(project)
        if root is None:
            return None
        target = (root / location.file).resolve()
        try:
            rel = target.relative_to(top).as_posix()
        except ValueError:
            return None
        return f"{base.rstrip('/')}/{rel}#L{location.line}"

    return url

