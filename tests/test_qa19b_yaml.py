"""QA19b: hostile YAML in the usage file, `.costrail.yml`, `Pulumi.yaml` and `Pulumi.<stack>.yaml` (invalid
UTF-8, nesting 600 deep, a key written twice) is a one-line error naming file and line, never a traceback
(exit 1, a policy failure to CI) nor a silently kept last value. One shared check (``yaml_guard``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from estimator.config import parse_config_file
from estimator.errors import ConfigError, InputError
from estimator.loaders import LoadOptions
from estimator.loaders.pulumi_program import read_project
from estimator.usage import load_usage

FIXTURES = Path(__file__).parent / "fixtures" / "qa19b" / "yaml"
TOO_DEEP = "YAML nested too deeply (more than 100 lists or mappings inside each other)"


@pytest.fixture(params=[1000, 20000], ids=["default-limit", "raised-limit"])
def recursion_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """Both limits a run can have (tree-sitter raises it on a cold parse cache): same answer."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(int(request.param))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _usage_error(name: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_usage(str(FIXTURES / name))
    return str(info.value).replace(str(FIXTURES) + "/", "")


def _config_error(name: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config_file(FIXTURES / name)
    return str(info.value).replace(str(FIXTURES) + "/", "")


def _pulumi_error(name: str) -> str:
    with pytest.raises(InputError) as info:
        read_project(FIXTURES / name, LoadOptions(environ={}, stack="dev"))
    return str(info.value)


# ---- invalid UTF-8: worded as the .tf reader words it

def test_invalid_utf8_usage_file() -> None:
    assert _usage_error("usage_invalid_utf8.yml") == "usage_invalid_utf8.yml:4:1: invalid UTF-8 (byte 0xe9 at offset 67)"


def test_invalid_utf8_config_file() -> None:
    assert _config_error("config_invalid_utf8.yml") == \
        "config_invalid_utf8.yml:2:1: invalid UTF-8 (byte 0xe9 at offset 28)"


def test_invalid_utf8_pulumi_stack_and_project_files() -> None:
    assert _pulumi_error("pulumi_stack_utf8") == "Pulumi.dev.yaml:3:1: invalid UTF-8 (byte 0xe9 at offset 43)"
    assert _pulumi_error("pulumi_spec_utf8") == "Pulumi.yaml:2:1: invalid UTF-8 (byte 0xe9 at offset 25)"


# ---- nesting: too deep whatever the recursion limit

@pytest.mark.usefixtures("recursion_limit")
def test_too_deep_usage_config_and_stack_files() -> None:
    assert _usage_error("usage_deep.yml").startswith("usage_deep.yml:")
    assert _usage_error("usage_deep.yml").endswith(f": {TOO_DEEP}")
    assert _config_error("config_deep.yml").endswith(f": {TOO_DEEP}")
    assert _pulumi_error("pulumi_stack_deep").startswith("Pulumi.dev.yaml:")
    assert _pulumi_error("pulumi_stack_deep").endswith(f": {TOO_DEEP}")


# ---- duplicate keys: an error naming both lines, never the last one silently

def test_duplicate_keys_in_the_usage_file() -> None:
    assert _usage_error("usage_dup_address.yml") == \
        "usage_dup_address.yml:4: duplicate key 'aws_nat_gateway.main' (first set on line 3)"
    assert _usage_error("usage_dup_key.yml") == \
        "usage_dup_key.yml:3: duplicate key 'monthly_data_processed_gb' (first set on line 3)"
    assert _usage_error("usage_dup_section.yml") == \
        "usage_dup_section.yml:4: duplicate key 'resource_usage' (first set on line 2)"


def test_duplicate_keys_in_pulumi_files() -> None:
    assert _pulumi_error("pulumi_stack_dup") == "Pulumi.dev.yaml:4: duplicate key 'pq:itype' (first set on line 3)"
    assert _pulumi_error("pulumi_spec_dup") == "Pulumi.yaml:4: duplicate key 'name' (first set on line 1)"


def test_duplicate_key_in_the_config_names_its_path_and_both_lines() -> None:
    assert _config_error("config_dup.yml") == \
        "config_dup.yml:4: budgets.max_exposure_usd: duplicate key (first set on line 3)"
