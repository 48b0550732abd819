"""Base vs head of a change: per-resource cost changes, totals, and findings new / existing / resolved.

Both sides are first reduced to the same plain snapshot (``ProjectCost``), whether they come
from a pipeline run (head, or the base in a git worktree) or from a saved ``costrail/v1``
JSON (``--compare-to``), so the comparison has one code path. Identity across sides is
(project path, resource address) for resources and ``Finding.key`` for findings: line
numbers move in a change, addresses do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estimator.cost_model import LLM_USAGE_TYPE, CostedResource, cents, decimal_text, money
from estimator.errors import InputError
from estimator.model import SOURCE_PULUMI_PREVIEW, SOURCE_PULUMI_PROGRAM, Location, stand_in_address
from policies.finding import STACK_RESOURCES, Finding

if TYPE_CHECKING:
    from estimator.model import Diagnostic
    from estimator.pipeline import ProjectResult

ZERO = Decimal(0)
CHANGES = ("added", "removed", "changed")


@dataclass(frozen=True)
class ComponentCost:
    """One bill line of one side, reduced to what a diff compares."""

    name: str
    unit: str
    quantity: Decimal | None
    unit_price: Decimal | None
    monthly_cost: Decimal | None
    group: str | None = None
    usage_based: bool = False

    @property
    def missing_price(self) -> bool:
        """A line with no cost that is not merely waiting for usage quantities."""
        return self.monthly_cost is None and not self.waits_for_usage

    @property
    def waits_for_usage(self) -> bool:
        """A usage-based line with no usage given: its price is known, its quantity is not."""
        return self.monthly_cost is None and self.usage_based and self.unit_price is not None

    @property
    def key(self) -> tuple[str, str]:
        return (self.group or "", self.name)


@dataclass
class ResourceCost:
    """One resource of one side: its cost, lines, tags (for the pie chart) and requests (per-1k)."""

    address: str
    type: str
    monthly_cost: Decimal | None
    status: str
    components: list[ComponentCost] = field(default_factory=list)
    tags: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    monthly_requests: Decimal | None = None
    reason: str | None = None

    @property
    def cost_per_1k_requests(self) -> Decimal | None:
        if self.monthly_cost is None or not self.monthly_requests:
            return None
        return self.monthly_cost / self.monthly_requests * 1000

    @property
    def usage_only(self) -> bool:
        """Every line waits for usage quantities that were not given (an S3 bucket with no usage file):
        what it costs depends on usage, and no price is missing."""
        return bool(self.components) and all(c.waits_for_usage for c in self.components)

    @property
    def known_cost(self) -> Decimal | None:
        """The cost before usage: the priced lines' sum, 0 when every line waits for usage; None
        when a price is missing."""
        return ZERO if self.monthly_cost is None and self.usage_only else self.monthly_cost

    @property
    def fully_priced(self) -> bool:
        """False when a price is missing: its cost is then a lower bound, never a number to diff."""
        return (self.status not in ("unpriced", "unsupported") or self.usage_only) and not any(
            c.missing_price for c in self.components)

    def same_cost_as(self, other: ResourceCost) -> bool:
        """Equal bill: same status and the same lines with the same quantities, prices and costs."""
        return self.status == other.status and self.monthly_cost == other.monthly_cost and sorted(
            self.components, key=_component_sort
        ) == sorted(other.components, key=_component_sort)


def _component_sort(c: ComponentCost) -> tuple[str, str, str, str]:
    return (c.group or "", c.name, str(c.quantity), str(c.unit_price))


@dataclass
class ProjectCost:
    """One project of one side."""

    path: str
    source: str | None
    monthly_cost: Decimal
    resources: dict[str, ResourceCost] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    failed: bool = False
    findings_checked: bool = True  # False: read from a ``breakdown`` report, where no policy ran
    errors: list[str] = field(default_factory=list)  # the input errors, ``file:line: message`` under the project
    same_as_head: bool = False  # a base project taken from the head: none of its inputs changed


# --- building snapshots -------------------------------------------------------------------------


def resource_from_costed(costed: CostedResource) -> ResourceCost:
    res = costed.resource
    return ResourceCost(
        address=costed.address,
        type=res.type,
        monthly_cost=costed.monthly_cost,
        status=costed.status,
        components=[
            ComponentCost(c.name, c.unit, c.quantity, c.unit_price, c.monthly_cost, c.group, c.usage_based)
            for c in costed.components
        ],
        tags={k: v for k, v in res.tag_values.items() if isinstance(v, (str, int, float, bool))},
        location=res.location,
        monthly_requests=costed.monthly_requests,
        reason=costed.reason,
    )


def error_texts(result: ProjectResult, project: str | None = None) -> list[str]:
    """The input errors of a result, one line each, files named under the project as given
    (``stacks/app/main.tf:9``), so a comment or a warning names the file a reviewer opens."""
    from estimator.model import Diagnostic

    project = (result.spec.name or "") if project is None else project
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if result.error is not None:
        errors.append(Diagnostic(result.error.message, result.error.location))
    return [str(under_project(d, project)) for d in errors]


def under_project(diag: Diagnostic, project: str) -> Diagnostic:
    """DIAG with its file named under PROJECT (a directory), unless it already is absolute."""
    loc = diag.location
    if loc is None or not project or project == "." or Path(loc.file).is_absolute() or Path(project).suffix == ".json":
        return diag
    return replace(diag, location=replace(loc, file=(Path(project) / loc.file).as_posix()))


def project_from_result(result: ProjectResult, path: str | None = None) -> ProjectCost:
    """Snapshot of a pipeline result. Unsupported resources are kept: one added or removed is a change of
    unknown cost (a MemoryDB cluster costrail cannot price yet still costs money), never "no change"."""
    name = path or result.path
    findings = []
    for finding in result.findings:
        if not finding.project:
            finding.project = name
        findings.append(finding)
    return ProjectCost(
        path=name,
        source=result.project.source if result.project else None,
        monthly_cost=result.monthly_cost,
        resources={c.address: resource_from_costed(c) for c in result.costed},
        findings=findings,
        failed=result.failed,
        errors=error_texts(result, name) if result.failed else [],  # under the project path, the same on both sides
    )


def place_llm_spend(base: list[ProjectCost], head: list[ProjectCost], groups: list[list[str]]) -> None:
    """A usage file's LLM API spend is counted once per side, and on the same project on both: the
    first of the projects sharing that usage file (``groups``, head paths in order) that is on both
    sides and read without errors on both; else the first on both sides at all; else, per side, the
    first read without errors there.
    Each side deciding alone moved the spend between projects when one was added, removed or broken
    on one side only, and the diff showed it as a change of an untouched project (and failed its
    budget).

    A base side whose projects with the usage file were all the head's own (``same_as_head``: their
    inputs, the usage file included, did not change) has the head's spend: it was left on a head
    project that the base does not have (a new one listed first)."""
    for group in groups:
        base_of = {p.path: p for p in base if p.path in group}
        head_of = {p.path: p for p in head if p.path in group}
        spends = [_take_llm_spend(by.values()) for by in (base_of, head_of)]
        if not spends[0] and spends[1] and base_of and all(p.same_as_head for p in base_of.values()):
            spends[0] = dict(spends[1])
        in_both = [path for path in group if path in base_of and path in head_of]
        # readable on both sides; else at least on both sides (a project broken on one side keeps the
        # spend out of the comparison rather than handing it to a new project as an increase)
        on_both = next((p for p in in_both if not base_of[p].failed and not head_of[p].failed), None) or next(
            iter(in_both), None)
        for by, spend in zip((base_of, head_of), spends, strict=True):
            keeper = by.get(on_both) if on_both else None
            keeper = keeper or next((by[p] for p in group if p in by and not by[p].failed), None) or next(
                (by[p] for p in group if p in by), None)
            if keeper is not None and spend:
                keeper.resources.update(spend)
                keeper.monthly_cost += sum((r.monthly_cost or Decimal(0) for r in spend.values()), Decimal(0))


def _take_llm_spend(projects: Any) -> dict[str, ResourceCost]:
    """The LLM spend the first of ``projects`` carries, removed from every one of them."""
    spend: dict[str, ResourceCost] = {}
    for project in projects:
        here = {a: r for a, r in project.resources.items() if r.type == LLM_USAGE_TYPE}
        spend = spend or here
        for address, res in here.items():
            del project.resources[address]
            project.monthly_cost -= res.monthly_cost or Decimal(0)
    return spend


def _dec(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as err:
        raise InputError(f"{where}: not a decimal: {value!r}") from err


def _location(data: Any) -> Location | None:
    if isinstance(data, dict) and data.get("file"):
        return Location(str(data["file"]), int(data.get("line") or 0))
    return None


def projects_from_json(doc: Any, source_name: str) -> list[ProjectCost]:
    """Snapshots from a saved ``breakdown``/``check``/``diff --format json`` (costrail/v1)."""
    if not isinstance(doc, dict) or doc.get("schema") != "costrail/v1" or not isinstance(doc.get("projects"), list):
        raise InputError(f"{source_name}: not a costrail/v1 JSON report (run `costrail breakdown --format json`)")
    projects = []
    for p_index, pdata in enumerate(doc["projects"]):
        where = f"{source_name}: projects[{p_index}]"
        if not isinstance(pdata, dict) or not isinstance(pdata.get("path"), str):
            raise InputError(f"{where}: a project needs a path")
        resources: dict[str, ResourceCost] = {}
        for r_index, rdata in enumerate(pdata.get("resources") or []):
            rwhere = f"{where}.resources[{r_index}]"
            if not isinstance(rdata, dict) or "address" not in rdata:
                raise InputError(f"{rwhere}: a resource needs an address")
            status = rdata.get("status") or ("priced" if rdata.get("priced") else "unpriced")
            components = [
                ComponentCost(
                    name=str(c.get("name", "")),
                    unit=str(c.get("unit", "")),
                    quantity=_dec(c.get("quantity"), rwhere),
                    unit_price=_dec(c.get("unit_price"), rwhere),
                    monthly_cost=_dec(c.get("monthly_cost"), rwhere),
                    group=c.get("group"),
                    usage_based=bool(c.get("usage_based")),
                )
                for c in rdata.get("components") or []
                if isinstance(c, dict)
            ]
            resources[rdata["address"]] = ResourceCost(
                address=rdata["address"],
                type=str(rdata.get("type", "")),
                monthly_cost=_dec(rdata.get("monthly_cost"), rwhere),
                status=status,
                components=components,
                tags=dict(rdata.get("tags") or {}),
                location=_location(rdata.get("location")),
                monthly_requests=_dec(rdata.get("monthly_requests"), rwhere),
                reason=rdata.get("reason"),
            )
        for u_index, udata in enumerate(pdata.get("unsupported") or []):  # listed apart from the resources
            if not isinstance(udata, dict) or not isinstance(udata.get("address"), str):
                raise InputError(f"{where}.unsupported[{u_index}]: a resource needs an address")
            resources.setdefault(udata["address"], ResourceCost(
                address=udata["address"], type=str(udata.get("type", "")), monthly_cost=None, status="unsupported",
                reason=f"{udata.get('type', '')} is not supported yet"))
        projects.append(
            ProjectCost(
                path=pdata["path"],
                source=pdata.get("source"),
                monthly_cost=_dec(pdata.get("monthly_cost"), where) or ZERO,
                resources=resources,
                failed=bool(pdata.get("errors")),
                errors=[str(e) for e in pdata.get("errors") or []],
            )
        )
    findings = doc.get("findings") or []
    # a breakdown report says policies_checked: false; one saved before that key existed is checked
    # only if it holds findings (an empty list cannot tell "none found" from "not checked")
    if doc.get("policies_checked", bool(findings)) is False:
        for project in projects:
            project.findings_checked = False
    single = projects[0].path if len(projects) == 1 else ""
    for fdata in findings:
        if not isinstance(fdata, dict) or "rule" not in fdata:
            continue
        finding = Finding(
            rule=fdata["rule"],
            severity=fdata.get("severity", "low"),
            enforcement=fdata.get("enforcement", "advisory"),
            address=fdata.get("address", ""),
            message=fdata.get("message", ""),
            location=_location(fdata.get("location")),
            monthly_saving=_dec(fdata.get("monthly_saving"), source_name),
            project=fdata.get("project") or single,
            suppressed=bool(fdata.get("suppressed")),
            suppression_reason=fdata.get("suppression_reason"),
        )
        if isinstance(fdata.get(STACK_RESOURCES), list):  # a stack-level finding: matched by project and rule
            finding.extra[STACK_RESOURCES] = fdata[STACK_RESOURCES]
        for project in projects:
            if project.path == finding.project:
                project.findings.append(finding)
    return projects


# --- the diff ----------------------------------------------------------------------------------


@dataclass
class ComponentDelta:
    name: str
    unit: str
    group: str | None
    base: ComponentCost | None
    head: ComponentCost | None
    # a side whose resource has no lines because it could not be priced at all (its instance type
    # became unknown): its counterpart of a line is unknown, never a $0 line that reads as a saving
    base_unknown: bool = False
    head_unknown: bool = False

    @property
    def base_cost(self) -> Decimal | None:
        return self.base.monthly_cost if self.base else None if self.base_unknown else ZERO

    @property
    def head_cost(self) -> Decimal | None:
        return self.head.monthly_cost if self.head else None if self.head_unknown else ZERO

    @property
    def delta(self) -> Decimal | None:
        return _sub(self.head_cost, self.base_cost)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            **({"group": self.group} if self.group else {}),
            **({"base_name": self.base.name} if self.base and self.base.name != self.name else {}),
            "base_quantity": decimal_text(self.base.quantity) if self.base else None,
            "head_quantity": decimal_text(self.head.quantity) if self.head else None,
            "base_unit_price": decimal_text(self.base.unit_price) if self.base else None,
            "head_unit_price": decimal_text(self.head.unit_price) if self.head else None,
            "base_monthly_cost": money(self.base_cost),
            "head_monthly_cost": money(self.head_cost),
            "delta_monthly_cost": money(self.delta),
        }


@dataclass
class ResourceDelta:
    """One resource that was added, removed or whose bill changed. Unknown costs stay None."""

    project: str
    address: str
    type: str
    change: str
    base: ResourceCost | None
    head: ResourceCost | None
    components: list[ComponentDelta] = field(default_factory=list)
    # "base"/"head": that side has this resource's count only as a stand-in (``x[*]``, known after
    # apply): ``x[0]`` seems to appear or disappear, but how many there are is unknown, never a change
    count_unknown_on: str | None = None

    @property
    def base_cost(self) -> Decimal | None:
        return None if self.count_unknown_on == "base" else self.base.known_cost if self.base else ZERO

    @property
    def head_cost(self) -> Decimal | None:
        return None if self.count_unknown_on == "head" else self.head.known_cost if self.head else ZERO

    @property
    def unpriced_sides(self) -> list[str]:
        """``base`` / ``head`` where a price is missing (the cost shown is only what could be priced)."""
        sides = [name for name, side in (("base", self.base), ("head", self.head)) if side and not side.fully_priced]
        if self.count_unknown_on and self.count_unknown_on not in sides:
            sides.append(self.count_unknown_on)
        for line in self.components:  # a usage line with a quantity on one side only (usage no longer given)
            for name, mine, other in (("base", line.base, line.head), ("head", line.head, line.base)):
                if (mine is not None and other is not None and mine.monthly_cost is None
                        and other.monthly_cost is not None and name not in sides):
                    sides.append(name)
        return sides

    @property
    def delta(self) -> Decimal | None:
        """The change of the lines priced on both sides: a missing price is never a saving or an
        increase, and never hides the priced rest (40 new GPU instances whose root volume size is
        unknown still add their instance hours). None when a side has no price at all."""
        if self.count_unknown_on:
            return None
        if not self.unpriced_sides:
            return _sub(self.head_cost, self.base_cost)
        if any(side is not None and not side.usage_only and (side.status in ("unpriced", "unsupported")
                                                             or side.monthly_cost is None)
               for side in (self.base, self.head)):
            return None
        base, head = self.comparable_costs
        if head == base and any(line.delta is None and (line.base_cost or line.head_cost)
                                for line in self.components):
            return None  # all that changed is priced on one side only (usage first given): unknown, not $0
        return head - base

    @property
    def partial(self) -> bool:
        """A side misses a price, and the delta counts only the lines priced on both sides."""
        return bool(self.unpriced_sides) and self.delta is not None

    @property
    def comparable_costs(self) -> tuple[Decimal, Decimal]:
        """Base and head cost without the changed lines that miss a price on either side."""
        base, head = self.base_cost or ZERO, self.head_cost or ZERO
        for line in self.components:
            if line.delta is None:
                base -= line.base_cost or ZERO
                head -= line.head_cost or ZERO
        return base, head

    def to_json(self) -> dict[str, Any]:
        side = self.head or self.base
        return {
            "address": self.address,
            "change": self.change,
            # a side priced only by usage with none given is null, as in breakdown (0 in the arithmetic)
            "base_monthly_cost": None if self.base and self.base.usage_only else money(self.base_cost),
            "head_monthly_cost": None if self.head and self.head.usage_only else money(self.head_cost),
            "delta_monthly_cost": money(self.delta),
            "base_status": self.base.status if self.base else None,
            "head_status": self.head.status if self.head else None,
            "unpriced": self.unpriced_sides,
            "project": self.project,
            "type": self.type,
            "location": side.location.to_json() if side and side.location else None,
            "components": [c.to_json() for c in self.components],
        }


@dataclass
class ProjectDelta:
    """One project; ``presence`` says whether it exists in both sides or only one."""

    path: str
    base: ProjectCost | None
    head: ProjectCost | None
    resources: list[ResourceDelta] = field(default_factory=list)

    @property
    def presence(self) -> str:
        if self.base is None:
            return "added"
        if self.head is None:
            return "removed"
        return "both"

    @property
    def unreadable(self) -> list[str]:
        """The sides (``base``, ``head``) that had input errors: what was read of them is not the
        project, so their cost is unknown, never $0, never a removal (head) or an addition (base)
        of what could not be read, and the budget does not judge the project."""
        return [name for name, side in (("base", self.base), ("head", self.head)) if side is not None and side.failed]

    @property
    def comparable(self) -> bool:
        """Both sides read: the project counts in the totals and the budget."""
        return not self.unreadable

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: side.errors for name, side in (("base", self.base), ("head", self.head))
                if side is not None and name in self.unreadable}

    @property
    def base_cost(self) -> Decimal | None:
        if "base" in self.unreadable:
            return None
        return self.base.monthly_cost if self.base else ZERO

    @property
    def head_cost(self) -> Decimal | None:
        if "head" in self.unreadable:
            return None
        return self.head.monthly_cost if self.head else ZERO

    @property
    def unpriced_changes(self) -> list[ResourceDelta]:
        """Changed resources with a missing price on a side: wholly or partly left out of the delta, and said so."""
        return [r for r in self.resources if r.unpriced_sides]

    @property
    def unknown_changes(self) -> int:
        """How many changes are wholly of unknown cost (left out of the delta)."""
        return sum(1 for r in self.unpriced_changes if r.delta is None)

    @property
    def comparable_costs(self) -> tuple[Decimal, Decimal]:
        """Base and head totals without what cannot be compared: resources with no price on a
        side, and the lines of partly priced ones that miss a price on either side. (0, 0) when
        a side could not be read: nothing of the project is comparable."""
        if not self.comparable:
            return ZERO, ZERO
        base, head = self.base_cost or ZERO, self.head_cost or ZERO
        for r in self.unpriced_changes:
            if r.delta is None:
                base -= r.base_cost or ZERO
                head -= r.head_cost or ZERO
            else:
                comparable_base, comparable_head = r.comparable_costs
                base -= (r.base_cost or ZERO) - comparable_base
                head -= (r.head_cost or ZERO) - comparable_head
        return base, head

    @property
    def delta(self) -> Decimal | None:
        """None when a side could not be read (unknown, left out of the totals)."""
        if not self.comparable:
            return None
        base, head = self.comparable_costs
        return head - base

    @property
    def percent(self) -> Decimal | None:
        delta = self.delta
        if delta is None:
            return None
        base, _ = self.comparable_costs
        return percent(base, base + delta)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "presence": self.presence,
            "base_monthly_cost": money(self.base_cost),
            "head_monthly_cost": money(self.head_cost),
            "delta_monthly_cost": money(self.delta),
            "delta_percent": _pct_text(self.percent),
            "unreadable": self.unreadable,
            "errors": self.errors,
            "resources": [r.to_json() for r in self.resources],
        }


@dataclass
class CostDiff:
    """The whole change: projects, findings new/existing/resolved, and the budget gate's findings."""

    projects: list[ProjectDelta]
    new_findings: list[Finding] = field(default_factory=list)
    existing_findings: list[Finding] = field(default_factory=list)
    resolved_findings: list[Finding] = field(default_factory=list)
    budget_findings: list[Finding] = field(default_factory=list)
    budget_usd: Decimal | None = None  # budgets.monthly_increase_usd, as judged
    budget_percent: Decimal | None = None  # budgets.monthly_increase_percent
    base_findings_checked: bool = True  # False: the base is a ``breakdown`` report, "new" cannot be told

    @property
    def budget_configured(self) -> bool:
        return self.budget_usd is not None or self.budget_percent is not None

    @property
    def comparable_projects(self) -> list[ProjectDelta]:
        """The projects both sides of which could be read: the only ones the totals count."""
        return [p for p in self.projects if p.comparable]

    @property
    def unreadable_projects(self) -> list[ProjectDelta]:
        return [p for p in self.projects if not p.comparable]

    @property
    def totals_known(self) -> bool:
        """False when there are projects but none could be read on both sides: the totals are
        unknown (null, "unknown"), not a $0 change."""
        return bool(self.comparable_projects) or not self.projects

    @property
    def head_errors(self) -> list[str]:
        """Input errors of the head (exit 2): the change cannot be judged as passing."""
        return [e for p in self.projects for e in p.errors.get("head", [])]

    @property
    def base_cost(self) -> Decimal:
        return sum((p.base_cost or ZERO for p in self.comparable_projects), ZERO)

    @property
    def head_cost(self) -> Decimal:
        return sum((p.head_cost or ZERO for p in self.comparable_projects), ZERO)

    @property
    def delta(self) -> Decimal:
        """Sum of the projects' priced changes (a missing price, or a project that could not be
        read, is never counted as $0)."""
        return sum((p.delta or ZERO for p in self.comparable_projects), ZERO)

    @property
    def percent(self) -> Decimal | None:
        base = sum((p.comparable_costs[0] for p in self.comparable_projects), ZERO)
        return percent(base, base + self.delta)

    @property
    def unpriced_changes(self) -> list[ResourceDelta]:
        return [r for p in self.projects for r in p.unpriced_changes]

    @property
    def unknown_changes(self) -> int:
        return sum(p.unknown_changes for p in self.projects)

    @property
    def resources(self) -> list[ResourceDelta]:
        return [r for p in self.projects for r in p.resources]

    @property
    def has_changes(self) -> bool:
        """Anything to tell: a cost change, a changed resource, or a project appearing/disappearing."""
        return bool(self.delta) or bool(self.resources) or any(p.presence != "both" for p in self.projects)

    @property
    def head_findings(self) -> list[Finding]:
        return [*self.new_findings, *self.existing_findings]

    @property
    def gate_findings(self) -> list[Finding]:
        """What the pre-merge gate judges: every head finding (new or pre-existing) and the budget."""
        return [*self.head_findings, *self.budget_findings]

    @property
    def budget_exceeded(self) -> bool:
        return any(f.enforcement == "mandatory" and not f.suppressed for f in self.budget_findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "base_monthly_cost": money(self.base_cost) if self.totals_known else None,
            "head_monthly_cost": money(self.head_cost) if self.totals_known else None,
            "delta_monthly_cost": money(self.delta) if self.totals_known else None,
            "delta_percent": _pct_text(self.percent) if self.totals_known else None,
            "resources": [r.to_json() for r in self.resources],
            "unpriced_changes": [r.address for r in self.unpriced_changes],
            "projects": [p.to_json() for p in self.projects],
            "findings": {
                "new": [f.to_json() for f in self.new_findings],
                "existing": [f.to_json() for f in self.existing_findings],
                "resolved": [f.to_json() for f in self.resolved_findings],
                "base_checked": self.base_findings_checked,
            },
            "budget": {
                "exceeded": self.budget_exceeded,
                "monthly_increase_usd": money(self.budget_usd),
                "monthly_increase_percent": decimal_text(self.budget_percent),
                "findings": [f.to_json() for f in self.budget_findings],
            },
        }


