"""policies/pulumi/requirements.txt: covers what the pack imports, and never names costrail itself."""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys

from tests.conftest import REPO

REQUIREMENTS = REPO / "policies" / "pulumi" / "requirements.txt"
OWN = {"policies", "estimator"}  # from the checkout (__main__.py puts it on sys.path)


def _names(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(re.split(r"[<>=!~;\[ @]", line, maxsplit=1)[0])
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(names: list[str]) -> set[str]:
    """The requirement distributions and everything they depend on (as installed here)."""
    seen: set[str] = set()
    todo = [_norm(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        todo.extend(_norm(_names([r.split(";")[0]])[0]) for r in requires if "extra ==" not in r)
    return seen


def test_costrail_is_not_a_requirement() -> None:
    names = {_norm(n) for n in _names(REQUIREMENTS.read_text().splitlines())}
    assert "costrail" not in names
    assert {"pulumi-policy", "pyyaml"} <= names


def test_requirements_cover_every_module_the_pack_imports() -> None:
    code = ("import sys; before = set(sys.modules); import policies.pulumi.policies; "
            "print('\\n'.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    imported = {m for m in proc.stdout.split() if m not in sys.stdlib_module_names and not m.startswith("_")}
    dists = md.packages_distributions()
    covered = _closure(_names(REQUIREMENTS.read_text().splitlines()))
    missing = {m: dists[m] for m in imported - OWN
               if m in dists and not any(_norm(d) in covered for d in dists[m])}
    assert not missing
