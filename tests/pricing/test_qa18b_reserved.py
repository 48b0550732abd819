"""QA18b: the reserved-instance usage keys of aws_instance are all read; none prices (the catalog has no
RI rows), and each says so: never silently on-demand, never a reason with a Python ``None`` in it."""

from __future__ import annotations

from estimator.commands.usage_init import template
from estimator.loaders import LoadOptions, terraform_hcl
from estimator.pricing.engine import price_project
from estimator.usage import parse_usage

from .helpers import PRICING_FIXTURES

FIXTURE = PRICING_FIXTURES / "qa18b" / "reserved"
NAME = "Instance usage (Linux/UNIX, reserved, m5.large)"


def _instance_line(entry: str):
    usage = parse_usage(f"version: 0.1\nresource_usage:\n  aws_instance.a: {entry}\n")
    project = terraform_hcl.load(str(FIXTURE), LoadOptions(environ={}))
    (costed,) = price_project(project, usage)
    (line,) = [c for c in costed.components if c.name.startswith("Instance usage")]
    return costed, line


def test_term_alone_is_reserved_and_unpriced_with_why() -> None:
    costed, line = _instance_line("{reserved_instance_term: 3_year}")
    assert (line.name, line.monthly_cost) == (NAME, None)
    assert line.unpriced_reason == "no reserved-instance prices in the catalog (reserved_instance_term 3_year)"
    assert costed.status == "partial"


def test_reason_names_what_was_given_never_none() -> None:
    _, line = _instance_line("{reserved_instance_type: convertible, reserved_instance_term: 3_year}")
    assert line.unpriced_reason == ("no reserved-instance prices in the catalog "
                                    "(reserved_instance_type convertible, reserved_instance_term 3_year)")
    assert "None" not in line.unpriced_reason


def test_all_upfront_has_no_hourly_charge_and_an_unpriced_fee() -> None:
    costed, line = _instance_line("{reserved_instance_term: 1_year, reserved_instance_payment_option: all_upfront}")
    assert line.monthly_cost == 0
    fee = [c for c in costed.components if c.name == "Reserved instance upfront fee"]
    assert fee and fee[0].unpriced_reason == ("no reserved-instance prices in the catalog "
                                              "(all_upfront: no hourly charge; reserved_instance_term 1_year)")


def test_usage_init_notes_every_reserved_key_as_not_priced() -> None:
    text = template([terraform_hcl.load(str(FIXTURE), LoadOptions(environ={}))])
    assert ("## not priced here (no price in the catalog for them): reserved_instance_type, "
            "reserved_instance_term, reserved_instance_payment_option") in text
    assert "#   reserved_instance" not in text  # never offered as a key that prices
