"""The bundled price catalog: one compact JSON built by ``scripts/build_catalog.py``.

Loaded once, lazily, on the first lookup (no network, ever). Every price keeps the source
row it came from and its as-of date, so a bill line can say where its number comes from. A
miss returns ``None``: the caller turns it into an unpriced line with a reason, never $0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "catalog.json"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Price:
    """One unit price with its provenance."""

    value: Decimal
    source: str
    as_of: str


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=65536)
def lookup(dataset: str, key: str) -> Price | None:
    """The price of ``key`` (``region|...``) in ``dataset``, or None when the catalog has none."""
    doc = _load()
    entry = doc["prices"].get(dataset, {}).get(key)
    if entry is None:
        return None
    source, as_of = doc["sources"][entry[1]]
    return Price(Decimal(entry[0]), source, as_of)


GEO_PREFIXES = ("us.", "eu.", "apac.")


def token_keys(model_id: str) -> list[str]:
    """Catalog rows for a model id, most exact first. A bare id: itself, its ``regional.`` (in-region)
    row, its ``global.`` row. A geographic cross-region inference profile (``us.``/``eu.``/``apac.``,
    the id Bedrock requires on demand for newer models) bills as the base model in the source region:
    itself, then the base model's ``regional.`` row, then the bare base row (never ``global.``, the
    cheaper global profile)."""
    if model_id.startswith(GEO_PREFIXES):
        base = model_id.split(".", 1)[1]
        return [model_id, f"regional.{base}", base]
    return [model_id, f"regional.{model_id}", f"global.{model_id}"]


def tokens(model_id: str) -> tuple[Price, Price | None] | None:
    """Bedrock on-demand (input, output) price per 1K tokens; ``regional.`` ids accepted bare, geographic
    inference profiles as their base model (``token_keys``). Output None: an embeddings model, whose
    output is never billed (the catalog stores only such models without an output price)."""
    doc = _load()["prices"]["bedrock_tokens"]
    for candidate in token_keys(model_id):
        entry = doc.get(candidate)
        if entry is not None:
            source, as_of = _load()["sources"][entry[1]]
            inp, out = entry[0].split("|")
            return Price(Decimal(inp), source, as_of), Price(Decimal(out), source, as_of) if out else None
    return None


def ec2_hourly(instance_type: str, region: str = DEFAULT_REGION) -> Price | None:
    """On-demand Linux hourly price of an EC2 type."""
    return lookup("ec2", f"{region}|{instance_type}")


def sagemaker_hourly(instance_type: str, region: str = DEFAULT_REGION) -> Price | None:
    """Real-time endpoint hosting hourly price of an ``ml.*`` type."""
    return lookup("sagemaker_hosting", f"{region}|{instance_type}")


def ebs_gb_month(volume_type: str, region: str = DEFAULT_REGION) -> Price | None:
    return lookup("ebs", f"{region}|{volume_type}|storage")


def service(key: str, region: str = DEFAULT_REGION) -> Price | None:
    """A named service price (``nat_hour``, ``eks_hour``, ``lambda_1m_requests``...)."""
    return lookup("svc", f"{region}|{key}")


def datasets() -> dict[str, int]:
    return {name: len(rows) for name, rows in _load()["prices"].items()}


# What each dataset is, for the as-of footer (dataset label → catalog dataset names).
_LABELS = {
    "ec2": ("ec2",),
    "ebs": ("ebs",),
    "services": ("svc",),
    "sagemaker": ("sagemaker_hosting", "sagemaker_notebook", "sagemaker_storage"),
    "rds": ("rds",),
    "elasticache": ("elasticache",),
    "opensearch": ("opensearch",),
    "bedrock": ("bedrock_tokens", "bedrock_pt"),
}


@lru_cache(maxsize=1)
def catalog_as_of() -> dict[str, str]:
    """Dataset → as-of date(s) text, e.g. ``"2026-07-20 (us-east-1), 2024-04-04..2026-01-21 (other regions)"``.

    Summarised once, when the catalog is built: walking its ~9,000 rows took ~15 ms of every
    JSON report and pull-request comment."""
    doc = _load()
    stored = doc.get("as_of")  # [[label, text], ...]: a list, as the catalog is written with sorted keys
    return {label: text for label, text in stored} if isinstance(stored, list) else summarize_as_of(doc)


def summarize_as_of(doc: dict[str, Any]) -> dict[str, str]:
    """The as-of summary of a catalog document (``scripts/build_catalog.py`` stores it in the catalog)."""
    out: dict[str, str] = {}
    for label, names in _LABELS.items():
        home: set[str] = set()
        other: set[str] = set()
        for name in names:
            for key, entry in doc["prices"].get(name, {}).items():
                as_of = doc["sources"][entry[1]][1]
                date = as_of[:10] if as_of[:4].isdigit() else as_of
                (home if key.startswith(f"{DEFAULT_REGION}|") or "|" not in key else other).add(date)
        parts = []
        if home:
            parts.append(f"{_span(home)} ({DEFAULT_REGION})" if other else _span(home))
        if other:
            parts.append(f"{_span(other)} (other regions)")
        out[label] = ", ".join(parts)
    return out


def _span(dates: set[str]) -> str:
    ordered = sorted(d for d in dates if d[:4].isdigit())
    text = "" if not ordered else ordered[0] if len(ordered) == 1 else f"{ordered[0]}..{ordered[-1]}"
    if len(ordered) < len(dates):
        text = f"{text} + undated rows" if text else "undated"
    return text
