"""Terraform plan JSON loader: the output of ``terraform show -json PLANFILE`` → Project.

A plan is the most exact source there is (Terraform already evaluated every expression), but
it has no line numbers and marks values known only after apply. How this loader reads it:

- Resources come from ``resource_changes`` (in its order), then any resource found only in
  ``planned_values`` (plans from Terraform 0.12 without changes, data sources). Attributes
  are ``change.after``, falling back to the ``planned_values`` entry.
- ``after_unknown`` mirrors ``after`` with ``true`` leaves; each becomes ``Unknown``. When
  the configuration expression behind it references another resource (an ASG's
  ``launch_template[0].id`` → ``aws_launch_template.gpu``), ``Unknown.ref`` is that
  resource's address, prefixed with the module instance path, so pricing can follow it.
- Resources whose actions are exactly ``["delete"]`` (or ``["forget"]``), and deposed
  objects, are *not* part of the planned infrastructure and are left out: the plan's cost
  is what will exist after apply. Replacements (``delete``+``create``) stay.
- Region: the resource's own ``region`` argument (AWS provider v6), else the provider
  configuration it uses (``configuration.provider_config[provider_config_key]``, walking
  up module scopes ``module.a:aws`` → ``aws``; a ``var.x`` region is read from the plan's
  variables), else ``LoadOptions.default_region``.
- Tags: ``tags_all`` when known (a key also in ``tags`` is a resource tag, the rest came
  from provider ``default_tags``); when ``tags_all`` is unknown, ``tags`` plus the
  provider's ``default_tags`` — a constant, or a root ``var.x`` read from the plan's
  variables. Default tags the plan does not record (``local.x``, a module's variable) make
  the tag keys unknown (``Resource.tags_unknown``), never missing. Auto Scaling groups have
  neither: their ``tag`` blocks are their tags (the provider does not give them ``default_tags``).
  ``taggable``: a type in the HCL reader's table, or with ``tags``; a whole planned object
  with neither ``tags`` nor ``tags_all`` is a type that cannot carry tags (no tags, never judged).
- Unset computed attributes: a value ``after_unknown`` marks but the resource's
  ``configuration`` does not set (an Optional+Computed argument left out: OpenSearch gp3
  ``iops``, an endpoint's ``subnet_ids``) is not set (``None``, as in HCL), not ``Unknown``;
  a value the configuration sets to something unknown stays ``Unknown`` with its reference.
  Dynamic blocks, which plans leave out of ``expressions``, stay unknown.
- Unset attributes: a top-level ``0`` whose attribute has no expression in the resource's
  ``configuration`` is read as not set (``None``, as in HCL); an explicit ``0`` stays 0.
- Defaults: an attribute whose expression references ``var.x`` where ``x`` has a default
  in the configuration gets a ``DefaultRef`` (no location: plans do not keep lines).
- Location: the plan file, at the line of the resource's ``"address": "..."`` inside
  ``resource_changes`` (or its first occurrence in the file), found in one linear scan.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from estimator.errors import TOO_DEEP, InputError
from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import TAGGABLE_TYPES
from estimator.model import (
    SOURCE_TERRAFORM_PLAN,
    DefaultRef,
    Diagnostic,
    Location,
    Project,
    Resource,
    Tag,
    Unknown,
    tag_blocks,
)

AFTER_APPLY = "known after apply"
_NOT_PLANNED = ({"delete"}, {"forget"})
_ADDRESS_RE = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')
_RC_KEY_RE = re.compile(r'(?<!\\)"resource_changes"\s*:\s*\[')
_NOT_RESOURCES = {"var", "local", "module", "count", "each", "path", "terraform", "self"}
_INDEX_RE = re.compile(r'\[(\d+|"(?:[^"\\]|\\.)*")\]$')
_MISSING = object()  # no value recorded in the plan


def load(path: str, options: LoadOptions) -> Project:
    """Read one plan JSON file; raises ``InputError`` when it cannot be read or is not a plan."""
    p = Path(path)
    shown = p.name
    try:
        data = p.read_bytes()
    except FileNotFoundError as err:
        raise InputError("no such file or directory", Location(path, 0)) from err
    except IsADirectoryError as err:
        raise InputError("is a directory, not a plan JSON file", Location(path, 0)) from err
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", Location(shown, 0)) from err
    text = _decode(data, shown)
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON: {err.msg}", Location(shown, err.lineno, err.colno)) from err
    except RecursionError:
        raise InputError(TOO_DEEP, Location(shown, 1)) from None
    _check_plan(plan, shown)
    project = Project(path=path, source=SOURCE_TERRAFORM_PLAN, root=str(p.resolve().parent))
    _PlanReader(plan, text, shown, options, project).run()
    return project


def _decode(data: bytes, shown: str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 as PowerShell's ``>`` writes it."""
    if data.startswith(b"PK\x03\x04"):
        raise InputError("a binary Terraform plan file, not JSON: convert it with "
                         "`terraform show -json PLANFILE > plan.json`", Location(shown, 0))
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{data[err.start]:02x})", Location(shown, line)) from err


