"""The normalized resource model every loader produces and every price and policy reads.

Kept free of third-party imports (checkov imports this module from its own venv).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SOURCE_TERRAFORM_HCL = "terraform-hcl"
SOURCE_TERRAFORM_PLAN = "terraform-plan"
SOURCE_PULUMI_PROGRAM = "pulumi-program"
SOURCE_PULUMI_PREVIEW = "pulumi-preview"


class Unknown:
    """A value known only after apply (or not resolvable offline); never guessed at.

    All unknowns compare equal to each other, so resource models stay comparable; the
    ``reason`` says why, for messages. ``ref`` is the address of the resource whose computed
    attribute this is (``aws_launch_template.gpu``), so pricing can link an ASG to its
    launch template or an endpoint to its configuration.
    """

    __slots__ = ("reason", "ref")

    def __init__(self, reason: str = "known after apply", ref: str | None = None) -> None:
        self.reason = reason
        self.ref = ref

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown)

    def __hash__(self) -> int:
        return hash(Unknown)

    def __bool__(self) -> bool:
        return False


UNKNOWN = Unknown()


class UnknownCount(Unknown):
    """How many there are is known only after apply: a resource's or module's ``count``/``for_each``
    (as ``Resource.index``) or a dynamic block's ``for_each`` (as that block's attribute value).

    Pricing reports such a resource ``unpriced`` with this reason (docs/contracts.md "Unknown
    quantities"): never a guessed count of 1, never dropped.
    """

    __slots__ = ()


_INDEX = re.compile(r"\[[^\[\]]*\]")


def stand_in_address(address: str) -> str:
    """The address with every instance index as ``[*]``: what a count or for_each known only after
    apply reads as (``aws_instance.x[*]``, ``module.m[*].aws_instance.y``), so ``x[0]`` of one side
    and the stand-in of the other are known to be the same resources."""
    return _INDEX.sub("[*]", address)


def unknown_quantity(resource: Resource) -> UnknownCount | None:
    """Why the number of instances (or of a priced nested block) of this resource is not known, if so."""
    if isinstance(resource.index, UnknownCount):
        return resource.index
    for value in resource.attributes.values():
        if isinstance(value, UnknownCount):
            return value
        if isinstance(value, list):
            for block in value:
                if isinstance(block, dict):
                    for inner in block.values():
                        if isinstance(inner, UnknownCount):
                            return inner
    return None


def is_unknown(value: object) -> bool:
    return isinstance(value, Unknown)


def contains_unknown(value: object) -> bool:
    """True when the value, or anything nested in it, is Unknown."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(contains_unknown(v) for v in value)
    return False


def unknown_tags(resource: Resource) -> Unknown | None:
    """The resource's own tag map (``tags``, or an Auto Scaling group's ``tag`` blocks) known only after
    apply, or its provider's default_tags not resolvable (``tags_unknown``): which keys it has is not
    known, so a required tag is unknown there, never "missing"."""
    if resource.tags_unknown is not None:
        return resource.tags_unknown
    for name in ("tags", "tag"):
        value = resource.attributes.get(name)
        if isinstance(value, Unknown):
            return value
    return None


@dataclass(frozen=True)
class Location:
    """Where something is written: path relative to the project root where possible."""

    file: str
    line: int
    column: int = 0

    def __str__(self) -> str:
        if not self.line:  # the file as a whole (not found, unreadable): no line to name, never ":0"
            return self.file
        if self.column:
            return f"{self.file}:{self.line}:{self.column}"
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True)
class Tag:
    """One effective tag and where its value came from.

    ``source`` is ``resource`` (the resource's own tags), ``default_tags`` (provider
    default_tags; ``provider`` names which, e.g. ``aws.west``), or ``propagated``.
    """

    value: Any
    source: str = "resource"
    location: Location | None = None
    provider: str | None = None


def tag_blocks(blocks: Any, location: Location | None,
               value: Callable[[Any], Any] = lambda v: v) -> dict[str, Tag]:
    """An Auto Scaling group's ``tag { key value propagate_at_launch }`` blocks as its tags: the
    AWS provider gives ASGs no ``default_tags``, so these are all the tags the group carries."""
    if not isinstance(blocks, list):
        return {}
    return {b["key"]: Tag(value(b.get("value")), "resource", location) for b in blocks
            if isinstance(b, dict) and isinstance(b.get("key"), str)}


@dataclass(frozen=True)
class DefaultRef:
    """A default that fed an attribute: a Terraform variable default or a Pulumi code default.

    ``value`` is the default itself (e.g. ``"p4d.24xlarge"``) and ``location`` where it is
    written (the ``variables.tf`` line, or the Pulumi program line), so a policy can flag an
    oversized default even where tfvars or stack config override it.
    """

    name: str
    value: Any
    location: Location | None = None
    kind: str = "terraform-variable"  # or "pulumi-config"


