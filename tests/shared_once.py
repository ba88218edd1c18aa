"""Expensive session artefacts (a real demo run, real scans) made once per test session and shared by the
xdist workers: the first worker that needs one makes it under a lock in the session's common temporary
directory, the others wait for the lock and read the record it left. Tests only read what is shared (or
copy it first)."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def once_per_session(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], dict[str, Any]]
) -> dict[str, Any]:
    """``make(directory)`` once for the whole session; its JSON record for every caller.

    A worker that dies while making it releases the lock (it is tied to the open file) and leaves no
    record, so the next worker that needs the artefact makes it again."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / name
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = shared / "record.json"
        if not record.is_file():
            record.write_text(json.dumps(make(shared)), encoding="utf-8")
        result: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
        return result
