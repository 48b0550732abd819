"""What every resource module uses: the spec record, the pricing context, bill-line helpers.

A module declares ``RESOURCES``: one ``ResourceSpec`` per Terraform type with its Pulumi
token, its usage keys (name, description, default) and a ``price`` function that turns one
resource into bill lines. Lines are built only through the helpers here, so a missing price
or an unknown attribute always becomes an unpriced line with a reason, never $0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from estimator.cost_model import HOURS_PER_MONTH, CostComponent, CostedResource, PriceRef
from estimator.model import Project, Resource, Unknown
from estimator.pricing import catalog
from estimator.pricing.catalog import Price

if TYPE_CHECKING:
    from estimator.usage import UsageFile


@dataclass(frozen=True)
class UsageKey:
    """A monthly quantity the usage file may give (``monthly_requests``)."""

    name: str
    description: str
    default: Any = None  # what costrail assumes when the usage file does not say
    example: Any = None  # what ``usage init`` writes when there is no default
    aliases: tuple[str, ...] = ()  # other spellings the price function also reads (never offered by ``usage init``)


@dataclass
class Priced:
    """What a price function returns: bill lines, plus what only some types know."""

    components: list[CostComponent] = field(default_factory=list)
    max_monthly_cost: Decimal | None = None
    status: str | None = None  # forced status ("free"), else derived from the lines
    reason: str | None = None


@dataclass(frozen=True)
class ResourceSpec:
    terraform_type: str
    pulumi_type: str
    price: Callable[[Resource, PriceContext], Priced]
    usage_keys: tuple[UsageKey, ...] = ()
    description: str = ""


class NotPriceable(Exception):
    """Raised inside a price function when the whole resource cannot be priced (reason given)."""


@dataclass
class PriceContext:
    """The whole project and usage file: cross-resource links need both."""

    project: Project
    usage_file: UsageFile | None = None
    _by_type: dict[str, list[Resource]] = field(default_factory=dict)
    _by_address: dict[str, Resource] = field(default_factory=dict)
    _link_indexes: dict[tuple[tuple[str, ...], str], tuple[list[Resource], dict[str, Resource], dict[str, Resource]]] = (
        field(default_factory=dict)
    )
    memo: dict[str, Any] = field(default_factory=dict)  # per-project derived maps, built once

    def __post_init__(self) -> None:
        for res in self.project.resources:
            if res.mode != "managed":
                continue
            self._by_type.setdefault(res.type, []).append(res)
            self._by_address[res.address] = res

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, [])]

    def usage(self, resource: Resource) -> dict[str, Any]:
        return self.usage_file.for_resource(resource.address, resource.type) if self.usage_file else {}

    def link(self, value: Any, types: tuple[str, ...], name_attr: str = "name") -> Resource | None:
        """The resource a reference points at: by ``Unknown.ref``, else literal name, else the only one.

        Indexed once per (types, name_attr): linking every group to its template stays linear.
        """
        candidates, by_ref, by_name = self._link_index(types, name_attr)
        if isinstance(value, Unknown) and value.ref:
            found = by_ref.get(value.ref)
            if found is not None:
                return found
        if isinstance(value, str) and value:
            found = by_name.get(value)
            if found is not None:
                return found
        if len(candidates) == 1:
            return candidates[0]
        return None

    def _link_index(
        self, types: tuple[str, ...], name_attr: str
    ) -> tuple[list[Resource], dict[str, Resource], dict[str, Resource]]:
        key = (types, name_attr)
        index = self._link_indexes.get(key)
        if index is None:
            candidates = self.of_type(*types)
            by_ref: dict[str, Resource] = {}
            by_name: dict[str, Resource] = {}
            for cand in candidates:
                # A ref names the instance (`x[0]`) or the whole resource (`x`, any of its instances).
                by_ref.setdefault(cand.address, cand)
                by_ref.setdefault(_strip_index(cand.address), cand)
                for name in (cand.get(name_attr), cand.get("name"), cand.address):
                    if isinstance(name, str) and name:
                        by_name.setdefault(name, cand)
            index = (candidates, by_ref, by_name)
            self._link_indexes[key] = index
        return index


def _strip_index(address: str) -> str:
    return address.rsplit("[", 1)[0] if address.endswith("]") else address


def unknown_reason(what: str, value: Unknown) -> str:
    """Why ``what`` cannot be priced, in the Unknown's own words where it has any.

    Only a value computed at apply reads "known only after apply"; a secret config value, a
    variable with no value or an expression that could not be evaluated is known at plan or
    preview time, just not to costrail offline, and the fix differs (give the value, not wait).
    """
    reason = (value.reason or "").strip()
    if not reason or "after apply" in reason or reason == "resource reference":
        return f"{what} is known only after apply"
    if reason.startswith("secret config "):
        return f"{what} is unknown: {reason} cannot be decrypted offline (give it a non-secret value to price it)"
    if reason == "secret":
        return f"{what} is unknown: it is a secret, which cannot be read offline"
    if _NO_VALUE.fullmatch(reason):
        return f"{what} is unknown: {reason} (set it with --var or --var-file)"
    if reason.startswith("value of type "):
        return f"{what} is unknown: the program passes a {reason}, which cannot be read offline"
    return f"{what} is unknown: {reason}"


_NO_VALUE = re.compile(r"var\.[A-Za-z0-9_-]+ has no value")


def region_of(resource: Resource) -> str:
    """The resource's region; an Unknown region cannot be priced."""
    region = resource.region
    if isinstance(region, Unknown):
        raise NotPriceable(unknown_reason("region", region))
    return region or catalog.DEFAULT_REGION


