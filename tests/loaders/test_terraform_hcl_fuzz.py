"""Mutated fixtures never crash the loader: every problem is a diagnostic or an InputError.

Deterministic (fixed seed) so a failure reproduces; a crash found this way once (defaults
tracking through an undeclared module) is kept as a named test in test_terraform_hcl.py.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import load
from tests.conftest import FIXTURES

PIECES = list('{}[]()"$%~=.,:?!<>#/\\*\n ') + [
    "${", "%{", "<<EOT\n", "var.", "local.", "each.", "count.index", "...", "for x in", "=>", "module.", "[*]",
]
TARGETS = [("modules_nested", "modules/outer/main.tf"), ("basic", "main.tf"), ("tf_json", "main.tf.json")]


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randrange(1, 5)):
        pos = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.4:
            chars.insert(pos, rng.choice(PIECES))
        elif roll < 0.8:
            del chars[pos]
        else:
            chars[pos] = rng.choice(PIECES)
    return "".join(chars)


@pytest.mark.parametrize(("fixture", "name"), TARGETS)
def test_mutations_never_crash(tmp_path: Path, fixture: str, name: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "hcl" / fixture, root)
    original = (root / name).read_text()
    rng = random.Random(f"{fixture}/{name}")
    for _ in range(15):
        (root / name).write_text(mutate(original, rng))
        try:
            project = load(str(root), LoadOptions(environ={}))
        except InputError:
            continue
        assert all(str(d) for d in project.diagnostics)
