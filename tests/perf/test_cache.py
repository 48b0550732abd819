"""Parsed-file cache: hits skip the parser, keys follow content and front-end, bad entries are misses."""

from __future__ import annotations

import os
import pickle
import pickletools
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.hcl import cache, frontend

TEXT = 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n}\n'


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "hcl-ast-v1").glob("[0-9a-f]*"))


def test_second_load_comes_from_the_cache_under_the_callers_path(tmp_path: Path, monkeypatch) -> None:
    first = cache.load_or_parse("base/main.tf", TEXT, "tree-sitter", str(tmp_path))
    assert len(_entries(tmp_path)) == 1

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again despite a cache entry")

    monkeypatch.setattr(frontend, "parse", no_parse)
    second = cache.load_or_parse("head/main.tf", TEXT.encode(), "tree-sitter", str(tmp_path))
    assert second.path == "head/main.tf"
    assert second.body == first.body


def test_key_depends_on_content_and_frontend(tmp_path: Path) -> None:
    cache.load_or_parse("m.tf", TEXT, "tree-sitter", str(tmp_path))
    cache.load_or_parse("m.tf", TEXT, "python-hcl2", str(tmp_path))
    cache.load_or_parse("m.tf", TEXT.replace("t3.micro", "t3.large"), "tree-sitter", str(tmp_path))
    assert len(_entries(tmp_path)) == 3
    assert cache.cache_key(b"a", "tree-sitter") != cache.cache_key(b"b", "tree-sitter")


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path) -> None:
    cache.load_or_parse("m.tf", TEXT, "tree-sitter", str(tmp_path))
    (entry,) = _entries(tmp_path)
    entry.write_bytes(b"not a pickle")
    parsed = cache.load_or_parse("m.tf", TEXT, "tree-sitter", str(tmp_path))
    assert parsed.body.blocks[0].labels == ["aws_instance", "a"]
    assert entry.read_bytes() != b"not a pickle"


class _Planted:
    """A pickle that makes a directory when loaded: what a hostile program could plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


def test_a_planted_entry_runs_no_code_and_is_rewritten(tmp_path: Path) -> None:
    cache.load_or_parse("m.tf", TEXT, "tree-sitter", str(tmp_path / "c"))
    (entry,) = _entries(tmp_path / "c")
    marker = tmp_path / "planted-code-ran"
    entry.write_bytes(pickle.dumps(_Planted(marker)))
    parsed = cache.load_or_parse("m.tf", TEXT, "tree-sitter", str(tmp_path / "c"))
    assert not marker.exists()
    assert parsed.body.blocks[0].labels == ["aws_instance", "a"]
    assert pickle.loads(entry.read_bytes()).body == parsed.body


def test_entries_name_syntax_node_classes_only(tmp_path: Path) -> None:
    cache.load_or_parse("m.tf", 'x = merge(var.a, { k = [for v in local.l : v.id if v != null] })\n'
                        'y = "${a.b[0]}-%{ if c }d%{ endif }"\n', "tree-sitter", str(tmp_path))
    (entry,) = _entries(tmp_path)
    names = {arg for op, arg, _ in pickletools.genops(entry.read_bytes()) if op.name == "SHORT_BINUNICODE"}
    assert {"Call", "ForExpr", "TemplateIf", "File"} <= names
    assert cache._read(entry) is not None


def test_key_follows_the_installed_parser_packages(monkeypatch) -> None:
    before = cache.cache_key(b"a", "tree-sitter")
    cache._code_fingerprint.cache_clear()
    real = cache._installed
    monkeypatch.setattr(cache, "_installed", lambda p: real(p) + ("upgraded" if p == "tree_sitter_hcl" else ""))
    try:
        assert cache.cache_key(b"a", "tree-sitter") != before
    finally:
        cache._code_fingerprint.cache_clear()
    assert "absent" in cache._installed("costrail_no_such_package")


def test_syntax_errors_are_not_cached(tmp_path: Path) -> None:
    for _ in range(2):
        with pytest.raises(InputError) as info:
            cache.load_or_parse("bad.tf", "a = {\n", "tree-sitter", str(tmp_path))
        assert info.value.location.file == "bad.tf"
    assert _entries(tmp_path) == []


def test_default_dir_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.default_dir() == os.path.join(str(tmp_path), "costrail")


def test_unwritable_cache_dir_still_parses(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    parsed = cache.load_or_parse("m.tf", TEXT, "tree-sitter", str(blocker))
    assert parsed.body.blocks


def test_prune_removes_least_recently_used_down_to_the_bound(tmp_path: Path) -> None:
    for i in range(10):
        p = tmp_path / f"{i:02d}"
        p.write_bytes(b"x" * 1000)
        os.utime(p, (1000 + i, 1000 + i))
    removed = cache.prune(tmp_path, 5000)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert removed == 6 and left == ["06", "07", "08", "09"]
    assert cache.prune(tmp_path, 5000) == 0


def test_parse_file_matches_the_registry_and_fills_the_cache(tmp_path: Path) -> None:
    src = tmp_path / "main.tf"
    src.write_text(TEXT)
    cache_dir = tmp_path / "c"
    cached = cache.parse_file(str(src), "main.tf", "tree-sitter", str(cache_dir))
    assert cached == frontend.parse_file(str(src), "main.tf", "tree-sitter")
    assert len(_entries(cache_dir)) == 1
    with pytest.raises(InputError) as info:
        cache.parse_file(str(tmp_path / "missing.tf"), "missing.tf", "tree-sitter", str(cache_dir))
    assert info.value.location.file == "missing.tf"
    with pytest.raises(InputError, match="limit"):
        cache.parse_file(str(src), "main.tf", "tree-sitter", str(cache_dir), limit=10)
