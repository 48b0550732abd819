"""Pulumi resources as CrossGuard gives them (type token, camelCase props, provider) → our resource model.

The props are mapped by ``estimator.pulumi_types`` (the same tables the Pulumi loaders use:
renames, block shapes, ``overrides`` → ``override``) and tagged as the loaders tag them (an
Auto Scaling group carries only its ``tag`` blocks: the provider gives ASGs no default tags),
so a rule sees a resource here exactly as ``costrail check`` sees it from the program.

Unknown preview values (pulumi_policy raises ``UnknownValueError`` on access, or leaves its
sentinel strings) become ``Unknown``: a rule that meets one says nothing rather than guess.
Links between resources come from the policy API's ``property_dependencies`` (the engine's
record of which resources fed which property), as ``Unknown(ref=...)`` values: ids of new
resources are unknown in a preview, and a resource's props never carry its own id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from estimator.model import SOURCE_PULUMI_PREVIEW, Resource, Tag, Unknown, tag_blocks
from estimator.pulumi_types import snake, snake_props
from estimator.pulumi_types import terraform_type as terraform_type  # re-exported for the pack's callers

_SENTINELS = {
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}
PREVIEW_UNKNOWN = "known after apply (Pulumi preview)"
# Key suffixes of a value that names another resource (an id, ARN or name) and may be re-linked.
_LINK_SUFFIXES = ("_id", "_arn", "_name")


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    try:
        return mapping[key]
    except Exception as err:  # pulumi_policy's UnknownValueError on unknown preview values
        if type(err).__name__ == "UnknownValueError":
            return Unknown(PREVIEW_UNKNOWN)
        raise


def plain(value: Any) -> Any:
    """Props as plain dicts/lists (keys as written), unknowns as ``Unknown``."""
    if isinstance(value, str) and value in _SENTINELS:
        return Unknown(PREVIEW_UNKNOWN)
    if isinstance(value, Mapping):
        return {key: plain(_get(value, key)) for key in list(value.keys())}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def provider_defaults(provider_props: Mapping[str, Any] | None) -> tuple[Any, dict[str, Any]]:
    """(region, default tags) of an AWS provider's props; ``defaultTags`` may be a JSON string."""
    props = plain(provider_props or {})
    region = props.get("region")
    raw = props.get("defaultTags")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    tags = dict(raw["tags"]) if isinstance(raw, dict) and isinstance(raw.get("tags"), dict) else {}
    if not isinstance(region, str) or not region:
        region = Unknown("region not known from the provider")
    return region, tags


def _tags(tf_type: str, attrs: dict[str, Any], default_tags: dict[str, Any]) -> dict[str, Tag]:
    """As the Pulumi loaders tag: ASG ``tag`` blocks only; else provider default tags under own tags."""
    if tf_type == "aws_autoscaling_group":
        return tag_blocks(attrs.get("tag"), None)
    tags = {k: Tag(v, "default_tags") for k, v in default_tags.items()}
    for source in ("tags_all", "tags"):  # tagsAll (outputs, after apply) already holds the defaults
        value = attrs.get(source)
        if isinstance(value, dict):
            tags.update({k: Tag(v, "resource") for k, v in value.items()})
    return tags


def to_resource(
    token: str, name: str, props: Mapping[str, Any], urn: str = "", provider_props: Mapping[str, Any] | None = None,
    address: str | None = None, links: Mapping[str, list[str]] | None = None,
) -> Resource:
    """One Pulumi resource as a ``Resource``; ``links`` (prop name → addresses of the resources the
    engine says fed it) turn the ids/names in that prop into references."""
    tf_type = terraform_type(token)
    raw = plain(props)
    if links:
        raw = {key: _link(value, key, links[key]) if links.get(key) else value for key, value in raw.items()}
    attributes = snake_props(raw, tf_type)
    region, default_tags = provider_defaults(provider_props)
    if not token.startswith("aws:"):
        region, default_tags = None, {}
    return Resource(
        address=address or name, type=tf_type, name=name, attributes=attributes, region=region,
        tags=_tags(tf_type, attributes, default_tags), origin=SOURCE_PULUMI_PREVIEW, source_type=token,
        # pulumi-aws gives every taggable resource `tags`/`tagsAll` props (unknown in preview at worst);
        # read before renames (an ASG's `tags` list becomes its `tag` blocks)
        taggable="tags" in raw or "tagsAll" in raw,
    )