def number(value: Any, default: Decimal | None = None) -> Decimal | None:
    """int/float/str → Decimal via ``str`` (Pulumi floats); None/garbage → default.

    An Unknown is None, never the default: a size known only later is not the provider's
    default (QA18b). Callers that have a default test ``is_unknown`` first and report why.
    """
    if isinstance(value, Unknown):
        return None
    if value is None or isinstance(value, bool):
        return default
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default


def ref(price: Price) -> PriceRef:
    return PriceRef(source=price.source, as_of=price.as_of)


def line(name: str, unit: str, quantity: Decimal | None, price: Price | None, *, missing: str = "",
         group: str | None = None, usage_based: bool = False) -> CostComponent:
    """One bill line; a None price becomes an unpriced line with ``missing`` as its reason."""
    if price is None:
        return CostComponent(name, unit, quantity, None, group=group, usage_based=usage_based,
                             unpriced_reason=missing or f"no price for {name}")
    comp = CostComponent(name, unit, quantity, price.value, group=group, usage_based=usage_based, price=ref(price))
    if usage_based and quantity is None:
        comp.unpriced_reason = f"depends on usage: ${_text(price.value)} per {unit}"
    return comp


def hourly(name: str, price: Price | None, count: Decimal = Decimal(1), *, missing: str = "",
           group: str | None = None, hours: Decimal = HOURS_PER_MONTH) -> CostComponent:
    return line(name, "hours", hours * count, price, missing=missing, group=group)


def unknown_line(name: str, unit: str, reason: str, group: str | None = None) -> CostComponent:
    return CostComponent(name, unit, None, None, group=group, unpriced_reason=reason)


def usage_qty(usage: dict[str, Any], key: str, scale: Decimal = Decimal(1)) -> Decimal | None:
    value = number(usage.get(key))
    return None if value is None else value / scale


def known_str(resource: Resource, path: str, what: str | None = None, default: str | None = None) -> str:
    """A string attribute that must be known to price: raises NotPriceable with the reason."""
    value = resource.get(path, default)
    if isinstance(value, Unknown):
        raise NotPriceable(unknown_reason(what or path, value))
    if value is None or value == "":
        raise NotPriceable(f"{what or path} is not set")
    return str(value)


def known_or_default(resource: Resource, path: str, default: Any) -> Any:
    """The attribute's value; the provider's documented ``default`` when it is NOT SET (None, "");
    the ``Unknown`` itself when it is set to a value not known offline: never the default for it.

    ``str(res.get(x) or "default")`` is the pattern this replaces: an Unknown is falsy, so that
    silently priced a guess (QA18b). Callers test ``isinstance(value, Unknown)`` and report
    ``unknown_reason``.
    """
    value = resource.get(path)
    if isinstance(value, Unknown):
        return value
    if value is None or value == "":
        return default
    return value


def known_value(resource: Resource, path: str, default: Any) -> Any:
    """``known_or_default`` for an attribute that must be known to price: an Unknown raises
    NotPriceable with its reason (the provider's ``default`` still stands in when it is not set)."""
    value = known_or_default(resource, path, default)
    if isinstance(value, Unknown):
        raise NotPriceable(unknown_reason(path, value))
    return value


def known_number(resource: Resource, path: str, default: Decimal) -> Decimal:
    """A count or size with a provider default when not set; known only after apply is NotPriceable, never a guess."""
    value = resource.get(path)
    if isinstance(value, Unknown):
        raise NotPriceable(unknown_reason(path, value))
    return number(value, default) or default


def missing_price(what: str, region: str) -> str:
    return f"no {region} price for {what}"


def _text(value: Decimal) -> str:
    from estimator.cost_model import decimal_text

    return decimal_text(value) or "0"


def finish(resource: Resource, priced: Priced, monthly_requests: Decimal | None = None) -> CostedResource:
    """The CostedResource with its status derived from its lines."""
    costed = CostedResource(resource=resource, components=priced.components,
                            max_monthly_cost=priced.max_monthly_cost, monthly_requests=monthly_requests)
    if priced.status:
        costed.status = priced.status
        costed.reason = priced.reason
        return costed
    lines = priced.components
    if not lines:
        costed.status, costed.reason = "free", priced.reason
    elif all(c.unpriced_reason is None for c in lines):
        costed.status = "priced"
        costed.reason = priced.reason  # a note on what no line can show (unlimited CPU credits), if any
    else:
        # Nothing priced (a missing price, or usage-based lines with no usage given): unpriced, the
        # resource has no cost to show (null, listed in ``unpriced``), never $0; some priced: partial.
        costed.status = "unpriced" if all(c.monthly_cost is None for c in lines) else "partial"
        reasons = [c.unpriced_reason for c in lines if c.unpriced_reason] + ([priced.reason] if priced.reason else [])
        costed.reason = "; ".join(dict.fromkeys(reasons))
    return costed
