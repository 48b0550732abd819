"""Terraform HCL loader: a root module directory (and its local/installed modules) → Project.

Each module instance evaluates lazily: variables once, locals and module outputs on first
reference (memoized, cycles detected), resources once per block. Errors in one file or one
expression become diagnostics; the rest of the directory is still read.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estimator.errors import TOO_DEEP, InputError
from estimator.hcl import ast, cache
from estimator.hcl.evaluator import (
    EvalError,
    Evaluator,
    InstanceValue,
    Lookup,
    convert,
    expanded_size,
    is_primitive_type,
    materialize,
    parse_type,
)
from estimator.hcl.frontend import MAX_FILE_BYTES, parse_file, require_frontend
from estimator.hcl.functions import FunctionError, TfSet, to_bool, to_string, type_name
from estimator.hcl.hcl2_frontend import assemble_template, parse_expression, scan_template
from estimator.loaders import LoadOptions
from estimator.model import (
    SOURCE_TERRAFORM_HCL,
    DefaultRef,
    Diagnostic,
    LazyDefaults,
    Location,
    Project,
    Resource,
    Tag,
    Unknown,
    UnknownCount,
    tag_blocks,
)

META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
IGNORED_BLOCKS = {"lifecycle", "provisioner", "connection", "precondition", "postcondition"}
MAX_MODULE_DEPTH = 20
MAX_VALUE_SIZE = 2_000_000  # values in one local, written out (shared parts counted each time)
MAX_FILESET = 10_000  # files one fileset() call may return
MAX_INSTANCES = 10_000  # per count/for_each: a bound on memory for hostile or mistaken input
# per project, over every module instance: count = 10000 inside a module with count = 10000 would
# otherwise expand to 10^8 resources (QA19b: 4 GB in 53 s). The 3,000-file benchmark has 27,000.
MAX_PROJECT_INSTANCES = 50_000
_LABELS = {"resource": "a type and a name", "data": "a type and a name", "variable": "one name",
           "output": "one name", "module": "one name", "provider": "one name"}

AWS_PROVIDERS = frozenset({"aws", "awscc"})  # providers whose resources carry AWS tags
# AWS provider types whose schema has no `tags` (associations, attachments, policies, routes...): a plan
# shows it (no tags/tags_all in the planned object); written HCL does not, so they are listed here, and
# `required_tags_scope: all` never asks for a tag nobody can set on them.
UNTAGGABLE_TYPES = frozenset({
    "aws_lambda_provisioned_concurrency_config",  # priced since 430a1fb, no tags argument (QA20b)
    "aws_api_gateway_deployment", "aws_api_gateway_integration", "aws_api_gateway_integration_response",
    "aws_api_gateway_method", "aws_api_gateway_method_response", "aws_api_gateway_method_settings",
    "aws_api_gateway_resource", "aws_api_gateway_usage_plan_key", "aws_apigatewayv2_integration",
    "aws_apigatewayv2_integration_response", "aws_apigatewayv2_route", "aws_apigatewayv2_route_response",
    "aws_appautoscaling_policy", "aws_appautoscaling_scheduled_action", "aws_autoscaling_attachment",
    "aws_autoscaling_lifecycle_hook", "aws_autoscaling_policy", "aws_cloudwatch_event_target",
    "aws_cloudwatch_log_stream", "aws_cloudwatch_log_subscription_filter", "aws_eip_association",
    "aws_iam_group_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role_policy",
    "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_lambda_permission",
    "aws_lb_target_group_attachment", "aws_main_route_table_association", "aws_network_interface_attachment",
    "aws_route", "aws_route_table_association", "aws_s3_bucket_acl", "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_security_group_rule",
    "aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_sqs_queue_policy", "aws_volume_attachment",
    "aws_api_gateway_authorizer", "aws_api_gateway_base_path_mapping", "aws_apigatewayv2_authorizer",
    "aws_apigatewayv2_deployment", "aws_cloudwatch_log_resource_policy", "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy", "aws_iam_group_policy", "aws_iam_user_policy", "aws_kms_alias", "aws_lambda_alias",
    "aws_lambda_function_url", "aws_lambda_layer_version", "aws_route53_record", "aws_route53_zone_association",
    "aws_s3_bucket_cors_configuration", "aws_s3_bucket_notification", "aws_secretsmanager_secret_version",
    "aws_vpc_endpoint_route_table_association",
})
# Cost-bearing AWS types whose schema has `tags` (approximation of the provider schema).
TAGGABLE_TYPES = frozenset({
    "aws_instance", "aws_launch_template", "aws_autoscaling_group", "aws_ebs_volume", "aws_eip",
    "aws_nat_gateway", "aws_lb", "aws_alb", "aws_elb", "aws_db_instance", "aws_rds_cluster",
    "aws_rds_cluster_instance", "aws_elasticache_cluster", "aws_elasticache_replication_group",
    "aws_s3_bucket", "aws_dynamodb_table", "aws_lambda_function", "aws_ecs_service", "aws_ecs_cluster",
    "aws_eks_cluster", "aws_eks_node_group", "aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration",
    "aws_sagemaker_model", "aws_sagemaker_notebook_instance", "aws_sagemaker_domain", "aws_sagemaker_space",
    "aws_sagemaker_training_job", "aws_bedrock_provisioned_model_throughput", "aws_bedrockagent_agent",
    "aws_opensearch_domain", "aws_elasticsearch_domain", "aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream",
    "aws_msk_cluster", "aws_redshift_cluster", "aws_efs_file_system", "aws_fsx_lustre_file_system",
    "aws_cloudwatch_log_group", "aws_sqs_queue", "aws_sns_topic", "aws_api_gateway_rest_api",
    "aws_apigatewayv2_api", "aws_apigatewayv2_stage", "aws_api_gateway_stage", "aws_vpc_endpoint",
    "aws_ecr_repository", "aws_kms_key", "aws_secretsmanager_secret", "aws_batch_compute_environment",
    "aws_emr_cluster", "aws_spot_fleet_request", "aws_ec2_fleet", "aws_neptune_cluster", "aws_docdb_cluster",
    "aws_memorydb_cluster", "aws_mq_broker", "aws_glue_job", "aws_sfn_state_machine", "aws_cloudfront_distribution",
    "aws_wafv2_web_acl", "aws_vpc", "aws_subnet", "aws_security_group", "aws_budgets_budget",
    "aws_kendra_index", "aws_transfer_server", "aws_dax_cluster", "aws_timestreamwrite_database",
})


def load(path: str, options: LoadOptions) -> Project:
    """Read a Terraform root (directory or one .tf file); raises only when PATH is unreadable."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or directory", Location(path, 0))
    root_dir = p if p.is_dir() else p.parent
    root = root_dir.resolve()
    project = Project(path=path, source=SOURCE_TERRAFORM_HCL, root=str(root))
    only = [p.resolve()] if p.is_file() else None
    try:
        os.listdir(root)
    except OSError as err:
        raise InputError(f"cannot read directory: {err.strerror}", Location(path, 0)) from err
    require_frontend(options.parser)  # an unknown/unavailable --parser fails once, not per file
    loader = _Loader(root, options, project)
    loader.run(only)
    return project


def root_outputs(path: str, options: LoadOptions) -> tuple[dict[str, Any], Project]:
    """The root module's output values (plain data, Unknown where not known), for tests and debugging."""
    root = Path(path).resolve()
    project = Project(path=path, source=SOURCE_TERRAFORM_HCL, root=str(root))
    loader = _Loader(root, options, project)
    src = loader.source(root)
    instance = _ModuleInstance(loader, src, prefix="", key_path="", inputs=_RootVariables(loader, src).values(),
                               parent=None, provider_map=None, depth=0)
    return {name: instance.output(name, None) for name in src.outputs}, project


# ---- parsed module sources ------------------------------------------------------------------

@dataclass
class _Item:
    """A block (or attribute) with the file it came from."""

    block: ast.Block
    file: str  # display path relative to the project root


@dataclass
class _Source:
    """One module directory, parsed once and shared by all its instances."""

    dir: Path
    variables: dict[str, _Item] = field(default_factory=dict)
    locals: dict[str, tuple[ast.Attribute, str]] = field(default_factory=dict)
    outputs: dict[str, _Item] = field(default_factory=dict)
    resources: list[_Item] = field(default_factory=list)
    modules: list[_Item] = field(default_factory=list)
    providers: list[_Item] = field(default_factory=list)
    override_files: dict[int, str] = field(default_factory=dict)  # id(attribute) -> override file

    def file_of(self, attr: ast.Attribute, default: str) -> str:
        return self.override_files.get(id(attr), default)


