"""Price a whole project: each managed resource through its registered module, in project order.

Cross-resource links (launch template → group, configuration → endpoint, autoscaling
targets → max capacity) need the whole project, so modules get a ``PriceContext``. Data
sources are skipped; free types are ``free``; the rest are ``unsupported`` (never $0).
``llm_usage`` entries of the usage file come last, as ``bedrock_llm_usage`` pseudo-resources.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from estimator.cost_model import LLM_USAGE_TYPE, CostedResource
from estimator.model import Diagnostic, Location, Project, Resource, unknown_quantity
from estimator.resources.aws import REGISTRY, is_free
from estimator.resources.aws._base import NotPriceable, PriceContext, Priced, finish, number
from estimator.resources.aws.bedrock import llm_usage_lines

if TYPE_CHECKING:
    from estimator.usage import UsageFile  # (PyYAML) imported by the pipeline only with a usage file

REQUEST_TYPES = ("aws_sagemaker_endpoint", "aws_apigatewayv2_api", "aws_api_gateway_rest_api", "aws_lambda_function")


def price_resource(resource: Resource, ctx: PriceContext) -> CostedResource:
    spec = REGISTRY.get(resource.type)
    if spec is None:
        if is_free(resource.type):
            return CostedResource(resource=resource, status="free")
        return CostedResource(resource=resource, status="unsupported", reason=f"{resource.type} is not supported yet")
    quantity = unknown_quantity(resource)
    try:
        priced = spec.price(resource, ctx)
    except NotPriceable as err:
        return CostedResource(resource=resource, status="unpriced", reason=quantity.reason if quantity else str(err))
    except (TypeError, ValueError, AttributeError, ArithmeticError) as err:
        # Hand-edited or odd-shaped attributes: say so on this resource, never a traceback.
        return CostedResource(resource=resource, status="unpriced",
                              reason=f"attributes of an unexpected shape ({type(err).__name__}: {err})")
    requests = None
    if resource.type in REQUEST_TYPES:
        requests = number(ctx.usage(resource).get("monthly_requests"))
    costed = finish(resource, priced, requests)
    if quantity is not None and costed.status != "free":
        # a count known only after apply: unpriced with why, never a guessed 1 (a free type stays free)
        return CostedResource(resource=resource, status="unpriced", reason=quantity.reason)
    return costed


def price_project(project: Project, usage: UsageFile | None, *, include_llm_usage: bool = True) -> list[CostedResource]:
    """``include_llm_usage=False`` when another project already carries this usage file's API spend."""
    ctx = PriceContext(project, usage)
    out = [price_resource(res, ctx) for res in project.resources if res.mode == "managed"]
    if usage is not None:
        _warn_unknown_usage_keys(project, ctx, usage)
    if usage is not None and include_llm_usage:
        out += llm_usage_costed(usage)
    return out


def llm_usage_costed(usage: UsageFile) -> list[CostedResource]:
    """The usage file's LLM API spend (``llm_usage``), one priced pseudo-resource per entry."""
    out = []
    for i, entry in enumerate(usage.llm_usage):
        model = str(entry.get("model"))
        name = str(entry.get("name") or model)
        res = Resource(address=f"llm_usage[{i}]", type=LLM_USAGE_TYPE, name=name,
                       attributes={"model": model}, region=None,
                       location=_usage_location(usage, i))
        out.append(finish(res, Priced(llm_usage_lines(entry))))
    return out


def _warn_unknown_usage_keys(project: Project, ctx: PriceContext, usage: UsageFile) -> None:
    """A misspelt usage key (``monthly_hourz``, ``standard.monthly_tier_1_requets``) or a key of a type
    that reads none would silently price at the default: say so, naming the file and line of the entry
    that gave it, once per entry and key. Nested keys are checked by their full path."""
    seen: set[tuple[str, str, int]] = set()
    for res in project.resources:
        if res.mode != "managed":
            continue
        values = ctx.usage(res)
        if not values:
            continue
        spec = REGISTRY.get(res.type)
        known = {name for k in spec.usage_keys for name in (k.name, *k.aliases)} if spec else set()
        for key_path in _leaf_paths(values, known):
            key = ".".join(key_path)
            if key in known:
                continue
            line = usage.line_of(res.address, res.type, key_path)
            if (res.type, key, line) in seen:
                continue
            seen.add((res.type, key, line))
            where = f"{usage.path or 'usage file'}:{line}" if line else (usage.path or "usage file")
            if spec is None:
                why = "it is free" if is_free(res.type) else "costrail does not price it yet"
            elif not spec.usage_keys:
                why = "it reads none"
            else:
                why = "known: " + ", ".join(sorted(k.name for k in spec.usage_keys))
            project.diagnostics.append(Diagnostic(
                message=f"{where}: {key!r} is not a usage key of {res.type} ({why}); it is ignored",
                severity="warning",
            ))


def _leaf_paths(values: dict, known: set[str], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The key paths of a usage entry down to its values (``("standard", "storage_gb")``); an empty
    block that only opens known keys (``standard:`` with all keys commented out) is no key."""
    out: list[tuple[str, ...]] = []
    for name, value in values.items():
        path = (*prefix, str(name))
        dotted = ".".join(path)
        opens_known = any(k.startswith(f"{dotted}.") for k in known)
        if isinstance(value, dict) and value and dotted not in known:
            out += _leaf_paths(value, known, path)
        elif not (opens_known and (value is None or value == {})):
            out.append(path)
    return out


def _usage_location(usage: UsageFile, index: int) -> Location | None:
    """Where an ``llm_usage`` entry is written: the usage file (relative to the cwd when inside it)."""
    if not usage.path:
        return None
    path = os.path.relpath(usage.path) if os.path.isabs(usage.path) else usage.path
    if path.startswith(".."):
        path = usage.path
    line = usage.llm_usage_lines[index] if index < len(usage.llm_usage_lines) else 0
    return Location(path, line)