class LazyDefaults(Mapping[str, tuple[DefaultRef, ...]]):
    """``Resource.defaults`` worked out per argument on first read: policies ask about a few
    arguments (the instance types), and walking every argument of every block for them was a
    fifth of evaluation. Arguments that no default feeds are absent, as in the plain dict."""

    __slots__ = ("_compute", "_names", "_known")

    def __init__(self, compute: Callable[[str], tuple[DefaultRef, ...]], names: tuple[str, ...]) -> None:
        self._compute = compute
        self._names = names
        self._known: dict[str, tuple[DefaultRef, ...]] = {}

    def _refs(self, name: str) -> tuple[DefaultRef, ...]:
        refs = self._known.get(name)
        if refs is None:
            refs = self._known[name] = self._compute(name) if name in self._names else ()
        return refs

    def __getitem__(self, key: str) -> tuple[DefaultRef, ...]:
        refs = self._refs(key)
        if not refs:
            raise KeyError(key)
        return refs

    def __iter__(self) -> Iterator[str]:
        return iter([name for name in self._names if self._refs(name)])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[type, tuple[dict[str, tuple[DefaultRef, ...]]]]:
        return dict, (dict(self),)  # pickles (and copies) as the plain dict it stands for


@dataclass
class Resource:
    """One planned resource instance, whatever it was read from."""

    address: str
    type: str
    name: str
    attributes: dict[str, Any] = field(default_factory=dict)
    region: Any = None  # str, or Unknown
    tags: dict[str, Tag] = field(default_factory=dict)
    location: Location | None = None
    origin: str = SOURCE_TERRAFORM_HCL
    mode: str = "managed"  # or "data"
    module: str = ""  # "module.a.module.b", "" at the root
    index: Any = None  # count index (int) or for_each key (str)
    provider: str = "aws"  # provider config address, e.g. "aws" or "aws.west"
    defaults: Mapping[str, tuple[DefaultRef, ...]] = field(default_factory=dict)  # a dict or LazyDefaults
    actions: tuple[str, ...] = ()  # plan actions, e.g. ("create",); empty for HCL
    source_type: str | None = None  # the type as written at the source (a Pulumi token)
    parent: str | None = None  # Pulumi parent address
    taggable: bool | None = None  # None: not known (the source did not say)
    # why the effective tag keys are not known when the resource's own tags are (provider default_tags
    # the source cannot resolve, e.g. a plan's `local.tags`); read through unknown_tags()
    tags_unknown: Unknown | None = None

    @property
    def tag_values(self) -> dict[str, Any]:
        return {key: tag.value for key, tag in self.tags.items()}

    def get(self, path: str, default: Any = None) -> Any:
        """Read ``a.b[0].c`` style paths; list-of-one blocks may be read without ``[0]``."""
        return get_path(self.attributes, path, default)

    def defaults_for(self, attribute: str) -> tuple[DefaultRef, ...]:
        return self.defaults.get(attribute, ())

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"address": self.address, "type": self.type}
        data["region"] = None if self.region is None or is_unknown(self.region) else self.region
        data["tags"] = {k: jsonable(v.value) for k, v in sorted(self.tags.items())}
        data["location"] = self.location.to_json() if self.location else None
        return data


def jsonable(value: Any) -> Any:
    """Plain JSON form of an attribute value: Unknown becomes ``None``... never money."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def _split_path(path: str) -> Iterator[str | int]:
    for part in path.replace("]", "").split("."):
        if not part:
            continue
        head, *indexes = part.split("[")
        if head:
            yield head
        for index in indexes:
            yield int(index) if index.lstrip("-").isdigit() else index.strip("\"'")


def get_path(data: Any, path: str, default: Any = None) -> Any:
    current = data
    for step in _split_path(path):
        if isinstance(current, Unknown):
            return current
        if isinstance(step, str) and isinstance(current, list):
            # Terraform nested blocks are lists; `block.attr` reads the first block.
            if not current:
                return default
            current = current[0]
        if isinstance(step, int):
            if not isinstance(current, (list, tuple)) or not -len(current) <= step < len(current):
                return default
            current = current[step]
        elif isinstance(current, dict):
            if step not in current:
                return default
            current = current[step]
        else:
            return default
    return current


@dataclass(frozen=True)
class Diagnostic:
    """A warning or error about the input, with where it is."""

    message: str
    location: Location | None = None
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@dataclass
class Project:
    """What one loader read from one PATH."""

    path: str
    source: str
    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unresolved_modules: list[str] = field(default_factory=list)
    root: str = ""  # absolute directory of the project, for reading source lines

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]
