"""Policy packs (``policies/packs/<name>.yml``): which rules run, with what parameters and enforcement."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from estimator.errors import ConfigError, UsageError
from estimator.model import Location
from policies.finding import ENFORCEMENTS

PACK_DIR = Path(__file__).parent / "packs"


@dataclass(frozen=True)
class PackRule:
    id: str
    enforcement: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pack:
    name: str
    description: str
    rules: tuple[PackRule, ...]
    source: str = ""


def pack_names() -> list[str]:
    return sorted(p.stem for p in PACK_DIR.glob("*.yml"))


@cache
def load_pack(name: str) -> Pack:
    """The named pack; an unknown name is a usage error listing the known ones."""
    path = PACK_DIR / f"{name}.yml"
    if not path.is_file():
        raise UsageError(f"unknown policy pack {name!r} (known: {', '.join(pack_names())})")
    from policies.rules import BY_ID

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where = Location(str(path), 1)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise ConfigError(f"pack {name}: expected a mapping with `rules:`", where)
    rules = []
    for rule_id, spec in data["rules"].items():
        spec = spec or {}
        if rule_id not in BY_ID:
            raise ConfigError(f"pack {name}: unknown rule {rule_id}", where)
        if not isinstance(spec, dict) or set(spec) - {"enforcement", "params"}:
            raise ConfigError(f"pack {name}: {rule_id}: only `enforcement` and `params` are allowed", where)
        enforcement = spec.get("enforcement")
        if enforcement is not None and enforcement not in ENFORCEMENTS:
            raise ConfigError(f"pack {name}: {rule_id}.enforcement: expected one of {', '.join(ENFORCEMENTS)}", where)
        params = spec.get("params") or {}
        unknown = set(params) - set(getattr(BY_ID[rule_id], "PARAMS", {}))
        if unknown:
            raise ConfigError(f"pack {name}: {rule_id}.params: unknown {', '.join(sorted(unknown))}", where)
        rules.append(PackRule(rule_id, enforcement, dict(params)))
    return Pack(str(data.get("name") or name), str(data.get("description") or ""), tuple(rules), str(path))


def selected_rules(pack_names_: list[str]) -> list[PackRule]:
    """Rules of the given packs, in registry order; a rule in two packs keeps the first pack's settings."""
    from policies.rules import RULES

    chosen: dict[str, PackRule] = {}
    for name in pack_names_:
        for rule in load_pack(name).rules:
            chosen.setdefault(rule.id, rule)
    return [chosen[r.ID] for r in RULES if r.ID in chosen]
