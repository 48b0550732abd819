"""The fast indented JSON writer returns exactly what ``json.dumps(indent=2, default=...)`` returns."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import pytest

from estimator.report.json_report import _default, dumps
from estimator.report.json_text import dumps_indented

CASES: list[Any] = [
    {},
    [],
    "plain",
    None,
    {"a": [], "b": {}, "c": [{}], "d": [[]], "e": ""},
    {"money": Decimal("12.3456"), "zero": Decimal("0"), "tags": {"b", "a"}, "frozen": frozenset({3, 1})},
    {"unicode": "naïve — 東京 \U0001f600", "ctrl": "tab\t nl\n quote\" back\\ nul\x00 del\x7f"},
    {"floats": [0.1, 1e300, -0.0, 1.0, 2.5e-8, float("nan"), float("inf"), float("-inf")]},
    {"ints": [0, -1, 10**30, True, False]},
    {3: "int key", 2.5: "float key", True: "bool key", False: "no", None: "none key", "s": "str key"},
    {"tuple": (1, (2, 3), []), "nested": {"x": {"y": {"z": [1, {"w": None}]}}}},
    {"object": object.__new__(type("Thing", (), {"__str__": lambda self: "thing"}))},
]


@pytest.mark.parametrize("obj", CASES)
def test_same_text_as_json_dumps(obj: Any) -> None:
    assert dumps_indented(obj, _default) == json.dumps(obj, indent=2, default=_default)


def _random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 5 else 6)
    if kind == 0:
        return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 0x3000)])) for _ in range(rng.randrange(6)))
    if kind == 1:
        return rng.randrange(-10**6, 10**6)
    if kind == 2:
        return rng.uniform(-1e6, 1e6)
    if kind == 3:
        return rng.choice([None, True, False])
    if kind == 4:
        return Decimal(rng.randrange(10**6)) / 1000
    if kind == 5:
        return {str(rng.randrange(5)), "k"}
    if kind == 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 7:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    return {f"k{rng.randrange(50)}": _random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def test_same_text_on_random_documents() -> None:
    rng = random.Random(6)
    for _ in range(300):
        doc = _random_value(rng, 0)
        assert dumps_indented(doc, _default) == json.dumps(doc, indent=2, default=_default)


def test_report_dumps_ends_with_newline_and_parses() -> None:
    doc = {"schema": "costrail/v1", "monthly_cost": Decimal("1.50"), "projects": []}
    text = dumps(doc)
    assert text == json.dumps(doc, indent=2, default=_default) + "\n"
    assert json.loads(text)["schema"] == "costrail/v1"


def test_unsupported_key_type_raises_like_json() -> None:
    with pytest.raises(TypeError):
        json.dumps({(1, 2): 1}, indent=2)
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): 1}, _default)


def test_large_documents_reach_the_sink_in_bounded_pieces() -> None:
    """A big report is handed over in several pieces (never one huge string) that join to the same text."""
    from estimator.report.json_text import FLUSH_PIECES, write_indented

    doc = {"resources": [{"address": f"aws_instance.r[{i}]", "tags": {"team": "ml", "n": i}} for i in range(20000)]}
    pieces: list[str] = []
    write_indented(doc, _default, pieces.append)
    assert len(pieces) >= 4
    assert max(len(p) for p in pieces) < FLUSH_PIECES * 64
    assert "".join(pieces) == json.dumps(doc, indent=2, default=_default)


def test_emit_streams_json_to_a_file_with_the_same_bytes(tmp_path) -> None:
    from estimator.commands.common import emit
    from estimator.report.json_report import streamed

    doc = {"schema": "costrail/v1", "items": list(range(40000)), "money": Decimal("1.5")}
    out = tmp_path / "report.json"
    emit(streamed(doc), str(out))
    assert out.read_text(encoding="utf-8") == dumps(doc)
    assert json.loads(out.read_text(encoding="utf-8"))["money"] == "1.50"
