"""Runs one Pulumi Python program under Pulumi's mock runtime and writes what it registered.

This file is the script of the loader's subprocess (``python pulumi_runner.py SPEC OUT``): it
imports nothing from costrail, so it works inside the program's own virtualenv. Nothing is
deployed and no cloud API is called; the mocks answer every registration and invoke.

Results go to the OUT file as JSON, never to stdout, because programs print.
"""

from __future__ import annotations

import collections.abc
import contextlib
import faulthandler
import hashlib
import json
import os
import runpy
import signal
import sys
import traceback
from typing import Any

# Marker prefixes the loader turns back into Unknown values.
UNKNOWN_MARK = "costrail:unknown:"
ARN_MARK = "arn:aws:costrail-mock:"
# Reserved config entry (no ``ns:`` prefix, so no program reads it): JSON of the values a
# ``require*`` read falls back to when the config lacks the key (the code-defaults run).
REQUIRE_FALLBACK_KEY = "costrail-require-fallback"
UNKNOWN_NUMBER = float("nan")  # a number of a provider-function result
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's secret envelope signature

# On this signal (sent by the loader at its timeout, before the kill) every thread's stack is
# written to OUT + STACK_SUFFIX, so a hang is reported where the program was; then the program
# is stopped (``ProgramTimeout`` raised where it was), so what it registered is still written.
STACK_SIGNAL = signal.SIGUSR1
STACK_SUFFIX = ".stack"



def mock_token(prop: str, urn: str) -> str:
    """12 hex digits naming the mock value of one output (``id``, ``name``, ``arn``...) of one
    registration: the same in every run (a URN is unique in a program), so the loader maps a
    value back to exactly its resource, whatever other resources share its logical name."""
    return hashlib.blake2s(f"{prop}:{urn}".encode(), digest_size=6).hexdigest()


_spec: dict[str, Any] = {}
_stack_file: Any = None
_out: dict[str, Any] = {"ok": True, "resources": [], "warnings": [], "invokes": [], "invoke_calls": {}}


class ProgramTimeout(BaseException):
    """Raised in the program at the loader's timeout: not an Exception, so ``except Exception``
    in the program does not swallow it."""


def _on_timeout(_signum: int, _frame: Any) -> None:
    signal.signal(STACK_SIGNAL, signal.SIG_IGN)  # once: the program is being stopped
    raise ProgramTimeout("stopped at the timeout")


def _project_frames(frames: list[traceback.FrameSummary]) -> list[list[Any]]:
    """Frames inside the project directory, innermost last (site-packages excluded)."""
    root = _spec["project_dir"].rstrip(os.sep) + os.sep
    kept = []
    for fr in frames:
        if not fr.filename or fr.filename.startswith("<"):
            continue
        fname = os.path.abspath(fr.filename)
        if fname.startswith(root) and "site-packages" not in fname and fname != os.path.abspath(__file__):
            kept.append([os.path.relpath(fname, root), fr.lineno])
    return kept


