"""``pulumi preview --json`` output and ``pulumi stack export`` files, for users with the CLI.

A preview lists ``steps[]``, each with the resource's state after the step (``newState``,
or ``new`` in older CLIs); an export lists ``deployment.resources[]``. Both carry ``type``,
``urn``, ``inputs``, ``parent`` and ``provider``, and map like a program's registrations
(``estimator.loaders.pulumi_program.build_resources``). Deleted resources are left out, and a
URN listed by several steps (``--show-replacement-steps``: ``create-replacement`` and
``replace``) is one resource, its last new state. The preview's unknown sentinel and secret
envelopes become ``Unknown``. Links come from ``propertyDependencies`` (which resources fed
each input): an unknown id there, or the id of the resource it names, becomes a reference to
it, as a program's registrations link by resource. No source lines exist here; each
resource's location is the line of its URN in the JSON file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from estimator.errors import TOO_DEEP, InputError
from estimator.loaders import LoadOptions
from estimator.loaders.pulumi_program import UNKNOWN_MARK, build_resources
from estimator.model import SOURCE_PULUMI_PREVIEW, Diagnostic, Location, Project, Unknown
from estimator.pulumi_types import snake, terraform_type

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
    except RecursionError:
        project.diagnostics.append(Diagnostic(TOO_DEEP, Location(p.name, 1)))
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
    states = [s for s in states if isinstance(s, dict) and isinstance(s.get("urn"), str) and s.get("type")]
    by_urn = {s["urn"]: s for s in states}
    regs = []
    for state in states:
        urn = state["urn"]
        inputs = state.get("inputs") or {}
        if isinstance(inputs, dict) and isinstance(state.get("propertyDependencies"), dict):
            inputs = _linked(inputs, state["propertyDependencies"], by_urn)
        regs.append({
            "urn": urn, "type": state["type"], "name": urn.split("::")[-1],
            "custom": bool(state.get("custom", True)), "parent": state.get("parent"),
            "provider": state.get("provider"), "id": state.get("id"),
            "inputs": inputs, "location": Location(p.name, lines.get(urn, 1)),
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


def _linked(inputs: dict[str, Any], prop_deps: dict[str, Any], by_urn: dict[str, Any]) -> dict[str, Any]:
    """Inputs whose linked leaves (per ``propertyDependencies``) are references to the resource's URN."""
    out = dict(inputs)
    for prop, urns in prop_deps.items():
        if prop not in out or not isinstance(urns, list):
            continue
        targets = [by_urn[u] for u in urns if isinstance(u, str) and u in by_urn and by_urn[u].get("custom", True)]
        if targets:
            out[prop] = _link(out[prop], prop, targets)
    return out


def _link(value: Any, key: str, targets: list[dict[str, Any]]) -> Any:
    if isinstance(value, dict):
        return {k: _link(v, k, targets) for k, v in value.items()}
    if isinstance(value, list):
        return [_link(v, key, targets) for v in value]
    if not isinstance(value, str):
        return value
    if value == UNKNOWN_SENTINEL:
        target = _target_for(snake(key), targets)
    else:  # a known id: the resource whose state has it
        target = next((t for t in targets if t.get("id") == value), None)
    return f"{UNKNOWN_MARK}ref {target['urn']}" if target is not None else value


def _target_for(name: str, targets: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one target an unknown leaf names: the only one, else the one whose type the key names
    (``apiId`` of ``apiStages`` fed by a REST API and its stage → the ``…_rest_api``)."""
    if len(targets) == 1:
        return targets[0]
    stem = name
    for suffix in ("_id", "_arn", "_name"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem in ("", "id", "arn", "name"):
        return None
    matches = [t for t in targets if terraform_type(str(t.get("type"))).endswith("_" + stem)]
    return matches[0] if len(matches) == 1 else None


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