def _check_plan(plan: Any, shown: str) -> None:
    if not isinstance(plan, dict):
        raise InputError(f"not a Terraform plan: expected a JSON object, found {_json_type(plan)}", Location(shown, 1))
    state_values = isinstance(plan.get("values"), dict) and "root_module" in plan["values"]
    if not (state_values or "planned_values" in plan or "resource_changes" in plan):
        raise InputError("not a Terraform plan: no planned_values or resource_changes "
                         "(write it with `terraform show -json PLANFILE`)", Location(shown, 1))
    version = str(plan.get("format_version", "0"))
    if not version.split(".")[0].isdigit() or int(version.split(".")[0]) > 1:
        raise InputError(f"unsupported plan format_version {version!r} (this reader knows 0.x and 1.x)",
                         Location(shown, 1))
    for key in ("planned_values", "configuration", "variables"):
        if key in plan and not isinstance(plan[key], dict):
            raise InputError(f"not a Terraform plan: {key} is {_json_type(plan[key])}, not an object",
                             Location(shown, 1))
    if "resource_changes" in plan and not isinstance(plan["resource_changes"], list):
        raise InputError("not a Terraform plan: resource_changes is not a list", Location(shown, 1))


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "null")


class _PlanReader:
    def __init__(self, plan: dict[str, Any], text: str, shown: str, options: LoadOptions, project: Project) -> None:
        self.plan = plan
        self.text = text
        self.shown = shown
        self.options = options
        self.project = project
        config = _obj(plan.get("configuration"))
        self.provider_config: dict[str, Any] = _obj(config.get("provider_config"))
        self.variable_values = {k: v.get("value") for k, v in _obj(plan.get("variables")).items()
                                if isinstance(v, dict)}
        self.config_modules: dict[str, dict[str, Any]] = {}  # "a.b" (module names) -> module config
        self.config_resources: dict[tuple[str, str], dict[str, Any]] = {}  # ("a.b", "aws_x.y") -> config
        self._index_config(_obj(config.get("root_module")), "")

    def _index_config(self, module: dict[str, Any], key: str) -> None:
        self.config_modules[key] = module
        for res in _list(module.get("resources")):
            if isinstance(res, dict) and isinstance(res.get("address"), str):
                self.config_resources.setdefault((key, res["address"]), res)
        for name, call in _obj(module.get("module_calls")).items():
            if isinstance(call, dict):
                self._index_config(_obj(call.get("module")), f"{key}.{name}" if key else name)

    # ---- resources ------------------------------------------------------------------------
    def run(self) -> None:
        planned: dict[str, dict[str, Any]] = {}
        values = _obj(self.plan.get("planned_values")) or _obj(self.plan.get("values"))
        for entry in _walk_planned(_obj(values.get("root_module"))):
            if isinstance(entry.get("address"), str):
                planned.setdefault(entry["address"], entry)
            else:
                self._malformed("a planned_values resource has no address")
        entries: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        seen = set()
        positions: dict[str, int] = {}
        for position, rc in enumerate(_list(self.plan.get("resource_changes"))):
            if not isinstance(rc, dict) or not isinstance(rc.get("address"), str):
                self._malformed(f"resource_changes[{position}] is not an object with an address")
                continue
            if rc.get("deposed"):
                continue
            if rc["address"] in positions:  # a hand-merged plan: counting both would double the cost
                self._duplicate(rc["address"], positions[rc["address"]], position)
                continue
            positions[rc["address"]] = position
            actions = _actions(rc)
            if set(actions) in _NOT_PLANNED:
                seen.add(rc["address"])
                continue
            seen.add(rc["address"])
            entries.append((rc, planned.get(rc["address"])))
        for address, entry in planned.items():
            if isinstance(address, str) and address not in seen:
                entries.append((entry, entry))
        lines = self._lines([e[0]["address"] for e in entries], {rc["address"] for rc, _pv in entries if "change" in rc})
        for rc, pv in entries:
            line = lines.get(rc["address"], 1)
            try:
                self.project.resources.append(self._resource(rc, pv, line))
            except (_TooDeep, RecursionError):  # the other resources are still read
                self.project.diagnostics.append(Diagnostic(f"{TOO_DEEP}: a value of {rc['address']}",
                                                           Location(self.shown, line)))

    def _duplicate(self, address: str, first: int, again: int) -> None:
        """An input error at the second entry of ``address`` (terraform writes each address once, a
        deposed object aside); the first entry stays, the second is not read."""
        match = _RC_KEY_RE.search(self.text)
        start = match.start() if match else 0
        offsets = [m.start() for m in _ADDRESS_RE.finditer(self.text, start)
                   if (_unescape(m.group(1)) if "\\" in m.group(1) else m.group(1)) == address]
        lines = [self.text.count("\n", 0, offset) + 1 for offset in offsets[:2]]
        where = f", first on line {lines[0]}" if len(lines) > 1 else ""
        self.project.diagnostics.append(Diagnostic(
            f"resource_changes lists {address} twice (entries {first} and {again}{where}): the second is not read",
            Location(self.shown, lines[1] if len(lines) > 1 else 1)))

    def _malformed(self, message: str) -> None:
        self.project.diagnostics.append(Diagnostic(f"malformed plan: {message}", Location(self.shown, 1)))

    def _resource(self, rc: dict[str, Any], pv: dict[str, Any] | None, line: int) -> Resource:
        address = rc["address"]
        change = rc.get("change")
        module = rc.get("module_address")
        if not isinstance(module, str):
            module = _module_of(address)
        conf = self._config_resource(module, rc)
        expressions = _obj(conf.get("expressions")) if conf else {}
        if isinstance(change, dict):
            after = change.get("after")
            if after is None and pv is not None:
                after = pv.get("values")
            whole = isinstance(after, dict)
            after = _copy(after) if isinstance(after, dict) else {}
            unknown = change.get("after_unknown")
            if conf is not None:
                unknown = _drop_unset_unknowns(after, unknown, expressions)
            attrs = _obj(_unknowns(after, unknown, expressions, module))
            actions = _actions(rc)
        else:
            whole = isinstance(rc.get("values"), dict)
            attrs = _copy(rc.get("values")) if whole else {}
            actions = ()
        if conf is not None:
            _unset_zeros(attrs, expressions)
        local = _strip_module(address)
        mode = rc.get("mode") if rc.get("mode") in ("managed", "data") else (
            "data" if local.startswith("data.") else "managed")
        parts = _strip_index(local).split(".")[-2:]
        rtype = rc["type"] if isinstance(rc.get("type"), str) else parts[0]
        name = rc["name"] if isinstance(rc.get("name"), str) else parts[-1]
        index = rc.get("index") if isinstance(rc.get("index"), (int, str)) else _index_of(address)
        provider_key = self._provider_key(module, conf, rc)
        location = Location(self.shown, line)
        taggable = _taggable(rtype, mode, attrs, whole)
        tags, tags_unknown = self._tags(attrs, provider_key, location, mode, rtype, taggable)
        return Resource(
            address=address, type=rtype, name=name, attributes=attrs,
            region=self._region(attrs, provider_key), tags=tags, tags_unknown=tags_unknown,
            location=location, origin=SOURCE_TERRAFORM_PLAN, mode=mode, module=module, index=index,
            provider=provider_key or "aws", defaults=self._defaults(module, expressions), actions=actions,
            taggable=taggable,
        )

    def _config_resource(self, module: str, rc: dict[str, Any]) -> dict[str, Any] | None:
        return self.config_resources.get((_module_key(module), _strip_index(_strip_module(rc["address"]))))

    # ---- providers and regions --------------------------------------------------------------
    def _provider_key(self, module: str, conf: dict[str, Any] | None, rc: dict[str, Any]) -> str | None:
        """The provider_config key this resource uses, walking up module scopes when inherited."""
        key = conf.get("provider_config_key") if conf else None
        if isinstance(key, str) and not isinstance(self.provider_config.get(key, {}), dict):
            key = None
        if not isinstance(key, str):
            local = _provider_local_name(rc.get("provider_name"))
            path = _module_key(module)
            key = f"module.{path.replace('.', '.module.')}:{local}" if path else local
        while key not in self.provider_config:
            scope, sep, name = key.rpartition(":")
            if not sep:
                return key
            parent = scope.rpartition(".module.")[0] if ".module." in scope else ""
            # Terraform 0.12-0.14 wrote "child:aws" (module names without "module.").
            if not scope.startswith("module."):
                parent = scope.rpartition(".")[0]
            key = f"{parent}:{name}" if parent else name
        return key

    def _region(self, attrs: dict[str, Any], provider_key: str | None) -> Any:
        own = attrs.get("region")
        if isinstance(own, str) and own:
            return own
        pc = _obj(self.provider_config.get(provider_key or ""))
        expr = _obj(pc.get("expressions")).get("region")
        if isinstance(expr, dict):
            if isinstance(expr.get("constant_value"), str):
                return expr["constant_value"]
            refs = [r for r in _list(expr.get("references")) if isinstance(r, str)]
            module_address = pc.get("module_address") or ""
            for ref in refs:
                if ref.startswith("var.") and not module_address:
                    value = self.variable_values.get(ref[4:])
                    if isinstance(value, str):
                        return value
            if refs:
                return Unknown(f"provider region comes from {refs[0]}, which the plan does not record")
        return self.options.default_region

    def _default_tags(self, provider_key: str | None) -> dict[str, Any] | Unknown:
        """The provider's ``default_tags``: a constant, or a root ``var.x`` read from the plan's variables.

        Anything else (``local.tags``, a module's variable, a data source) the plan does not record:
        the default tags are then ``Unknown``, never an empty map (a false "missing tags").
        """
        pc = _obj(self.provider_config.get(provider_key or ""))
        blocks = _obj(pc.get("expressions")).get("default_tags")
        if not isinstance(blocks, list) or not blocks:
            return {}
        expr = blocks[0].get("tags") if isinstance(blocks[0], dict) else None
        if expr is None:
            return {}  # a default_tags block without tags
        if isinstance(expr, dict) and "constant_value" in expr:
            value = expr["constant_value"]
            return value if isinstance(value, dict) else ({} if value is None else
                                                          Unknown("provider default_tags is not a map"))
        refs = [r for r in _list(_obj(expr).get("references")) if isinstance(r, str)]
        if not refs:
            return Unknown("provider default_tags could not be read from the plan")
        in_module = bool(pc.get("module_address")) or ":" in (provider_key or "")
        value = _MISSING if in_module else self._root_variable(refs)
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        return Unknown(f"provider default_tags come from {refs[0]}, which the plan does not record")

    def _root_variable(self, refs: list[str]) -> Any:
        """The value of an expression that is one root variable (``var.x``, ``var.cfg.tags``), else _MISSING.

        Plans keep only an expression's references, so ``merge(var.x, {...})`` reads as ``var.x``.
        """
        paths = [_split_reference(r) for r in refs]
        if any(len(p) < 2 or p[0] != "var" or p[1] != paths[0][1] for p in paths):
            return _MISSING
        if paths[0][1] not in self.variable_values:
            return _MISSING
        value: Any = self.variable_values[paths[0][1]]
        for step in max(paths, key=len)[2:]:
            try:
                key: Any = json.loads(step[1:-1]) if step.startswith("[") else step
            except json.JSONDecodeError:
                return _MISSING
            in_map = isinstance(value, dict) and isinstance(key, str) and key in value
            in_list = isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value)
            if not (in_map or in_list):
                return _MISSING
            value = value[key]
        return value

    def _tags(self, attrs: dict[str, Any], provider_key: str | None, location: Location,
              mode: str, rtype: str, taggable: bool | None) -> tuple[dict[str, Tag], Unknown | None]:
        """The effective tags, and why their keys are unknown when the provider's default_tags are."""
        own = attrs.get("tags") if isinstance(attrs.get("tags"), dict) else {}
        all_tags = attrs.get("tags_all")
        if mode == "data":  # a data source's tags describe what it found; default_tags do not apply
            return {key: Tag(value, "resource", location, None) for key, value in own.items()}, None
        if isinstance(attrs.get("tags"), Unknown) and not isinstance(all_tags, dict):
            # one unknown value makes Terraform plan the whole map unknown: which keys the resource sets
            # (over the provider's default_tags: env=prod over env=dev) is not known, so none is claimed
            return {}, attrs["tags"]
        provider = provider_key or "aws"
        tags: dict[str, Tag] = {}
        unknown: Unknown | None = None
        if isinstance(all_tags, dict) and taggable and set(all_tags) <= set(own):
            defaults = self._default_tags(provider_key)
            if isinstance(defaults, Unknown):  # provider default tags with an unknown value: the provider
                unknown = defaults  # plans tags_all from the resource's own tags only, leaving them out
        if not isinstance(all_tags, dict):  # unknown (older plans) or absent: rebuild it
            if isinstance(attrs.get("tag"), list) or rtype == "aws_autoscaling_group":
                return tag_blocks(attrs.get("tag"), location), None  # `tag` blocks: ASGs get no default_tags
            if not taggable:
                return {}, None  # a type without tags (policies, attachments, routes), or not known to have them
            defaults = self._default_tags(provider_key)
            if isinstance(defaults, Unknown):
                defaults, unknown = {}, defaults
            all_tags = {**defaults, **own}
        for key, value in all_tags.items():
            if key in own:
                tags[key] = Tag(value, "resource", location, None)
            else:
                tags[key] = Tag(value, "default_tags", None, provider)
        return tags, unknown

    # ---- defaults ---------------------------------------------------------------------------
    def _defaults(self, module: str, expressions: dict[str, Any]) -> dict[str, tuple[DefaultRef, ...]]:
        key = _module_key(module)
        out: dict[str, tuple[DefaultRef, ...]] = {}
        for attr, expr in expressions.items():
            refs: list[DefaultRef] = []
            for ref in _references(expr):
                name = ref[4:].split(".")[0].split("[")[0] if ref.startswith("var.") else None
                for default_ref in self._variable_defaults(key, name, 0) if name else ():
                    if default_ref not in refs:
                        refs.append(default_ref)
            if refs:
                out[attr] = tuple(refs)
        return out

    def _variable_defaults(self, key: str, name: str, depth: int) -> list[DefaultRef]:
        """The defaults that feed variable ``name`` of module ``key``: its own default when the module
        call does not set it, else those of the caller's variables the call passes on (a root
        ``var.gpu_instance_type`` default reaching ``module.embedder``'s instance type, as in HCL)."""
        var = _obj(_obj((self.config_modules.get(key) or {}).get("variables")).get(name))
        parent, _, call_name = key.rpartition(".")
        call = _obj(_obj((self.config_modules.get(parent) or {}).get("module_calls")).get(call_name)) if key else {}
        passed = _obj(call.get("expressions")).get(name) if key else None
        if passed is None or depth > 16:
            default = var.get("default")
            return [DefaultRef(f"var.{name}", default, None, "terraform-variable")] if default is not None else []
        out: list[DefaultRef] = []
        for ref in _references(passed):
            if ref.startswith("var."):
                out += self._variable_defaults(parent, ref[4:].split(".")[0].split("[")[0], depth + 1)
        return out

    # ---- locations --------------------------------------------------------------------------
    def _lines(self, addresses: list[str], changed: set[str]) -> dict[str, int]:
        """Line of each address in resource_changes (``changed``) or else its first mention, in one pass."""
        wanted = set(addresses)
        match = _RC_KEY_RE.search(self.text)
        rc_start = match.start() if match else len(self.text)
        first: dict[str, int] = {}
        in_changes: dict[str, int] = {}
        for m in _ADDRESS_RE.finditer(self.text):
            raw = m.group(1)
            address = _unescape(raw) if "\\" in raw else raw
            if address not in wanted:
                continue
            first.setdefault(address, m.start())
            if m.start() > rc_start and address in changed:
                in_changes.setdefault(address, m.start())
        offsets = sorted({**first, **in_changes}.items(), key=lambda kv: kv[1])
        lines: dict[str, int] = {}
        line, pos = 1, 0
        for address, offset in offsets:
            line += self.text.count("\n", pos, offset)
            pos = offset
            lines[address] = line
        return lines


