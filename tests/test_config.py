"""`.costrail.yml`: the DESIGN.md example parses; every mistake names its key and line."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from estimator.config import Config, load_config, parse_config_file
from estimator.errors import ConfigError

CONFIGS = Path(__file__).parent / "fixtures" / "policies" / "config"


def test_defaults() -> None:
    cfg = Config()
    assert cfg.required_tags == ["cost-center", "team", "env"]
    assert cfg.required_tags_scope == "costed"
    assert cfg.ai_tags == ["model", "workload"]
    assert cfg.gpu.default_max_gpus == 1
    assert cfg.gpu.max_gpus == {"default": 8}
    assert cfg.gpu.max_gpus_for("prod") == 8
    assert cfg.packs == ["finops-ai"]
    assert cfg.budgets.max_exposure_usd is None
    assert cfg.source is None


def test_design_example_parses() -> None:
    cfg = parse_config_file(CONFIGS / "full.costrail.yml")
    assert cfg.region == "us-east-1"
    assert cfg.allowed_tag_values == {"env": ["prod", "staging", "dev"], "cost-center": "^cc-[0-9]{4}$"}
    assert cfg.gpu.max_gpus == {"default": 8, "dev": 1, "staging": 4, "prod": 8}
    assert cfg.gpu.max_gpus_for("dev") == 1
    assert cfg.gpu.max_gpus_for("qa") == 8
    assert cfg.gpu.max_hourly_for("prod") == Decimal(100)
    assert cfg.budgets.max_exposure_usd == Decimal(50000)
    assert cfg.budgets.monthly_increase_percent == Decimal(25)
    assert cfg.policies == {"CR-EBS-001": "advisory", "CR-GPU-005": "disabled"}
    (sup,) = cfg.suppressions
    assert (sup.rule, sup.address, sup.reason, sup.expires) == (
        "CR-TAG-001", "aws_s3_bucket.legacy", "owned by data", dt.date(2027, 3, 31))
    assert sup.location is not None and sup.location.line == 20
    assert [p.path for p in cfg.projects] == ["stacks/rag", "stacks/llm-pulumi"]
    assert cfg.projects[0].var_files == ["prod.tfvars"]
    assert cfg.projects[0].usage_file == "stacks/rag/costrail-usage.yml"
    assert cfg.projects[1].stack == "dev"


def test_required_tags_scope_all_form() -> None:
    cfg = parse_config_file(CONFIGS / "scope_all.costrail.yml")
    assert cfg.required_tags == ["team"]
    assert cfg.required_tags_scope == "all"


@pytest.mark.parametrize(
    ("name", "key", "line"),
    [
        ("unknown_key.costrail.yml", "gpu.max_gpu", 4),
        ("top_unknown.costrail.yml", "requried_tags", 2),
        ("wrong_type.costrail.yml", "budgets.max_exposure_usd", 3),
        ("bad_enforcement.costrail.yml", "policies.CR-EBS-001", 2),
        ("bad_date.costrail.yml", "suppressions[0].expires", 5),
        ("bad_regex.costrail.yml", "allowed_tag_values.cost-center", 2),
        ("unknown_rule.costrail.yml", "policies.CR-GPU-099", 4),
        ("unknown_pack.costrail.yml", "packs[1]", 3),
        ("suppression_no_reason.costrail.yml", "suppressions[0].reason", 2),
        ("allowed_values_number.costrail.yml", "allowed_tag_values.env", 3),
        ("allowed_values_mapping.costrail.yml", "allowed_tag_values.env", 3),
        ("allowed_values_list_number.costrail.yml", "allowed_tag_values.env[1]", 3),
        ("required_tags_number.costrail.yml", "required_tags[1]", 4),
        ("suppression_reason_bool.costrail.yml", "suppressions[0].reason", 4),
        # found by QA17b: each was accepted (a suppression that suppresses nothing, a date with junk, env "")
        ("suppression_unknown_rule.costrail.yml", "suppressions[0].rule", 3),
        ("date_trailing_junk.costrail.yml", "suppressions[0].expires", 5),
        ("empty_environment_tag.costrail.yml", "environment_tag", 2),
    ],
)
def test_errors_name_key_and_line(name: str, key: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config_file(CONFIGS / name)
    err = info.value
    assert err.message.startswith(f"{key}:")
    assert err.location is not None and err.location.line == line
    assert str(err).startswith(f"{CONFIGS / name}:{line}: {key}:")


def test_suppression_wildcards_and_expiry() -> None:
    cfg = parse_config_file(CONFIGS / "full.costrail.yml")
    sup = cfg.suppressions[0]
    assert sup.matches("CR-TAG-001", "aws_s3_bucket.legacy")
    assert not sup.matches("CR-TAG-002", "aws_s3_bucket.legacy")
    sup.address = "module.data.*"
    assert sup.matches("CR-TAG-001", "module.data.aws_s3_bucket.x[0]")
    assert not sup.expired(dt.date(2027, 3, 31))
    assert sup.expired(dt.date(2027, 4, 1))


def test_discovery_in_path_then_git_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    stack = repo / "stacks" / "rag"
    stack.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".costrail.yml").write_text("environment_tag: stage\n")
    assert load_config(None, [str(stack)]).environment_tag == "stage"
    (stack / ".costrail.yml").write_text("environment_tag: tier\n")
    found = load_config(None, [str(stack)])
    assert found.environment_tag == "tier"
    assert found.source == str(stack / ".costrail.yml")
    assert load_config(None, [str(tmp_path)]).source is None


def test_a_shared_config_without_projects_takes_the_repositorys_projects(tmp_path: Path) -> None:
    """--config names the org's policy file; the repository's own .costrail.yml says where its projects are."""
    from estimator.pipeline import specs_from

    repo = tmp_path / "repo"
    (repo / "stacks" / "app").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".costrail.yml").write_text(
        "budgets: {monthly_increase_usd: 500}\nprojects:\n  - {path: stacks/app, var_files: [prod.tfvars]}\n"
    )
    org = repo / ".costrail-org" / ".costrail.yml"
    org.parent.mkdir()
    org.write_text("budgets: {monthly_increase_usd: 10}\nrequired_tags: [team]\n")
    config = load_config(str(org), [str(repo / "stacks" / "app")])
    assert config.source == str(org) and config.projects_source == str(repo / ".costrail.yml")
    assert config.budgets.monthly_increase_usd == Decimal(10) and config.required_tags == ["team"]
    assert [p.path for p in config.projects] == ["stacks/app"]
    [spec] = specs_from([], usage_file=None, config=config)
    assert spec.path == str(repo / "stacks" / "app") and spec.name == "stacks/app"
    assert spec.var_files == [str(repo / "stacks" / "app" / "prod.tfvars")]

    # a shared config with projects of its own keeps them, resolved under its own folder
    org.write_text("projects:\n  - {path: infra}\n")
    config = load_config(str(org), [str(repo)])
    assert [p.path for p in config.projects] == ["infra"] and config.projects_source == str(org)
    # no repository config: no projects, as before
    (repo / ".costrail.yml").unlink()
    org.write_text("required_tags: [team]\n")
    assert load_config(str(org), [str(repo)]).projects == []


def test_explicit_missing_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path / "nope.yml"), [])


def test_invalid_yaml_has_a_line(tmp_path: Path) -> None:
    bad = tmp_path / ".costrail.yml"
    bad.write_text("version: 1\ngpu: [\n")
    with pytest.raises(ConfigError) as info:
        parse_config_file(bad)
    assert info.value.location is not None


def test_a_number_is_never_read_as_a_regex_or_a_tag_name() -> None:
    """QA: `env: 5` was the regex "5" and `[team, 7]` required a tag named "7"; both are wrong types."""
    with pytest.raises(ConfigError) as info:
        parse_config_file(CONFIGS / "allowed_values_number.costrail.yml")
    assert info.value.message == "allowed_tag_values.env: expected a list of strings or a regex string"
    with pytest.raises(ConfigError) as info:
        parse_config_file(CONFIGS / "required_tags_number.costrail.yml")
    assert info.value.message == 'required_tags[1]: expected a string, got 7 (write "7" if text is meant)'


def test_outside_a_git_checkout_the_working_directorys_config_is_found(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``check infra/app`` from a folder holding .costrail.yml, with no git (a CI artifact, a tarball):
    the config there applies, as the git root's would (QA17b: silently the defaults)."""
    (tmp_path / ".costrail.yml").write_text("version: 1\nrequired_tags: [owner]\n", encoding="utf-8")
    (tmp_path / "infra" / "app").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert load_config(None, ["infra/app"]).required_tags == ["owner"]


