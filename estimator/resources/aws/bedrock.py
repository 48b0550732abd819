"""Bedrock: provisioned model throughput (model units × hourly commitment price), and the
``llm_usage`` of the usage file (tokens × on-demand token prices) as pseudo-resources.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from estimator.cost_model import CostComponent
from estimator.model import Resource
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    hourly,
    known_number,
    known_str,
    known_value,
    line,
    number,
    region_of,
    unknown_line,
)

COMMITMENTS = {"OneMonth": "1-month", "SixMonths": "6-month"}


_CONTEXT_SUFFIX = re.compile(r":\d+k$")
_VERSION_SUFFIX = re.compile(r":\d+$")


def pt_model_keys(model: str) -> list[str]:
    """Catalog keys for a provisioned-throughput model id, most exact first.

    AWS takes provisioned throughput only for a context variant, ``<model>:<version>:<context>``
    (``anthropic.claude-instant-v1:2:100k``, ``anthropic.claude-v2:1:200k``); the price list names
    the model (``anthropic.claude-v2:1``) or, where it has one version, the bare id
    (``anthropic.claude-instant-v1``). The context suffix is dropped, then the version.
    """
    keys = [model]
    if _CONTEXT_SUFFIX.search(model):
        base = _CONTEXT_SUFFIX.sub("", model)
        keys.append(base)
        if _VERSION_SUFFIX.search(base):
            keys.append(_VERSION_SUFFIX.sub("", base))
    return keys


def _price_pt(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    model_arn = known_str(res, "model_arn")
    units = known_number(res, "model_units", Decimal(1))
    duration = known_value(res, "commitment_duration", None)  # not set: no commitment
    commitment = COMMITMENTS.get(str(duration or ""), "no-commit")
    model = model_arn.rsplit("/", 1)[-1]
    price = next((found for key in pt_model_keys(model)
                  if (found := catalog.lookup("bedrock_pt", f"{region}|{key}|{commitment}")) is not None), None)
    return Priced([hourly(f"Provisioned throughput ({model}, {commitment}, {units} model units)", price, units,
                          missing=f"no {region} {commitment} provisioned-throughput price for {model}")])


def llm_usage_lines(entry: dict[str, Any]) -> list[CostComponent]:
    """Bill lines of one ``llm_usage`` entry: input and output tokens per 1K; an embeddings model
    (no output price in the catalog) bills input tokens only: no output line."""
    model = str(entry.get("model"))
    prices = catalog.tokens(model)
    inp = number(entry.get("monthly_input_tokens"))
    out = number(entry.get("monthly_output_tokens"))
    if prices is None:
        return [unknown_line(f"Input tokens ({model})", "1K tokens", f"no Bedrock token price for {model}"),
                unknown_line(f"Output tokens ({model})", "1K tokens", f"no Bedrock token price for {model}")]
    lines = [line(f"Input tokens ({model})", "1K tokens", None if inp is None else inp / 1000, prices[0],
                  usage_based=True)]
    if prices[1] is not None:
        lines.append(line(f"Output tokens ({model})", "1K tokens", None if out is None else out / 1000, prices[1],
                          usage_based=True))
    return lines


RESOURCES = (
    ResourceSpec("aws_bedrock_provisioned_model_throughput",
                 "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput", _price_pt, (),
                 "Bedrock provisioned throughput (model-unit hours)"),
)