# ---- plan structure helpers -------------------------------------------------------------------

def _unset_zeros(attrs: dict[str, Any], expressions: dict[str, Any]) -> None:
    """A top-level ``0`` the configuration did not set is the provider's "not set" (an unset
    ``retention_in_days`` plans as 0): read it as ``None``, as the HCL reader has it. An explicit 0 stays."""
    for key, value in attrs.items():
        if value == 0 and isinstance(value, (int, float)) and not isinstance(value, bool) and key not in expressions:
            attrs[key] = None


# Blocks the provider never computes: left out they plan as ``[]``, so a wholly unknown one that the
# configuration does not show is a ``dynamic`` block whose ``for_each`` is known only after apply (plans
# leave dynamic blocks out of ``expressions``): unknown, never "not set" (QA18a: a node group's dynamic
# launch_template read as AWS's t3.medium default, an ASG's dynamic tags as no tags).
DYNAMIC_ONLY_BLOCKS = frozenset({
    "launch_template", "mixed_instances_policy", "instances_distribution", "override", "tag",
    "capacity_provider_strategy", "default_capacity_provider_strategy", "rule", "production_variants",
    "shadow_production_variants", "serverless_config", "async_inference_config", "tag_specifications",
    "block_device_mappings", "instance_requirements", "scaling_config", "compute_resources", "cluster_config",
    "ebs", "launch_template_specification",
})


