"""Pick parts out of a large JSON file without loading it (ijson), with ``FILE:LINE`` errors.

A newman report embeds every response body as a byte array; streaming keeps only the parts an importer
asks for, and drops the subtrees it names as ``skip`` while building them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import ijson

from harness.errors import ImportFormatError

_EXACT_LINE_LIMIT = 64 * 1024 * 1024  # re-read a broken file with json for its exact line only below this


def select(path: Path, wanted: frozenset[str], skip: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:
    """Yield ``(prefix, value)`` for every value at a ``wanted`` ijson prefix (``run.executions.item``).

    Raises:
        ImportFormatError: ``FILE:LINE: reason`` for an empty, truncated or malformed file.
    """
    if path.stat().st_size == 0 or not _has_content(path):
        raise ImportFormatError(f"{path}:1: empty file (no JSON at all)")
    with path.open("rb") as handle:
        try:
            builder: ijson.ObjectBuilder | None = None
            building = ""
            depth = 0
            for prefix, event, value in ijson.parse(handle, use_float=True):
                if builder is None:
                    if prefix in wanted:
                        if event in ("start_map", "start_array"):
                            builder, building, depth = ijson.ObjectBuilder(), prefix, 1
                            builder.event(event, value)
                        elif event not in ("map_key", "end_map", "end_array"):
                            yield prefix, value  # a scalar
                    continue
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                if not skip or not prefix.startswith(skip):
                    builder.event(event, value)
                if depth == 0:
                    yield building, builder.value
                    builder = None
        except ijson.JSONError as exc:
            raise ImportFormatError(f"{path}:{_error_line(path)}: malformed or truncated JSON: {exc}") from None


def _has_content(path: Path) -> bool:
    with path.open("rb") as handle:
        return bool(handle.read(4096).strip())


def _error_line(path: Path) -> int:
    """The line of the first syntax error: exact for files up to 64 MB, else the last line."""
    if path.stat().st_size <= _EXACT_LINE_LIMIT:
        try:
            json.loads(path.read_bytes())
        except json.JSONDecodeError as exc:
            return exc.lineno
        except (UnicodeDecodeError, ValueError):
            return 1
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) + 1