def _jsonable(value: Any) -> Any:
    """Mock-runtime values as JSON: integral floats become ints, resources their URN, a secret
    its value (costrail reads the plan locally; a secret is only a value the program marked)."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict) and SECRET_SIG in value:
        return _jsonable(value["value"]) if "value" in value else UNKNOWN_MARK + "secret"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    urn = getattr(value, "_costrail_urn", None)
    if urn:
        return UNKNOWN_MARK + "ref " + urn
    return UNKNOWN_MARK + f"value of type {type(value).__name__}"


def _invoke_outputs(token: str) -> dict[str, Any]:
    """Unknown-marked outputs for a provider function, from its generated result class."""
    try:
        import importlib

        pkg, mod_path, fn = token.split(":")
        module = mod_path.split("/")[0]
        mod_name = f"pulumi_{pkg}" if module in ("index", "") else f"pulumi_{pkg}.{module}"
        mod = importlib.import_module(mod_name)
        cls = getattr(mod, fn[0].upper() + fn[1:] + "Result")
    except (ImportError, AttributeError, ValueError):
        return {}
    shape = _result_shape(cls, f"result of {token}", 0)
    return shape if isinstance(shape, dict) else {}


def _result_shape(typ: Any, what: str, depth: int) -> Any:
    """An unknown value of the shape of ``typ``: a marked string, NaN for a number, a list of ONE
    element (its length is unknown: ``UnknownLengthList`` once the program holds it), an object
    of shaped fields, an empty map; None where no placeholder fits (integers, booleans)."""
    import typing

    from pulumi import _types

    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if origin is typing.Union:
        inner = [a for a in args if a is not type(None)]
        return _result_shape(inner[0], what, depth) if len(inner) == 1 else None
    if typ is str:
        return f"{UNKNOWN_MARK}{what}"
    if typ is float:  # arithmetic on it runs on (NaN); the loader reads it back as Unknown. An ``int``
        return UNKNOWN_NUMBER  # stays None: the result classes reject any non-int (NaN too) there
    if depth > 6:
        return None
    if origin in (list, collections.abc.Sequence) and args:
        return [_result_shape(args[0], f"{what}[*]", depth + 1)]
    if origin in (dict, collections.abc.Mapping):
        return {}  # keys unknown: an ``UnknownKeysMap`` once the program holds it
    if isinstance(typ, type) and _types.is_output_type(typ):
        out: dict[str, Any] = {}
        module = sys.modules.get(typ.__module__)
        for _py_name, pulumi_name, prop in _types._py_properties(typ):
            try:
                hint = typing.get_type_hints(prop.fget, vars(module) if module else None).get("return")
            except Exception:  # noqa: BLE001 - an unresolvable annotation: no placeholder
                continue
            value = _result_shape(hint, f"{what}.{pulumi_name}" if depth else f"{what} ({pulumi_name})", depth + 1)
            if value is not None:
                out[pulumi_name] = value
        return out
    return None


# Loops (``for``, comprehensions) the program is running over a list whose length is unknown:
# a resource registered inside one is a stand-in for an unknown number of them.
_loops: list[tuple[str, list[Any] | None]] = []


class UnknownLengthList(list):  # type: ignore[type-arg]
    """A provider-function result list: one stand-in element, its real length unknown offline.

    Iterating it (from the program) marks what the loop body registers as an unknown count; its
    length (``len``) is recorded as a warning, as a number of instances built from it is unknown.
    """

    what = ""

    def __iter__(self) -> Any:
        where = _caller_in_project(sys._getframe(1))
        if where is None:  # the runtime's own traversal (serializing an input), not the program's loop
            yield from list.__iter__(self)
            return
        entry = (self.what, where)
        _loops.append(entry)
        try:
            yield from list.__iter__(self)
        finally:
            with contextlib.suppress(ValueError):
                _loops.remove(entry)

    def __len__(self) -> int:
        where = _caller_in_project(sys._getframe(1))
        if where is not None:
            _out.setdefault("unknown_lengths", []).append([self.what, where])
        return list.__len__(self)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int) and list.__len__(self) and not -1 <= index < list.__len__(self):
            index = 0  # any element of an unknown list is as unknown as the stand-in
        return list.__getitem__(self, index)


class UnknownKeysMap(dict):  # type: ignore[type-arg]
    """A provider-function result map: which keys it has is unknown offline, so any key read
    (``m["volume_type"]``, ``m.get(...)``) is an Unknown-marked string, never a KeyError."""

    what = ""

    def __missing__(self, key: Any) -> str:
        return f"{UNKNOWN_MARK}{self.what}[{key}]"

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key]


def _caller_in_project(frame: Any) -> list[Any] | None:
    """``[file, line]`` of the frame when the program itself is running there (not the runtime)."""
    kept = _project_frames([traceback.FrameSummary(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)])
    return kept[0] if kept else None


def _unknown_lengths(value: Any, what: str, top: bool = False) -> Any:
    """A provider-function result with each of its (made-up, one-element) lists an
    ``UnknownLengthList`` naming what it is."""
    from pulumi import _types

    if isinstance(value, list) and not isinstance(value, UnknownLengthList):
        items = UnknownLengthList(_unknown_lengths(v, f"{what}[*]") for v in value)
        items.what = what
        return items
    if type(value) is dict:
        keys = UnknownKeysMap({k: _unknown_lengths(v, f"{what}[{k}]") for k, v in value.items()})
        keys.what = what
        return keys
    if _types.is_output_type(type(value)):
        for py_name, pulumi_name, _prop in _types._py_properties(type(value)):
            inner = _types.get(value, py_name)
            new = _unknown_lengths(inner, f"{what} ({pulumi_name})" if top else f"{what}.{pulumi_name}")
            if new is not inner:
                _types.set(value, py_name, new)
    return value


_STR_OUTPUTS = ("pulumi.output.Output[str]", "pulumi.output.Output[typing.Optional[str]]")
_AUTO_NAMED = ("name", "bucket")  # inputs Pulumi fills in when the program leaves them out
_outputs_of: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _class_outputs(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A resource class's string outputs (``invokeArn``, ``privateIp``, ``endpoint``) and its
    auto-named inputs (``name``; an S3 bucket's ``bucket``).

    Each string output gets a mock value naming its resource, so passing one to another
    resource is a reference (Terraform's known-after-apply), not a value that silently
    disappears. Other types (numbers, lists, objects) are left unset: a string where the
    program expects a number would break the program.
    """
    if cls not in _outputs_of:
        import inspect

        from pulumi import _types

        outputs = tuple(
            pulumi_name for _py, pulumi_name, prop in _types._py_properties(cls)
            if str(getattr(prop.fget, "__annotations__", {}).get("return")) in _STR_OUTPUTS)
        try:
            params = inspect.signature(cls._internal_init).parameters  # type: ignore[attr-defined]
        except (AttributeError, TypeError, ValueError):
            params = {}  # type: ignore[assignment]
        _outputs_of[cls] = (outputs, tuple(p for p in _AUTO_NAMED if p in params))
    return _outputs_of[cls]


