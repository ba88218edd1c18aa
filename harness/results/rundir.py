"""The run directory (DESIGN §3): ``reports/<profile>-<UTC yyyymmddTHHMMSS>-<4 hex>/``.

Layout::

    run.json        the RunResult, rewritten atomically after every suite
    manifest.json   size and sha256 of every artifact (raw files, exports, run.json, log)
    raw/<suite>/    what each tool produced
    harness.log     the run's log (secrets redacted)
    report.pdf, junit.xml, summary.json, ...   exports
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from harness.errors import RunDirectoryError
from harness.files import sha256_file as sha256_file  # kept importable from here
from harness.files import write_atomic as write_atomic
from harness.files import write_json_atomic as write_json_atomic
from harness.redaction import Redactor
from harness.results.model import SCHEMA_VERSION, Artifact, RunResult

RUN_FILE = "run.json"
MANIFEST_FILE = "manifest.json"
LOG_FILE = "harness.log"
RAW_DIR = "raw"
# The manifest cannot list itself, nor the PDF that embeds it, nor the log that is still being written
# while the exports run.
MANIFEST_EXCLUDES = frozenset({MANIFEST_FILE, "report.pdf", LOG_FILE})


def new_run_id(profile_name: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{profile_name}-{stamp}-{secrets.token_hex(2)}"


def _files(under: Path) -> list[tuple[Path, os.stat_result]]:
    """Regular files below ``under`` (symbolic links followed, linked directories not entered, as
    ``Path.rglob``) whose names do not start with a dot, each with its ``stat``."""
    found = []
    for root, _, names in os.walk(under):
        base = Path(root)
        for name in names:
            if name.startswith("."):
                continue
            path = base / name
            try:
                info = path.stat()
            except OSError:
                continue  # removed while we looked, or a dangling link: not part of the evidence
            if stat.S_ISREG(info.st_mode):
                found.append((path, info))
    return found


class RunDirectory:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, base: Path, run_id: str) -> RunDirectory:
        """Create ``base/run_id`` (and ``base`` if needed).

        Raises:
            RunDirectoryError: the directory cannot be created (``base`` is a file, the file system is
                read-only or full, no permission), with what to do about it.
        """
        base = base.resolve()
        path = base / run_id  # absolute: tools run with other working directories
        if base.exists() and not base.is_dir():
            raise RunDirectoryError(f"{base} is a file, not a directory: pass --out with a directory for the runs")
        try:
            path.mkdir(parents=True, exist_ok=False)
            (path / RAW_DIR).mkdir(mode=0o700)  # what tools write may hold secrets until it is redacted
        except OSError as exc:
            raise RunDirectoryError(
                f"cannot create the run directory in {base}: {exc.strerror or exc}; pass --out with a directory "
                "you can write to (or free space there)"
            ) from None
        return cls(path)

    def remove(self) -> None:
        """Delete the directory (a run that could not start leaves none behind)."""
        shutil.rmtree(self.path, ignore_errors=True)

    @classmethod
    def open(cls, path: Path) -> RunDirectory:
        """An existing run directory.

        Raises:
            RunDirectoryError: ``path`` is not a directory with a run.json.
        """
        if not (path / RUN_FILE).is_file():
            raise RunDirectoryError(f"{path} is not a run directory (no {RUN_FILE})")
        return cls(path)

    @property
    def run_file(self) -> Path:
        return self.path / RUN_FILE

    @property
    def log_file(self) -> Path:
        return self.path / LOG_FILE

    def raw_dir(self, suite: str) -> Path:
        """``raw/<suite>/``, readable by the run's user only: tools write there before redaction."""
        directory = self.path / RAW_DIR / suite
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)
        return directory

    def write_run(self, run: RunResult) -> None:
        write_atomic(self.run_file, (run.model_dump_json(indent=2) + "\n").encode())

    def read_run(self) -> RunResult:
        """Raises RunDirectoryError for an unreadable run.json or one written by a newer harness.

        The JSON is validated as it is parsed: a 100k-case run never exists as a tree of dicts beside the
        model (that tree was most of ``harness report``'s memory).
        """
        try:
            data = self.run_file.read_bytes()
        except OSError as exc:
            raise RunDirectoryError(f"{self.run_file}: cannot read: {exc}") from None
        try:
            run = RunResult.model_validate_json(data)
        except ValidationError as exc:
            self._refuse_newer(_schema_version(data))  # a newer harness's run.json is refused as such
            error = exc.errors()[0]
            if error["type"] == "json_invalid":
                raise RunDirectoryError(f"{self.run_file}: cannot read: {error['msg']}") from None
            raise RunDirectoryError(f"{self.run_file}: not a valid run result: {error['msg']}") from None
        self._refuse_newer(run.schema_version if "schema_version" in run.model_fields_set else None)
        return run

    def _refuse_newer(self, version: object) -> None:
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise RunDirectoryError(
                f"{self.run_file}: schema_version {version!r} is newer than this harness understands "
                f"({SCHEMA_VERSION}); upgrade the harness"
            )

    def artifacts(self, under: Path) -> tuple[Artifact, ...]:
        """Every file below ``under`` (a path inside the run directory), sorted, hashed.

        A file with several names (allure-pytest's results are hard-linked into ``allure-results/``) is
        read and hashed once.
        """
        hashed: dict[tuple[int, int, int, int], str] = {}
        found = []
        for path, info in sorted(_files(under)):
            key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
            digest = hashed.get(key) if info.st_nlink > 1 else None
            if digest is None:
                digest = hashed[key] = sha256_file(path)
            found.append(Artifact(path=path.relative_to(self.path).as_posix(), size=info.st_size, sha256=digest))
        return tuple(found)

    def write_manifest(self) -> tuple[Artifact, ...]:
        """Hash every file of the run except the manifest itself and the PDF that embeds it."""
        entries = tuple(
            a for a in self.artifacts(self.path) if a.path not in MANIFEST_EXCLUDES and not a.path.startswith(".")
        )
        write_json_atomic(
            self.path / MANIFEST_FILE,
            {"algorithm": "sha256", "files": [a.model_dump() for a in entries]},
        )
        return entries

    def read_manifest(self) -> tuple[Artifact, ...]:
        path = self.path / MANIFEST_FILE
        if not path.is_file():
            return ()
        payload = json.loads(path.read_text(encoding="utf-8"))
        return tuple(Artifact.model_validate(entry) for entry in payload.get("files", []))


