"""Run packs over a project: select rules, set enforcement, apply suppressions, decide the exit code.

Enforcement: the rule's ``DEFAULT_ENFORCEMENT``, overridden by the pack, overridden by the
config's ``policies:``; ``disabled`` rules do not run. Suppressed findings stay in the result
(``suppressed=True``) so reports can show them; they never fail the gate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from estimator.model import Project
from policies.context import RuleContext, run_rule
from policies.finding import Finding
from policies.pack import PackRule, selected_rules
from policies.rules import BY_ID, RULES
from policies.suppress import SourceLines, apply_config_suppressions, apply_suppressions, unknown_rule_warnings

if TYPE_CHECKING:
    from estimator.config import Config
    from estimator.cost_model import CostedResource


def _packs(config: Config | None, pack: str | None) -> list[str]:
    if pack:
        return [pack]
    return list(config.packs) if config is not None else ["finops-ai"]


def active_rules(config: Config | None, pack: str | None = None) -> list[PackRule]:
    """The rules that run: those of the selected packs, plus (unless ``--pack`` names one pack) any rule
    the config asks for by name outside them: an enforcement under ``policies:``, or a budget increase
    under ``budgets:`` for CR-BUD-002. A setting for a rule no pack selects is never silently inert."""
    rules = selected_rules(_packs(config, pack))
    if pack or config is None:
        return rules
    chosen = {r.id for r in rules}
    wanted = {rule for rule, level in config.policies.items() if level != "disabled"}
    budgets = config.budgets
    if budgets.monthly_increase_usd is not None or budgets.monthly_increase_percent is not None:
        wanted.add("CR-BUD-002")
    if budgets.max_exposure_usd is not None:
        wanted.add("CR-GPU-003")
    extra = {rule: PackRule(rule) for rule in wanted - chosen if rule in BY_ID}
    if not extra:
        return rules
    by_id = {r.id: r for r in rules} | extra
    return [by_id[r.ID] for r in RULES if r.ID in by_id]


def enforcement_for(rule_id: str, config: Config | None, pack_enforcement: str | None = None) -> str:
    default = pack_enforcement or BY_ID[rule_id].DEFAULT_ENFORCEMENT
    return config.enforcement(rule_id, default) if config is not None else default


def check_project(
    project: Project,
    costed: list[CostedResource],
    config: Config | None,
    pack: str | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """Every finding of the selected packs over one project, suppressed ones included."""
    ctx = RuleContext(
        resources=project.resources,
        costs={c.address: c for c in costed},
        config=config,
        project=project.path,
    )
    findings: list[Finding] = []
    for pack_rule in active_rules(config, pack):
        enforcement = enforcement_for(pack_rule.id, config, pack_rule.enforcement)
        if enforcement == "disabled":
            continue
        for finding in run_rule(BY_ID[pack_rule.id], ctx, pack_rule.params):
            finding.enforcement = enforcement
            findings.append(finding)
    locations = {r.address: r.location for r in project.resources}
    sources = SourceLines(project.root or project.path)
    apply_suppressions(findings, sources, locations, config, today)
    files = sorted({loc.file for loc in locations.values() if loc is not None})
    for warning in unknown_rule_warnings(sources, files, set(BY_ID)):
        if warning not in project.diagnostics:  # a project checked twice warns once
            project.diagnostics.append(warning)
    return findings


def check_change(project: str, base_cost: Decimal, head_cost: Decimal, config: Config) -> list[Finding]:
    """CR-BUD-002 on one project's (or the total's) monthly cost change."""
    from policies.rules import budget_increase

    if config is None or enforcement_for(budget_increase.ID, config) == "disabled":
        return []
    if budget_increase.ID not in {r.id for r in active_rules(config)}:
        return []
    findings = list(budget_increase.check_change(project, base_cost, head_cost, config))
    for finding in findings:
        apply_config_suppressions(finding, config)
    return findings


def exit_code(findings: list[Finding]) -> int:
    """1 if any unsuppressed mandatory finding, else 0."""
    return 1 if any(f.enforcement == "mandatory" and not f.suppressed for f in findings) else 0


def rules_for(config: Config | None, pack: str | None = None) -> list[str]:
    """Ids of the rules that run (selected by the packs and not disabled)."""
    return [r.id for r in active_rules(config, pack)
            if enforcement_for(r.id, config, r.enforcement) != "disabled"]
