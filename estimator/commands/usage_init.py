"""``costrail usage init PATH``: write a commented ``costrail-usage.yml`` for the resources found.

Each priced resource with usage keys gets its address and its keys commented out with their
meaning and default, so uncommenting a line is all a user does. An existing file is never
overwritten (pass ``--out-file`` elsewhere, or ``-`` for stdout).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from estimator import pipeline
from estimator.commands.common import load_options, report_diagnostics
from estimator.errors import UsageError
from estimator.model import Project


def template(projects: list[Project]) -> str:
    from estimator.resources.aws import REGISTRY

    lines = ["# costrail usage file: monthly quantities for usage-priced resources.",
             "# Uncomment and set the values; `[*]` in an address matches every index.",
             "version: 0.1", "resource_usage:"]
    by_type: dict[str, list[str]] = {}
    for project in projects:
        for res in project.resources:
            spec = REGISTRY.get(res.type)
            if res.mode != "managed" or spec is None or not spec.usage_keys:
                continue
            by_type.setdefault(res.type, []).append(res.address)
            key = res.address if res.address.replace(".", "").replace("_", "").replace("-", "").isalnum() else (
                "'" + res.address.replace("'", "''") + "'")
            lines.append(f"  {key}:")
            lines += _keys(spec.usage_keys, "    # ")
    lines.append("resource_type_default_usage:")
    for rtype in sorted(by_type):
        lines.append(f"  # {rtype}:")
        lines += _keys(REGISTRY[rtype].usage_keys, "  #   ")
    lines += ["llm_usage:  # API token spend, priced from Bedrock on-demand token prices",
              "  # - {model: anthropic.claude-3-5-haiku-20241022-v1:0, monthly_input_tokens: 2000000000, "
              "monthly_output_tokens: 400000000}",
              "  []"]
    return "\n".join(lines) + "\n"


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
