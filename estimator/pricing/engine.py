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
    """A misspelt usage key (``monthly_hourz``) would silently price at the default: say so, once per type and key."""
    seen: set[tuple[str, str]] = set()
    for res in project.resources:
        spec = REGISTRY.get(res.type) if res.mode == "managed" else None
        if spec is None or not spec.usage_keys:
            continue
        known = {k.name.split(".", 1)[0] for k in spec.usage_keys}
        for key in ctx.usage(res):
            if key in known or (res.type, key) in seen:
                continue
            seen.add((res.type, key))
            names = ", ".join(sorted(known))
            project.diagnostics.append(Diagnostic(
                message=f"{usage.path or 'usage file'}: {key!r} is not a usage key of {res.type} "
                        f"(known: {names}); it is ignored",
                severity="warning",
            ))


def _usage_location(usage: UsageFile, index: int) -> Location | None:
    """Where an ``llm_usage`` entry is written: the usage file (relative to the cwd when inside it)."""
    if not usage.path:
        return None
    path = os.path.relpath(usage.path) if os.path.isabs(usage.path) else usage.path
    if path.startswith(".."):
        path = usage.path
    line = usage.llm_usage_lines[index] if index < len(usage.llm_usage_lines) else 0
    return Location(path, line)
