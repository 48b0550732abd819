"""Run the shell steps of action.yml or of a workflow job locally, the way the Actions runner does.

``${{ }}`` values in ``env:`` and ``if:`` are read from a context table (``github.…``,
``inputs.…``, ``steps.ID.outputs.…``); each step runs in ``bash --noprofile --norc -eo pipefail``
with its own ``GITHUB_OUTPUT`` file, as the runner's ``shell: bash`` does. ``uses:`` steps are
skipped (the test prepares what they would), and so is installing costrail: the project's venv
is on PATH. Only the expression forms the repository's files use are understood.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
EXPR = re.compile(r"\$\{\{(.*?)\}\}")
NAME = re.compile(r"[A-Za-z_][\w-]*(?:\.[\w-]+)+")


@dataclass
class StepRun:
    name: str
    returncode: int
    output: str


@dataclass
class JobRun:
    steps: list[StepRun] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(s.returncode != 0 for s in self.steps)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)

    @property
    def log(self) -> str:
        return "\n".join(f"--- {s.name} (rc={s.returncode})\n{s.output}" for s in self.steps)


def _value(expr: str, context: dict[str, str]) -> str:
    """``a || b || 'literal'``: the first non-empty operand, as Actions' ``||`` does."""
    for operand in (p.strip() for p in expr.split("||")):
        quoted = operand.startswith("'") and operand.endswith("'")
        value = operand[1:-1] if quoted else context.get(operand, "")
        if value:
            return value
    return ""


def substitute(text: str, context: dict[str, str]) -> str:
    return EXPR.sub(lambda m: _value(m.group(1), context), str(text))


def condition(expr: str, context: dict[str, str], job_failed: bool) -> bool:
    """An ``if:`` of names, quoted strings, ``==``/``!=``, ``&&``/``||``, ``!`` and status functions."""
    expr = EXPR.sub(lambda m: m.group(1), expr)
    py = expr.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = py.replace("always()", "True").replace("success()", repr(not job_failed)).replace("failure()", repr(job_failed))
    py = NAME.sub(lambda m: repr(context.get(m.group(0), "")), py)
    if not re.search(r"(==|!=|\band\b|\bor\b|\bnot\b|success|failure|always)", expr):
        py = f"({py}) != ''"
    if "success()" not in expr and "failure()" not in expr and "always()" not in expr and job_failed:
        return False
    return bool(eval(py, {"__builtins__": {}}))  # noqa: S307 - our own files' expressions


def run_steps(steps: list[dict[str, Any]], context: dict[str, str], workdir: Path, env: dict[str, str],
              local_actions: dict[str, Path] | None = None) -> JobRun:
    """``local_actions`` maps a ``uses: ./DIR`` to the directory whose action.yml it runs."""
    job = JobRun(context=context)
    runner_temp = Path(env["RUNNER_TEMP"])
    for step in steps:
        name = step.get("name") or step.get("uses") or "step"
        local = (local_actions or {}).get(str(step.get("uses", "")))
        if ("run" not in step and local is None) or name == "Install costrail":
            job.skipped.append(name)
            continue
        if not condition(str(step.get("if", "success()")), context, job.failed):
            job.skipped.append(name)
            continue
        if local is not None:
            _run_local_action(step, local, job, workdir, env)
            continue
        step_env = {**os.environ, **env, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
        step_env.update({k: substitute(v, context) for k, v in (step.get("env") or {}).items()})
        output_file = runner_temp / "github_output"
        output_file.write_text("")
        step_env["GITHUB_OUTPUT"] = str(output_file)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workdir, env=step_env, capture_output=True, text=True,
        )
        if step.get("id"):
            for line in output_file.read_text().splitlines():
                key, _, value = line.partition("=")
                context[f"steps.{step['id']}.outputs.{key}"] = value
        code = proc.returncode
        if code != 0 and str(step.get("continue-on-error", "false")).lower() == "true":
            code = 0
        job.steps.append(StepRun(name, code, proc.stdout + proc.stderr))
    return job


def run_action(action: dict[str, Any], context: dict[str, str], workdir: Path, env: dict[str, str]) -> JobRun:
    """action.yml's steps, with the inputs' defaults filled in as the runner does."""
    context = dict(context)
    for key, spec in action["inputs"].items():
        context.setdefault(f"inputs.{key}", substitute(str(spec.get("default", "")), context))
    return run_steps(action["runs"]["steps"], context, workdir, env)


def _run_local_action(step: dict[str, Any], directory: Path, job: JobRun, workdir: Path, env: dict[str, str]) -> None:
    """A ``uses: ./DIR`` step: the composite action runs with its own inputs and step outputs;
    its ``outputs:`` become the step's outputs, as on the runner."""
    action = yaml.safe_load((directory / "action.yml").read_text())
    inner = {k: v for k, v in job.context.items() if k.startswith("github.")}
    inner["github.action_path"] = str(directory)
    for key, value in (step.get("with") or {}).items():
        inner[f"inputs.{key}"] = substitute(str(value), job.context)
    inner_job = run_action(action, inner, workdir, env)
    job.steps += inner_job.steps
    job.skipped += inner_job.skipped
    if step.get("id"):
        for key, spec in (action.get("outputs") or {}).items():
            job.context[f"steps.{step['id']}.outputs.{key}"] = substitute(str(spec["value"]), inner_job.context)
