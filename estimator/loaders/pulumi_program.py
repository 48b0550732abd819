"""Pulumi Python programs, read by running them under Pulumi's mock runtime — no CLI, no cloud.

The program runs in a subprocess (``pulumi_runner.py``) with a scrubbed environment, the
project directory as cwd, a wall-clock timeout and the program's own virtualenv when
``Pulumi.yaml`` names one (a run past the timeout is reported at the project line where it
was, from the stack dump the runner writes before it is killed). Every registration comes
back as JSON and becomes a ``Resource``:

- ``address`` is the resource name path: component names, then the resource name, joined
  with ``/`` (``gpu-workers/gpu-workers-asg``); when two resources share a path, each gets
  its Terraform type appended (``data:aws_s3_bucket``). Components and providers are not
  resources themselves (they cost nothing) but name the path and carry providers down.
- ``type`` is the Terraform type (``estimator.pulumi_types``), ``source_type`` the token.
- attributes are snake_case with Terraform-style block lists; a mock id or ARN of another
  resource becomes ``Unknown(ref=<its address>)``; unmocked invoke results are Unknown. Each
  mock output carries a token of its resource's URN (``pulumi_runner.mock_token``), so
  resources of different types sharing a logical name are never confused. An auto-named
  resource gets its physical ``name`` (``bucket``) as a preview shows it: the logical name (or
  ``name_prefix``) plus a suffix unique to it; that name, or an explicit ``name=``, is the
  literal other resources link by (``endpoint_config_name=c.name``). A
  string output the program never set (``fn.invoke_arn``, ``private_ip``, ``endpoint``) is
  ``Unknown("invoke_arn known after apply", ref=<its address>)`` wherever it is passed.
- ``region``/default tags come from the explicit ``aws.Provider`` (also through component
  parents), else ``aws:region`` / ``aws:defaultTags`` stack config, else the default region.

Code defaults: the program runs a second time with only ``Pulumi.yaml`` config (the stack's
config removed, except that a ``require*`` read — no code fallback — still gets the stack's
value); every attribute whose value differs records a ``DefaultRef`` with the value and line
of that run, so ``config.get("gpuType") or "p4d.24xlarge"`` is seen.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from estimator.errors import ConfigError, InputError, MissingStackError
from estimator.loaders import LoadOptions
from estimator.model import (
    SOURCE_PULUMI_PROGRAM,
    DefaultRef,
    Diagnostic,
    Location,
    Project,
    Resource,
    Tag,
    Unknown,
    UnknownCount,
    tag_blocks,
)
from estimator.pulumi_types import snake, snake_props, terraform_type
from estimator.yaml_guard import decode_utf8, safe_load

RUNNER = Path(__file__).with_name("pulumi_runner.py")
PULUMI_YAML_DEFAULT = "pulumi-yaml-default"  # DefaultRef.kind of a Pulumi.yaml config default
UNKNOWN_MARK = "costrail:unknown:"
ARN_MARK = "arn:aws:costrail-mock:"
PROVIDER_PREFIX = "pulumi:providers:"
REQUIRE_FALLBACK_KEY = "costrail-require-fallback"  # as in pulumi_runner.py
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's secret envelope signature
# Environment variables the program may see; every other one (tokens, cloud credentials) is dropped.
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass
class PulumiProject:
    """What ``Pulumi.yaml`` and the stack file say."""

    root: Path
    name: str
    main: Path
    python: str
    stack: str
    config: dict[str, str] = field(default_factory=dict)  # full config (defaults + stack)
    defaults: dict[str, str] = field(default_factory=dict)  # Pulumi.yaml defaults only
    secret_keys: list[str] = field(default_factory=list)
    stack_file: str | None = None
    spec_file: str = "Pulumi.yaml"  # or Pulumi.yml
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load(path: str, options: LoadOptions) -> Project:
    """Run the program (and its code-defaults twin) and map what it registered.

    Errors that stop the whole project (Pulumi.yaml unusable, the program raises, hangs or
    imports what is not installed) raise ``InputError`` naming ``file:line`` relative to the
    project, as Terraform's errors are (the CLI names it from the working directory on stderr).
    A program that raises or hangs after registering resources is read only in part: those
    resources, plus the error as a ``Diagnostic`` at the same ``file:line``.
    """
    try:
        return _load(path, options)
    except InputError as err:
        err.source = SOURCE_PULUMI_PROGRAM
        raise


def _load(path: str, options: LoadOptions) -> Project:
    proj = read_project(Path(path), options)
    project = Project(path=path, source=SOURCE_PULUMI_PROGRAM, root=str(proj.root))
    project.diagnostics.extend(proj.diagnostics)
    want_defaults = any(proj.config.get(k) != proj.defaults.get(k) for k in proj.config)
    runs = run_programs(proj, options, [proj.config, _defaults_config(proj)] if want_defaults else [proj.config])
    main = runs[0]
    resources = to_resources(main, proj, options)
    if not main.get("ok"):
        err = _program_error(proj, main)
        if not resources:
            # what was found before the run (several stacks and no --stack) may be why it failed
            notes = [d.message for d in proj.diagnostics if d.severity == "warning"]
            if notes:
                err.message += "; note: " + "; ".join(notes)
            raise err
        # read only in part: what it registered before the error still shows (as a Terraform
        # root with a broken file); code defaults are not compared with a run cut short
        project.diagnostics.append(Diagnostic(err.message, err.location))
    elif want_defaults:
        default_run = runs[1]
        if default_run.get("ok"):
            mark_defaults(resources, to_resources(default_run, proj, options, defaults_run=True), proj)
        else:
            err = _program_error(proj, default_run)
            project.diagnostics.append(Diagnostic(
                f"code defaults not checked: without the stack's config the program fails ({err.message})",
                Location(proj.stack_file or "Pulumi.yaml", 1), "warning"))
    calls = main.get("invoke_calls", {})
    for token in sorted(set(main.get("invokes", []))):
        where = calls.get(token)
        project.diagnostics.append(Diagnostic(
            f"provider function {token} is not called offline; its results are unknown",
            Location(where[0], where[1]) if where else None, "warning"))
    project.diagnostics.extend(_unknown_count_warnings(main, resources))
    project.resources = resources
    return project


def _defaults_config(proj: PulumiProject) -> dict[str, str]:
    """The code-defaults run's config: ``Pulumi.yaml`` values, plus the stack's values for the
    runner to give only to ``require*`` reads (keys the program has no fallback for)."""
    fallback = {k: v for k, v in proj.config.items() if k not in proj.defaults}
    if not fallback:
        return dict(proj.defaults)
    return {**proj.defaults, REQUIRE_FALLBACK_KEY: json.dumps(fallback)}


# --- Pulumi.yaml and the stack file --------------------------------------------------------

def _read_yaml(path: Path, root: Path) -> dict[str, Any]:
    try:  # invalid UTF-8, nesting too deep, alias bombs, duplicate keys: an error with a line, never a traceback
        data = safe_load(decode_utf8(path.read_bytes(), _rel(path, root)), _rel(path, root))
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", Location(_rel(path, root), 1)) from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise InputError(f"invalid YAML: {getattr(err, 'problem', err)}", Location(_rel(path, root), line)) from err
    except ConfigError as err:
        raise InputError(err.message, err.location) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top level", Location(_rel(path, root), 1))
    return data


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _config_text(value: Any) -> str:
    """Config values as the Pulumi engine passes them: strings, objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _full_key(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def read_project(root: Path, options: LoadOptions) -> PulumiProject:
    """Read ``Pulumi.yaml`` and the chosen stack's config; raise InputError when unusable."""
    root = root.resolve()
    spec_file = root / "Pulumi.yaml" if (root / "Pulumi.yaml").exists() else root / "Pulumi.yml"
    spec = _read_yaml(spec_file, root)
    where = Location(spec_file.name, 1)
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise InputError("Pulumi.yaml has no project name", where)
    runtime = spec.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise InputError(f"runtime {runtime_name!r} is not supported (costrail runs Python programs)", where)
    runtime_options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    diagnostics: list[Diagnostic] = []
    python = sys.executable
    venv = runtime_options.get("virtualenv") if isinstance(runtime_options, dict) else None
    if venv:
        candidate = (root / str(venv) / "bin" / "python")
        if candidate.exists():
            python = str(candidate)
        else:
            diagnostics.append(Diagnostic(
                f"virtualenv {venv} named in Pulumi.yaml does not exist; running with costrail's Python",
                where, "warning"))
    main = root / str(spec.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.exists():
        raise InputError(f"program {_rel(main, root)} not found", where)

    defaults: dict[str, str] = {}
    for key, value in (spec.get("config") or {}).items():
        if isinstance(value, dict):
            if "default" in value:
                defaults[_full_key(str(key), name)] = _config_text(value["default"])
            elif "value" in value:
                defaults[_full_key(str(key), name)] = _config_text(value["value"])
        else:
            defaults[_full_key(str(key), name)] = _config_text(value)

    # `org/dev` and `org/project/dev` name the stack `dev`: its config is Pulumi.dev.yaml, as Pulumi reads it
    stack = options.stack.rsplit("/", 1)[-1] if options.stack else options.stack
    stack_path: Path | None = None
    stack_dir = root / str(spec["stackConfigDir"]) if spec.get("stackConfigDir") else root  # as `pulumi` reads it
    ext = spec_file.suffix  # stack files take the project file's extension (Pulumi.dev.yml next to Pulumi.yml)
    if stack:
        stack_path = stack_dir / f"Pulumi.{stack}{ext}"
        if not stack_path.exists():
            raise MissingStackError(f"stack {stack!r} has no {_rel(stack_path, root)}", where)
    else:
        stack_files = sorted(stack_dir.glob(f"Pulumi.*{ext}"))
        names = [f.name[len("Pulumi."):-len(ext)] for f in stack_files]
        if len(stack_files) == 1:
            stack_path, stack = stack_files[0], names[0]
        elif stack_files:
            diagnostics.append(Diagnostic(
                f"several stacks ({', '.join(names)}) and no --stack: read with Pulumi.yaml config only",
                where, "warning"))
    config = dict(defaults)
    secret_keys: list[str] = []
    if stack_path is not None:
        stack_data = _read_yaml(stack_path, root)
        if stack_data.get("environment"):
            diagnostics.append(_esc_warning(stack_data["environment"], stack_path, root))
        for key, value in (stack_data.get("config") or {}).items():
            full = _full_key(str(key), name)
            if isinstance(value, dict) and set(value) == {"secure"}:
                config[full] = f"{UNKNOWN_MARK}secret config {full}"
                secret_keys.append(full)
            else:
                config[full] = _config_text(value)
    if options.vars or options.var_files:
        diagnostics.append(_var_options_warning(options, ext))
    return PulumiProject(root=root, name=name, main=main.resolve(), python=python, stack=stack or "costrail",
                         config=config, defaults=defaults, secret_keys=secret_keys,
                         stack_file=_rel(stack_path, root) if stack_path else None, spec_file=spec_file.name,
                         diagnostics=diagnostics)


def _esc_warning(environment: Any, stack_path: Path, root: Path) -> Diagnostic:
    """A stack file importing Pulumi ESC environments (``environment: [acme/gpu-defaults]``, or
    ``environment: {imports: [...]}``): their values live in Pulumi Cloud, not readable offline."""
    imports = environment.get("imports") if isinstance(environment, dict) else environment
    names = [str(n) if not isinstance(n, dict) else ", ".join(map(str, n)) for n in imports] \
        if isinstance(imports, list) else [str(imports)]
    line = 1
    with contextlib.suppress(OSError):
        lines = stack_path.read_text(encoding="utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if text.startswith("environment:")), 1)
    return Diagnostic(f"imports ESC environment(s) {', '.join(names)}, which costrail cannot read offline: config "
                      "they would set is not read (the program's defaults apply)",
                      Location(_rel(stack_path, root), line), "warning")


def _var_options_warning(options: LoadOptions, ext: str) -> Diagnostic:
    """``--var`` / ``--var-file`` given for a Pulumi project: Terraform's, so ignored, and said so
    (a var file that does not exist is named, not an error: it is not read at all)."""
    ignored = [f"--var {name}" for name in options.vars]
    for path in options.var_files:
        ignored.append(f"--var-file {path}" + ("" if os.path.exists(path) else " (not found)"))
    return Diagnostic(f"--var/--var-file apply to Terraform roots only; a Pulumi project reads its config from "
                      f"Pulumi.<stack>{ext} (choose it with --stack); ignored: {', '.join(ignored)}",
                      None, "warning")


# --- the subprocess ------------------------------------------------------------------------

def scrubbed_env(python: str, home: str) -> dict[str, str]:
    """Nothing of the parent's environment: only what Python needs to start."""
    bin_dir = os.path.dirname(python)
    return {
        "PATH": f"{bin_dir}:{SAFE_PATH}",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }


def run_programs(proj: PulumiProject, options: LoadOptions, configs: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Run the program once per config, in parallel; each result is the runner's JSON."""
    from estimator.loaders.orphan_reaper import reaping_orphans
    from estimator.loaders.write_confinement import WriteConfinement, program_read_roots

    # nothing it starts outlives the run, not even in a session of its own
    with tempfile.TemporaryDirectory(prefix="costrail-pulumi-") as tmp, reaping_orphans():
        # untrusted code writes only beneath its own temporary directory (where Landlock exists)
        confinement = WriteConfinement.create(
            [tmp], readable=program_read_roots(str(proj.root), proj.python, (str(RUNNER.parent),)))
        procs = []
        try:
            for i, config in enumerate(configs):
                procs.append(_start(proj, config, Path(tmp), i, confinement))
        finally:
            if confinement:
                confinement.close()  # the children hold their own copy
        results = []
        deadline = time.monotonic() + options.timeout
        try:
            for proc, out_path, log in procs:
                try:
                    proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
                except subprocess.TimeoutExpired:
                    where = _where_stuck(proc, out_path, proj)
                    registered = _stopped_result(proc, out_path)
                    _kill([(proc, out_path, log)])
                    results.append({"ok": False, "resources": registered, "error": {
                        "kind": "timeout", "message": f"program did not finish within {options.timeout:g} s",
                        "file": where[0] if where else None, "line": where[1] if where else None}})
                    continue
                log.close()
                results.append(_read_result(out_path, Path(log.name), proc.returncode))
        finally:
            _kill(procs)
            for _, _, log in procs:
                log.close()
        return results


def _start(proj: PulumiProject, config: dict[str, str], tmp: Path, i: int, confinement: Any
           ) -> tuple[subprocess.Popen[bytes], Path, Any]:
    """Start run ``i`` of the program (its spec, result, home and log under ``tmp``)."""
    spec = {"project_dir": str(proj.root), "main": str(proj.main), "project": proj.name,
            "stack": proj.stack, "config": config,
            "secret_keys": [k for k in proj.secret_keys if k in config]}
    spec_path = tmp / f"spec{i}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    out_path = tmp / f"out{i}.json"
    home = tmp / f"home{i}"
    home.mkdir()
    log = open(tmp / f"log{i}.txt", "wb")  # noqa: SIM115 - closed by the caller
    try:
        proc = subprocess.Popen(
            [proj.python, "-I", "-B", "-u", str(RUNNER), str(spec_path), str(out_path)],
            cwd=proj.root, env=scrubbed_env(proj.python, str(home)), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=confinement.apply if confinement else None)
    except OSError as err:
        log.close()
        raise InputError(f"cannot start {proj.python}: {err.strerror}", Location("Pulumi.yaml", 1)) from err
    return proc, out_path, log


STACK_SIGNAL = signal.SIGUSR1  # as in pulumi_runner.py
STACK_SUFFIX = ".stack"
STACK_WAIT = 1.0  # seconds a stuck run gets to write its stack before it is killed
STOP_WAIT = 2.0  # then seconds it gets to stop and write what it registered
_FRAME = re.compile(r'^\s*File "(?P<file>.+)", line (?P<line>\d+)')


def _where_stuck(proc: subprocess.Popen[bytes], out_path: Path, proj: PulumiProject) -> tuple[str, int] | None:
    """The innermost project frame of a run that hangs: the runner dumps its threads' stacks
    (faulthandler) on ``STACK_SIGNAL``; the current (main) thread's is read first."""
    dump = Path(f"{out_path}{STACK_SUFFIX}")
    try:
        before = dump.stat().st_size
        os.kill(proc.pid, STACK_SIGNAL)
    except (OSError, ProcessLookupError):
        return None  # the runner has not started yet, or has exited
    deadline = time.monotonic() + STACK_WAIT
    size = before
    while time.monotonic() < deadline:
        time.sleep(0.02)
        current = dump.stat().st_size
        if current > before and current == size:
            break  # written, and no longer growing
        size = current
    return stuck_frame(dump.read_text(encoding="utf-8", errors="replace")[before:], proj.root)


def _stopped_result(proc: subprocess.Popen[bytes], out_path: Path) -> list[dict[str, Any]]:
    """What a run stopped at the timeout had registered: the stack signal also stops the program
    (the runner raises where it was) and the runner writes its result; a program that swallows
    that, or is stuck outside Python, is killed with nothing read."""
    try:
        proc.wait(timeout=STOP_WAIT)
        result = json.loads(out_path.read_text(encoding="utf-8"))
    except (subprocess.TimeoutExpired, OSError, ValueError):
        return []
    resources = result.get("resources") if isinstance(result, dict) else None
    return resources if isinstance(resources, list) else []


def stuck_frame(dump: str, root: Path) -> tuple[str, int] | None:
    """From a faulthandler dump: the innermost frame in a project file, current thread first."""
    threads: list[tuple[bool, list[tuple[str, int]]]] = []
    for text in dump.splitlines():
        if text.startswith(("Current thread", "Thread", "Stack")):
            threads.append((text.startswith("Current thread"), []))
            continue
        match = _FRAME.match(text)
        if match is None or not threads:
            continue
        file = os.path.abspath(match["file"])
        if file == str(RUNNER) or "site-packages" in file or not file.startswith(str(root) + os.sep):
            continue
        threads[-1][1].append((_rel(Path(file), root), int(match["line"])))
    for _current, frames in sorted(threads, key=lambda t: not t[0]):
        if frames:
            return frames[0]  # most recent call first
    return None


def _kill(procs: list[tuple[subprocess.Popen[bytes], Path, Any]]) -> None:
    """Kill each run's whole process group: the program may have started children."""
    for proc, _, _ in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _read_result(out_path: Path, log_path: Path, returncode: int) -> dict[str, Any]:
    try:
        return json.loads(out_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
        return {"ok": False, "error": {"kind": "crash", "type": "", "file": None, "line": None,
                                       "message": f"the program's Python exited with {returncode}: {tail[0]}"}}


def _program_error(proj: PulumiProject, result: dict[str, Any]) -> InputError:
    err = result.get("error") or {}
    file = err.get("file") or _rel(proj.main, proj.root)
    location = Location(file, err.get("line") or 1)
    if err.get("kind") == "import":
        return InputError(f"the program imports {err.get('message')!r}, which is not installed "
                          f"for {proj.python} (or lies outside what the sandbox lets it read: its repository, "
                          "the Python installations it runs on)", location)
    if err.get("kind") in ("timeout", "crash"):
        return InputError(str(err.get("message")), location)
    message = (str(err.get("message") or "").strip().splitlines() or [""])[0]
    return InputError(f"the program raised {err.get('type')}: {message}", location)


# --- mapping to the resource model ---------------------------------------------------------

def to_resources(result: dict[str, Any], proj: PulumiProject, options: LoadOptions,
                 defaults_run: bool = False) -> list[Resource]:
    """The runner's registrations as resources."""
    config = proj.defaults if defaults_run else proj.config
    return build_resources(result.get("resources", []), config, options.default_region, SOURCE_PULUMI_PROGRAM,
                           config_tags_location=_config_tags_location(proj, defaults_run))


def _config_tags_location(proj: PulumiProject, defaults_run: bool) -> Location | None:
    """The line of ``aws:defaultTags`` in the stack file (or ``Pulumi.yaml``) that sets it."""
    files = ([] if defaults_run or not proj.stack_file else [proj.stack_file]) + [proj.spec_file]
    for name in files:
        try:
            lines = (proj.root / name).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            if line.strip().startswith(("aws:defaultTags:", "'aws:defaultTags':", '"aws:defaultTags":')):
                return Location(name, number)
    return None


def build_resources(registrations: list[dict[str, Any]], config: dict[str, str], fallback_region: str,
                    origin: str, special: Any = None, config_tags_location: Location | None = None
                    ) -> list[Resource]:
    """Registrations (``urn type name custom parent provider inputs id frames``) as resources.

    Sorted by URN: the mock runtime's RPCs finish in any order. ``special`` may turn a raw
    value into an Unknown first (the preview loader's unknown and secret sentinels). A default
    tag is located where it is written: at its explicit ``aws.Provider``, else at
    ``config_tags_location`` (the stack file's ``aws:defaultTags``).
    """
    regs = sorted((r for r in registrations if r.get("type") != "pulumi:pulumi:Stack"), key=lambda r: r["urn"])
    by_urn = {r["urn"]: r for r in regs}

    def path_of(urn: str) -> str:
        names = []
        current = by_urn.get(urn)
        while current is not None:
            names.append(current["name"])
            current = by_urn.get(current.get("parent") or "")
        return "/".join(reversed(names))

    managed = [r for r in regs if r.get("custom") and not r["type"].startswith(PROVIDER_PREFIX)]
    paths = {r["urn"]: path_of(r["urn"]) for r in regs}
    counts: dict[str, int] = {}
    for r in managed:
        counts[paths[r["urn"]]] = counts.get(paths[r["urn"]], 0) + 1
    address: dict[str, str] = {}
    for r in regs:
        p = paths[r["urn"]]
        if r in managed and counts[p] > 1:
            p = f"{p}:{terraform_type(r['type'])}"
        address[r["urn"]] = p

    ids: dict[str, str | None] = {}  # real ids (an import's), by exact value
    mocked: dict[str, tuple[str, str]] = {}  # mock token → (output, address)
    for r in managed if origin == SOURCE_PULUMI_PROGRAM else ():
        outputs = r.get("mocked") or ()
        for prop in outputs:
            mocked[mock_token(prop, r["urn"])] = (prop, address[r["urn"]])
        if r.get("id") and "id" not in outputs:
            ids[r["id"]] = None if r["id"] in ids else address[r["urn"]]

    def resolve(value: Any) -> Any:
        if special is not None:
            marked = special(value)
            if marked is not None:
                return marked
        if isinstance(value, str):
            if mocked:
                found = mocked_refs(value, mocked)
                if found is not None:
                    return found
            if value in ids:
                return Unknown("id known after apply", ref=ids[value])
            if ARN_MARK in value:  # of a resource read with `.get()`: not one of the program's
                return Unknown("ARN known after apply")
            if UNKNOWN_MARK in value:
                reason = value.split(UNKNOWN_MARK, 1)[1]
                if reason.startswith("ref "):
                    return Unknown("resource reference", ref=address.get(reason[4:]))
                return Unknown(reason)
            return value
        if isinstance(value, float) and value != value:  # the runner's NaN: a number of an invoke result
            return Unknown("a number from a provider function result, known only after apply")
        if isinstance(value, dict):
            if SECRET_SIG in value:  # a secret envelope: its value when there is one
                return resolve(value["value"]) if "value" in value else Unknown("secret")
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    default_region = _config_region(config) or fallback_region
    default_tags = _provider_tags(config.get("aws:defaultTags"))
    providers: dict[str, tuple[Any, dict[str, Any], str, Location | None]] = {}
    for r in regs:
        if r["type"] == f"{PROVIDER_PREFIX}aws":
            inputs = r.get("inputs", {})
            raw_region = inputs.get("region")
            region = resolve(raw_region) if raw_region not in (None, "") else default_region
            name = "aws" if r["name"].startswith("default") else address[r["urn"]]  # the CLI's default provider
            # its default tags are written (and fixed) where the provider is: as HCL's provider block
            where = _location(r) if name != "aws" else config_tags_location
            providers[f"{r['urn']}::{r.get('id')}"] = (region, _provider_tags(inputs.get("defaultTags")), name, where)

    out = []
    for r in managed:
        tf_type = terraform_type(r["type"])
        attrs = resolve(snake_props(r.get("inputs", {}), tf_type))
        location = _location(r)
        provider_ref = r.get("provider")
        if provider_ref and provider_ref in providers:
            region, ptags, provider_name, ptags_location = providers[provider_ref]
        else:
            region, ptags, provider_name, ptags_location = default_region, default_tags, "aws", config_tags_location
        if not r["type"].startswith("aws:"):
            region, ptags = None, {}
        elif (isinstance(attrs.get("region"), str) and attrs["region"]) or isinstance(attrs.get("region"), Unknown):
            region = attrs["region"]  # pulumi-aws 7 (provider v6): a resource's own `region` input overrides its provider's
        if r.get("taggable") is False:
            ptags = {}  # AWS applies default tags only to resources that can carry tags (as HCL, a plan)
        parent = r.get("parent")
        loop = r.get("unknown_count")
        out.append(Resource(
            address=address[r["urn"]], type=tf_type, name=r["name"], attributes=attrs, region=region,
            tags=_tags(tf_type, attrs, ptags, provider_name, location, ptags_location), location=location,
            origin=origin, provider=provider_name, source_type=r["type"],
            parent=address.get(parent) if parent in by_urn else None, taggable=r.get("taggable"),
            index=UnknownCount(unknown_count_reason(address[r["urn"]], loop[0])) if loop else None,
        ))
    return out


def unknown_count_reason(address: str, what: str) -> str:
    """Why a resource registered in a loop over a provider-function list is one stand-in for an
    unknown number: as HCL's ``count = length(data.x.names)`` reads."""
    return f"{address}: count is known only after apply (a loop over the {what}, known only after apply)"


def _unknown_count_warnings(result: dict[str, Any], resources: list[Resource]) -> list[Diagnostic]:
    """At the loop's line, per stand-in resource (as HCL warns at each ``count``); and where the
    program takes ``len()`` of such a list (a number built from it is not a real count)."""
    out = []
    for res in resources:
        if isinstance(res.index, UnknownCount):
            reg = next((r for r in result.get("resources", []) if r.get("unknown_count")
                        and r["name"] == res.name), None)
            where = reg["unknown_count"][1] if reg else None
            out.append(Diagnostic(f"{res.index.reason}; its instances are not priced",
                                  Location(where[0], where[1]) if where else res.location, "warning"))
    seen = set()
    for what, where in result.get("unknown_lengths", []):
        key = (what, tuple(where))
        if key not in seen:
            seen.add(key)
            out.append(Diagnostic(f"len() of the {what}, known only after apply: costrail's stand-in list has "
                                  "one element, so a number of resources built from it is not the real one",
                                  Location(where[0], where[1]), "warning"))
    return out


def mock_token(prop: str, urn: str) -> str:
    """The runner's token of one mock output of one registration (``pulumi_runner.mock_token``)."""
    return hashlib.blake2s(f"{prop}:{urn}".encode(), digest_size=6).hexdigest()


_TOKEN = re.compile(r"-([0-9a-f]{12})")


def mocked_refs(value: str, mocked: dict[str, tuple[str, str]]) -> Unknown | None:
    """A string made of (or containing) mock outputs of registered resources: Unknown, with a
    reference to the resource when they all come from one (``f"endpoint/{ep.name}/variant/a"``).

    Matched by each output's token, exactly: two resources that share a logical name (a launch
    template and the group named after the same component) are never confused.
    """
    found = [mocked[t] for t in _TOKEN.findall(value) if t in mocked]
    if not found:
        return None
    prop = found[0][0]
    refs = {address for _, address in found}
    reason = {"id": "id", "arn": "ARN"}.get(prop, snake(prop)) + " known after apply"
    return Unknown(reason, ref=refs.pop() if len(refs) == 1 else None)


def _config_region(config: dict[str, str]) -> str | None:
    region = config.get("aws:region")
    return region if region and UNKNOWN_MARK not in region else None


def _provider_tags(raw: Any) -> dict[str, Any]:
    """``defaultTags`` as the provider receives it (a JSON string ``{"tags": {...}}``)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    if isinstance(raw, dict) and isinstance(raw.get("tags"), dict):
        return dict(raw["tags"])
    return {}


def _location(reg: dict[str, Any]) -> Location | None:
    """Where a registration is written: its innermost project frame (a program), else the
    location its loader gave it (a preview's URN line)."""
    frames = reg.get("frames") or []
    return Location(frames[-1][0], frames[-1][1]) if frames else reg.get("location")


def _tags(tf_type: str, attrs: dict[str, Any], ptags: dict[str, Any], provider: str,
          location: Location | None, ptags_location: Location | None = None) -> dict[str, Tag]:
    if tf_type == "aws_autoscaling_group":  # `tag` blocks; the provider gives ASGs no default tags
        return tag_blocks(attrs.get("tag"), location)
    own = attrs.get("tags") if isinstance(attrs.get("tags"), dict) else {}
    tags = {k: Tag(v, "default_tags", ptags_location, provider) for k, v in ptags.items()}
    tags.update({k: Tag(v, "resource", location) for k, v in own.items()})
    return tags


def mark_defaults(resources: list[Resource], default_resources: list[Resource], proj: PulumiProject) -> None:
    """Record, per attribute, the value the program falls back to without the stack's config."""
    by_address = {r.address: r for r in default_resources}
    changed_keys = [k for k in proj.config if proj.config.get(k) != proj.defaults.get(k)]
    for res in resources:
        twin = by_address.get(res.address)
        if twin is None:
            continue
        for attr, value in twin.attributes.items():
            if attr == "tags" or res.attributes.get(attr) == value:
                continue
            leaves = _changed_leaves(res.attributes.get(attr), value)
            names = {n for n in (_config_name(real, changed_keys, proj) for real, _ in leaves) if n}
            name = names.pop() if len(names) == 1 else attr
            in_spec = {_spec_default(default, changed_keys, proj) for _, default in leaves}
            if len(in_spec) == 1 and None not in in_spec:
                # the default is Pulumi.yaml's (config `default:`/`value:`): named and located there
                spec_name, spec_location = in_spec.pop()
                res.defaults[attr] = (DefaultRef(name=spec_name, value=value, location=spec_location,
                                                 kind=PULUMI_YAML_DEFAULT),)
                continue
            lines = {loc for loc in (_literal_line(default, proj) for _, default in leaves) if loc}
            location = lines.pop() if len(lines) == 1 else twin.location
            res.defaults[attr] = (DefaultRef(name=name, value=value, location=location, kind="pulumi-config"),)


def _spec_default(value: Any, keys: list[str], proj: PulumiProject) -> tuple[str, Location | None] | None:
    """``(config:name, its line in Pulumi.yaml)`` when the value is exactly one project-file
    default that the stack overrides (what the code-defaults run read from Pulumi.yaml)."""
    if not isinstance(value, (str, int, float, bool)) or isinstance(value, Unknown):
        return None
    matches = [k for k in keys if k in proj.defaults and proj.defaults[k] == _config_text(value)]
    if len(matches) != 1:
        return None
    key = matches[0]
    short = key.split(":", 1)[1] if key.startswith(proj.name + ":") else key
    return f"config:{short}", _spec_default_line(proj, key, short)


def _spec_default_line(proj: PulumiProject, key: str, short: str) -> Location | None:
    """The line of a config key's ``default:`` / ``value:`` (or its plain value) in Pulumi.yaml."""
    try:
        root = yaml.compose((proj.root / proj.spec_file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    config = _child(root, "config")
    if not isinstance(config, yaml.MappingNode):
        return None
    for key_node, value_node in config.value:
        if key_node.value in (key, short):
            inner = next((v for k in ("default", "value") if (v := _child(value_node, k)) is not None), None)
            node = inner if inner is not None else value_node
            return Location(proj.spec_file, node.start_mark.line + 1)
    return None


def _child(node: Any, name: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)
    return None


def _changed_leaves(real: Any, default: Any) -> list[tuple[Any, Any]]:
    """(real, default) pairs of the scalar values that differ between two attribute values."""
    if isinstance(real, dict) and isinstance(default, dict):
        return [pair for key in real.keys() & default.keys() for pair in _changed_leaves(real[key], default[key])]
    if isinstance(real, list) and isinstance(default, list) and len(real) == len(default):
        return [pair for r, d in zip(real, default, strict=True) for pair in _changed_leaves(r, d)]
    return [] if real == default else [(real, default)]


def _config_name(value: Any, keys: list[str], proj: PulumiProject) -> str | None:
    """``config:gpuType`` when the value is exactly one stack config value."""
    if not isinstance(value, (str, int, float, bool)) or isinstance(value, Unknown):
        return None
    matches = [k for k in keys if proj.config.get(k) == _config_text(value)]
    if len(matches) != 1:
        return None
    key = matches[0]
    return f"config:{key.split(':', 1)[1] if key.startswith(proj.name + ':') else key}"


def _literal_line(value: Any, proj: PulumiProject) -> Location | None:
    """Where a string default is written, when it appears exactly once in the program's files."""
    if not isinstance(value, str) or not value:
        return None
    pattern = re.compile(r"""(["'])""" + re.escape(value) + r"\1")
    hits = []
    for path in sorted(proj.root.rglob("*.py")):
        if any(part in ("venv", ".venv", "site-packages", "node_modules") for part in path.parts):
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        hits.extend(Location(_rel(path, proj.root), n) for n, line in enumerate(lines, 1) if pattern.search(line))
    return hits[0] if len(hits) == 1 else None
