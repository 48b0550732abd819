"""Usage file: address, wildcard and type-default precedence; errors name key and line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from estimator.errors import ConfigError
from estimator.usage import load_usage, parse_usage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "usage"


def test_precedence_type_default_then_wildcard_then_address() -> None:
    usage = load_usage(str(FIXTURES / "precedence.yml"))
    assert usage.for_resource("aws_lambda_function.other", "aws_lambda_function") == {
        "monthly_requests": 1000000, "request_duration_ms": 300}
    assert usage.for_resource('aws_instance.embedder["a"]', "aws_instance") == {"monthly_hours": 200}
    assert usage.for_resource("aws_instance.embedder[1]", "aws_instance") == {"monthly_hours": 100}
    assert usage.for_resource("aws_instance.embedderx[1]", "aws_instance") == {}
    assert usage.for_resource("aws_lambda_function.api", "aws_lambda_function") == {
        "monthly_requests": 5, "request_duration_ms": 300}


def test_exponent_token_counts_are_exact_decimals() -> None:
    usage = load_usage(str(FIXTURES / "precedence.yml"))
    entry = usage.llm_usage[0]
    assert Decimal(str(entry["monthly_input_tokens"])) == Decimal("2000000000")


@pytest.mark.parametrize("name,line,words", [
    ("bad_top_key.yml", 2, "resource_usages"),
    ("bad_value.yml", 4, "monthly_requests"),
    ("bad_llm.yml", 3, "tokens_in"),
    ("bad_yaml.yml", 3, "not valid YAML"),
    ("bad_text_quantity.yml", 4, "'resource_usage.aws_cloudwatch_log_group.a.monthly_data_ingested_gb' must be a number"),
    ("bad_negative_quantity.yml", 6, "must not be negative, got '-50'"),
    ("bad_bool_quantity.yml", 4, "monthly_requests' must be a number"),
    ("bad_llm_tokens.yml", 5, "monthly_output_tokens' must be a number, got 'many'"),
    ("bad_nested_negative.yml", 5, "standard.storage_gb' must not be negative"),
])
def test_errors_name_the_key_and_line(name: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_usage(str(FIXTURES / name))
    assert err.value.location is not None and err.value.location.line == line
    assert words in str(err.value)


def test_missing_file_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        load_usage(str(FIXTURES / "nope.yml"))


def test_empty_file_is_no_usage() -> None:
    usage = parse_usage("")
    assert usage.for_resource("aws_instance.a", "aws_instance") == {}


def test_text_is_accepted_where_costrail_reads_text_or_does_not_read_the_key() -> None:
    usage = load_usage(str(FIXTURES / "text_values_ok.yml"))
    assert usage.for_resource("aws_instance.a", "aws_instance") == {
        "monthly_hours": 0, "reserved_instance_type": "standard", "operating_system": "linux"}
    assert usage.for_resource("aws_s3_bucket.b", "aws_s3_bucket") == {"standard": {"storage_gb": "2.5e3"}}


def test_a_top_level_key_held_only_for_an_anchor_gets_a_hint_where_anchors_may_sit() -> None:
    text = ("version: 0.1\nx-defaults: &d {monthly_requests: 1000}\n"
            "resource_usage:\n  aws_lambda_function.a: *d\n")
    with pytest.raises(ConfigError) as err:
        parse_usage(text, "u.yml")
    assert err.value.location is not None and err.value.location.line == 2
    assert "unknown usage file key 'x-defaults'" in err.value.message
    assert "put the anchor on an entry under resource_usage" in err.value.message
    with pytest.raises(ConfigError) as plain:
        parse_usage("version: 0.1\nbogus: {monthly_requests: 1}\n", "u.yml")
    assert "anchor" not in plain.value.message


def test_the_anchor_on_an_entry_is_shared_by_its_aliases() -> None:
    usage = parse_usage("version: 0.1\nresource_usage:\n  aws_lambda_function.a: &d {monthly_requests: 1000}\n"
                        "  aws_lambda_function.b: *d\n", "u.yml")
    assert usage.for_resource("aws_lambda_function.b", "aws_lambda_function")["monthly_requests"] == 1000


def test_a_dotted_key_inside_an_entry_is_its_nested_form() -> None:
    """``standard.storage_gb: 500`` as docs/resources.md spells it is ``standard: {storage_gb: 500}``
    (QA19a: silently ignored); an address keeps its own dots."""
    usage = parse_usage("version: 0.1\nresource_usage:\n  aws_s3_bucket.b: {standard.storage_gb: 500, "
                        "standard.monthly_tier_1_requests: 10}\n", "u.yml")
    assert usage.for_resource("aws_s3_bucket.b", "aws_s3_bucket") == {
        "standard": {"storage_gb": 500, "monthly_tier_1_requests": 10}}
    assert usage.line_of("aws_s3_bucket.b", "aws_s3_bucket", ("standard", "storage_gb")) == 3
    with pytest.raises(ConfigError, match="both a quantity and a group"):
        parse_usage("version: 0.1\nresource_usage:\n  aws_s3_bucket.b: {standard: 1, standard.storage_gb: 5}\n", "u")
