"""Rule metadata in one shape for renderers, docs, ``policies list`` and the adapters."""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
SECURITY_SEVERITY = {"low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}


def rule_doc(module: ModuleType) -> str:
    """The module docstring: the rule's documentation, with its failing and passing examples."""
    return inspect.cleandoc(module.__doc__ or "")


def summary(module: ModuleType) -> str:
    return module.TITLE


def rule_info(module: ModuleType, enforcement: str | None = None) -> dict[str, Any]:
    return {
        "id": module.ID,
        "title": module.TITLE,
        "severity": module.SEVERITY,
        "default_enforcement": module.DEFAULT_ENFORCEMENT,
        "enforcement": enforcement or module.DEFAULT_ENFORCEMENT,
        "params": dict(getattr(module, "PARAMS", {})),
        "why": module.WHY,
        "fix": module.FIX,
        "doc": f"docs/policies/{module.ID}.md",
    }
