"""``costrail usage init PATH``: write a commented ``costrail-usage.yml`` for the resources found.

Each priced resource with usage keys gets its address and its keys commented out with their
meaning and default, so uncommenting a line is all a user does. Only keys the catalog can price
for that resource are offered: each key is tried on the resource (``_priceable_keys``), and a key
that prices nothing there (no price in its region) or turns a priced line into an unknown one
(reserved instances: no RI prices) is named in a ``##`` note instead, which stays a comment when
the ``# `` of every line is removed. A key the resource's price function never reads (a gateway
VPC endpoint is free, a WebSocket API has no request price, elastic-throughput keys on a bursting
file system) is neither offered nor noted, and a resource that reads none is left out. An existing file is never overwritten (pass ``--out-file``
elsewhere, or ``-`` for stdout).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from estimator import pipeline
from estimator.commands.common import load_options, report_diagnostics
from estimator.errors import UsageError
from estimator.model import Project, Resource


def template(projects: list[Project]) -> str:
    from estimator.resources.aws import REGISTRY

    lines = ["# costrail usage file: monthly quantities for usage-priced resources.",
             "# Uncomment and set the values; `[*]` in an address matches every index.",
             "version: 0.1", "resource_usage:"]
    by_type: dict[str, set[str]] = {}
    for project in projects:
        for res, keys, reads in _priceable_keys(project):
            spec = REGISTRY[res.type]
            offered = [k for k in spec.usage_keys if k.name in keys]
            left_out = [k.name for k in spec.usage_keys if k.name not in keys and k.name in reads]
            by_type.setdefault(res.type, set()).update(keys)
            if not offered and not left_out:
                continue  # reads no usage at all (free, or nothing usage-based on it)
            key = res.address if res.address.replace(".", "").replace("_", "").replace("-", "").isalnum() else (
                "'" + res.address.replace("'", "''") + "'")
            lines.append(f"  {key}:")
            lines += _keys(offered, "    # ")
            if left_out:
                lines.append(f"    ## not priced here (no price in the catalog for them): {', '.join(left_out)}")
    lines.append("resource_type_default_usage:")
    for rtype in sorted(by_type):
        offered = [k for k in REGISTRY[rtype].usage_keys if k.name in by_type[rtype]]
        if not offered:
            continue
        lines.append(f"  # {rtype}:")
        lines += _keys(offered, "  #   ")
    lines += ["llm_usage:  # API token spend, priced from Bedrock on-demand token prices",
              "  # - {model: anthropic.claude-3-5-haiku-20241022-v1:0, monthly_input_tokens: 2000000000, "
              "monthly_output_tokens: 400000000}"]
    return "\n".join(lines) + "\n"


class _Reads(dict):
    """Probe usage that records which top-level keys the price function looks up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(key)
        return super().__contains__(key)


@dataclass
class _ProbeContext:
    """The one address a probe gives usage to, and that usage (every other resource has none)."""

    address: str = ""
    usage: dict[str, Any] = field(default_factory=dict)