def _sub(head: Decimal | None, base: Decimal | None) -> Decimal | None:
    if head is None or base is None:
        return None
    return head - base


def percent(base: Decimal, head: Decimal) -> Decimal | None:
    """Change in percent of the base; None when the base is 0 (a new cost has no percentage)."""
    if not base:
        return None if head else ZERO
    return (head - base) / base * 100


def _pct_text(value: Decimal | None) -> str | None:
    return None if value is None else format(cents(value), "f")


def diff_resources(project: str, base: ProjectCost | None, head: ProjectCost | None) -> list[ResourceDelta]:
    """Added, removed and changed resources of one project, largest absolute change first.

    Free resources (route tables, subnets, IAM) appearing or disappearing are not cost changes.
    """
    base_res = base.resources if base else {}
    head_res = head.resources if head else {}
    stand_ins = {"base": {a for a in base_res if "[*]" in a}, "head": {a for a in head_res if "[*]" in a}}
    out: list[ResourceDelta] = []
    for address in [*head_res, *(a for a in base_res if a not in head_res)]:
        b, h = base_res.get(address), head_res.get(address)
        if b is not None and h is not None and b.same_cost_as(h):
            continue
        if (b is None or b.status == "free") and (h is None or h.status == "free"):
            continue  # a resource AWS does not bill: no cost to change
        change = "added" if b is None else "removed" if h is None else "changed"
        side = h or b
        assert side is not None
        missing = "head" if change == "removed" else "base" if change == "added" else None
        unknown = missing if missing and stand_in_address(address) in stand_ins[missing] else None
        out.append(
            ResourceDelta(project, address, side.type, change, b, h, diff_components(b, h), unknown),
        )
    out.sort(key=_resource_order)
    return out


