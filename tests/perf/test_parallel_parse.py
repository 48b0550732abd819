"""Batch parsing (``cache.parse_files``): forked workers change nothing but the wall time."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from estimator import forking
from estimator.errors import InputError
from estimator.hcl import ast, cache, frontend

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")


def _tree(root: Path, files: int) -> list[tuple[str, str]]:
    paths = []
    for i in range(files):
        text = (
            f'resource "aws_instance" "r{i}" {{\n  instance_type = "t3.{"large" if i % 2 else "micro"}"\n'
            f'  tags = merge(local.tags, {{ Name = "r{i}-${{var.env}}" }})\n}}\n'
        )
        if i == 7:
            text = "locals {\n  broken = [1, 2\n}\n"  # a syntax error in the middle of the batch
        path = root / f"f{i:02d}.tf"
        path.write_text(text)
        paths.append((str(path), f"f{i:02d}.tf"))
    return paths


def _shape(result: ast.File | InputError) -> object:
    if isinstance(result, InputError):
        return ("error", str(result))
    return (result.path, result.body)


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths this process parses from now on (forked workers' parses are not seen)."""
    calls: list[str] = []
    real_parse = frontend.parse

    def counting_parse(path: str, text: object, parser: str | None = None) -> ast.File:
        calls.append(path)
        return real_parse(path, text, parser)  # type: ignore[arg-type]

    monkeypatch.setattr(frontend, "parse", counting_parse)
    return calls


@pytest.fixture
def force_parallel(monkeypatch):
    monkeypatch.setattr(cache, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(forking, "spare_cores", lambda: 2)


def test_parallel_batch_equals_serial_parsing_in_order_with_errors(tmp_path: Path, force_parallel) -> None:
    paths = _tree(tmp_path, 24)
    parallel = cache.parse_files(paths, "tree-sitter", str(tmp_path / "cache"))
    serial = []
    for path, shown in paths:
        try:
            serial.append(frontend.parse_file(path, shown, "tree-sitter"))
        except InputError as err:
            serial.append(err)
    assert [_shape(r) for r in parallel] == [_shape(r) for r in serial]
    assert isinstance(parallel[7], InputError) and parallel[7].location.file == "f07.tf"
    entries = list((tmp_path / "cache" / cache._SUBDIR).iterdir())
    assert len(entries) == 23  # every good file cached (workers' shares too), no error, no temp file left


def test_second_batch_is_read_from_the_cache_without_parsing(tmp_path: Path, force_parallel, monkeypatch) -> None:
    paths = _tree(tmp_path, 24)
    first = cache.parse_files(paths, "tree-sitter", str(tmp_path / "cache"))
    calls = _count_parses(monkeypatch)
    second = cache.parse_files(paths, "tree-sitter", str(tmp_path / "cache"))
    assert calls == ["f07.tf"]  # only the file with the error, which is never cached
    assert [_shape(r) for r in second] == [_shape(r) for r in first]


def test_unwritable_cache_falls_back_to_parsing_here(tmp_path: Path, force_parallel) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would be")
    paths = _tree(tmp_path, 24)
    results = cache.parse_files(paths, "tree-sitter", str(blocker))
    assert sum(isinstance(r, ast.File) for r in results) == 23
    assert [r.path for r in results if isinstance(r, ast.File)][:3] == ["f00.tf", "f01.tf", "f02.tf"]


def test_split_keeps_every_item_once_in_order() -> None:
    items = [(i, f"f{i}", b"x" * (100 + i * 7), Path(f"e{i}")) for i in range(37)]
    shares = cache._split(items, 3)
    assert len(shares) == 3 and all(shares)
    assert [item for share in shares for item in share] == items


def test_split_gives_this_process_its_weighted_share() -> None:
    items = [(i, f"f{i}", b"x" * 1000, Path(f"e{i}")) for i in range(100)]
    mine, theirs = cache._split(items, 2, mine=1.5)
    assert (len(mine), len(theirs)) == (60, 40)
    assert mine + theirs == items
    assert [len(s) for s in cache._split(items, 3, mine=2.0)] == [50, 25, 25]


def test_every_syntax_node_pickles_through_its_fields() -> None:
    """The fast ``__reduce__`` covers every node class and round-trips (the cache relies on it)."""
    nodes = [obj for obj in vars(ast).values()
             if isinstance(obj, type) and obj.__module__ == ast.__name__ and hasattr(obj, "__dataclass_fields__")]
    assert len(nodes) >= 20
    for cls in nodes:
        assert cls.__reduce__ is not object.__reduce__, cls.__name__
    parsed = frontend.parse("m.tf", 'locals {\n  a = { for k, v in var.m : k => v.x... if v != null }\n'
                            '  b = "${x ? 1 : -2}%{for i in y}${i[*].z}%{endfor}"\n  c = z.*.w[0]\n}\n', "tree-sitter")
    assert pickle.loads(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)) == parsed