def test_paths_with_different_configs_are_warned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """One config judges every PATH: when the PATHs would find different ones, say which applies (QA17b:
    the exit code hung on argument order)."""
    for name, tags in (("a", "[owner]"), ("b", "[team]")):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".costrail.yml").write_text(f"version: 1\nrequired_tags: {tags}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config(None, ["a", "b"]).required_tags == ["owner"]
    err = capsys.readouterr().err
    assert "different config files" in err and str(tmp_path / "b" / ".costrail.yml") in err
    load_config(None, ["a", "a"])
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("pattern", "address", "matched"), [
    ("aws_instance.web[0]", "aws_instance.web[0]", True),  # as costrail prints it (QA17b: never matched)
    ("aws_instance.web[0]", "aws_instance.web[1]", False),
    ('aws_instance.named["a"]', 'aws_instance.named["a"]', True),
    ("aws_instance.web[*]", "aws_instance.web[3]", True),
    ("aws_instance.web[*]", "aws_instance.web", False),
    ("aws_instance.web*", "aws_instance.web[0]", True),
    ("module.?.aws_instance.x", "module.a.aws_instance.x", True),
    ("module.embedder[[]0].aws_instance.this", "module.embedder[0].aws_instance.this", True),  # fnmatch escapes
    ("module.embedder[[]0[]].x", "module.embedder[0].x", True),
])
def test_suppression_addresses_take_brackets_literally(pattern: str, address: str, matched: bool) -> None:
    from estimator.config import Suppression

    assert Suppression("CR-TAG-001", pattern, "r").matches("CR-TAG-001", address) is matched
