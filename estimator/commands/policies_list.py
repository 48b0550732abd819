"""``costrail policies list``: every rule with severity, enforcement (after config) and packs."""

from __future__ import annotations

import json

from estimator.config import load_config


def run(*, fmt: str = "table", config_path: str | None = None) -> int:
    from policies.engine import enforcement_for, rules_for
    from policies.metadata import rule_info
    from policies.pack import load_pack, pack_names
    from policies.rules import RULES

    config = load_config(config_path, ["."])
    packs = {name: {r.id: r for r in load_pack(name).rules} for name in pack_names()}
    running = set(rules_for(config))  # the packs' rules and those the config asks for by name
    rows = []
    for module in RULES:
        in_packs = [name for name, rules in packs.items() if module.ID in rules]
        pack_rule = next((packs[name][module.ID] for name in config.packs if module.ID in packs.get(name, {})), None)
        info = rule_info(module, enforcement_for(module.ID, config, pack_rule.enforcement if pack_rule else None))
        info["packs"] = in_packs
        info["enabled"] = module.ID in running
        rows.append(info)
    if fmt == "json":
        print(json.dumps({"rules": rows}, indent=2))
        return 0
    width = max(len(r["title"]) for r in rows)
    print(f"{'ID':<11} {'SEVERITY':<9} {'ENFORCEMENT':<12} {'TITLE':<{width}}  PACKS")
    for r in rows:
        enforcement = r["enforcement"] if r["enabled"] or r["enforcement"] == "disabled" else "not in packs"
        print(f"{r['id']:<11} {r['severity']:<9} {enforcement:<12} {r['title']:<{width}}  {', '.join(r['packs'])}")
    return 0