@dataclass
class _Provider:
    address: str  # "aws" or "aws.west"
    region: Any
    default_tags: dict[str, Any]
    tags_location: Location | None
    location: Location | None
    tags_unknown: Unknown | None = None  # default_tags whose value is not known offline
    _tag_objects: dict[str, Tag] | None = field(default=None, repr=False, compare=False)

    def default_tag_objects(self) -> dict[str, Tag]:
        """The default tags as ``Tag``s, made once: every resource of the provider shares them
        (``Tag`` is frozen), instead of building ~10 per resource."""
        if self._tag_objects is None:
            self._tag_objects = {k: Tag(_tag_value(v), "default_tags", self.tags_location, self.address)
                                 for k, v in self.default_tags.items()}
        return self._tag_objects


class _Loader:
    def __init__(self, root: Path, options: LoadOptions, project: Project) -> None:
        self.root = root
        self.instances_left = MAX_PROJECT_INSTANCES  # count/for_each instances still allowed (hostile input)
        self.options = options
        self.project = project
        self.sources: dict[Path, _Source] = {}
        self._modules_json: dict[str, str] | None = None
        self._diag_seen: set[str] = set()

    # ---- diagnostics ----------------------------------------------------------------------
    def diag(self, message: str, location: Location | None, severity: str = "error") -> None:
        d = Diagnostic(message, location, severity)
        key = str(d) + severity
        if key not in self._diag_seen:
            self._diag_seen.add(key)
            self.project.diagnostics.append(d)

    @functools.cached_property
    def boundary(self) -> Path:
        """What a symlink may point into: the repository holding the root; outside git (a tarball, a
        build context without .git) the working directory when the root is inside it, as config
        discovery does; else the root itself."""
        repo = next((d for d in (self.root, *self.root.parents) if (d / ".git").exists()), None)
        if repo is not None:
            return repo
        cwd = Path.cwd().resolve()
        return cwd if self.root.is_relative_to(cwd) else self.root

    def readable(self, path: Path) -> bool:
        """Whether a file the directory scan found is read: a broken symlink or loop is an error naming it
        (terraform: "Failed to read file"), and a symlink out of the repository is refused, as ``file()``
        refuses such paths: a pull request must not make costrail read ``~/.docker/config.json`` into a
        variable and hand it back in a tag (QA19b). Directories named ``x.tf`` are skipped, as terraform does."""
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                self.diag("cannot read: a broken symlink or a symlink loop", Location(self._lexical(path), 1))
                return False
            roots = (self.boundary, *(Path(r).resolve() for r in self.options.link_roots))
            if not any(target == r or r in target.parents for r in roots):
                self.diag("a symlink to a file outside the repository is not read", Location(self._lexical(path), 1))
                return False
        return path.is_file()

    def _lexical(self, path: Path) -> str:
        """The path as it sits in the project (not where a symlink points)."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return os.path.relpath(path, self.root)

    def display(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return os.path.relpath(path.resolve(), self.root)

    # ---- parsing ----------------------------------------------------------------------------
    def source(self, directory: Path, only: list[Path] | None = None) -> _Source:
        directory = directory.resolve()
        if directory in self.sources:
            return self.sources[directory]
        src = _Source(directory)
        self.sources[directory] = src
        try:
            names = sorted(os.listdir(directory))
        except OSError as err:
            self.diag(f"cannot read module directory: {err.strerror}", Location(self.display(directory), 0))
            return src
        files = [f for n in names if n.endswith((".tf", ".tf.json")) and self.readable(f := directory / n)]
        if only is not None:
            files = only
        overrides = [f for f in files if f.name in ("override.tf", "override.tf.json")
                     or f.name.endswith(("_override.tf", "_override.tf.json"))]
        ordered = [f for f in files if f not in overrides] + overrides
        shown_of = {f: self.display(f) for f in ordered}
        native = [f for f in ordered if not f.name.endswith(".tf.json")]
        # one batch per directory, so a cold run can parse on every core
        batch = dict(zip(native, cache.parse_files([(str(f), shown_of[f]) for f in native], self.options.parser,
                                                   self.options.cache_dir, MAX_FILE_BYTES), strict=True))
        for f in ordered:
            shown = shown_of[f]
            try:
                parsed = _parse_json_file(f, shown) if f.name.endswith(".tf.json") else batch[f]
                if isinstance(parsed, InputError):
                    raise parsed
            except InputError as err:
                self.diag(err.message, err.location or Location(shown, 1))
                continue
            if f in overrides:
                self._override(src, parsed, shown)
            else:
                self._collect(src, parsed, shown)
        return src

    def _override(self, src: _Source, parsed: ast.File, shown: str) -> None:
        """Terraform override files: merge each block into the primary block it names."""
        for block in parsed.body.blocks:
            loc = Location(shown, block.pos.line, block.pos.column)
            if block.type == "locals":
                for name, attr in block.body.attributes.items():
                    if name not in src.locals:
                        self.diag(f'override for undeclared local value "{name}"', loc)
                    src.locals[name] = (attr, shown)
                continue
            target: _Item | None = None
            if block.type == "variable" and block.labels:
                target = src.variables.get(block.labels[0])
            elif block.type == "output" and block.labels:
                target = src.outputs.get(block.labels[0])
            else:
                pool = {"resource": src.resources, "data": src.resources, "module": src.modules,
                        "provider": src.providers}.get(block.type, [])
                target = next((i for i in pool if i.block.type == block.type and i.block.labels == block.labels
                               and _alias(i.block) == _alias(block)), None)
            if target is None:
                self.diag(f"override for a {block.type} block that is not declared: {' '.join(block.labels)}", loc)
                continue
            body = target.block.body
            body.attributes.update(block.body.attributes)
            for attr in block.body.attributes.values():
                src.override_files[id(attr)] = shown
            replaced = {b.type for b in block.body.blocks}
            body.blocks = [b for b in body.blocks if b.type not in replaced] + list(block.body.blocks)

    def _collect(self, src: _Source, parsed: ast.File, shown: str) -> None:
        for attr_name, attr in parsed.body.attributes.items():
            self.diag(f"unexpected argument {attr_name!r} at the top level", Location(shown, attr.pos.line), "warning")
        for block in parsed.body.blocks:
            item = _Item(block, shown)
            kind, labels = block.type, block.labels
            loc = Location(shown, block.pos.line, block.pos.column)
            if kind == "variable" and len(labels) == 1:
                if labels[0] in src.variables:
                    self.diag(f'duplicate variable "{labels[0]}"', loc)
                src.variables[labels[0]] = item
            elif kind == "locals":
                for name, attr in block.body.attributes.items():
                    if name in src.locals:
                        self.diag(f'duplicate local value "{name}"', Location(shown, attr.pos.line, attr.pos.column))
                    src.locals[name] = (attr, shown)
            elif kind == "output" and len(labels) == 1:
                src.outputs[labels[0]] = item
            elif kind in ("resource", "data") and len(labels) == 2:
                src.resources.append(item)
            elif kind == "module" and len(labels) == 1:
                src.modules.append(item)
            elif kind == "provider" and len(labels) == 1:
                src.providers.append(item)
            elif kind in ("terraform", "moved", "import", "removed", "check"):
                continue
            elif kind == "ephemeral" and len(labels) == 2:
                continue  # ephemeral resources (Terraform 1.10) are never stored: nothing to price
            elif kind in _LABELS:
                self.diag(f"a {kind} block needs {_LABELS[kind]}, found {len(labels)} label(s)", loc)
            else:
                self.diag(f"unexpected block {kind!r} with {len(labels)} label(s)", loc, "warning")

    @functools.cached_property
    def workspace(self) -> str:
        """``terraform.workspace`` as terraform has it: TF_WORKSPACE, else the data directory's
        ``environment`` file (``terraform workspace select``), else "default"."""
        name = self.options.environ.get("TF_WORKSPACE", "")
        if name:
            return name
        data_dir = self.options.environ.get("TF_DATA_DIR") or ".terraform"
        try:
            name = (self.root / data_dir / "environment").read_bytes().strip().decode("utf-8", "replace")
        except OSError:
            name = ""
        return name or "default"

    def modules_json(self) -> dict[str, str]:
        if self._modules_json is None:
            self._modules_json = {}
            manifest = self.root / ".terraform" / "modules" / "modules.json"
            if manifest.is_file():
                try:
                    data = json.loads(manifest.read_text(encoding="utf-8"))
                    for entry in data.get("Modules", []):
                        if isinstance(entry, dict) and "Key" in entry and "Dir" in entry:
                            self._modules_json[str(entry["Key"])] = str(entry["Dir"])
                except (OSError, ValueError, AttributeError) as err:
                    self.diag(f"cannot read module manifest: {err}", Location(self.display(manifest), 1), "warning")
        return self._modules_json

    # ---- run --------------------------------------------------------------------------------
    def run(self, only: list[Path] | None) -> None:
        src = self.source(self.root, only)
        root_values = _RootVariables(self, src).values()
        instance = _ModuleInstance(self, src, prefix="", key_path="", inputs=root_values, parent=None,
                                   provider_map=None, depth=0)
        instance.emit()


@dataclass
class _VarValue:
    value: Any
    defaults: tuple[DefaultRef, ...] = ()


class _RootVariables:
    """Root module variable values, with Terraform's precedence."""

    def __init__(self, loader: _Loader, src: _Source) -> None:
        self.loader = loader
        self.src = src

    def values(self) -> dict[str, _VarValue]:
        given: dict[str, tuple[Any, bool, Location | None]] = {}  # name -> (value, is_raw_string, where)
        opts = self.loader.options
        for key, value in sorted(opts.environ.items()):
            if key.startswith("TF_VAR_") and len(key) > 7:
                given[key[7:]] = (value, True, None)
        root = self.loader.root
        auto = []
        for name in ("terraform.tfvars", "terraform.tfvars.json"):
            # terraform loads these only when they exist: a link to a file only the deploy job has is skipped
            if (root / name).exists() and self.loader.readable(root / name):
                auto.append(root / name)
        try:
            names = sorted(os.listdir(root))
        except OSError:
            names = []
        auto += [root / n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))
                 and self.loader.readable(root / n)]
        explicit = []
        for f in opts.var_files:
            fp = Path(f)
            if not fp.is_absolute() and not fp.exists() and (root / f).exists():
                fp = root / f
            explicit.append(fp)
        for f in auto + explicit:
            given.update(self.read_var_file(f, f in explicit))
        for key, value in opts.vars.items():
            given[key] = (value, True, None)
        out: dict[str, _VarValue] = {}
        env_only = {k[7:] for k in opts.environ if k.startswith("TF_VAR_")} - set(opts.vars)
        for name in given:
            _v, _raw, where = given[name]
            if name not in self.src.variables and not (name in env_only and where is None):
                self.loader.diag(f'a value was given for undeclared variable "{name}"', where, "warning")
        for name, _item in self.src.variables.items():
            if name in given:
                value, raw, where = given[name]
                out[name] = _VarValue(_Given(value, raw, where))
        return out

    def read_var_file(self, path: Path, explicit: bool) -> dict[str, tuple[Any, bool, Location | None]]:
        shown = self.loader.display(path) if path.exists() else str(path)
        if not path.is_file():
            if explicit:
                raise InputError("variable file not found", Location(shown, 0))
            return {}
        out: dict[str, tuple[Any, bool, Location | None]] = {}
        if path.name.endswith(".json"):
            from estimator.hcl.json_config import loads_strict  # a key set twice is an error, as terraform says

            try:
                data = loads_strict(shown, path.read_text(encoding="utf-8"))
            except InputError as err:
                self.loader.diag(err.message, err.location)
                return {}
            except (OSError, ValueError) as err:
                self.loader.diag(f"invalid JSON variable file: {err}", Location(shown, 1))
                return {}
            except RecursionError:
                self.loader.diag(TOO_DEEP, Location(shown, 1))
                return {}
            if not isinstance(data, dict):
                self.loader.diag("a JSON variable file must hold an object", Location(shown, 1))
                return {}
            return {k: (v, False, Location(shown, 1)) for k, v in data.items()}
        try:
            parsed = parse_file(str(path), shown, self.loader.options.parser)
        except InputError as err:
            self.loader.diag(err.message, err.location)
            return {}
        ev = Evaluator(_NoScope(), shown)
        for name, attr in parsed.body.attributes.items():
            try:
                out[name] = (ev.value(attr.expr), False, Location(shown, attr.pos.line))
            except EvalError as err:
                self.loader.diag(f"{err.message} (variables files take literal values only)", err.location)
        for block in parsed.body.blocks:
            self.loader.diag(f"unexpected block {block.type!r} in a variables file", Location(shown, block.pos.line))
        return out


