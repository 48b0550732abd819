"""QA19b: usage-file keys that are no address or type, and quantities out of range, are errors naming
the key and line (they went nowhere silently, or crashed every report's rounding); a list-shaped
`.costrail.yml` says the config must be a mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.config import parse_config_file
from estimator.errors import ConfigError
from estimator.usage import load_usage, parse_usage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "qa19b" / "yaml"


def _usage_error(name: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_usage(str(FIXTURES / name))
    return str(info.value).replace(str(FIXTURES) + "/", "")


def test_non_string_usage_keys() -> None:
    assert _usage_error("usage_int_address.yml") == \
        "usage_int_address.yml:3:3: resource_usage key 123 is not a resource address (write it as text)"
    assert _usage_error("usage_float_type.yml") == \
        "usage_float_type.yml:3:3: resource_type_default_usage key 1.5 is not a resource type (write it as text)"
    assert _usage_error("usage_list_address.yml") == \
        "usage_list_address.yml:3:5: resource_usage key a list is not a resource address (write it as text)"


def test_a_quoted_number_is_a_name_and_merge_keys_still_work() -> None:
    usage = parse_usage('version: 0.1\nresource_usage:\n  "123": {monthly_hours: 1}\n'
                        "  x: &d {monthly_hours: 2}\n  y: {<<: *d}\n", "u.yml")
    assert usage.resource_usage == {"123": {"monthly_hours": 1}, "x": {"monthly_hours": 2},
                                    "y": {"monthly_hours": 2}}


def test_quantities_out_of_range() -> None:
    key = "'resource_usage.aws_nat_gateway.main.monthly_data_processed_gb'"
    assert _usage_error("usage_huge.yml") == (
        f"usage_huge.yml:3:53: usage key {key} is out of range (at most 1,000,000,000,000,000,000), "
        "got '100000000000000000000000000000'")
    assert _usage_error("usage_1e400.yml") == (
        f"usage_1e400.yml:3:53: usage key {key} is out of range (at most 1,000,000,000,000,000,000), got '1e400'")
    usage = parse_usage("version: 0.1\nresource_usage:\n  a: {monthly_requests: 1e18}\n", "u.yml")
    assert usage.resource_usage == {"a": {"monthly_requests": "1e18"}}


def test_list_shaped_config() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config_file(FIXTURES / "config_list.yml")
    assert str(info.value) == f"{FIXTURES}/config_list.yml:1: the config must be a mapping (key: value), found a list"