def test_no_fork_while_other_threads_run(monkeypatch) -> None:
    import threading

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert forking.spare_cores() == 3
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert forking.spare_cores() == 0
    finally:
        stop.set()
        thread.join()
    monkeypatch.setenv("COSTRAIL_WORKERS", "0")
    assert forking.spare_cores() == 0


def test_warm_parses_only_what_the_cache_lacks_and_leaves_errors(tmp_path: Path, force_parallel, monkeypatch) -> None:
    paths = _tree(tmp_path, 24)
    cache_dir = str(tmp_path / "cache")
    cache.parse_files(paths[:5], "tree-sitter", cache_dir)  # five already cached
    calls = _count_parses(monkeypatch)
    monkeypatch.setattr(forking, "spare_cores", lambda: 0)  # in this process, so the calls are seen
    cache.warm([p for p, _ in paths], "tree-sitter", cache_dir)
    assert len(calls) == 19 and not any(c.endswith(("f00.tf", "f04.tf")) for c in calls)
    assert len(list((tmp_path / "cache" / cache._SUBDIR).iterdir())) == 23  # the syntax error is not cached
    calls.clear()
    results = cache.parse_files(paths, "tree-sitter", cache_dir)
    assert calls == [paths[7][1]] and isinstance(results[7], InputError)  # only the error is parsed again


def test_warm_with_workers_fills_the_cache(tmp_path: Path, force_parallel) -> None:
    paths = _tree(tmp_path, 24)
    cache.warm([p for p, _ in paths], "tree-sitter", str(tmp_path / "cache"))
    assert len(list((tmp_path / "cache" / cache._SUBDIR).iterdir())) == 23


def test_the_command_process_hands_its_own_writes_to_a_writer_it_waits_for(tmp_path: Path, force_parallel,
                                                                          monkeypatch) -> None:
    monkeypatch.setattr(cache, "_defer_owner", os.getpid())
    monkeypatch.setattr(cache, "_writers", [])
    paths = _tree(tmp_path, 24)
    parallel = cache.parse_files(paths, "tree-sitter", str(tmp_path / "cache"))
    assert len(cache._writers) == 1  # this process's share went to a background writer
    cache.join_writers()
    assert cache._writers == []
    entries = list((tmp_path / "cache" / cache._SUBDIR).iterdir())
    assert len(entries) == 23  # the same entries as writing in line: every good file, no temp file
    calls = _count_parses(monkeypatch)
    again = cache.parse_files(paths, "tree-sitter", str(tmp_path / "cache"))
    assert calls == ["f07.tf"]
    assert [_shape(r) for r in again] == [_shape(r) for r in parallel]


def test_a_process_that_is_not_the_command_writes_in_line(tmp_path: Path, force_parallel, monkeypatch) -> None:
    monkeypatch.setattr(cache, "_defer_owner", os.getpid() + 1)  # e.g. a diff's base, forked
    monkeypatch.setattr(cache, "_writers", [])
    cache.parse_files(_tree(tmp_path, 24), "tree-sitter", str(tmp_path / "cache"))
    assert cache._writers == []
    assert len(list((tmp_path / "cache" / cache._SUBDIR).iterdir())) == 23