def _drop_unset_unknowns(after: Any, unknown: Any, body: Any) -> Any:
    """``after_unknown`` without the Optional+Computed arguments the configuration does not set.

    A plan marks an argument the user left out but the provider computes (OpenSearch gp3
    ``iops``, an endpoint's ``subnet_ids``) as known only after apply; the HCL reader sees it as
    not set, and pricing takes not set as AWS's default (the baseline, the associations'
    subnets). ``body`` is the resource's (or a static block's) ``expressions``: a wholly unknown
    key absent from it is read as not set (``None`` in ``after``). Kept unknown: a key the
    configuration sets (to an unknown value), a partly unknown block the configuration does not
    show (a ``dynamic`` block: plans leave those out of ``expressions``), a wholly unknown block of
    ``DYNAMIC_ONLY_BLOCKS`` (a dynamic block with an unknown ``for_each``), and list blocks when the
    plan has more of them than the configuration writes statically (some are dynamic).
    """
    if not isinstance(unknown, dict) or not isinstance(body, dict) or _is_expression(body):
        return unknown
    pruned: dict[str, Any] = {}
    for key, sub in unknown.items():
        expr = body.get(key, _MISSING)
        if expr is _MISSING:
            if sub is True and isinstance(after, dict) and key not in DYNAMIC_ONLY_BLOCKS:
                after[key] = None
                continue
            pruned[key] = sub
        elif isinstance(expr, dict) and expr and not _is_expression(expr):  # a single block
            pruned[key] = _drop_unset_unknowns(_obj(after).get(key), sub, expr)
        elif isinstance(expr, list) and isinstance(sub, list) and expr and all(isinstance(b, dict) for b in expr):
            blocks = _obj(after).get(key)
            if len(sub) > len(expr) or (isinstance(blocks, list) and len(blocks) > len(expr)):
                pruned[key] = sub  # more blocks than written: dynamic ones whose settings the plan hides
                continue
            union = _union_bodies(expr)
            pruned[key] = [_drop_unset_unknowns(blocks[i] if isinstance(blocks, list) and i < len(blocks) else None,
                                                item, union) for i, item in enumerate(sub)]
        else:
            pruned[key] = sub
    return pruned


