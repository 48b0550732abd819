"""``pulumi preview --json`` output and ``pulumi stack export`` files, for users with the CLI.

A preview lists ``steps[]``, each with the resource's state after the step (``newState``,
or ``new`` in older CLIs); an export lists ``deployment.resources[]``. Both carry ``type``,
``urn``, ``inputs``, ``parent`` and ``provider``, and map like a program's registrations
(``estimator.loaders.pulumi_program.build_resources``). Deleted resources are left out, and a
URN listed by several steps (``--show-replacement-steps``: ``create-replacement`` and
``replace``) is one resource, its last new state.
The preview's unknown sentinel and secret envelopes become ``Unknown``. No source lines
exist here; each resource's location is the line of its URN in the JSON file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from estimator.errors import InputError
from estimator.loaders import LoadOptions
from estimator.loaders.pulumi_program import build_resources
from estimator.model import SOURCE_PULUMI_PREVIEW, Diagnostic, Location, Project, Unknown

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's "computed" value
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # the engine's secret envelope signature
SKIP_OPS = frozenset({"delete", "discard", "remove-pending-replace"})


def load(path: str, options: LoadOptions) -> Project:
    """Read one preview or export JSON file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", Location(path, 1)) from err
    project = Project(path=path, source=SOURCE_PULUMI_PREVIEW, root=str(p.resolve().parent))
    try:
        data = json.loads(text)
    except ValueError as err:
        line = getattr(err, "lineno", 1)
        project.diagnostics.append(Diagnostic(f"invalid JSON: {getattr(err, 'msg', err)}", Location(p.name, line)))
        return project
    if not isinstance(data, dict):
        project.diagnostics.append(Diagnostic("expected a JSON object", Location(p.name, 1)))
        return project
    states, config = _states(data)
    if states is None:
        project.diagnostics.append(Diagnostic(
            "neither `steps` (pulumi preview --json) nor `deployment.resources` (pulumi stack export)",
            Location(p.name, 1)))
        return project
    lines = _urn_lines(text)
    regs = []
    for state in states:
        if not isinstance(state, dict) or not isinstance(state.get("urn"), str) or not state.get("type"):
            continue
        urn = state["urn"]
        regs.append({
            "urn": urn, "type": state["type"], "name": urn.split("::")[-1],
            "custom": bool(state.get("custom", True)), "parent": state.get("parent"),
            "provider": state.get("provider"), "id": state.get("id"),
            "inputs": state.get("inputs") or {}, "location": Location(p.name, lines.get(urn, 1)),
        })
    project.resources = build_resources(regs, config, options.default_region, SOURCE_PULUMI_PREVIEW, _special)
    return project


def _states(data: dict[str, Any]) -> tuple[list[Any] | None, dict[str, str]]:
    """Resource states and (preview only) the stack config."""
    config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (data.get("config") or {}).items()}
    if isinstance(data.get("steps"), list):
        by_urn: dict[Any, dict[str, Any]] = {}  # one per URN (replace + create-replacement), in first-step order
        for step in data["steps"]:
            if not isinstance(step, dict) or step.get("op") in SKIP_OPS:
                continue
            state = step.get("newState") or step.get("new")
            if isinstance(state, dict):
                key = state.get("urn") if isinstance(state.get("urn"), str) else id(state)
                by_urn[key] = state
        return list(by_urn.values()), config
    deployment = data.get("deployment") or data.get("checkpoint", {}).get("latest")
    if isinstance(deployment, dict) and isinstance(deployment.get("resources"), list):
        return [r for r in deployment["resources"] if not (isinstance(r, dict) and r.get("delete"))], config
    return None, config


def _special(value: Any) -> Any:
    if value == UNKNOWN_SENTINEL:
        return Unknown("known after apply (preview)")
    if isinstance(value, dict) and SECRET_SIG in value:
        return Unknown("secret")
    return None


def _urn_lines(text: str) -> dict[str, int]:
    """The first line where each URN is a ``"urn"`` value."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith('"urn"'):
            try:
                urn = json.loads("{" + stripped.rstrip(",") + "}")["urn"]
            except (ValueError, KeyError):
                continue
            lines.setdefault(urn, number)
    return lines