def _priceable_keys(project: Project) -> list[tuple[Resource, set[str], set[str]]]:
    """Each managed resource with usage keys, the keys the catalog prices on it, and the keys it reads.

    A key is dropped when setting it alone adds an unpriced line (reserved instances), or when
    setting it (with every other kept key set) changes no priced line (no price in the region).
    A key the price function never reads is neither priced nor noted; a free resource reads none.
    A resource that cannot be priced at all takes the keys kept on its type's other resources.
    """
    from estimator.pricing.engine import REQUEST_TYPES, price_resource
    from estimator.resources.aws import REGISTRY
    from estimator.resources.aws._base import PriceContext

    probe = _ProbeContext()

    class Context(PriceContext):
        def usage(self, resource: Resource) -> dict[str, Any]:
            return probe.usage if resource.address == probe.address else {}

    ctx = Context(project)

    def priced(res: Resource, usage: dict[str, Any]) -> Any:
        probe.address, probe.usage = res.address, usage
        try:
            return price_resource(res, ctx)
        finally:
            probe.address, probe.usage = "", {}

    def components(res: Resource, usage: dict[str, Any]) -> list[Any]:
        return list(priced(res, usage).components)

    def reads(res: Resource, spec: Any) -> set[str]:
        """The usage keys the type's price function looks up on this resource (every key set)."""
        recorder = _Reads(_usage(list(spec.usage_keys)))
        probe.address, probe.usage = res.address, recorder
        try:
            spec.price(res, ctx)
        except Exception:  # noqa: BLE001 - a probe: what it read before failing is what counts
            pass
        finally:
            probe.address, probe.usage = "", {}
        return {k.name for k in spec.usage_keys if k.name.split(".", 1)[0] in recorder.read}

    out: list[tuple[Resource, set[str] | None, set[str]]] = []
    by_type: dict[str, set[str]] = {}
    all_keys = {t: {k.name for k in REGISTRY[t].usage_keys} for t in REGISTRY}
    for res in project.resources:
        spec = REGISTRY.get(res.type)
        if res.mode != "managed" or spec is None or not spec.usage_keys:
            continue
        without_usage = priced(res, {})
        if without_usage.status == "free":
            out.append((res, set(), set()))  # bills nothing: reads no usage
            continue
        base = list(without_usage.components)
        if not base:
            out.append((res, None, all_keys[res.type]))
            continue
        read = reads(res, spec)
        kept = [k for k in spec.usage_keys
                if k.name in read and not _unknowns(components(res, _usage([k]))) - _unknowns(base)]
        everything = _priced(components(res, _usage(kept)))
        keys = {k.name for k in kept
                if _priced(components(res, _usage([o for o in kept if o is not k]))) != everything}
        if (res.type in REQUEST_TYPES and any(k.name == "monthly_requests" for k in spec.usage_keys)
                and ("monthly_requests" in read or _priced(base))):
            keys.add("monthly_requests")  # priced or not, it gives the cost per 1,000 requests
            read.add("monthly_requests")
        by_type.setdefault(res.type, set()).update(keys)
        out.append((res, keys, read))
    return [(res, keys if keys is not None else by_type.get(res.type, all_keys[res.type]), read)
            for res, keys, read in out]


def _usage(keys: list[Any]) -> dict[str, Any]:
    """Probe values: the example (text keys), else a number unlike the default."""
    usage: dict[str, Any] = {}
    for key in keys:
        value = key.example if key.example is not None else key.default
        if value is None or isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = Decimal(1000) if not value else Decimal(str(value)) * 2 + 1
        target = usage
        *groups, name = key.name.split(".")
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value
    return usage


def _unknowns(components: list[Any]) -> set[tuple[Any, ...]]:
    return {(c.group, c.name, c.unpriced_reason) for c in components if c.unit_price is None}


def _priced(components: list[Any]) -> set[tuple[Any, ...]]:
    return {(c.group, c.name, c.quantity, c.unit_price) for c in components if c.unit_price is not None}


def _keys(keys: Any, prefix: str) -> list[str]:
    out: list[str] = []
    open_groups: set[str] = set()
    for key in keys:
        default = key.default if key.default is not None else key.example if key.example is not None else 0
        if "." in key.name:
            group, name = key.name.split(".", 1)
            if group not in open_groups:
                out.append(f"{prefix}{group}:")
                open_groups.add(group)
            out.append(f"{prefix}  {name}: {default}  # {key.description}")
        else:
            out.append(f"{prefix}{key.name}: {default}  # {key.description}")
    return out


def run(paths: list[str], *, out_file: str | None = None, **opts: Any) -> int:
    specs = [pipeline.ProjectSpec(path=p) for p in paths]
    results = pipeline.run(specs, load_options(opts), price=False)
    failed = report_diagnostics(results)
    projects = [r.project for r in results if r.project is not None]
    text = template(projects)
    if out_file == "-":
        sys.stdout.write(text)
        return 2 if failed else 0
    if out_file is None:
        base = Path(paths[0])
        target = (base if base.is_dir() else base.parent) / "costrail-usage.yml"
        if target.exists():
            raise UsageError(f"{target} exists: pass --out-file to write elsewhere (or - for stdout)")
    else:
        target = Path(out_file)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 2 if failed else 0