def _union_bodies(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """One body with every key any of the static blocks sets (set blocks reorder in a plan, so a
    key counts as set in every block when one block sets it)."""
    union: dict[str, Any] = {}
    for body in bodies:
        for key, expr in body.items():
            have = union.get(key, _MISSING)
            if have is _MISSING:
                union[key] = expr
            elif isinstance(have, list) and isinstance(expr, list):
                union[key] = have + expr
            elif isinstance(have, dict) and isinstance(expr, dict) and not _is_expression(have) \
                    and not _is_expression(expr):
                union[key] = _union_bodies([have, expr])
            elif isinstance(expr, dict) and _is_expression(expr):
                union[key] = expr  # an attribute expression wins: set somewhere
    return union


def _taggable(rtype: str, mode: str, attrs: dict[str, Any], whole: bool) -> bool | None:
    """Whether a managed resource can carry tags, as the HCL reader decides it (its table of taggable
    types, or a ``tags`` value), and more: a plan's object holds every attribute of the type's schema,
    so a whole object without ``tags``/``tags_all`` is a type that cannot be tagged (an API route, a
    scaling policy); CR-TAG-001 never asks it for tags, even with ``scope: all``."""
    if mode != "managed":
        return None
    if rtype in TAGGABLE_TYPES or "tags" in attrs or "tags_all" in attrs:
        return True
    return False if whole else None


def _obj(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one (hand-edited plans)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _actions(rc: dict[str, Any]) -> tuple[str, ...]:
    return tuple(a for a in _list(_obj(rc.get("change")).get("actions")) if isinstance(a, str))


def _walk_planned(module: dict[str, Any]) -> list[dict[str, Any]]:
    """Every resource in planned_values, root first, then child modules depth-first."""
    out: list[dict[str, Any]] = []
    stack = [module]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        out.extend(r for r in _list(current.get("resources")) if isinstance(r, dict))
        stack.extend(reversed([c for c in _list(current.get("child_modules")) if isinstance(c, dict)]))
    return out


MAX_DEPTH = 100  # attribute values nested deeper are TOO_DEEP (real provider values nest < 20)


class _TooDeep(Exception):
    pass


def _copy(value: Any, depth: int = 0) -> Any:
    """A deep copy of an attribute value, bounded: every later walk (unknowns, tags) recurses per
    level, and a 500-deep list was a RecursionError traceback or not depending on the recursion limit."""
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, dict):
        return {k: _copy(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v, depth + 1) for v in value]
    return value


def _unknowns(after: Any, unknown: Any, expression: Any, module: str) -> Any:
    """Put ``Unknown`` wherever ``after_unknown`` has ``true``, with the referenced resource."""
    if unknown is True:
        return Unknown(AFTER_APPLY, _resource_ref(expression, module))
    if isinstance(unknown, dict):
        result = after if isinstance(after, dict) else ({} if after is None else after)
        if not isinstance(result, dict):
            return after
        for key, sub in unknown.items():
            if not _has_true(sub):
                continue
            sub_expr = _child_expression(expression, key)
            result[key] = _unknowns(result.get(key), sub, sub_expr, module)
        return result
    if isinstance(unknown, list):
        if after is None:
            if not any(_has_true(u) for u in unknown):
                return after
            after = []
        if not isinstance(after, list):
            return after
        for i, sub in enumerate(unknown):
            if not _has_true(sub):
                continue
            sub_expr = _child_expression(expression, i)
            while len(after) <= i:
                after.append(None)
            after[i] = _unknowns(after[i], sub, sub_expr, module)
        return after
    return after


def _child_expression(expression: Any, step: str | int) -> Any:
    """The configuration for one step down: a block body, a block in a list, or the same expression."""
    if isinstance(expression, dict):
        if _is_expression(expression):
            return expression  # an element of a list/map attribute shares its expression
        return expression.get(step) if isinstance(step, str) else None
    if isinstance(expression, list) and isinstance(step, int) and expression:
        return expression[step] if step < len(expression) else expression[0]
    return None


def _has_true(value: Any) -> bool:
    if value is True:
        return True
    if isinstance(value, dict):
        return any(_has_true(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_true(v) for v in value)
    return False


def _is_expression(value: dict[str, Any]) -> bool:
    return "references" in value or "constant_value" in value


def _references(expr: Any) -> list[str]:
    """All references in an expression or a nested block of expressions."""
    if isinstance(expr, list):
        return [r for e in expr for r in _references(e)]
    if not isinstance(expr, dict):
        return []
    if _is_expression(expr):
        return [r for r in _list(expr.get("references")) if isinstance(r, str)]
    return [r for e in expr.values() for r in _references(e)]


def _resource_ref(expression: Any, module: str) -> str | None:
    """The resource address an expression refers to (most specific instance form)."""
    if not isinstance(expression, dict) or not _is_expression(expression):
        return None
    best: str | None = None
    for ref in _list(expression.get("references")):
        address = _resource_part(ref) if isinstance(ref, str) else None
        if address and (best is None or (address.startswith(best) and len(address) > len(best))):
            best = address
    if best is None:
        return None
    return f"{module}.{best}" if module else best


def _resource_part(ref: str) -> str | None:
    """``aws_lt.x[0].id`` → ``aws_lt.x[0]``; ``data.aws_ami.a.id`` → ``data.aws_ami.a``; else None."""
    parts = _split_reference(ref)
    if not parts or parts[0] in _NOT_RESOURCES:
        return None
    size = 3 if parts[0] == "data" else 2
    if len(parts) < size:
        return None
    address = ".".join(parts[:size])
    if len(parts) > size and parts[size].startswith("["):
        address += parts[size]
    return address


def _split_reference(ref: str) -> list[str]:
    """Split a reference into names and ``[index]`` steps, keeping quoted keys whole."""
    parts: list[str] = []
    i, current = 0, ""
    while i < len(ref):
        ch = ref[i]
        if ch == ".":
            if current:
                parts.append(current)
            current = ""
        elif ch == "[":
            if current:
                parts.append(current)
            end = i + 1
            in_string = False
            while end < len(ref) and (in_string or ref[end] != "]"):
                if ref[end] == '"' and ref[end - 1] != "\\":
                    in_string = not in_string
                end += 1
            parts.append(ref[i:end + 1])
            current = ""
            i = end
        else:
            current += ch
        i += 1
    if current:
        parts.append(current)
    return parts


def _unescape(raw: str) -> str:
    """A JSON string body → text; addresses only escape quotes (``["key"]``) in practice."""
    simple = raw.replace('\\"', '"')
    return simple if "\\" not in simple else json.loads(f'"{raw}"')


def _module_of(address: str) -> str:
    parts = _split_reference(address)
    out: list[str] = []
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        out.append(f"module.{parts[i + 1]}")
        i += 2
        if i < len(parts) and parts[i].startswith("["):
            out[-1] += parts[i]
            i += 1
    return ".".join(out)


def _strip_module(address: str) -> str:
    module = _module_of(address)
    return address[len(module) + 1:] if module else address


@functools.lru_cache(maxsize=4096)
def _module_key(module: str) -> str:
    """``module.a[0].module.b["x"]`` → ``a.b``: the configuration path, without instance keys."""
    parts = [p for p in _split_reference(module) if not p.startswith("[")]
    return ".".join(p for i, p in enumerate(parts) if i % 2 == 1)


def _strip_index(address: str) -> str:
    return _INDEX_RE.sub("", address)


def _index_of(address: str) -> Any:
    match = _INDEX_RE.search(address)
    if not match:
        return None
    raw = match.group(1)
    return int(raw) if raw.isdigit() else json.loads(raw)


def _provider_local_name(provider_name: Any) -> str:
    """``registry.terraform.io/hashicorp/aws`` → ``aws``."""
    return provider_name.rsplit("/", 1)[-1] if isinstance(provider_name, str) and provider_name else "aws"
