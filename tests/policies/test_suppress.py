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


def test_a_comment_on_the_closing_line_is_the_blocks() -> None:
    """`} # costrail:ignore ...` and `type="gp2")  # costrail:ignore ...` end the block they ignore (QA13)."""
    from policies.suppress import block_comments

    assert block_comments(['resource "aws_ebs_volume" "c" {', '  type = "gp2"',
                           '} # costrail:ignore CR-EBS-001 reason="x"', "# not this block's"], 1) == [
        (3, '# costrail:ignore CR-EBS-001 reason="x"')]
    assert [n for n, _ in block_comments(['vol = aws.ebs.Volume("e",', '    type="gp2")  # costrail:ignore CR-EBS-001',
                                          "x = 1  # not the call's"], 1, python=True)] == [2]


def test_no_block_on_the_line_means_no_block_comments() -> None:
    from policies.suppress import block_comments

    assert block_comments(['x = "{"', "# costrail:ignore CR-EBS-001"], 1) == []
    assert block_comments(['resource "a" "b" {', "  # never closed"], 1) == []


def test_a_stack_finding_is_suppressed_from_any_resource_it_stands_for(tmp_path) -> None:
    """CR-BUD-001 is one finding for the stack, anchored on one GPU resource: an ignore in another
    GPU resource's block, or a config suppression of its address, suppresses it too, so it does not
    come back when the anchor changes (QA13)."""
    from estimator.config import Config, Suppression
    from estimator.loaders import LoadOptions, load_project
    from estimator.pricing.engine import price_project

    (tmp_path / "main.tf").write_text('''provider "aws" { region = "us-east-1" }
resource "aws_instance" "serve" {
  # costrail:ignore CR-BUD-001 reason="budget lives in the org account"
  ami           = "ami-1"
  instance_type = "g5.2xlarge"
}
resource "aws_instance" "embed" {
  ami           = "ami-1"
  instance_type = "g5.xlarge"
}
''', encoding="utf-8")
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    costed = price_project(project, None)
    (bud,) = [f for f in check_project(project, costed, Config()) if f.rule == "CR-BUD-001"]
    assert bud.address == "aws_instance.embed" and bud.suppressed
    assert bud.suppression_reason == "inline: budget lives in the org account"

    (tmp_path / "main.tf").write_text((tmp_path / "main.tf").read_text().replace("  # costrail:ignore", "  #"))
    project = load_project(str(tmp_path), LoadOptions(environ={}))
    config = Config(suppressions=[Suppression(rule="CR-BUD-001", address="aws_instance.serve", reason="org budget")])
    (bud,) = [f for f in check_project(project, price_project(project, None), config) if f.rule == "CR-BUD-001"]
    assert bud.suppressed and bud.suppression_reason == "org budget"


def test_an_expired_suppression_is_not_mentioned_when_a_valid_one_suppresses() -> None:
    """Config order does not matter: a valid suppression wins, with no "expired" note (found by QA14)."""
    from estimator.config import Config, Suppression
    from policies.finding import Finding
    from policies.suppress import apply_config_suppressions

    finding = Finding("CR-BUD-001", "medium", "advisory", "aws_instance.a", "no budget",
                      extra={"gpu_resources": ["aws_instance.a", "aws_instance.b"]})
    config = Config(suppressions=[
        Suppression("CR-BUD-001", "aws_instance.a", "old", dt.date(2020, 1, 1)),
        Suppression("CR-BUD-001", "aws_instance.b", "org budget"),
    ])
    apply_config_suppressions(finding, config, dt.date(2026, 11, 29))
    assert (finding.suppressed, finding.suppression_reason, finding.message) == (True, "org budget", "no budget")
    assert "suppression_expired" not in finding.extra


def test_all_rules_of_one_resource_do_not_silence_a_stack_finding_about_others() -> None:
    """``{rule: "*", address: aws_instance.sandbox}`` silences the sandbox's own findings, not the stack's
    CR-BUD-001 that also stands for the trainer; naming the rule, or an address covering all, does (QA17b)."""
    from estimator.config import Config, Suppression
    from policies.finding import Finding
    from policies.suppress import apply_config_suppressions

    def bud() -> Finding:
        return Finding("CR-BUD-001", "medium", "mandatory", "aws_instance.sandbox", "no budget",
                       extra={"gpu_resources": ["aws_instance.sandbox", "aws_instance.trainer"]})

    for sup, suppressed in ((Suppression("*", "aws_instance.sandbox", "play"), False),
                            (Suppression("CR-BUD-001", "aws_instance.sandbox", "org budget"), True),
                            (Suppression("*", "aws_instance.*", "all instances"), True)):
        finding = bud()
        apply_config_suppressions(finding, Config(suppressions=[sup]))
        assert finding.suppressed is suppressed, sup
    own = Finding("CR-TAG-001", "high", "mandatory", "aws_instance.sandbox", "untagged")
    apply_config_suppressions(own, Config(suppressions=[Suppression("*", "aws_instance.sandbox", "play")]))
    assert own.suppressed