def _resource_order(r: ResourceDelta) -> tuple[int, Decimal, str]:
    delta = r.delta
    return (1 if delta is None else 0, -abs(delta) if delta is not None else ZERO, r.address)


def _stem(c: ComponentCost) -> tuple[str, str, str]:
    """A line's identity without its parenthesised detail: ``Instance usage (g5.xlarge)`` → ``Instance usage``."""
    return (c.group or "", c.unit, c.name.split(" (", 1)[0])


def diff_components(base: ResourceCost | None, head: ResourceCost | None) -> list[ComponentDelta]:
    """Line-by-line before/after, unchanged lines dropped.

    Lines match by (group, name); a line left alone on each side with the same stem and unit
    (an instance type change renames ``Instance usage (g5.xlarge)``) is one changed line.
    """
    base_c = _by_occurrence(base.components if base else [])
    head_c = _by_occurrence(head.components if head else [])
    only_base = [(k, c) for k, c in base_c.items() if k not in head_c]
    only_head = [(k, c) for k, c in head_c.items() if k not in base_c]
    paired: dict[tuple[str, str, int], ComponentCost] = {}
    paired_keys: dict[tuple[str, str, int], tuple[str, str, int]] = {}
    for hk, h in only_head:
        candidates = [(bk, b) for bk, b in only_base if _stem(b) == _stem(h)]
        if len(candidates) == 1 and sum(1 for _, o in only_head if _stem(o) == _stem(h)) == 1:
            paired[hk], paired_keys[hk] = candidates[0][1], candidates[0][0]
    used = set(paired_keys.values())
    out = []
    for key in [*head_c, *(k for k in base_c if k not in head_c and k not in used)]:
        h = head_c.get(key)
        b = base_c.get(key) if key in base_c else paired.get(key)
        if b == h:
            continue
        side = h or b
        assert side is not None
        out.append(ComponentDelta(side.name, side.unit, side.group, b, h, _no_lines(base), _no_lines(head)))
    return out