@dataclass
class _Given:
    """A root variable value as given (a raw string from -var/TF_VAR_, or an HCL/JSON value)."""

    value: Any
    raw: bool
    where: Location | None


class _NoScope:
    def root(self, name: str, pos: ast.Pos) -> Any:
        raise EvalError(f'variables not allowed here ("{name}")', None)


# ---- module instances ---------------------------------------------------------------------

class _Attrs(Lookup):
    """``var``, ``local``, ``module`` or a resource type: names resolved on demand."""

    def __init__(self, getter: Any, names: Any, what: str) -> None:
        self.getter = getter
        self.names = names
        self.what = what

    def get_attr(self, name: str, pos: ast.Pos) -> Any:
        return self.getter(name, pos)

    def materialize(self) -> Any:
        return {n: materialize(self.getter(n, None)) for n in self.names()}


class _ModuleInstance:
    def __init__(self, loader: _Loader, src: _Source, prefix: str, key_path: str, inputs: dict[str, Any],
                 parent: _ModuleInstance | None, provider_map: dict[str, _Provider] | None, depth: int,
                 caller: _ModuleInstance | None = None, call_args: dict[str, ast.Attribute] | None = None,
                 quantity: UnknownCount | None = None) -> None:
        self.loader = loader
        # set when this module instance (or one it is in) has a count/for_each known only after apply
        self.quantity = quantity if quantity is not None else parent.quantity if parent is not None else None
        self.src = src
        self.prefix = prefix  # "module.a[\"x\"]." or ""
        self.key_path = key_path  # "a.b" for modules.json
        self.parent = parent
        self.depth = depth
        self.caller = caller
        self.call_args = call_args or {}
        self.inputs = inputs
        self._vars: dict[str, Any] = {}
        self._var_defaults: dict[str, tuple[DefaultRef, ...]] = {}
        self._locals: dict[str, Any] = {}
        self._in_progress: set[str] = set()
        self._resources: dict[str, Any] = {}
        self._ref_values: dict[str, Any] = {}
        self._res_stack: list[str] = []
        self._resource_blocks: dict[str, _Item] = {}
        for item in src.resources:
            mode = "data" if item.block.type == "data" else "managed"
            key = ("data." if mode == "data" else "") + ".".join(item.block.labels)
            self._resource_blocks.setdefault(key, item)
        self._resource_types = {k.split(".")[0] for k in self._resource_blocks if not k.startswith("data.")}
        self._data_types = {k.split(".")[1] for k in self._resource_blocks if k.startswith("data.")}
        self._module_blocks = {item.block.labels[0]: item for item in src.modules}
        self._modules: dict[str, Any] = {}  # name -> _ModuleInstance | list | dict | None
        self._dep_memo: dict[str, tuple[DefaultRef, ...]] = {}
        self._defaults_memo: dict[tuple[int, str], tuple[DefaultRef, ...]] = {}  # (id(_Item), argument) -> refs
        self.rel_dir = os.path.relpath(src.dir, loader.root) if src.dir != loader.root else "."
        self.fctx = _FileContext(self)
        self.providers = self._providers(provider_map)
        self.resources_out: list[Resource] = []

    @property
    def module_path(self) -> str:
        return self.prefix[:-1] if self.prefix else ""

    # ---- scope ----------------------------------------------------------------------------
    def evaluator(self, file: str) -> Evaluator:
        return Evaluator(_InstanceScope(self, file), file, self.fctx)

    def root(self, name: str, pos: ast.Pos | None, file: str) -> Any:
        if name == "var":
            return _Attrs(lambda n, p: self.var(n, p, file), lambda: list(self.src.variables), "var")
        if name == "local":
            return _Attrs(lambda n, p: self.local(n, p, file), lambda: list(self.src.locals), "local")
        if name == "module":
            return _Attrs(lambda n, p: self.module_value(n, p, file), lambda: list(self._module_blocks), "module")
        if name == "path":
            return {"module": self.rel_dir, "root": ".", "cwd": str(self.loader.root)}
        if name == "terraform":
            return {"workspace": self.loader.workspace}
        if name == "ephemeral":
            return Unknown("ephemeral resources are opened during plan and apply; their values are unknown")
        if name in ("each", "count", "self"):
            raise self._err(f'"{name}" is not available here (only inside a block with count/for_each)', pos, file)
        if name == "data":
            return _Attrs(lambda n, p: self._resource_type("data." + n, p, file),
                          lambda: sorted({k.split(".")[1] for k in self._resource_blocks if k.startswith("data.")}),
                          "data")
        if name in self._resource_types:
            return _Attrs(lambda n, p: self.resource_value(f"{name}.{n}", p, file),
                          lambda: [k.split(".", 1)[1] for k in self._resource_blocks if k.startswith(name + ".")],
                          name)
        if "_" in name:
            raise self._err(f'reference to undeclared resource type "{name}"', pos, file)
        raise self._err(f'unknown name "{name}"', pos, file)

    def _resource_type(self, prefix: str, pos: ast.Pos | None, file: str) -> Any:
        if prefix[5:] not in self._data_types:
            raise self._err(f'reference to undeclared data source type "{prefix[5:]}"', pos, file)
        return _Attrs(lambda n, p: self.resource_value(f"{prefix}.{n}", p, file),
                      lambda: [k.rsplit(".", 1)[1] for k in self._resource_blocks if k.startswith(prefix + ".")],
                      prefix)

    def _err(self, message: str, pos: ast.Pos | None, file: str) -> EvalError:
        return EvalError(message, Location(file, pos.line, pos.column) if pos else Location(file, 0))

    # ---- variables ---------------------------------------------------------------------------
    def var(self, name: str, pos: ast.Pos | None, file: str) -> Any:
        if name in self._vars:
            return self._vars[name]
        item = self.src.variables.get(name)
        if item is None:
            raise self._err(f'reference to undeclared input variable "{name}"', pos, file)
        self._vars[name] = Unknown(f"var.{name} is being evaluated")
        value = self._compute_var(name, item)
        self._vars[name] = value
        self._validate_var(name, item)
        return value

    def _validate_var(self, name: str, item: _Item) -> None:
        """Terraform fails the plan when a validation condition is false: so does the reader
        (unknown conditions pass, as Terraform defers them to apply)."""
        for block in item.block.body.blocks:
            if block.type != "validation" or "condition" not in block.body.attributes:
                continue
            cond = block.body.attributes["condition"]
            ev = self.evaluator(item.file)
            try:
                ok = ev.value(cond.expr)
                if isinstance(ok, Unknown) or ok is None or to_bool(ok):
                    continue
                msg_attr = block.body.attributes.get("error_message")
                message = to_string(ev.value(msg_attr.expr)) if msg_attr is not None else "validation failed"
            except (EvalError, FunctionError):
                continue  # a condition that cannot be evaluated here is not reported as failing
            if isinstance(message, Unknown):
                message = "validation failed"
            self.loader.diag(f'invalid value for variable "{name}": {message} (validation at '
                             f"{item.file}:{block.pos.line})", self._var_location(name, item))

    def _var_location(self, name: str, item: _Item) -> Location:
        given = self.inputs.get(name)
        if given is not None and isinstance(given.value, _Given) and given.value.where is not None:
            return given.value.where
        return Location(item.file, item.block.pos.line)

    def _var_type(self, item: _Item) -> Any:
        type_attr = item.block.body.attributes.get("type")
        if type_attr is None:
            return None
        try:
            return parse_type(type_attr.expr, item.file)
        except EvalError as err:
            self.loader.diag(err.message, err.location)
            return None

    def _compute_var(self, name: str, item: _Item) -> Any:
        spec = self._var_type(item)
        default_attr = item.block.body.attributes.get("default")
        ev = Evaluator(_NoScope(), item.file, self.fctx)
        loc = Location(item.file, item.block.pos.line)
        given = self.inputs.get(name)
        try:
            if given is not None:
                raw = given.value
                if isinstance(raw, _Given):
                    value = raw.value
                    if raw.raw and not is_primitive_type(spec):
                        try:
                            value = ev.value(parse_expression(str(raw.where or f"var.{name}"), raw.value))
                        except InputError as err:
                            self.loader.diag(f'invalid value for variable "{name}": {err.message}', raw.where or loc)
                            return Unknown(f"var.{name} has an invalid value")
                    value = convert(value, spec, ev)
                else:
                    value = convert(raw, spec, ev) if not isinstance(raw, Unknown) else raw
                if value is not None or self._nullable(item):
                    return value
                if default_attr is None:  # nullable = false: null means "use the default"
                    self.loader.diag(f'invalid value for variable "{name}": the given value is null, but the '
                                     "variable has nullable = false and no default", loc)
                    return Unknown(f"var.{name} has an invalid value")
            if default_attr is not None:
                return convert(ev.value(default_attr.expr), spec, ev)
        except FunctionError as err:
            where = (given.value.where if given is not None and isinstance(given.value, _Given) else None) or loc
            self.loader.diag(f'invalid value for variable "{name}": {err}', where)
            return Unknown(f"var.{name} has an invalid value")
        except EvalError as err:
            self.loader.diag(err.message, err.location)
            return Unknown(f"var.{name} has an invalid default")
        if self.caller is not None:  # a module input: the call was reported as missing the argument
            return Unknown(f"var.{name} has no value (module argument missing)")
        self.loader.diag(f'variable "{name}" is required but has no value (no default, tfvars, -var or '
                         f'TF_VAR_{name}); its uses are unknown', loc, "warning")
        return Unknown(f"var.{name} has no value")

    def _nullable(self, item: _Item) -> bool:
        attr = item.block.body.attributes.get("nullable")
        if attr is None:
            return True
        try:
            return to_bool(Evaluator(_NoScope(), item.file).value(attr.expr))
        except (EvalError, FunctionError):
            return True

    def var_default_refs(self, name: str) -> tuple[DefaultRef, ...]:
        """The defaults that could feed ``var.name``: its own, and the caller's expression's."""
        if name in self._var_defaults:
            return self._var_defaults[name]
        self._var_defaults[name] = ()
        refs: list[DefaultRef] = []
        item = self.src.variables.get(name)
        if item is not None and "default" in item.block.body.attributes:
            attr = item.block.body.attributes["default"]
            try:
                ev = Evaluator(_NoScope(), item.file, self.fctx)
                value = convert(ev.value(attr.expr), self._var_type(item), ev)
            except (EvalError, FunctionError):
                value = Unknown("invalid default")
            if value is not None:
                refs.append(DefaultRef(f"var.{name}", value, Location(self.src.file_of(attr, item.file), attr.pos.line),
                                       "terraform-variable"))
        if self.caller is not None and name in self.call_args:
            arg = self.call_args[name]
            refs.extend(self.caller.expr_defaults(arg.expr))
        result = _dedupe(refs)
        self._var_defaults[name] = result
        return result

    def expr_defaults(self, expr: Any) -> tuple[DefaultRef, ...]:
        """Variable defaults an expression depends on, transitively through locals and modules."""
        refs: list[DefaultRef] = []
        for kind, name, attr in _references(expr):
            key = f"{kind}.{name}.{attr or ''}"
            if key in self._dep_memo:
                refs.extend(self._dep_memo[key])
                continue
            self._dep_memo[key] = ()
            found: tuple[DefaultRef, ...] = ()
            if kind == "var":
                found = self.var_default_refs(name)
            elif kind == "local" and name in self.src.locals:
                found = self.expr_defaults(self.src.locals[name][0].expr)
            elif kind == "module" and attr:
                child = self._first_child(name)
                if child is not None and attr in child.src.outputs:
                    value_attr = child.src.outputs[attr].block.body.attributes.get("value")
                    if value_attr is not None:
                        found = child.expr_defaults(value_attr.expr)
            self._dep_memo[key] = found
            refs.extend(found)
        return _dedupe(refs)

    # ---- locals ----------------------------------------------------------------------------------
    def local(self, name: str, pos: ast.Pos | None, file: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.src.locals:
            raise self._err(f'reference to undeclared local value "{name}"', pos, file)
        key = "local." + name
        if key in self._in_progress:
            cycle = sorted(k[6:] for k in self._in_progress if k.startswith("local."))
            attr, lfile = self.src.locals[name]
            raise EvalError(f"cycle between local values: {', '.join('local.' + c for c in cycle)}",
                            Location(lfile, attr.pos.line, attr.pos.column))
        attr, lfile = self.src.locals[name]
        self._in_progress.add(key)
        try:
            value = self.evaluator(lfile).value(attr.expr)
            if isinstance(value, list | dict) and expanded_size(value, MAX_VALUE_SIZE) > MAX_VALUE_SIZE:
                raise EvalError(f"local.{name} is too large: more than {MAX_VALUE_SIZE:,} values when written out",
                                Location(lfile, attr.pos.line, attr.pos.column))
        except EvalError as err:
            self.loader.diag(err.message, err.location)
            value = Unknown(f"local.{name} could not be evaluated")
        finally:
            self._in_progress.discard(key)
        self._locals[name] = value
        return value

    # ---- providers -------------------------------------------------------------------------------
    def _region_value(self, value: Any, attr: ast.Attribute, file: str) -> Any:
        """A region is a string (or unknown, or not set): anything else is terraform's "Incorrect
        attribute value type" naming its line, and the region unknown (QA19b: a list leaked into the JSON)."""
        if value is None or isinstance(value, (str, Unknown)):
            return value
        self.loader.diag(f"region must be a string, got {type_name(value)}", Location(file, attr.pos.line))
        return Unknown("region is not a string")

    def _providers(self, inherited: dict[str, _Provider] | None) -> dict[str, _Provider]:
        providers: dict[str, _Provider] = dict(inherited or {})
        seen: dict[str, _Item] = {}
        for item in self.src.providers:
            name = item.block.labels[0]
            if name != "aws":
                continue
            body = item.block.body
            alias_attr = body.attributes.get("alias")
            ev = self.evaluator(item.file)
            alias = None
            if alias_attr is not None:
                try:
                    alias = to_string(ev.value(alias_attr.expr))
                except (EvalError, FunctionError):
                    alias = None
            address = f"aws.{alias}" if alias else "aws"
            if address in seen:  # terraform: "Duplicate provider configuration"; never the later one silently
                first = seen[address]
                self.loader.diag(f'duplicate provider configuration "{address}" (first at {first.file}:'
                                 f'{first.block.pos.line}); this one is ignored',
                                 Location(item.file, item.block.pos.line, item.block.pos.column))
                continue
            seen[address] = item
            region: Any = None
            if "region" in body.attributes:
                try:
                    region = ev.value(body.attributes["region"].expr)
                except EvalError as err:
                    self.loader.diag(err.message, err.location)
                    region = Unknown("provider region could not be evaluated")
                region = self._region_value(region, body.attributes["region"], item.file)
            tags: dict[str, Any] = {}
            tags_loc = None
            tags_unknown: Unknown | None = None
            for blk in body.blocks:
                if blk.type == "default_tags" and "tags" in blk.body.attributes:
                    tattr = blk.body.attributes["tags"]
                    tags_loc = Location(item.file, tattr.pos.line)
                    try:
                        value = ev.value(tattr.expr)
                    except EvalError as err:
                        self.loader.diag(err.message, err.location)
                        value = Unknown(f"default_tags of provider {address} could not be evaluated")
                    if isinstance(value, dict):
                        tags = value
                    elif isinstance(value, Unknown):  # which keys every resource gets is not known: never "missing"
                        tags_unknown = value
            providers[address] = _Provider(address, region, tags, tags_loc, Location(item.file, item.block.pos.line),
                                           tags_unknown)
        if "aws" not in providers:
            providers["aws"] = _Provider("aws", None, {}, None, None)
        return providers

    # ---- modules -------------------------------------------------------------------------------------
    def _first_child(self, name: str) -> _ModuleInstance | None:
        if name not in self._module_blocks:
            return None
        value = self._module_instances(name)
        if isinstance(value, _ModuleInstance):
            return value
        if isinstance(value, list) and value:
            return value[0]
        if isinstance(value, dict) and value:
            return next(iter(value.values()))
        return None

    def _module_instances(self, name: str) -> Any:
        if name in self._modules:
            return self._modules[name]
        self._modules[name] = None
        item = self._module_blocks[name]
        self._modules[name] = self._expand_module(item)
        return self._modules[name]

    def _module_dir(self, item: _Item) -> Path | None:
        name = item.block.labels[0]
        body = item.block.body
        loc = Location(item.file, item.block.pos.line)
        address = f"{self.prefix}module.{name}"
        source_attr = body.attributes.get("source")
        if source_attr is None:
            self.loader.diag(f'module "{name}" has no source', loc)
            return None
        try:
            source = to_string(Evaluator(_NoScope(), item.file).value(source_attr.expr))
        except (EvalError, FunctionError):
            self.loader.diag(f'module "{name}": source must be a literal string', loc)
            return None
        key = f"{self.key_path}.{name}" if self.key_path else name
        if source.startswith(("./", "../")) or source in (".", ".."):
            directory = (self.src.dir / source).resolve()
            if not directory.is_dir():
                self.loader.diag(f'module "{name}": source directory "{source}" not found', loc)
                self.loader.project.unresolved_modules.append(address)
                return None
            return directory
        installed = self.loader.modules_json().get(key)
        if installed is not None:
            directory = (self.loader.root / installed).resolve()
            if directory.is_dir():
                return directory
        self.loader.diag(f'module "{name}" (source "{source}") is not installed locally; run terraform init '
                         "so .terraform/modules/modules.json resolves it; its resources are not included",
                         loc, "warning")
        self.loader.project.unresolved_modules.append(address)
        return None

    def _expand_module(self, item: _Item) -> Any:
        name = item.block.labels[0]
        if self.depth >= MAX_MODULE_DEPTH:
            self.loader.diag(f"module nesting deeper than {MAX_MODULE_DEPTH} levels",
                             Location(item.file, item.block.pos.line))
            return None
        directory = self._module_dir(item)
        if directory is None:
            return None
        ancestor: _ModuleInstance | None = self
        while ancestor is not None:
            if ancestor.src.dir == directory:
                self.loader.diag(f'module "{name}" calls a module that contains it (recursive modules)',
                                 Location(item.file, item.block.pos.line))
                return None
            ancestor = ancestor.parent
        src = self.loader.source(directory)
        body = item.block.body
        provider_map = self._module_provider_map(item)
        key_path = f"{self.key_path}.{name}" if self.key_path else name
        args = {k: a for k, a in body.attributes.items()
                if k not in ("source", "version", "count", "for_each", "providers", "depends_on")}
        for k, a in args.items():
            if k not in src.variables:
                self.loader.diag(f'module "{name}" has no variable named "{k}"', Location(item.file, a.pos.line,
                                                                                         a.pos.column))
        for k, var_item in src.variables.items():
            if k not in args and "default" not in var_item.block.body.attributes:
                # as terraform's "Missing required argument": an error at the call; the rest is still read
                self.loader.diag(f'module "{name}": missing required argument "{k}" (variable "{k}" in '
                                 f"{var_item.file}:{var_item.block.pos.line} has no default)",
                                 Location(item.file, item.block.pos.line))
        instances = self._instances(item, f"module.{name}")

        def make(index: Any, local: dict[str, Any], suffix: str, quantity: UnknownCount | None = None
                 ) -> _ModuleInstance:
            ev = self.evaluator(item.file)
            inputs: dict[str, _VarValue] = {}
            for k, a in args.items():
                if k not in src.variables:
                    continue
                try:
                    inputs[k] = _VarValue(ev.value(a.expr, local))
                except EvalError as err:
                    self.loader.diag(err.message, err.location)
                    inputs[k] = _VarValue(Unknown(f"module input {k} could not be evaluated"))
            return _ModuleInstance(self.loader, src, f"{self.prefix}module.{name}{suffix}.", key_path, inputs,
                                   self, provider_map, self.depth + 1, caller=self, call_args=args,
                                   quantity=quantity)

        if instances is None:
            return make(None, {}, "")
        kind, entries = instances
        if kind == "unknown":
            quantity, local = entries[0]
            return make(quantity, local, "[*]", quantity)
        if kind == "count":
            return [make(i, local, f"[{i}]") for i, local in entries]
        return {k: make(k, local, f"[{json.dumps(k)}]") for k, local in entries}

    def _module_provider_map(self, item: _Item) -> dict[str, _Provider]:
        inherited = {"aws": self.providers["aws"]}
        attr = item.block.body.attributes.get("providers")
        if attr is not None and isinstance(attr.expr, ast.ObjectExpr):
            for key_node, value_node in attr.expr.items:
                child_name = _traversal_text(key_node)
                parent_name = _traversal_text(value_node)
                if child_name and parent_name and child_name.split(".")[0] == "aws":
                    provider = self.providers.get(parent_name)
                    if provider is None:
                        self.loader.diag(f'provider "{parent_name}" is not configured',
                                         Location(item.file, value_node.pos.line, value_node.pos.column))
                        continue
                    inherited[child_name] = provider
        return inherited

    def module_value(self, name: str, pos: ast.Pos | None, file: str) -> Any:
        if name not in self._module_blocks:
            raise self._err(f'reference to undeclared module "{name}"', pos, file)
        value = self._module_instances(name)
        if value is None:
            return Unknown(f"module.{name} is not available (unresolved)")
        if isinstance(value, _ModuleInstance) and value.quantity is not None and value.quantity is not self.quantity:
            return Unknown(value.quantity.reason)
        if isinstance(value, list):
            return [_ModuleOutputs(v) for v in value]
        if isinstance(value, dict):
            return {k: _ModuleOutputs(v) for k, v in value.items()}
        return _ModuleOutputs(value)

    def output(self, name: str, pos: ast.Pos | None) -> Any:
        item = self.src.outputs.get(name)
        if item is None:
            raise EvalError(f'unsupported attribute: module "{self.module_path}" has no output "{name}"',
                            Location("?", pos.line, pos.column) if pos else None)
        key = "output." + name
        if key in self._locals:
            return self._locals[key]
        if key in self._in_progress:
            return Unknown(f"cycle through output {name}")
        attr = item.block.body.attributes.get("value")
        if attr is None:
            self.loader.diag(f'output "{name}" has no value argument', Location(item.file, item.block.pos.line))
        self._in_progress.add(key)
        try:
            value = self.evaluator(item.file).eval(attr.expr, {}) if attr is not None else None
            value = materialize(value)
        except EvalError as err:
            self.loader.diag(err.message, err.location)
            value = Unknown(f"output {name} could not be evaluated")
        finally:
            self._in_progress.discard(key)
        self._locals[key] = value
        return value

    # ---- count / for_each ------------------------------------------------------------------------
    def _instances(self, item: _Item, what: str) -> tuple[str, list[tuple[Any, dict[str, Any]]]] | None:
        """None for a single instance; else ("count"|"for_each", [(key, local vars)])."""
        body = item.block.body
        ev = self.evaluator(item.file)
        if "count" in body.attributes and "for_each" in body.attributes:
            attr = body.attributes["for_each"]
            self.loader.diag(f'{what}: invalid combination of "count" and "for_each": only one may be set',
                             Location(item.file, attr.pos.line, attr.pos.column))
            return ("count", [])
        if "count" in body.attributes:
            attr = body.attributes["count"]
            try:
                value = ev.value(attr.expr)
            except EvalError as err:
                self.loader.diag(err.message, err.location)
                return ("count", [])
            if isinstance(value, Unknown):
                return self._unknown_instances(what, "count", value, Location(item.file, attr.pos.line,
                                                                                attr.pos.column))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or int(value) != value:
                try:
                    value = int(to_string(value)) if isinstance(value, str) else None
                except ValueError:
                    value = None
                if value is None or value < 0:
                    self.loader.diag(f"{what}: invalid count: a whole number >= 0 is required",
                                     Location(item.file, attr.pos.line, attr.pos.column))
                    return ("count", [])
            if value > MAX_INSTANCES:
                shown = int(value) if value < 1e15 else f"{value:.3g}"
                self.loader.diag(f"{what}: count {shown} is over the limit of {MAX_INSTANCES} instances",
                                 Location(item.file, attr.pos.line, attr.pos.column))
                return ("count", [])
            if not self._within_budget(what, int(value), Location(item.file, attr.pos.line, attr.pos.column)):
                return ("count", [])
            return ("count", [(i, {"count": {"index": i}}) for i in range(int(value))])
        if "for_each" in body.attributes:
            attr = body.attributes["for_each"]
            try:
                value = ev.value(attr.expr)
            except EvalError as err:
                self.loader.diag(err.message, err.location)
                return ("for_each", [])
            loc = Location(item.file, attr.pos.line, attr.pos.column)
            if isinstance(value, Unknown):
                return self._unknown_instances(what, "for_each", value, loc)
            if isinstance(value, (dict, list)) and len(value) > MAX_INSTANCES:
                self.loader.diag(f"{what}: for_each has {len(value)} elements, over the limit of {MAX_INSTANCES}", loc)
                return ("for_each", [])
            if isinstance(value, (dict, list)) and not self._within_budget(what, len(value), loc):
                return ("for_each", [])
            if isinstance(value, dict):
                return ("for_each", [(k, {"each": {"key": k, "value": value[k]}}) for k in sorted(value)])
            problem = _for_each_problem(value)
            if problem is None:
                if any(isinstance(v, Unknown) for v in value):
                    return self._unknown_instances(what, "for_each", Unknown("a set element is unknown"), loc)
                keys = sorted(set(value))
                return ("for_each", [(k, {"each": {"key": k, "value": k}}) for k in keys])
            self.loader.diag(f'{what}: invalid for_each argument: the given "for_each" argument value is '
                             f"unsuitable: {problem}", loc)
            return ("for_each", [])
        return None

    def _unknown_instances(self, what: str, meta: str, value: Unknown, loc: Location
                           ) -> tuple[str, list[tuple[Any, dict[str, Any]]]]:
        """A count/for_each known only after apply: one stand-in instance ``[*]`` whose index says why,
        so it is reported unpriced with that reason (never a guessed 1, never dropped)."""
        reason = f"{what}: {meta} is known only after apply ({value.reason})"
        self.loader.diag(f"{reason}; its instances are not priced", loc, "warning")
        unknown = Unknown(f"{meta} of {what} is known only after apply")
        local = {"count": {"index": unknown}} if meta == "count" else {"each": {"key": unknown, "value": unknown}}
        return ("unknown", [(UnknownCount(reason), local)])

    # ---- resources -----------------------------------------------------------------------------------
    def resource_value(self, key: str, pos: ast.Pos | None, file: str) -> Any:
        """What ``aws_x.y`` evaluates to: an instance, a list (count) or a map (for_each)."""
        if key not in self._resource_blocks:
            raise self._err(f'reference to undeclared resource "{key}"', pos, file)
        if key in self._ref_values:
            return self._ref_values[key]
        expanded = self._expand_resource(key)
        if expanded is None:
            return Unknown(f"{self.prefix}{key} could not be evaluated", ref=self.prefix + key)
        self._ref_values[key] = value = self._reference_value(key, expanded)
        return value

    def _reference_value(self, key: str, expanded: Any) -> Any:
        kind, instances = expanded
        data = key.startswith("data.")
        values = {idx: InstanceValue.make(addr, attrs, all_unknown=data) for idx, addr, attrs, _i in instances}
        if kind is None:
            return values[None]
        if kind == "unknown":
            index = instances[0][3]
            return Unknown(index.reason, ref=self.prefix + key)
        if kind == "count":
            return [values[i] for i in sorted(values)]
        return {k: values[k] for k in sorted(values)}

    def _expand_resource(self, key: str) -> Any:
        if key in self._resources:
            value = self._resources[key]
            if value == "in-progress":
                item = self._resource_blocks[key]
                chain = self._res_stack[self._res_stack.index(key):] + [key]
                if len(chain) == 2:
                    message = f"cycle: {self.prefix}{key} refers to itself"
                else:
                    message = "cycle between resources: " + " -> ".join(self.prefix + k for k in chain)
                self.loader.diag(message, Location(item.file, item.block.pos.line), "error")
                return None
            return value
        self._resources[key] = "in-progress"
        self._res_stack.append(key)
        try:
            return self._expand_resource_now(key)
        finally:
            self._res_stack.pop()

    def _within_budget(self, what: str, n: int, loc: Location) -> bool:
        """Spend ``n`` of the project's instance budget; over it, an error naming the expansion."""
        before = self.loader.instances_left
        self.loader.instances_left -= n
        if self.loader.instances_left >= 0:
            return True
        if before >= 0:  # said once: every later expansion is refused too
            self.loader.diag(f"{what}: expanding {n} more instances passes the limit of {MAX_PROJECT_INSTANCES} "
                             "resource instances in one project; this and later expansions are left out", loc)
        return False

    def _expand_resource_now(self, key: str) -> Any:
        item = self._resource_blocks[key]
        base = self.prefix + key
        instances = self._instances(item, base)
        out: list[tuple[Any, str, dict[str, Any], Any]] = []
        if instances is None:
            attrs = self._evaluate_body(item, {}, base)
            out.append((None, base, attrs, None))
            kind = None
        else:
            kind = instances[0]
            for idx, local in instances[1]:
                suffix = f"[{idx}]" if kind == "count" else "[*]" if kind == "unknown" else f"[{json.dumps(idx)}]"
                out.append((idx, base + suffix, self._evaluate_body(item, local, base + suffix), idx))
        self._resources[key] = (kind, out)
        return self._resources[key]

    def _evaluate_body(self, item: _Item, local: dict[str, Any], address: str) -> dict[str, Any]:
        ev = self.evaluator(item.file)
        return self._body_values(ev, item.block.body, local, top=True)

    def _body_values(self, ev: Evaluator, body: ast.Body, local: dict[str, Any], top: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, attr in body.attributes.items():
            if top and name in META_ARGUMENTS:
                continue
            try:
                out[name] = ev.value(attr.expr, local)
            except EvalError as err:
                self.loader.diag(err.message, err.location)
                out[name] = Unknown(f"{name} could not be evaluated: {err.message}")
        for block in body.blocks:
            if block.type in IGNORED_BLOCKS:
                continue
            if block.type == "dynamic" and block.labels:
                dynamic = self._dynamic(ev, block, local)
                if isinstance(dynamic, Unknown):
                    out[block.labels[0]] = dynamic  # how many blocks is known only after apply
                    continue
                for name, content in dynamic:
                    existing = out.setdefault(name, [])
                    if isinstance(existing, list):
                        existing.append(content)
                continue
            existing = out.setdefault(block.type, [])
            if isinstance(existing, list):  # else a dynamic block of this type has an unknown count
                existing.append(self._body_values(ev, block.body, local, top=False))
        return out

    def _dynamic(self, ev: Evaluator, block: ast.Block, local: dict[str, Any]
                 ) -> list[tuple[str, dict[str, Any]]] | Unknown:
        name = block.labels[0]
        body = block.body
        iterator = name
        if "iterator" in body.attributes:
            expr = body.attributes["iterator"].expr
            iterator = expr.name if isinstance(expr, ast.Variable) else name
        content = next((b for b in body.blocks if b.type == "content"), None)
        loc = Location(ev.path, block.pos.line, block.pos.column)
        if content is None or "for_each" not in body.attributes:
            self.loader.diag(f'dynamic "{name}" needs for_each and a content block', loc)
            return []
        try:
            coll = ev.value(body.attributes["for_each"].expr, local)
        except EvalError as err:
            self.loader.diag(err.message, err.location)
            return []
        if isinstance(coll, Unknown):
            if name == "tag":  # an Auto Scaling group's tags: no bearing on its price, but not "none"
                return Unknown(f'dynamic "tag": for_each is known only after apply ({coll.reason})')
            reason = f'dynamic "{name}": for_each is known only after apply ({coll.reason})'
            self.loader.diag(f"{reason}; the resource is not priced", loc, "warning")
            return UnknownCount(reason)
        if isinstance(coll, dict):
            pairs = [(k, coll[k]) for k in sorted(coll)]
        elif isinstance(coll, TfSet):  # a set iterates with key == value, as in for_each
            pairs = [(v, v) for v in coll]
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            self.loader.diag(f'dynamic "{name}": for_each must be a collection', loc)
            return []
        out = []
        for k, v in pairs:
            inner = {**local, iterator: {"key": k, "value": v}}
            out.append((name, self._body_values(ev, content.body, inner, top=False)))
        return out

    # ---- output: Resource objects ------------------------------------------------------------------------
    def emit(self) -> list[Resource]:
        for name in self.src.variables:
            self.var(name, None, "")  # a missing required variable warns even when unused
        for item in self.src.resources:
            mode = "data" if item.block.type == "data" else "managed"
            key = ("data." if mode == "data" else "") + ".".join(item.block.labels)
            if self._resource_blocks.get(key) is not item:
                self.loader.diag(f'duplicate {"data source" if mode == "data" else "resource"} "{key}"',
                                 Location(item.file, item.block.pos.line))
                continue
            expanded = self._expand_resource(key)
            if expanded is None:
                continue
            _kind, instances = expanded
            for _idx, address, attrs, index in instances:
                self.loader.project.resources.append(self._resource(item, mode, address, attrs, index))
        for name, (_attr, lfile) in self.src.locals.items():
            try:
                self.local(name, None, lfile)  # errors in unused locals are still reported
            except EvalError as err:
                self.loader.diag(err.message, err.location)
        for name in self.src.outputs:
            self.output(name, None)
        for item in self.src.modules:
            value = self._module_instances(item.block.labels[0])
            if isinstance(value, _ModuleInstance):
                value.emit()
            elif isinstance(value, list):
                for v in value:
                    v.emit()
            elif isinstance(value, dict):
                for v in value.values():
                    v.emit()
        return self.resources_out

    def _resource(self, item: _Item, mode: str, address: str, attrs: dict[str, Any], index: Any) -> Resource:
        rtype, rname = item.block.labels
        provider_ref = item.block.body.attributes.get("provider")
        provider_name = _traversal_text(provider_ref.expr) if provider_ref else None
        # Terraform's implied provider is the type's prefix: awscc_*, random_*, helm_* are not
        # the aws provider's, so they get no aws default_tags (their region is the aws one's).
        local_name = provider_name.split(".")[0] if provider_name else rtype.split("_")[0]
        is_aws = local_name == "aws"
        provider = self.providers.get(provider_name or "aws") if is_aws else self.providers["aws"]
        if provider is None:
            self.loader.diag(f'provider "{provider_name}" is not configured',
                             Location(item.file, provider_ref.pos.line, provider_ref.pos.column))
            provider = self.providers["aws"]
        region = provider.region if provider.region is not None else self.loader.options.default_region
        own_region = attrs.get("region") if is_aws else None
        region_attr = item.block.body.attributes.get("region")
        if own_region is not None and region_attr is not None:
            own_region = self._region_value(own_region, region_attr, item.file)
        if (isinstance(own_region, str) and own_region) or isinstance(own_region, Unknown):
            region = own_region  # AWS provider v6: a resource's own `region` argument overrides its provider's
        # the AWS provider gives an Auto Scaling group no default_tags: its `tag` blocks are its tags
        is_asg = rtype == "aws_autoscaling_group"
        tags: dict[str, Tag] = dict(provider.default_tag_objects()) if is_aws and not is_asg else {}
        if is_asg:
            first = next((b for b in item.block.body.blocks if b.type in ("tag", "dynamic")), item.block)
            tags = tag_blocks(attrs.get("tag"), Location(item.file, first.pos.line), _tag_value)
        own = attrs.get("tags")
        tags_attr = item.block.body.attributes.get("tags")
        if isinstance(own, list) and all(
                isinstance(t, dict) and set(t) == {"key", "value"} and isinstance(t["key"], str) for t in own):
            own = {t["key"]: t["value"] for t in own}  # awscc style: [{key, value}]
        if isinstance(own, dict):
            where = Location(item.file, tags_attr.pos.line) if tags_attr else None
            key_lines = _literal_key_lines(tags_attr.expr) if tags_attr else {}
            for k, v in own.items():
                if v is None:  # the AWS provider drops a null tag: a default_tags value of that key stays
                    continue
                line = key_lines.get(k)
                tags[k] = Tag(_tag_value(v), "resource", Location(item.file, line) if line else where, None)
        taggable = True if mode == "managed" and (tags_attr is not None or rtype in TAGGABLE_TYPES) else None
        if taggable is None and (local_name not in AWS_PROVIDERS or rtype in UNTAGGABLE_TYPES):
            taggable = False  # random_id, null_resource, a route, a policy attachment: no tag can be set on them
            tags = {}  # nor do default_tags reach them (a plan shows none)
        return Resource(
            address=address, type=rtype, name=rname, attributes=attrs, region=region, tags=tags,
            location=Location(item.file, item.block.pos.line), origin=SOURCE_TERRAFORM_HCL, mode=mode,
            module=self.module_path, index=index if self.quantity is None else self.quantity,
            provider=provider.address,
            defaults=LazyDefaults(functools.partial(self._argument_defaults, item), self._argument_names(item)),
            taggable=taggable,
            tags_unknown=provider.tags_unknown if is_aws and not is_asg else None,
        )

    def _argument_names(self, item: _Item) -> tuple[str, ...]:
        body = item.block.body
        names = [name for name in body.attributes if name not in META_ARGUMENTS]
        names.extend(_argument_name(block) for block in body.blocks if block.type not in IGNORED_BLOCKS)
        return tuple(dict.fromkeys(names))

    def _argument_defaults(self, item: _Item, name: str) -> tuple[DefaultRef, ...]:
        """The variable defaults one argument (attribute or nested blocks) depends on; once per block."""
        key = (id(item), name)
        memo = self._defaults_memo.get(key)
        if memo is not None:
            return memo
        body = item.block.body
        refs: tuple[DefaultRef, ...] = ()
        attr = body.attributes.get(name)
        if attr is not None and name not in META_ARGUMENTS:
            refs = self.expr_defaults(attr.expr)
        for block in body.blocks:
            if block.type in IGNORED_BLOCKS or _argument_name(block) != name:
                continue
            block_refs = _dedupe(r for expr in _block_exprs(block.body) for r in self.expr_defaults(expr))
            if block_refs:
                refs = _dedupe(refs + block_refs)
        self._defaults_memo[key] = refs
        return refs


class _InstanceScope:
    def __init__(self, instance: _ModuleInstance, file: str) -> None:
        self.instance = instance
        self.file = file

    def root(self, name: str, pos: ast.Pos) -> Any:
        return self.instance.root(name, pos, self.file)


class _ModuleOutputs(Lookup):
    def __init__(self, instance: _ModuleInstance) -> None:
        self.instance = instance

    def get_attr(self, name: str, pos: ast.Pos) -> Any:
        return self.instance.output(name, pos)

    def materialize(self) -> Any:
        return {n: self.instance.output(n, None) for n in sorted(self.instance.src.outputs)}


class _FileContext:
    """file()/templatefile() for one module instance, confined to the project or module tree."""

    def __init__(self, instance: _ModuleInstance) -> None:
        self.instance = instance

    def warn(self, message: str, location: Location) -> None:
        """A warning from an expression (e.g. a provider function); diag() keeps one per location."""
        self.instance.loader.diag(message, location, "warning")

    def working_dir(self) -> str:
        return str(self.instance.loader.root)  # path.cwd: where terraform runs

    def _resolve(self, path: str) -> Path:
        root = self.instance.loader.root
        target = (root / path).resolve() if not os.path.isabs(path) else Path(path).resolve()
        allowed = (root, self.instance.src.dir)
        if not any(target == a or a in target.parents for a in allowed):
            raise FunctionError(f'path "{path}" is outside the module directory tree')
        return target

    def read_file(self, path: str) -> str:
        target = self._resolve(path)
        try:
            if target.stat().st_size > MAX_FILE_BYTES:
                raise FunctionError(f'"{path}" is over the {MAX_FILE_BYTES // 1048576} MB limit')
            return target.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FunctionError(f'no file exists at "{path}"') from None
        except (OSError, UnicodeDecodeError) as err:
            raise FunctionError(f'cannot read "{path}": {err}') from None

    def file_exists(self, path: str) -> bool:
        return self._resolve(path).is_file()

    def read_bytes(self, path: str) -> bytes:
        target = self._resolve(path)
        try:
            if target.stat().st_size > MAX_FILE_BYTES:
                raise FunctionError(f'"{path}" is over the {MAX_FILE_BYTES // 1048576} MB limit')
            return target.read_bytes()
        except FileNotFoundError:
            raise FunctionError(f'no file exists at "{path}"') from None
        except OSError as err:
            raise FunctionError(f'cannot read "{path}": {err}') from None

    def file_digest(self, path: str, algorithm: str) -> bytes:
        """``filesha256()`` and its kin on a file of any size (a Lambda package is often 10-50 MB), read
        in 1 MB chunks, where ``file()`` keeps its limit on text it must hold (QA20a)."""
        import hashlib  # here: it loads OpenSSL (~7 ms), which few configurations need

        target = self._resolve(path)
        h = hashlib.new(algorithm)
        try:
            with target.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except FileNotFoundError:
            raise FunctionError(f'no file exists at "{path}"') from None
        except OSError as err:
            raise FunctionError(f'cannot read "{path}": {err}') from None
        return h.digest()

    def fileset(self, path: str, pattern: str) -> list[str]:
        """Files (not directories) under ``path`` whose relative path matches the glob, as
        Terraform's fileset: ``*`` stays in one directory, ``**`` crosses them."""
        base = self._resolve(path)
        try:
            rx = _glob_regex(pattern)
        except re.error as err:
            raise FunctionError(f'invalid pattern "{pattern}": {err}') from None
        found: list[str] = []
        if not base.is_dir():
            return found
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d != ".terraform"]
            rel_dir = os.path.relpath(dirpath, base)
            for name in filenames:
                rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
                if rx.fullmatch(rel):
                    found.append(rel)
                    if len(found) > MAX_FILESET:
                        raise FunctionError(f"more than {MAX_FILESET} files match \"{pattern}\"")
        return found

    def render_template(self, text: str, variables: dict[str, Any], path: str) -> Any:
        # templatestring() passes no path: errors then point at the calling file.
        shown = self.instance.loader.display(self._resolve(path)) if path else "<templatestring>"
        try:
            node = assemble_template(scan_template(text, shown, 1), ast.Pos(1, 1), shown)
        except InputError as err:
            raise FunctionError(f"{err}") from None
        ev = Evaluator(_TemplateScope(variables, shown), shown, self)
        if isinstance(node, ast.Literal):
            return node.value
        return ev.render(node.parts, dict(variables))


class _TemplateScope:
    def __init__(self, variables: dict[str, Any], file: str) -> None:
        self.variables = variables
        self.file = file

    def root(self, name: str, pos: ast.Pos) -> Any:
        raise EvalError(f'templatefile: variable "{name}" was not passed to the template',
                        Location(self.file, pos.line, pos.column))


def _for_each_problem(value: Any) -> str | None:
    """Why a for_each value is not a set of strings (Terraform's wording), or None if it is one.
    A list or tuple is refused as Terraform refuses it: the fix is ``toset()``."""
    if isinstance(value, TfSet):
        if any(v is None for v in value):
            return '"for_each" sets must not contain null values'
        kinds = {type_name(v) for v in value if not isinstance(v, Unknown)}
        if kinds - {"string"}:
            return (f'"for_each" supports maps and sets of strings, but you have provided a set containing '
                    f"type {sorted(kinds - {'string'})[0]}")
        return None
    if isinstance(value, list):
        return ('the "for_each" argument must be a map, or set of strings, and you have provided a value '
                "of type tuple (a list); convert it with toset()")
    return (f'the "for_each" argument must be a map, or set of strings, and you have provided a value of '
            f"type {type_name(value)}")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A doublestar glob (as Terraform's fileset uses) as a regex over '/'-separated paths."""
    out: list[str] = []
    i = 0
    depth = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                raise re.error("unterminated [")
            body = pattern[i + 1:j]
            if body.startswith(("!", "^")):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        raise re.error("unterminated {")
    return re.compile("".join(out))


def _traversal_text(node: Any) -> str | None:
    if isinstance(node, ast.Variable):
        return node.name
    if isinstance(node, ast.GetAttr):
        inner = _traversal_text(node.obj)
        return f"{inner}.{node.name}" if inner else None
    if isinstance(node, ast.Literal) and isinstance(node.value, str):
        return node.value
    return None


def _argument_name(block: ast.Block) -> str:
    """The argument a nested block sets: its type, or a ``dynamic`` block's label."""
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _block_exprs(body: ast.Body) -> list[Any]:
    out = [a.expr for a in body.attributes.values()]
    for b in body.blocks:
        out.extend(_block_exprs(b.body))
    return out


def _literal_key_lines(expr: Any) -> dict[str, int]:
    """The line of each literal key of an object written in place (``tags = { env = "prod" }``), so
    a finding about one tag points at that tag; keys computed elsewhere keep the ``tags`` line."""
    if not isinstance(expr, ast.ObjectExpr):
        return {}
    return {key.value: key.pos.line for key, _ in expr.items
            if isinstance(key, ast.Literal) and isinstance(key.value, str)}


def _references(expr: Any) -> list[tuple[str, str, str | None]]:
    """(kind, name, attribute) for var.x, local.y and module.m.out references in an expression."""
    found: list[tuple[str, str, str | None]] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.GetAttr):
            chain = []
            cur: Any = node
            while isinstance(cur, (ast.GetAttr, ast.Index)):
                chain.append(cur)
                cur = cur.obj
            if isinstance(cur, ast.Variable) and cur.name in ("var", "local", "module"):
                names = [c.name for c in reversed(chain) if isinstance(c, ast.GetAttr)]
                if names:
                    attr = names[1] if cur.name == "module" and len(names) > 1 else None
                    found.append((cur.name, names[0], attr))
            for c in chain:
                if isinstance(c, ast.Index):
                    stack.append(c.key)
            stack.append(cur)
            continue
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        cls = type(node)
        if cls is ast.Literal:
            continue  # a leaf (its value is a scalar)
        fields = _FIELDS.get(cls)
        if fields is None:
            fields = _FIELDS[cls] = tuple(f for f in getattr(cls, "__dataclass_fields__", ()) if f != "pos")
        for fname in fields:
            value = getattr(node, fname)
            if isinstance(value, (list, tuple)) or hasattr(value, "__dataclass_fields__"):
                stack.append(value)
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}  # syntax node class -> fields that may hold sub-expressions


def _dedupe(refs: Any) -> tuple[DefaultRef, ...]:
    """Unique DefaultRefs in first-seen order (values may be lists, so not hashable)."""
    seen: set[tuple[str, str]] = set()
    out: list[DefaultRef] = []
    for ref in refs:
        key = (ref.name, str(ref.location))
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return tuple(out)


def _tag_value(value: Any) -> Any:
    """Tags are map(string) in the AWS provider: numbers and bools arrive as their text."""
    if isinstance(value, (bool, int, float)):
        return to_string(value)
    return value


def _parse_json_file(path: Path, shown: str) -> ast.File:
    from estimator.hcl.frontend import check_text
    from estimator.hcl.json_config import parse_json_text

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", Location(shown, 1)) from err
    return parse_json_text(shown, check_text(shown, data))


def _alias(block: ast.Block) -> str | None:
    attr = block.body.attributes.get("alias")
    return attr.expr.value if attr is not None and isinstance(attr.expr, ast.Literal) else None
