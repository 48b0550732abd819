"""Reading a `.costrail.yml` (the YAML side of ``estimator.config``): strict, with key and line.

Kept apart from the config model so that a run with no config file never imports PyYAML
(~17 ms of start-up). Lines come from ``yaml.compose`` node marks.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from estimator.config import (
    ENFORCEMENTS,
    RULE_ID,
    TAG_SCOPES,
    Config,
    ProjectConfig,
    Suppression,
)
from estimator.errors import ConfigError
from estimator.model import Location
from estimator.yaml_guard import compose, duplicate_key

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def parse_config_text(text: str, filename: str = ".costrail.yml") -> Config:
    """Parse and validate; every error names the key and line."""
    try:  # too deep or expanding without bound is an error with a line; duplicates: _Parser.mapping
        root = compose(text, filename, duplicates=False)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        loc = Location(filename, mark.line + 1) if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(f"invalid YAML: {problem}", loc) from err
    return _Parser(filename).config(root)


# ---------------------------------------------------------------- validation


class _Parser:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.filename, node.start_mark.line + 1)

    def error(self, key: str, node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(f"{key}: {message}", self.loc(node))

    # -- node helpers
    def mapping(self, key: str, node: yaml.Node) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            if not key:  # the document itself: there is no key to name
                raise ConfigError(f"the config must be a mapping (key: value), found {_kind(node)}", self.loc(node))
            raise self.error(key, node, "expected a mapping")
        items = []
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise self.error(key, knode, "keys must be plain strings")
            items.append((str(knode.value), knode, vnode))
        dup = duplicate_key(node)
        if dup is not None:
            was, again = dup
            name = str(again.value)
            raise self.error(f"{key}.{name}" if key else name, again,
                             f"duplicate key (first set on line {was.start_mark.line + 1})")
        return items

    def string(self, key: str, node: yaml.Node, *, allow_null: bool = False) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL and allow_null:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT, _BOOL, _TIMESTAMP):
            # A wrong type is an error, never read as text (DESIGN): `5` as the regex "5" or the tag
            # name "7" would silently judge every resource; quoting it says text is meant.
            raise self.error(key, node, f'expected a string, got {node.value} (write "{node.value}" if text is meant)')
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            raise self.error(key, node, "expected a string")
        return str(node.value)

    def string_list(self, key: str, node: yaml.Node) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(key, node, "expected a list of strings")
        return [self.string(f"{key}[{i}]", item) or "" for i, item in enumerate(node.value)]

    def integer(self, key: str, node: yaml.Node, *, minimum: int = 0) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            raise self.error(key, node, "expected an integer")
        value = int(str(node.value).replace("_", ""), 0)
        if value < minimum:
            raise self.error(key, node, f"must be at least {minimum}")
        return value

    def number(self, key: str, node: yaml.Node, *, allow_null: bool = False) -> Decimal | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL and allow_null:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT, _FLOAT):
            raise self.error(key, node, "expected a number")
        try:
            value = Decimal(str(node.value).replace("_", ""))
        except InvalidOperation as err:
            raise self.error(key, node, "expected a number") from err
        if not value.is_finite() or value < 0:
            raise self.error(key, node, "must be a non-negative number")
        return value

    def date(self, key: str, node: yaml.Node) -> dt.date | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (_TIMESTAMP, _STR):
            text = str(node.value).strip()
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
            try:  # a YAML timestamp (2027-03-31T12:00:00Z): its day; never a date with junk after it
                return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")).date()
            except ValueError:
                pass
        raise self.error(key, node, "expected a date YYYY-MM-DD")

    # -- sections
    def config(self, root: yaml.Node | None) -> Config:
        cfg = Config()
        if root is None:
            return cfg
        handlers = {
            "version": self._version,
            "region": self._region,
            "environment_tag": self._environment_tag,
            "required_tags": self._required_tags,
            "allowed_tag_values": self._allowed_tag_values,
            "ai_tags": self._ai_tags,
            "gpu": self._gpu,
            "budgets": self._budgets,
            "policies": self._policies,
            "packs": self._packs,
            "suppressions": self._suppressions,
            "projects": self._projects,
        }
        for name, knode, vnode in self.mapping("", root):
            handler = handlers.get(name)
            if handler is None:
                raise self.error(name, knode, f"unknown key (expected one of {', '.join(handlers)})")
            handler(cfg, vnode)
        return cfg

    def _version(self, cfg: Config, node: yaml.Node) -> None:
        cfg.version = self.integer("version", node)
        if cfg.version != 1:
            raise self.error("version", node, "only version 1 is supported")

    def _region(self, cfg: Config, node: yaml.Node) -> None:
        cfg.region = self.string("region", node, allow_null=True)

    def _environment_tag(self, cfg: Config, node: yaml.Node) -> None:
        tag = self.string("environment_tag", node)
        if tag is not None and not tag.strip():
            raise self.error("environment_tag", node, "must name a tag (empty)")
        cfg.environment_tag = tag or "env"

    def _required_tags(self, cfg: Config, node: yaml.Node) -> None:
        if isinstance(node, yaml.SequenceNode):
            cfg.required_tags = self.string_list("required_tags", node)
            return
        for name, knode, vnode in self.mapping("required_tags", node):
            key = f"required_tags.{name}"
            if name == "tags":
                cfg.required_tags = self.string_list(key, vnode)
            elif name == "scope":
                scope = self.string(key, vnode)
                if scope not in TAG_SCOPES:
                    raise self.error(key, vnode, f"expected one of {', '.join(TAG_SCOPES)}")
                cfg.required_tags_scope = scope
            else:
                raise self.error(key, knode, "unknown key (expected tags or scope)")

    def _allowed_tag_values(self, cfg: Config, node: yaml.Node) -> None:
        for name, _knode, vnode in self.mapping("allowed_tag_values", node):
            key = f"allowed_tag_values.{name}"
            if isinstance(vnode, yaml.SequenceNode):
                cfg.allowed_tag_values[name] = self.string_list(key, vnode)
            else:
                if not isinstance(vnode, yaml.ScalarNode) or vnode.tag != _STR:
                    raise self.error(key, vnode, "expected a list of strings or a regex string")
                pattern = self.string(key, vnode) or ""
                try:
                    re.compile(pattern)
                except re.error as err:
                    raise self.error(key, vnode, f"invalid regular expression: {err}") from err
                cfg.allowed_tag_values[name] = pattern

    def _ai_tags(self, cfg: Config, node: yaml.Node) -> None:
        cfg.ai_tags = self.string_list("ai_tags", node)

    def _gpu(self, cfg: Config, node: yaml.Node) -> None:
        for name, knode, vnode in self.mapping("gpu", node):
            key = f"gpu.{name}"
            if name == "default_max_gpus":
                cfg.gpu.default_max_gpus = self.integer(key, vnode)
            elif name == "max_gpus":
                values = {env: self.integer(f"{key}.{env}", v) for env, _k, v in self.mapping(key, vnode)}
                cfg.gpu.max_gpus = {"default": 8, **values}
            elif name == "max_hourly_usd":
                cfg.gpu.max_hourly_usd = {
                    env: self.number(f"{key}.{env}", v) or Decimal(0) for env, _k, v in self.mapping(key, vnode)
                }
            else:
                raise self.error(key, knode, "unknown key (expected default_max_gpus, max_gpus or max_hourly_usd)")

    def _budgets(self, cfg: Config, node: yaml.Node) -> None:
        names = ("max_exposure_usd", "monthly_increase_usd", "monthly_increase_percent")
        for name, knode, vnode in self.mapping("budgets", node):
            key = f"budgets.{name}"
            if name not in names:
                raise self.error(key, knode, f"unknown key (expected one of {', '.join(names)})")
            setattr(cfg.budgets, name, self.number(key, vnode, allow_null=True))

    def _policies(self, cfg: Config, node: yaml.Node) -> None:
        for name, knode, vnode in self.mapping("policies", node):
            key = f"policies.{name}"
            if not RULE_ID.match(name):
                raise self.error(key, knode, "not a rule id (CR-XXX-NNN)")
            known = _known_rule_ids()
            if known and name not in known:
                raise self.error(key, knode, "unknown rule id")
            value = self.string(key, vnode)
            if value not in ENFORCEMENTS:
                raise self.error(key, vnode, f"expected one of {', '.join(ENFORCEMENTS)}")
            cfg.policies[name] = value

    def _packs(self, cfg: Config, node: yaml.Node) -> None:
        cfg.packs = self.string_list("packs", node)
        known = _known_packs()
        for i, (name, item) in enumerate(zip(cfg.packs, node.value, strict=True)):
            if known and name not in known:
                raise self.error(f"packs[{i}]", item, f"unknown pack {name!r} (known: {', '.join(sorted(known))})")

    def _suppressions(self, cfg: Config, node: yaml.Node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error("suppressions", node, "expected a list")
        for i, item in enumerate(node.value):
            key = f"suppressions[{i}]"
            fields: dict[str, Any] = {}
            for name, knode, vnode in self.mapping(key, item):
                sub = f"{key}.{name}"
                if name in ("rule", "address", "reason"):
                    fields[name] = self.string(sub, vnode)
                elif name == "expires":
                    fields[name] = self.date(sub, vnode)
                else:
                    raise self.error(sub, knode, "unknown key (expected rule, address, reason, expires)")
            if not fields.get("rule"):
                raise self.error(f"{key}.rule", item, "required")
            rule = fields["rule"]
            if rule != "*" and not RULE_ID.match(rule):
                raise self.error(f"{key}.rule", item, f"not a rule id: {rule}")
            known = _known_rule_ids()
            if rule != "*" and known and rule not in known:  # it would suppress nothing, silently
                raise self.error(f"{key}.rule", item, f"unknown rule id: {rule}")
            if not fields.get("reason"):
                raise self.error(f"{key}.reason", item, "required: say why it is suppressed")
            cfg.suppressions.append(Suppression(location=self.loc(item), address=fields.get("address") or "*", **{
                k: v for k, v in fields.items() if k != "address"
            }))

    def _projects(self, cfg: Config, node: yaml.Node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error("projects", node, "expected a list")
        for i, item in enumerate(node.value):
            key = f"projects[{i}]"
            project = ProjectConfig(path="", location=self.loc(item))
            for name, knode, vnode in self.mapping(key, item):
                sub = f"{key}.{name}"
                if name == "path":
                    project.path = self.string(sub, vnode) or ""
                elif name == "var_files":
                    project.var_files = self.string_list(sub, vnode)
                elif name == "usage_file":
                    project.usage_file = self.string(sub, vnode, allow_null=True)
                elif name == "stack":
                    project.stack = self.string(sub, vnode, allow_null=True)
                else:
                    raise self.error(sub, knode, "unknown key (expected path, var_files, usage_file, stack)")
            if not project.path:
                raise self.error(f"{key}.path", item, "required")
            cfg.projects.append(project)


def _kind(node: yaml.Node) -> str:
    """How a YAML node reads to a user: a list, a mapping or a value."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a mapping" if isinstance(node, yaml.MappingNode) else f"the value {str(node.value)!r}"


def _known_packs() -> frozenset[str]:
    """Names of the bundled packs; empty if the policies package cannot be imported."""
    try:
        from policies.pack import pack_names
    except ImportError:
        return frozenset()
    return frozenset(pack_names())


@functools.cache
def _known_rule_ids() -> frozenset[str]:
    """The rule ids of the registry (built once, not per policies: or suppressions: entry); empty if the
    policies package cannot be imported."""
    try:
        from policies.rules import RULES
    except ImportError:
        return frozenset()
    return frozenset(rule.ID for rule in RULES)