def _install_mocks() -> Any:
    """Mocks plus a monitor that also records parent, provider, dependencies and source frames."""
    import pulumi
    from pulumi.runtime import mocks, rpc
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    pending: dict[tuple[str, str], list[tuple[list[list[Any]], bool | None, Any, Any]]] = {}
    original_init = pulumi.Resource.__init__

    def recording_init(self: Any, t: str, name: str, *args: Any, **kwargs: Any) -> None:
        frames = _project_frames(traceback.extract_stack()[:-1])
        taggable = isinstance(getattr(type(self), "tags", None), property) if t.startswith("aws:") else None
        outputs = _class_outputs(type(self)) if isinstance(self, pulumi.CustomResource) else ((), ())
        loop = [_loops[-1][0], _loops[-1][1]] if _loops else None  # inside a loop over an unknown list
        pending.setdefault((t, name), []).append((frames, taggable, outputs, loop))
        original_init(self, t, name, *args, **kwargs)

    pulumi.Resource.__init__ = recording_init  # type: ignore[method-assign]

    def recording(fn: Any) -> Any:
        def wrapper(token: str, *args: Any, **kwargs: Any) -> Any:
            frames = _project_frames(traceback.extract_stack()[:-1])
            _out["invoke_calls"].setdefault(token, frames[-1] if frames else None)
            result = fn(token, *args, **kwargs)
            what = f"result of {token}"
            if isinstance(result, pulumi.Output):
                return result.apply(lambda value: _unknown_lengths(value, what, top=True))
            if hasattr(result, "value"):
                result.value = _unknown_lengths(result.value, what, top=True)
            return result
        return wrapper

    # Another stack's outputs are not readable offline: each one is an unknown Output, as a value
    # known only after apply is in a preview (its apply callbacks do not run); what is built from
    # it reaches a resource as unknown, depending on the stack reference.
    def stack_output(self: Any, name: Any) -> Any:
        from pulumi.output import _OutputData

        names = _stack_output_names.setdefault(self._name, [])
        if isinstance(name, str) and name not in names:
            names.append(name)

        async def unknown() -> Any:
            return _OutputData(resources={self}, value=None, is_known=False, is_secret=False)

        return pulumi.Output._from_data(unknown())

    pulumi.StackReference.get_output = stack_output  # type: ignore[method-assign]
    pulumi.StackReference.require_output = stack_output  # type: ignore[method-assign]

    # Where the program calls provider functions, for the "results unknown" warnings.
    for fn_name in ("invoke", "invoke_output", "invoke_async", "invoke_single", "invoke_output_single"):
        if hasattr(pulumi.runtime, fn_name):
            setattr(pulumi.runtime, fn_name, recording(getattr(pulumi.runtime, fn_name)))

    class CostrailMocks(mocks.Mocks):
        def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict]:
            if args.typ == "pulumi:pulumi:StackReference":
                return args.resource_id or args.name, {"name": args.name, "outputs": {}, "secretOutputNames": []}
            state = dict(args.inputs)
            urn = getattr(args, "urn", None)
            if urn is None:  # `Resource.get(name, id)` reads an existing resource: its id is real, keep it
                state.setdefault("name", args.name)
                state.setdefault("arn", f"{ARN_MARK}{args.typ}:{args.name}")
                state.setdefault("id", args.resource_id)
                return args.resource_id, state
            mocked: list[str] = []
            args.mocked = mocked  # type: ignore[attr-defined] - read back by the monitor

            def mock(prop: str, value: str) -> None:
                if prop not in state:
                    state[prop] = value
                    mocked.append(prop)

            # Auto-naming, as in a preview: the physical name is the logical name (or the
            # ``namePrefix``) plus a suffix, random in Pulumi, here unique to this resource. It is
            # an input like a written one: other resources link to it by that name.
            named: dict[str, str] = {}
            args.named = named  # type: ignore[attr-defined] - recorded with the inputs
            for prop in getattr(args, "auto_named", ()):
                if prop not in state:
                    prefix = state.get(f"{prop}Prefix")
                    stem = prefix if isinstance(prefix, str) and prefix else f"{args.name}-"
                    state[prop] = named[prop] = stem + mock_token(prop, urn)[:7]
            mock("arn", f"{ARN_MARK}{args.typ}:{args.name}-{mock_token('arn', urn)}")
            id_ = args.resource_id or f"{args.name}-{mock_token('id', urn)}"  # an import's id is real
            if args.resource_id:
                state.setdefault("id", id_)
            else:
                mock("id", id_)
            for prop in getattr(args, "outputs", ()):
                mock(prop, f"{UNKNOWN_MARK}{prop} of {args.name}-{mock_token(prop, urn)}")
            return id_, state

        def call(self, args: mocks.MockCallArgs) -> dict:
            _out["invokes"].append(args.token)
            result = _invoke_outputs(args.token)
            for key, value in (args.args or {}).items():  # a result field that is an argument echoes it
                if key in result and isinstance(value, (str, int, float, bool)) and UNKNOWN_MARK not in str(value):
                    result[key] = value
            return result

    class CostrailMonitor(mocks.MockMonitor):
        def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            _ensure_event_loop()
            inputs = _marked_unknowns(rpc.deserialize_properties(request.object, keep_unknowns=True),
                                      request)
            queue = pending.get((request.type, request.name))
            frames, taggable, (outputs, auto_named), loop = queue.pop(0) if queue else ([], None, ((), ()), None)
            resource_args = mocks.MockResourceArgs(
                typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
                resource_id=request.importId, custom=request.custom or False,
            )
            resource_args.urn = urn  # type: ignore[attr-defined] - names the mock values
            resource_args.outputs = outputs  # type: ignore[attr-defined]
            resource_args.auto_named = auto_named  # type: ignore[attr-defined]
            id_, state = self.mocks.new_resource(resource_args)
            if not request.custom:
                id_, state = "", {}
            _out["resources"].append({
                "urn": urn, "type": request.type, "name": request.name, "custom": bool(request.custom),
                "parent": request.parent or None, "provider": request.provider or None,
                "dependencies": sorted(request.dependencies),
                "inputs": {**_jsonable(inputs), **getattr(resource_args, "named", {})},
                "id": id_, "mocked": getattr(resource_args, "mocked", []), "frames": frames, "taggable": taggable,
                "unknown_count": loop,
            })
            obj_proto = _sync_await(rpc.serialize_properties(state, {}))
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_, state)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj_proto)

    mocks.set_mocks(CostrailMocks(), project=_spec["project"], stack=_spec["stack"], preview=False,
                    monitor=CostrailMonitor(CostrailMocks()))
    _install_require_fallback(pulumi)
    return pulumi


