"""Engine: packs, enforcement from metadata/pack/config, inline and config suppressions, exit code."""

from __future__ import annotations

import datetime as dt

import pytest

from estimator.config import Config
from estimator.errors import UsageError
from policies.engine import check_project, exit_code, rules_for
from policies.pack import load_pack, pack_names
from policies.rules import RULES
from policies.suppress import expired_suppressions
from tests.policies.helpers import costed_for, load

TODAY = dt.date(2026, 11, 29)


def _findings(config: Config | None = None, pack: str | None = None):
    project, found = load("engine")
    return check_project(project, costed_for(project), config or found, pack=pack, today=TODAY)


def test_inline_and_config_suppressions() -> None:
    tag = {f.address: f for f in _findings() if f.rule == "CR-TAG-001"}
    assert tag["aws_instance.inline_above"].suppressed
    assert tag["aws_instance.inline_above"].suppression_reason == (
        "inline: owned by the data team, tagged by their pipeline")
    assert tag["aws_instance.inline_same_line"].suppressed
    assert tag["aws_instance.inline_same_line"].suppression_reason == "inline: legacy"
    assert not tag["aws_instance.inline_other_rule"].suppressed
    assert tag["aws_instance.config_suppressed"].suppressed
    assert tag["aws_instance.config_suppressed"].suppression_reason == "migrating in Q3"
    expired = tag["aws_instance.config_expired"]
    assert not expired.suppressed
    assert "expired on 2020-01-01" in expired.message
    assert expired.extra["suppression_expired"] == "2020-01-01"


def test_expired_suppression_is_reported() -> None:
    _project, config = load("engine")
    (warning,) = expired_suppressions(config, TODAY)
    assert "aws_instance.config_expired expired on 2020-01-01" in warning
    assert warning.startswith(f"{config.source}:8: ")


def test_config_enforcement_override_and_exit_code() -> None:
    findings = _findings()
    log = next(f for f in findings if f.rule == "CR-LOG-001")
    assert log.enforcement == "mandatory"  # advisory by default, mandatory by config
    assert exit_code(findings) == 1
    assert exit_code([f for f in findings if f.rule == "CR-TAG-001" and f.suppressed]) == 0


def test_disabled_rule_does_not_run() -> None:
    _project, config = load("engine")
    config.policies["CR-TAG-001"] = "disabled"
    assert not any(f.rule == "CR-TAG-001" for f in _findings(config))
    assert "CR-TAG-001" not in rules_for(config)


def test_pack_selection() -> None:
    assert {f.rule for f in _findings(pack="tagging")} <= {"CR-TAG-001", "CR-TAG-002", "CR-TAG-003", "CR-TAG-004"}
    with pytest.raises(UsageError, match="unknown policy pack 'nope'"):
        _findings(pack="nope")


def test_default_pack_has_every_rule() -> None:
    assert "finops-ai" in pack_names()
    assert {r.id for r in load_pack("finops-ai").rules} == {m.ID for m in RULES}


def test_rule_modules_follow_the_house_style() -> None:
    ids = [m.ID for m in RULES]
    assert len(ids) == len(set(ids)) == 16
    for module in RULES:
        assert module.SEVERITY in ("low", "medium", "high", "critical")
        assert module.DEFAULT_ENFORCEMENT in ("advisory", "mandatory")
        assert isinstance(module.PARAMS, dict) and module.WHY and module.FIX and module.TITLE
        doc = module.__doc__ or ""
        assert doc.startswith(module.ID) and "Fails" in doc and "Passes" in doc
        assert callable(module.check)


def test_no_config_means_defaults() -> None:
    project, _ = load("engine")
    findings = check_project(project, [], None)
    assert {f.rule for f in findings} == {"CR-TAG-001", "CR-LOG-001"}
    assert not any(f.suppressed for f in findings if f.address == "aws_instance.config_expired")


def test_a_rule_the_config_names_runs_even_outside_its_packs() -> None:
    """``packs: [tagging]`` with ``policies: {CR-GPU-001: mandatory}`` or a ``budgets:`` increase: the
    setting is never silently inert (QA17b: the gate passed); ``--pack`` still runs only that pack."""
    from decimal import Decimal

    from policies.engine import check_change

    config = Config(packs=["tagging"])
    assert "CR-GPU-001" not in rules_for(config)
    config.policies["CR-GPU-001"] = "mandatory"
    assert "CR-GPU-001" in rules_for(config)
    assert "CR-GPU-001" not in rules_for(config, pack="tagging")
    config.policies["CR-EBS-001"] = "disabled"
    assert "CR-EBS-001" not in rules_for(config)
    assert not check_change("p", Decimal(100), Decimal(400), config)
    config.budgets.monthly_increase_usd = Decimal(100)
    assert "CR-BUD-002" in rules_for(config)
    (over,) = check_change("p", Decimal(100), Decimal(400), config)
    assert over.rule == "CR-BUD-002"
