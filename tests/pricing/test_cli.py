"""breakdown and usage init through the CLI: formats, exit codes, as-of footer, usage template."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from estimator.cli import cli
from estimator.usage import load_usage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing"


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.output


def test_breakdown_json_contract_money_as_decimal_strings() -> None:
    code, out, messages = invoke(["breakdown", str(FIXTURES / "sagemaker"), "--format", "json",
                                  "--usage-file", str(FIXTURES / "sagemaker" / "usage.yml")])
    assert code == 0, messages
    doc = json.loads(out)
    assert doc["schema"] == "costrail/v1" and doc["currency"] == "USD"
    assert doc["monthly_cost"] == "2095.564"
    [project] = doc["projects"]
    endpoint = next(r for r in project["resources"] if r["address"] == "aws_sagemaker_endpoint.llm")
    assert endpoint["monthly_cost"] == "2056.264" and endpoint["priced"] is True
    assert endpoint["monthly_requests"] == "3000000"
    assert Decimal(endpoint["cost_per_1k_requests"]).quantize(Decimal("0.000001")) == Decimal("0.685421")
    assert endpoint["max_monthly_cost"] == "6168.792"
    assert endpoint["components"][0]["unit_price"] == "1.4084"
    assert "ec2" in doc["price_catalog"]


def test_breakdown_table_prints_totals_summary_and_as_of() -> None:
    code, out, _ = invoke(["breakdown", str(FIXTURES / "ec2")])
    assert code == 0
    assert "OVERALL TOTAL" in out and "$41,405.73" in out  # + the spot request: 0.40 x 730 + 100 GB x 0.08
    assert "6 resources: 6 priced (2 partly), 0 free, 0 unpriced, 0 not supported yet" in out
    assert out.rstrip().splitlines()[-1].startswith("Prices as of: ec2 2026-07-20 (us-east-1)")


def test_breakdown_lists_unsupported_types_with_counts(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kinesis_stream" "a" {\n  name = "a"\n  shard_count = 1\n}\n'
        'resource "aws_kinesis_stream" "b" {\n  name = "b"\n  shard_count = 1\n}\n')
    code, out, _ = invoke(["breakdown", str(tmp_path)])
    assert code == 0
    assert "not supported yet: aws_kinesis_stream × 2" in out
    code, out, _ = invoke(["breakdown", str(tmp_path), "--format", "json"])
    assert json.loads(out)["projects"][0]["unsupported_types"] == {"aws_kinesis_stream": 2}


def test_breakdown_markdown() -> None:
    code, out, _ = invoke(["breakdown", str(FIXTURES / "network"), "--format", "markdown",
                           "--usage-file", str(FIXTURES / "network" / "usage.yml")])
    assert code == 0
    assert "| `aws_nat_gateway.main` | NAT gateway | 730 | hours | $0.045 | $32.85 |" in out
    assert "**OVERALL TOTAL: $104.63**" in out
    assert "_Prices as of:" in out


def test_input_error_exits_2_after_printing_the_other_projects(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "main.tf").write_text('resource "aws_instance" "a" {\n  instance_type = \n}\n')
    code, out, messages = invoke(["breakdown", str(bad), str(FIXTURES / "eks")])
    assert code == 2
    assert "main.tf" in messages
    assert "aws_eks_cluster.main" in out


def test_bad_usage_file_exits_2_naming_the_line(tmp_path: Path) -> None:
    code, _out, messages = invoke(["breakdown", str(FIXTURES / "ec2"), "--usage-file",
                                   str(FIXTURES / "usage" / "bad_top_key.yml")])
    assert code == 2
    assert "bad_top_key.yml:2" in messages and "resource_usages" in messages


def test_non_numeric_usage_quantity_exits_2_naming_the_key_and_line() -> None:
    code, _out, messages = invoke(["breakdown", str(FIXTURES / "cloudwatch"), "--usage-file",
                                   str(FIXTURES / "usage" / "bad_text_quantity.yml")])
    assert code == 2
    assert "bad_text_quantity.yml:4" in messages and "monthly_data_ingested_gb' must be a number" in messages


def test_usage_init_writes_a_template_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "costrail-usage.yml"
    code, _out, messages = invoke(["usage", "init", str(FIXTURES / "lambda_function"), "--out-file", str(target)])
    assert code == 0, messages
    text = target.read_text()
    assert "  aws_lambda_function.x86:\n    # monthly_requests: 0  # invocations a month" in text
    usage = load_usage(str(target))
    assert usage.for_resource("aws_lambda_function.x86", "aws_lambda_function") == {}
    uncommented = text.replace("    # ", "    ")
    target.write_text(uncommented)
    assert load_usage(str(target)).for_resource("aws_lambda_function.x86", "aws_lambda_function") == {
        "monthly_requests": 0, "request_duration_ms": 0}


def test_usage_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n')
    (tmp_path / "costrail-usage.yml").write_text("version: 0.1\n")
    code, _out, messages = invoke(["usage", "init", str(tmp_path)])
    assert code == 2 and "exists" in messages
    assert (tmp_path / "costrail-usage.yml").read_text() == "version: 0.1\n"


def uncomment_everything(text: str) -> str:
    """What a user does with the template: drop the ``# `` of every indented line, set the zeros."""
    out = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        indent = line[: len(line) - len(stripped)]
        out.append(indent + stripped[2:] if indent and stripped.startswith("# ") else line)
    return "\n".join(out).replace(": 0  #", ": 1000  #") + "\n"