_stack_output_names: dict[str, list[str]] = {}  # stack reference name → the outputs the program reads


def _marked_unknowns(inputs: dict[str, Any], request: Any) -> dict[str, Any]:
    """Inputs with each unknown value (an Output not known offline) as an Unknown-marked string
    saying where it comes from: a stack reference's output when the input depends on one."""
    from pulumi.output import Unknown

    def stacks_of(key: str) -> list[str]:
        deps = request.propertyDependencies[key].urns if key in request.propertyDependencies else ()
        stacks = sorted(urn.rsplit("::", 1)[-1] for urn in deps if "pulumi:pulumi:StackReference::" in urn)
        # which output is not traced through the program's applies: the ones it asked that stack for
        return [f"{' or '.join(_stack_output_names.get(s, [])) or 'an output'} of stack {s}" for s in stacks]

    def mark(value: Any, reason: str) -> Any:
        if isinstance(value, Unknown):
            return UNKNOWN_MARK + reason
        if isinstance(value, dict):
            return {k: mark(v, reason) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v, reason) for v in value]
        return value

    out = {}
    for key, value in inputs.items():
        stacks = stacks_of(key)
        reason = (f"output {', '.join(stacks)} (stack outputs are not read offline)" if stacks
                  else "a value known only after apply")
        out[key] = mark(value, reason)
    return out


