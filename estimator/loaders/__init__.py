"""Source detection and dispatch: each loader turns one PATH into a ``Project``.

Loaders are imported lazily so a Terraform-only run never imports pulumi, and so this
package can be imported where python-hcl2 is absent (checkov's venv).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from estimator.errors import InputError, UsageError
from estimator.model import (
    SOURCE_PULUMI_PREVIEW,
    SOURCE_PULUMI_PROGRAM,
    SOURCE_TERRAFORM_HCL,
    SOURCE_TERRAFORM_PLAN,
    Project,
)

SOURCES = (SOURCE_TERRAFORM_HCL, SOURCE_TERRAFORM_PLAN, SOURCE_PULUMI_PROGRAM, SOURCE_PULUMI_PREVIEW)


@dataclass
class LoadOptions:
    """Input options shared by ``breakdown``, ``check`` and ``diff``."""

    var_files: list[str] = field(default_factory=list)
    vars: dict[str, str] = field(default_factory=dict)
    stack: str | None = None
    parser: str | None = None  # HCL front-end name; None = the default
    default_region: str = "us-east-1"
    timeout: float = 120.0  # Pulumi program wall-clock limit, seconds
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cache_dir: str | None = None
    source: str | None = None  # force a source kind
    # where a symlinked input file may point besides the project's repository: the head repository,
    # for the git-ignored var files ``diff --base-ref`` links into the base checkout
    link_roots: tuple[str, ...] = ()


def detect_source(path: str) -> str:
    """Terraform root, plan JSON, Pulumi project or Pulumi preview/export JSON, from the path."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file or directory")
    if p.is_dir():
        if (p / "Pulumi.yaml").exists() or (p / "Pulumi.yml").exists():
            return SOURCE_PULUMI_PROGRAM
        return SOURCE_TERRAFORM_HCL
    if p.suffix == ".tf" or p.name.endswith(".tf.json"):
        return SOURCE_TERRAFORM_HCL
    if p.suffix == ".json":
        return _detect_json(p)
    raise UsageError(f"{path}: not a Terraform root, plan JSON or Pulumi project")


def _detect_json(p: Path) -> str:
    try:
        with p.open("rb") as fh:
            head = fh.read(1 << 16).decode("utf-8", "replace")
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", None) from err
    if '"format_version"' in head or '"planned_values"' in head or '"resource_changes"' in head:
        return SOURCE_TERRAFORM_PLAN
    if '"steps"' in head or '"deployment"' in head or '"checkpoint"' in head:
        return SOURCE_PULUMI_PREVIEW
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, OSError, RecursionError):
        return SOURCE_TERRAFORM_PLAN  # the plan loader reports the syntax error with its line
    if isinstance(data, dict) and ("steps" in data or "deployment" in data):
        return SOURCE_PULUMI_PREVIEW
    return SOURCE_TERRAFORM_PLAN


def load_project(path: str, options: LoadOptions | None = None) -> Project:
    """Read one PATH; raises ``CostrailError`` when nothing at all can be read from it."""
    options = options or LoadOptions()
    source = options.source or detect_source(path)
    if source == SOURCE_TERRAFORM_HCL:
        from estimator.loaders import terraform_hcl

        return terraform_hcl.load(path, options)
    if source == SOURCE_TERRAFORM_PLAN:
        from estimator.loaders import terraform_plan

        return terraform_plan.load(path, options)
    if source == SOURCE_PULUMI_PROGRAM:
        from estimator.loaders import pulumi_program

        return pulumi_program.load(path, options)
    if source == SOURCE_PULUMI_PREVIEW:
        from estimator.loaders import pulumi_preview

        return pulumi_preview.load(path, options)
    raise UsageError(f"unknown source kind {source!r} (one of {', '.join(SOURCES)})")