def test_usage_init_every_example_uncommented_loads_and_prices(tmp_path: Path) -> None:
    """No key is offered that the catalog cannot price (no $0 partial reserved instance), the
    llm_usage example is a list item that loads, and unpriceable keys are only a ``##`` note."""
    project = FIXTURES / "usage_init"
    code, template, messages = invoke(["usage", "init", str(project), "--out-file", "-"])
    assert code == 0, messages
    assert "reserved_instance_type:" not in template and "## not priced here" in template
    assert "  aws_dynamodb_table.virginia:\n    ## not priced here" in template
    assert "  aws_dynamodb_table.ohio:\n    # monthly_write_request_units: 0" in template
    usage = tmp_path / "usage.yml"
    usage.write_text(uncomment_everything(template))
    loaded = load_usage(str(usage))
    assert len(loaded.llm_usage) == 1
    assert loaded.for_resource("aws_instance.web", "aws_instance") == {"monthly_hours": 730}
    code, out, messages = invoke(["breakdown", str(project), "--usage-file", str(usage), "--format", "json"])
    assert code == 0, messages
    by_address = {r["address"]: r for r in json.loads(out)["projects"][0]["resources"]}
    assert by_address["aws_instance.web"]["status"] == "priced"
    assert Decimal(by_address["aws_instance.web"]["monthly_cost"]) > 70
    assert by_address["aws_dynamodb_table.ohio"]["status"] == "priced"
    assert by_address["aws_dynamodb_table.virginia"]["status"] == "unpriced"  # as without a usage file, never $0
    assert by_address["aws_s3_bucket.data"]["status"] == "priced"
    assert by_address["llm_usage[0]"]["status"] == "priced"


def test_usage_init_offers_requests_on_an_endpoint_for_the_cost_per_1k(tmp_path: Path) -> None:
    """monthly_requests prices no line on a SageMaker endpoint, but gives its cost per 1,000 requests:
    it is offered, not hidden as "not priced here" (found by QA11)."""
    target = tmp_path / "costrail-usage.yml"
    code, _out, messages = invoke(["usage", "init", str(FIXTURES / "sagemaker"), "--out-file", str(target)])
    assert code == 0, messages
    text = target.read_text()
    endpoints = [line for line in text.splitlines() if "monthly_requests" in line and "inference requests" in line]
    assert endpoints and not any(line.lstrip().startswith("##") for line in endpoints)
