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
from policies.pack import selected_rules
from policies.rules import BY_ID
from policies.suppress import SourceLines, apply_config_suppressions, apply_suppressions, unknown_rule_warnings

if TYPE_CHECKING:
    from estimator.config import Config
    from estimator.cost_model import CostedResource


def _packs(config: Config | None, pack: str | None) -> list[str]:
    if pack:
        return [pack]
    return list(config.packs) if config is not None else ["finops-ai"]


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
    for pack_rule in selected_rules(_packs(config, pack)):
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
    if budget_increase.ID not in {r.id for r in selected_rules(_packs(config, None))}:
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
    return [r.id for r in selected_rules(_packs(config, pack))
            if enforcement_for(r.id, config, r.enforcement) != "disabled"]
