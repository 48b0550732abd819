"""load → price → check, per project; one project's bad input never stops the others."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estimator.cost_model import LLM_USAGE_TYPE, CostedResource
from estimator.errors import CostrailError
from estimator.loaders import LoadOptions, load_project
from estimator.model import Diagnostic, Project

if TYPE_CHECKING:
    from estimator.config import Config
    from policies.finding import Finding


@dataclass
class ProjectSpec:
    """One project to read: a PATH plus its own var files, usage file or Pulumi stack."""

    path: str
    var_files: list[str] = field(default_factory=list)
    vars: dict[str, str] = field(default_factory=dict)
    usage_file: str | None = None
    stack: str | None = None
    name: str | None = None
    origin: str | None = None  # ``.costrail.yml:5: projects[1]`` for a project the config lists


@dataclass
class ProjectResult:
    spec: ProjectSpec
    project: Project | None = None
    costed: list[CostedResource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: CostrailError | None = None

    @property
    def path(self) -> str:
        return self.spec.name or self.spec.path

    @property
    def failed(self) -> bool:
        """True when the input had errors (exit code 2), even if some of it was read."""
        return self.error is not None or bool(self.project and self.project.errors)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self.project.diagnostics) if self.project else []

    @property
    def monthly_cost(self) -> Decimal:
        """Sum of what could be priced; unpriced resources are listed, never counted as 0."""
        return sum((c.monthly_cost or Decimal(0) for c in self.costed), Decimal(0))


def run(
    specs: list[ProjectSpec],
    options: LoadOptions,
    *,
    config: Config | None = None,
    price: bool = True,
    check: bool = False,
    pack: str | None = None,
) -> list[ProjectResult]:
    from estimator import forking

    # projects are independent: on spare cores, forks read some while this process reads others
    # (a Pulumi program is read here: its runs already occupy the cores)
    owners = llm_usage_owners(specs)
    results = forking.run_all(
        [functools.partial(run_one, spec, options, config=config, price=price, check=check, pack=pack,
                           include_llm_usage=include_llm)
         for spec, include_llm in zip(specs, owners, strict=True)],
        [not is_pulumi_program(spec.path) for spec in specs],
    )
    if price or check:
        _hand_on_llm_usage(results, owners)
        _warn_unmatched_usage(results)
    return results


def _warn_unmatched_usage(results: list[ProjectResult]) -> None:
    """A usage-file address that prices nothing is a warning (on the first project reading that
    file) where it is evidently a mistake: a near miss of an address that has no usage (a typo), or
    the address of a resource of this run written in the other form's scheme (Terraform's
    ``aws_apigatewayv2_api.chat`` for the Pulumi resource ``chat`` of that type). An entry for a
    stack not in this run is no mistake: one usage file often serves several stacks run one by one.
    Skipped when a project reading the file has input errors (its addresses are not all known)."""
    from difflib import get_close_matches

    from estimator.usage import load_usage

    groups: dict[str, list[ProjectResult]] = {}
    for result in results:
        if result.spec.usage_file:
            groups.setdefault(usage_key(result.spec), []).append(result)
    for group in groups.values():
        first = group[0].project
        if first is None or any(r.failed or r.project is None for r in group):
            continue
        resources = [res for r in group if r.project for res in r.project.resources]
        addresses = {res.address for res in resources}
        try:
            usage = load_usage(group[0].spec.usage_file or "")
        except CostrailError:
            continue
        bare = sorted(addresses - set(usage.resource_usage))
        for entry, line in usage.unmatched(addresses):
            if "*" in entry.replace("[*]", ""):  # a glob the usage file does not read (QA21a: silently ignored)
                where = f"{usage.path}:{line}" if line else usage.path
                first.diagnostics.append(Diagnostic(
                    message=f"{where}: usage for {entry} matches no resource: the only wildcard is [*] "
                            "(every instance of one resource, as infracost reads it); it is ignored",
                    severity="warning"))
                continue
            prefix, _, name = entry.rpartition(".")  # "module.m.aws_lambda_function", "querry"
            rtype = prefix.rsplit(".", 1)[-1]
            if ":" in entry:  # Pulumi's "query:aws_lambda_function" (name path, type) in a Terraform run
                path, _, rtype = entry.rpartition(":")
                name = path.rsplit("/", 1)[-1]
            same_kind = {a.rpartition(".")[2]: a for a in bare if a.rpartition(".")[0] == prefix}
            near = [same_kind[n] for n in get_close_matches(name, list(same_kind), n=1, cutoff=NEAR_MISS)] or sorted(
                res.address for res in resources if res.type == rtype and res.name == name.split("[")[0]
                and res.address != entry)[:1]
            if not near:
                continue
            where = f"{usage.path}:{line}" if line else usage.path
            first.diagnostics.append(Diagnostic(
                message=f"{where}: usage for {entry} matches no resource (did you mean {near[0]}?); it is ignored",
                severity="warning",
            ))


NEAR_MISS = 0.8  # difflib ratio of two names of one type: querry ~ query (0.91), not main ~ a (0.4), llm ~ chat (0)


def _hand_on_llm_usage(results: list[ProjectResult], owners: list[bool]) -> None:
    """An owner of a usage file's LLM API spend that has input errors is left out of the total, and
    the spend would go with it: the next project with that usage file that was read without errors
    carries it instead, so the spend never depends on an unrelated broken file or on which PATH came
    first. With no such project it stays on the owner (named in ``projects_not_in_total``)."""
    from estimator.errors import CostrailError
    from estimator.pricing.engine import llm_usage_costed
    from estimator.usage import load_usage

    for i, result in enumerate(results):
        if not owners[i] or not result.failed or not result.spec.usage_file:
            continue
        key = usage_key(result.spec)
        heir = next((r for r in results[i + 1:] if not r.failed and r.spec.usage_file
                     and usage_key(r.spec) == key), None)
        if heir is None:
            continue
        spend = [c for c in result.costed if c.resource.type == LLM_USAGE_TYPE]
        if spend:  # read in part: priced with the owner, moved as they are
            result.costed = [c for c in result.costed if c.resource.type != LLM_USAGE_TYPE]
            heir.costed.extend(spend)
            continue
        try:
            heir.costed.extend(llm_usage_costed(load_usage(result.spec.usage_file)))
        except CostrailError:
            continue  # the usage file itself is what failed: its error is already reported


def is_pulumi_program(path: str) -> bool:
    """A Pulumi program already runs on every core (its config and default runs side by side);
    reading one in a fork too measured slower (a diff of the example stack: 2.25 vs 2.1 s)."""
    from estimator.loaders import detect_source
    from estimator.model import SOURCE_PULUMI_PROGRAM

    try:
        return detect_source(path) == SOURCE_PULUMI_PROGRAM
    except CostrailError:
        return False


def usage_key(spec: ProjectSpec) -> str:
    """Which usage file a project reads ("" for none): projects with the same key share its LLM spend."""
    return str(Path(spec.usage_file).resolve()) if spec.usage_file else ""


def llm_usage_owners(specs: list[ProjectSpec]) -> list[bool]:
    """LLM API spend in a usage file is counted once: on the first project given that file."""
    seen: set[str] = set()
    owners = []
    for spec in specs:
        key = usage_key(spec)
        owners.append(bool(key) and key not in seen)
        seen.add(key)
    return owners


def run_one(
    spec: ProjectSpec,
    options: LoadOptions,
    *,
    config: Config | None = None,
    price: bool = True,
    check: bool = False,
    pack: str | None = None,
    include_llm_usage: bool = True,
) -> ProjectResult:
    result = ProjectResult(spec=spec)
    opts = _options_for(spec, options, config)
    try:
        result.project = load_project(spec.path, opts)
        _warn_if_empty(result.project, spec.path)
        if spec.name:
            result.project.path = spec.name
        if price or check:
            from estimator.pricing.engine import price_project

            usage = None
            if spec.usage_file:
                from estimator.usage import load_usage  # (PyYAML) only when there is a usage file

                usage = load_usage(spec.usage_file)
            result.costed = price_project(result.project, usage, include_llm_usage=include_llm_usage)
        if check:
            from policies.engine import check_project

            result.findings = check_project(result.project, result.costed, config, pack=pack)
    except CostrailError as err:
        result.error = err
    return result


def _warn_if_empty(project: Project, path: str) -> None:
    """A PATH with nothing to price is reported (exit 0, as infracost/checkov do), so a typo is noticed."""
    if project.resources or project.diagnostics:
        return
    project.diagnostics.append(
        Diagnostic(
            message=f"no resources found in {path} (no .tf files, plan or Pulumi program with resources)",
            severity="warning",
        )
    )


def _options_for(spec: ProjectSpec, options: LoadOptions, config: Config | None) -> LoadOptions:
    from dataclasses import replace

    region = config.region if config is not None and config.region else options.default_region
    return replace(
        options,
        var_files=[*spec.var_files, *options.var_files],
        vars={**spec.vars, **options.vars},
        stack=spec.stack or options.stack,
        default_region=region,
    )


def _variant(project: Any, index: int, namesakes: list[Any]) -> str:
    """What tells apart the ``projects:`` entries of one root (dev and prod var files, two stacks): the
    first setting that differs among them, so a diff matches each with its own base and reports say
    which (a usage file they share tells nothing)."""
    def same(field: str) -> bool:
        return len({repr(getattr(p, field)) for p in namesakes}) == 1

    if not same("stack"):
        return f"stack {project.stack}" if project.stack else "no stack"
    if not same("var_files"):
        return ", ".join(project.var_files) if project.var_files else "no var files"
    if not same("usage_file"):
        return project.usage_file or "no usage file"
    return f"projects[{index}]"


def specs_from(paths: list[str], *, usage_file: str | None, config: Config | None) -> list[ProjectSpec]:
    """PATHs from the command line, or the ``projects:`` of the config when none are given."""
    if not paths and config is not None and config.projects:
        source = config.projects_source or config.source
        base = Path(source).parent if source else Path(".")
        specs = []
        shared = Counter(p.path for p in config.projects)
        for i, p in enumerate(config.projects):
            specs.append(
                ProjectSpec(
                    path=str(base / p.path),
                    var_files=[str(base / p.path / v) if not Path(v).is_absolute() else v for v in p.var_files],
                    usage_file=str(base / p.usage_file) if p.usage_file else usage_file,
                    stack=p.stack,
                    name=p.path if shared[p.path] == 1 else
                    f"{p.path} ({_variant(p, i, [q for q in config.projects if q.path == p.path])})",
                    origin=f"{p.location}: projects[{i}]" if p.location else f"{source}: projects[{i}]",
                )
            )
        return specs
    return [ProjectSpec(path=p, usage_file=usage_file) for p in (paths or ["."])]
