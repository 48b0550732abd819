"""Inline suppression: ``costrail:ignore`` anywhere in the resource's block (checkov's ``#checkov:skip=`` place),
at the end of a line in it, or above it; an unknown rule id is warned about (found by QA12)."""

from __future__ import annotations

import datetime as dt

from policies.engine import check_project
from tests.policies.helpers import costed_for, load


def _ebs() -> tuple[dict[str, bool], list[str]]:
    project, config = load("inline-ignore")
    findings = check_project(project, costed_for(project), config, today=dt.date(2026, 11, 29))
    suppressed = {f.address.split(".")[1]: f.suppressed for f in findings if f.rule == "CR-EBS-001"}
    return suppressed, [f"{d.location}: {d.message}" for d in project.warnings]


def test_ignore_comments_inside_the_block() -> None:
    suppressed, _warnings = _ebs()
    assert suppressed == {
        "first_line_in_block": True,
        "end_of_line_in_block": True,
        "after_heredoc_and_nested_block": True,
        "in_a_string_only": False,  # "# costrail:ignore" inside a string is text, not a comment
        "next_to_an_ignored_one": False,  # the next block's comment is not this block's
        "ignored_after_it": True,
        "unknown_rule_id": False,
    }


def test_reason_comes_from_the_block_comment() -> None:
    project, config = load("inline-ignore")
    findings = check_project(project, costed_for(project), config)
    by = {f.address: f for f in findings if f.rule == "CR-EBS-001"}
    assert by["aws_ebs_volume.first_line_in_block"].suppression_reason == "inline: short-lived scratch volume"
    assert by["aws_ebs_volume.end_of_line_in_block"].suppression_reason == "inline: short-lived"


def test_unknown_rule_id_is_warned_about() -> None:
    _suppressed, warnings = _ebs()
    assert warnings == ["main.tf:54: costrail:ignore names unknown rule id CR-EBS-01 (it suppresses nothing)"]


def test_block_of_a_pulumi_call() -> None:
    from policies.suppress import block_comments

    lines = [
        'vol = aws.ebs.Volume("scratch",',
        '    size=500,  # costrail:ignore CR-EBS-001 reason="scratch"',
        '    description="# not a comment )",',
        '    type="gp2")',
        '# costrail:ignore CR-LOG-001 reason="after the call"',
    ]
    assert [n for n, _ in block_comments(lines, 1, python=True)] == [2]


def test_no_block_on_the_line_means_no_block_comments() -> None:
    from policies.suppress import block_comments

    assert block_comments(['x = "{"', "# costrail:ignore CR-EBS-001"], 1) == []
    assert block_comments(['resource "a" "b" {', "  # never closed"], 1) == []
