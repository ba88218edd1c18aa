"""Writing and hashing files safely, for every part that keeps evidence (the run directory, UAT records,
the scheduler's state): a reader never sees half a file."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename: readers never see half a file."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: object) -> None:
    """``payload`` as indented UTF-8 JSON, written atomically."""
    write_atomic(path, (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode())


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (evidence files may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