def _link(value: Any, key: str, targets: list[str]) -> Any:
    """Values in a prop fed by other resources: each id-like leaf becomes ``Unknown(ref=target)``.

    With one target, every unknown or id-like leaf is that target. With several (``apiStages``
    fed by a REST API and its stage), a leaf is matched by its key: ``api_id`` → the target whose
    type ends in ``api`` (the address given with its type as ``address|tf_type``).
    """
    if isinstance(value, Mapping):
        return {k: _link(v, k, targets) for k, v in value.items()}
    if isinstance(value, list):
        return [_link(v, key, targets) for v in value]
    name = snake(key)
    linkish = name in ("id", "arn") or name.endswith(_LINK_SUFFIXES) or any(
        t.endswith("_" + name) for t in targets)  # `restApi` fed by an aws_api_gateway_rest_api
    if not (isinstance(value, Unknown) or (isinstance(value, str) and linkish)):
        return value
    chosen = _target_for(name, targets)
    if chosen is None:
        return value
    if isinstance(value, Unknown):
        return Unknown(value.reason, ref=chosen)
    return Unknown(f"{name} {value!r} of a resource the engine links", ref=chosen)


def _target_for(name: str, targets: list[str]) -> str | None:
    entries = [t.split("|", 1) for t in targets]
    if len(entries) == 1:
        return entries[0][0]
    stem = name
    for suffix in _LINK_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem in ("id", "arn", ""):
        return None
    matches = [address for address, tf_type in (e if len(e) == 2 else (e[0], "") for e in entries)
               if tf_type.endswith("_" + stem) or tf_type == stem]
    return matches[0] if len(set(matches)) == 1 else None


def stack_resources(resources: Sequence[Any]) -> tuple[list[Resource], dict[str, str]]:
    """CrossGuard ``PolicyResource`` objects as resources, addressed as the Pulumi loaders address
    them (``parent/child`` names; ``:type`` added where two share a path), with links from
    ``property_dependencies``. Returns the resources and address → URN."""
    managed = [r for r in resources if not str(r.resource_type).startswith("pulumi:")]
    by_urn = {r.urn: r for r in resources}

    def path_of(res: Any) -> str:
        names = []
        current = res
        seen: set[str] = set()
        while current is not None and current.urn not in seen and not current.resource_type.startswith("pulumi:"):
            seen.add(current.urn)
            names.append(current.name)
            parent = getattr(current, "parent", None)
            current = by_urn.get(parent.urn, parent) if parent is not None else None
        return "/".join(reversed(names))

    paths = {r.urn: path_of(r) for r in managed}
    counts: dict[str, int] = {}
    for path in paths.values():
        counts[path] = counts.get(path, 0) + 1
    address = {urn: (f"{p}:{terraform_type(by_urn[urn].resource_type)}" if counts[p] > 1 else p)
               for urn, p in paths.items()}
    out = []
    for res in managed:
        links: dict[str, list[str]] = {}
        for prop, deps in (getattr(res, "property_dependencies", None) or {}).items():
            targets = [f"{address[d.urn]}|{terraform_type(d.resource_type)}" for d in deps or () if d.urn in address]
            if targets:
                links[prop] = targets
        provider_props = res.provider.props if getattr(res, "provider", None) is not None else None
        out.append(to_resource(res.resource_type, res.name, res.props, res.urn, provider_props,
                               address=address[res.urn], links=links))
    return out, {a: urn for urn, a in address.items()}