def redact_files(paths: Iterable[Path], redactor: Redactor) -> None:
    """Rewrite the files that hold a secret (in any encoded form) with the secret replaced.

    UTF-8 text gets ``***``; other files (and text too large to load) get as many ``*`` as the secret has
    bytes, so a binary format keeps its offsets. Unreadable files are left alone.
    """
    if not redactor:
        return
    for path in paths:
        try:
            size = path.stat().st_size
            if size > WHOLE_FILE_LIMIT:
                _redact_in_place(path, redactor)
                continue
            data = path.read_bytes()
        except OSError:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            cleaned = redactor.redact_bytes(data)
        else:
            cleaned = redactor.redact(text).encode("utf-8")
        if cleaned == data:
            continue
        try:
            write_atomic(path, cleaned)
        except OSError:
            _redact_in_place(path, redactor)  # needs no free space: same-length replacements, same file


WHOLE_FILE_LIMIT = 64 << 20
"""Larger files are redacted in place, in overlapping chunks, with same-length replacements."""
_CHUNK = 8 << 20


def _redact_in_place(path: Path, redactor: Redactor) -> None:
    overlap = redactor.longest
    with path.open("r+b") as handle:
        position = 0
        while True:
            handle.seek(position)
            window = handle.read(_CHUNK + overlap)
            if not window:
                return
            cleaned = redactor.redact_bytes(window)
            if cleaned != window:
                handle.seek(position)
                handle.write(cleaned)  # the whole window: a match may reach into the overlap
            if len(window) < _CHUNK + overlap:
                return
            position += _CHUNK


def _schema_version(data: bytes) -> object:
    """``schema_version`` of a run.json that did not validate (None when it is not a JSON object); the
    version, when there is one that is readable, says more than the first validation error."""
    try:
        raw = json.loads(data)
    except ValueError:
        return SCHEMA_VERSION  # not JSON at all: the caller says so
    return raw.get("schema_version") if isinstance(raw, dict) else None
