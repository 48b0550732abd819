"""The `.costrail.yml` org config (DESIGN.md contract): parsed strictly, with key and line.

An unknown key or a wrong type is a ``ConfigError`` that names the key and its line, never
silently ignored: a typo in a budget must not turn a mandatory gate off. The YAML is read by
``estimator.config_file``. ``Config()`` with no arguments is the all-defaults config.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from estimator.errors import ConfigError
from estimator.model import Location

CONFIG_NAMES = (".costrail.yml", ".costrail.yaml")
ENFORCEMENTS = ("advisory", "mandatory", "disabled")
TAG_SCOPES = ("costed", "all")
RULE_ID = re.compile(r"^CR-[A-Z]{3}-\d{3}$")
_TYPE = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]+")  # a Terraform resource type


@dataclass
class GpuConfig:
    """CR-GPU-001 ceilings: one for defaults, one per environment for literal values."""

    default_max_gpus: int = 1
    max_gpus: dict[str, int] = field(default_factory=lambda: {"default": 8})
    max_hourly_usd: dict[str, Decimal] = field(default_factory=dict)

    def max_gpus_for(self, env: str) -> int | None:
        return self.max_gpus.get(env, self.max_gpus.get("default"))

    def max_hourly_for(self, env: str) -> Decimal | None:
        return self.max_hourly_usd.get(env, self.max_hourly_usd.get("default"))


@dataclass
class BudgetConfig:
    """Money thresholds; None means the check is off."""

    max_exposure_usd: Decimal | None = None
    monthly_increase_usd: Decimal | None = None
    monthly_increase_percent: Decimal | None = None


@dataclass
class Suppression:
    """A config suppression: rule + address (``*`` wildcards), reason and optional expiry."""

    rule: str
    address: str = "*"
    reason: str = ""
    expires: dt.date | None = None
    location: Location | None = None

    def matches(self, rule: str, address: str) -> bool:
        if not (self.rule == "*" or _glob(self.rule).fullmatch(rule)):
            return False
        pattern = _glob(self.address)
        if pattern.fullmatch(address):
            return True
        # A Pulumi name shared by several resources is qualified by type (``chat:aws_lambda_function``);
        # the plain name, as the program spells it, still names each of them.
        plain, sep, qualifier = address.rpartition(":")
        return bool(sep and plain and _TYPE.fullmatch(qualifier) and pattern.fullmatch(plain))

    def expired(self, today: dt.date | None = None) -> bool:
        return self.expires is not None and self.expires < (today or dt.date.today())


@functools.lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """``*`` and ``?`` as wildcards, everything else literal: an address as costrail prints it
    (``aws_instance.web[0]``, ``aws_instance.named["a"]``) names exactly that instance, and
    ``aws_instance.web[*]`` every instance (fnmatch read ``[0]`` as a character class: QA17b); the
    fnmatch escapes ``[[]`` and ``[]]`` written before still mean a literal bracket (QA20a)."""
    pattern = pattern.replace("[[]", "\0[").replace("[]]", "\0]")  # fnmatch's escapes, as written before
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\0":  # an escaped bracket: literal
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


@dataclass
class ProjectConfig:
    """One project root of a multi-project repo (like infracost.yml)."""

    path: str
    var_files: list[str] = field(default_factory=list)
    usage_file: str | None = None
    stack: str | None = None
    location: Location | None = None


@dataclass
class Config:
    source: str | None = None
    version: int = 1
    region: str | None = None
    environment_tag: str = "env"
    required_tags: list[str] = field(default_factory=lambda: ["cost-center", "team", "env"])
    required_tags_scope: str = "costed"
    allowed_tag_values: dict[str, list[str] | str] = field(default_factory=dict)
    ai_tags: list[str] = field(default_factory=lambda: ["model", "workload"])
    gpu: GpuConfig = field(default_factory=GpuConfig)
    budgets: BudgetConfig = field(default_factory=BudgetConfig)
    policies: dict[str, str] = field(default_factory=dict)
    packs: list[str] = field(default_factory=lambda: ["finops-ai"])
    suppressions: list[Suppression] = field(default_factory=list)
    projects: list[ProjectConfig] = field(default_factory=list)
    # the file whose ``projects:`` these are (their paths are relative to its folder): ``source``,
    # or the repository's own config when ``--config`` names a shared file without projects
    projects_source: str | None = None

    def enforcement(self, rule: str, default: str) -> str:
        return self.policies.get(rule, default)


# ---------------------------------------------------------------- discovery


def find_config(scan_paths: list[str]) -> Path | None:
    """The first `.costrail.yml` in a scanned path (or a file's folder), else in its git root (outside
    a git checkout: in the working directory, when the path is inside it)."""
    for raw in scan_paths or ["."]:
        path = Path(raw).resolve()
        folder = path if path.is_dir() else path.parent
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        root = _git_root(folder)
        if root is None and folder.is_relative_to(Path.cwd().resolve()):
            root = Path.cwd().resolve()
        if root is not None:
            for name in CONFIG_NAMES:
                if (root / name).is_file():
                    return root / name
    return None


def _git_root(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def load_config(explicit_path: str | None, scan_paths: list[str]) -> Config:
    """``--config F`` if given (must exist), else the discovered file, else all defaults.

    A ``--config`` file without ``projects:`` (an organisation's shared policy) takes the
    projects of the repository's own config, found as without ``--config``: the shared file
    sets policy, tags and budgets; the repository says where its projects are."""
    if explicit_path:
        path = Path(explicit_path)
        if not path.is_file():
            raise ConfigError(f"config file {explicit_path}: not found")
        config = parse_config_file(path)
        if not config.projects:
            found = find_config(scan_paths)
            if found is not None and found.resolve() != path.resolve():
                own = parse_config_file(found)
                config.projects, config.projects_source = own.projects, own.projects_source
        return config
    found = find_config(scan_paths)
    if found is not None and len(scan_paths) > 1:
        others = sorted({str(f) for p in scan_paths if (f := find_config([p])) is not None and f != found})
        if others:  # one config judges every PATH: say so, the verdict must not hinge on argument order
            print(f"warning: the PATHs have different config files; {found} applies to all of them "
                  f"(not {', '.join(others)}): run them separately or pass --config", file=sys.stderr)
    return parse_config_file(found) if found else Config()


def parse_config_file(path: Path) -> Config:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"cannot read config {path}: {err.strerror}") from err
    from estimator.yaml_guard import decode_utf8  # invalid UTF-8: an error naming the line, not a traceback

    config = parse_config_text(decode_utf8(data, str(path)), str(path))
    config.source = str(path)
    config.projects_source = str(path) if config.projects else None
    return config


def parse_config_text(text: str, filename: str = ".costrail.yml") -> Config:
    """Parse and validate; every error names the key and line (``config_file`` reads the YAML)."""
    from estimator.config_file import parse_config_text as parse

    return parse(text, filename)