def _install_require_fallback(pulumi: Any) -> None:
    """In the code-defaults run, a key read with ``require*`` (the program has no fallback of its
    own) takes the stack's value, so the run gets to the defaults of the ``get`` reads."""
    fallback: dict[str, str] = _spec.get("require_fallback") or {}
    if not fallback:
        return
    config_cls = pulumi.Config
    requiring = [0]
    original_get = config_cls._get

    def get(self: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        value = original_get(self, key, *args, **kwargs)
        if value is None and requiring[0]:
            full = self.full_key(key)
            if full in fallback:
                _out.setdefault("required_from_stack", []).append(full)
                return fallback[full]
        return value

    def requiring_call(original: Any) -> Any:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            requiring[0] += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                requiring[0] -= 1
        return wrapper

    config_cls._get = get
    for name in ("_require", "_require_bool", "_require_int", "_require_float", "_require_object"):
        if hasattr(config_cls, name):
            setattr(config_cls, name, requiring_call(getattr(config_cls, name)))


def _fail(kind: str, exc: BaseException) -> None:
    frames = _project_frames(traceback.extract_tb(exc.__traceback__))
    where = frames[-1] if frames else [None, None]
    message = str(exc)
    if isinstance(exc, SyntaxError) and exc.filename:
        root = _spec["project_dir"]
        where = [os.path.relpath(os.path.abspath(exc.filename), root), exc.lineno]
        message = exc.msg
    if isinstance(exc, ModuleNotFoundError):
        kind = "import"
        message = exc.name or message
    _out.update(ok=False, error={"kind": kind, "type": type(exc).__name__, "message": message,
                                 "file": where[0], "line": where[1]})


def main() -> None:
    spec_path, out_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as fh:
        _spec.update(json.load(fh))
    config = dict(_spec.get("config", {}))
    fallback = config.pop(REQUIRE_FALLBACK_KEY, None)
    if fallback:
        _spec["require_fallback"] = json.loads(fallback)
    os.environ["PULUMI_CONFIG"] = json.dumps(config)
    os.environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(_spec.get("secret_keys", []))
    global _stack_file
    _stack_file = open(out_path + STACK_SUFFIX, "w", encoding="utf-8")  # noqa: SIM115 - open until exit
    signal.signal(STACK_SIGNAL, _on_timeout)  # runs after faulthandler's dump (chained)
    faulthandler.register(STACK_SIGNAL, file=_stack_file, all_threads=True, chain=True)
    main_file = _spec["main"]
    sys.path.insert(0, os.path.dirname(main_file))
    sys.argv = [main_file]
    try:
        try:
            _install_mocks()
            from pulumi.runtime.stack import run_pulumi_func
            from pulumi.runtime.sync_await import _sync_await
        except ModuleNotFoundError as exc:
            _fail("import", exc)
            return

        def program() -> None:
            runpy.run_path(main_file, run_name="__main__")

        try:
            _sync_await(run_pulumi_func(program))
        except SystemExit as exc:
            if exc.code not in (0, None):
                _fail("exception", exc)
        except BaseException as exc:  # noqa: BLE001 - any program failure is reported, not raised
            _fail("exception", exc)
    finally:
        signal.signal(STACK_SIGNAL, signal.SIG_IGN)  # a timeout now would cut the result short
        with open(out_path, "w", encoding="utf-8") as fh:
            json.dump(_out, fh)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown: the mock runtime's event loop is noisy at exit
