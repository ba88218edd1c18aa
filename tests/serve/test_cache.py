"""Values derived from files are recomputed when a file changes, and only then."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.serve.cache import FileCache


def test_reloads_when_any_file_changes_and_is_bounded(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("1")
    loads: list[str] = []

    def load(name: str) -> str:
        loads.append(name)
        return name

    cache: FileCache[str] = FileCache(2)
    assert cache.get((one, two), lambda: load("a")) == "a"
    assert cache.get((one, two), lambda: load("b")) == "a"  # nothing changed
    two.write_text("appeared")
    assert cache.get((one, two), lambda: load("c")) == "c"  # a missing file that appears counts as a change
    stat = one.stat()
    os.utime(one, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cache.get((one, two), lambda: load("d")) == "d"
    cache.get((one,), lambda: load("e"))
    cache.get((two,), lambda: load("f"))  # evicts (one, two), the least recently used
    assert cache.get((one, two), lambda: load("g")) == "g"
    assert loads == ["a", "c", "d", "e", "f", "g"]


def test_max_age_recomputes(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_text("x")
    cache: FileCache[int] = FileCache(4, max_age=0.0)
    assert cache.get((path,), lambda: 1) == 1 and cache.get((path,), lambda: 2) == 2


def test_a_failing_load_keeps_nothing(tmp_path: Path) -> None:
    cache: FileCache[int] = FileCache(4)

    def broken() -> int:
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        cache.get((tmp_path,), broken)
    assert cache.get((tmp_path,), lambda: 7) == 7