def _no_lines(side: ResourceCost | None) -> bool:
    """A resource present on this side that could not be priced at all: none of its lines are known."""
    return side is not None and not side.components and side.status in ("unpriced", "unsupported")


def _by_occurrence(components: list[ComponentCost]) -> dict[tuple[str, str, int], ComponentCost]:
    """Lines by (group, name, n): a mixed Auto Scaling group bills its on-demand and its spot volumes
    under one name, and each must be compared with its own counterpart, not the first one only."""
    seen: dict[tuple[str, str], int] = {}
    out = {}
    for c in components:
        n = seen.get(c.key, 0)
        seen[c.key] = n + 1
        out[(*c.key, n)] = c
    return out


def diff_findings(
    base: list[Finding], head: list[Finding]
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(new, existing, resolved) by ``Finding.key``; a suppressed finding is still a finding."""
    base_keys = {f.key for f in base}
    head_keys = {f.key for f in head}
    new = [f for f in head if f.key not in base_keys]
    existing = [f for f in head if f.key in base_keys]
    resolved = [f for f in base if f.key not in head_keys]
    return new, existing, resolved


def match_projects(
    base: list[ProjectCost], head: list[ProjectCost]
) -> list[tuple[str, ProjectCost | None, ProjectCost | None]]:
    """Pair projects by path; one project on each side with different paths is the same project."""
    if len(base) == 1 and len(head) == 1 and base[0].path != head[0].path:
        base[0] = _renamed(base[0], head[0].path)
    base_by = {p.path: p for p in base}
    head_paths = {p.path for p in head}
    pairs: list[tuple[str, ProjectCost | None, ProjectCost | None]] = [(p.path, base_by.get(p.path), p) for p in head]
    pairs += [(p.path, p, None) for p in base if p.path not in head_paths]
    return pairs


def _renamed(project: ProjectCost, path: str) -> ProjectCost:
    for finding in project.findings:
        finding.project = path
    project.path = path
    return project


def _follow_pulumi_renames(base: ProjectCost, head: ProjectCost) -> None:
    """A Pulumi resource is addressed by its name path, qualified ``name:type`` only while another
    resource shares the name: adding a sibling of another type renames ``chat`` to
    ``chat:aws_lambda_function``. The base's resources and findings take the head's address for the
    same name and type, so the resource is unchanged rather than removed and added, and its
    findings stay "existing"."""
    if PULUMI_SOURCES.isdisjoint({base.source, head.source}):
        return
    renames: dict[str, str] = {}
    for address, res in base.resources.items():
        if address in head.resources:
            continue
        plain, _, qualifier = address.rpartition(":")
        other = plain if qualifier == res.type and plain else f"{address}:{res.type}"
        match = head.resources.get(other)
        if match is not None and match.type == res.type and other not in base.resources:
            renames[address] = other
    if not renames:
        return
    base.resources = {renames.get(a, a): r for a, r in base.resources.items()}
    for res in base.resources.values():
        res.address = renames.get(res.address, res.address)
    for finding in base.findings:
        finding.address = renames.get(finding.address, finding.address)


PULUMI_SOURCES = frozenset({SOURCE_PULUMI_PROGRAM, SOURCE_PULUMI_PREVIEW})


def compute_diff(base: list[ProjectCost], head: list[ProjectCost]) -> CostDiff:
    """The diff of two sides (budget findings are added by ``apply_budget``)."""
    projects = []
    for path, b, h in match_projects(base, head):
        if b is not None and h is not None:
            _follow_pulumi_renames(b, h)
        project = ProjectDelta(path, b, h)
        if project.comparable:  # what was read of a side with errors is not its resources
            project.resources = diff_resources(path, b, h)
        projects.append(project)
    base_findings = [f for p in base for f in p.findings]
    head_findings = [f for p in head for f in p.findings]
    new, existing, resolved = diff_findings(base_findings, head_findings)
    checked = all(p.findings_checked for p in base)
    return CostDiff(projects, new, existing, resolved, base_findings_checked=checked)


def apply_budget(diff: CostDiff, config: Any) -> None:
    """CR-BUD-002 per project, and on the total when there are several projects."""
    if config is None:
        return
    from policies.engine import check_change

    diff.budget_usd = config.budgets.monthly_increase_usd
    diff.budget_percent = config.budgets.monthly_increase_percent

    findings: list[Finding] = []
    for project in diff.comparable_projects:  # a side that could not be read has no cost to judge
        found = list(check_change(project.path, *project.comparable_costs, config))
        findings.extend(_say_left_out(found, project.unknown_changes))
    if len(diff.projects) > 1:
        base = sum((p.comparable_costs[0] for p in diff.comparable_projects), ZERO)
        found = list(check_change("(all projects)", base, base + diff.delta, config))
        findings.extend(_say_left_out(found, diff.unknown_changes))
    diff.budget_findings = findings


def _say_left_out(findings: list[Finding], unknown: int) -> list[Finding]:
    """The budget judges the costs comparable on both sides: when changes of unknown cost are left out,
    its "base → head" is not the report's totals, and the message says why (QA17b)."""
    if unknown:
        for finding in findings:
            finding.message += (f" (the cost that can be compared on both sides: {unknown} change"
                                f"{'s' if unknown != 1 else ''} of unknown cost left out)")
    return findings


def exit_code(diff: CostDiff, input_failed: bool) -> int:
    """2 on input errors; 1 on any unsuppressed mandatory finding in head (new or pre-existing) or budget; else 0."""
    if input_failed:
        return 2
    from policies.engine import exit_code as policy_exit_code

    return policy_exit_code(diff.gate_findings)
