"""Which files of a run go into the report as evidence: listed with size and sha256, embedded when small.

The manifest (manifest.json, written by the pipeline before the PDF exporter runs) is the list. Files at
the top of the run directory and under ``raw/`` are evidence: the pipeline redacted them. Other folders
(e.g. ``target/``, the demo system's own database) belong to the system under test: they are listed by
hash but never embedded, so nothing unredacted can travel inside the PDF.

``allure-results/`` folders are dashboard feeds derived from results the report already carries (JUnit
XML, run.json): one small file per test, thousands in a big run. Each folder is shown as one bundle row
(file count, total size, and a digest over its manifest entries) and not embedded; every file stays in the
manifest, so ``harness verify --evidence`` still checks each one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from harness.results.model import Artifact
from harness.results.rundir import MANIFEST_FILE, RAW_DIR, RunDirectory, sha256_file

MEGABYTE = 1024 * 1024


class Placement(StrEnum):
    ATTACHED = "attached"  # embedded in the PDF as a file attachment
    TOO_LARGE = "too_large"  # over the profile's report.attachment_limit_mb: listed by hash only
    NOT_EVIDENCE = "not_evidence"  # outside raw/ and the run's own records: listed by hash only
    CHANGED = "changed"  # the file no longer matches the manifest: listed by the manifest's hash only
    BUNDLED = "bundled"  # part of a derived allure-results/ folder: shown as one bundle row, not embedded


BUNDLE_FOLDER = "allure-results"


@dataclass(frozen=True)
class EvidenceFile:
    path: str  # relative to the run directory, POSIX separators
    size: int
    sha256: str
    placement: Placement

    @property
    def attached(self) -> bool:
        return self.placement is Placement.ATTACHED


@dataclass(frozen=True)
class Bundle:
    """A derived folder shown as one row; ``sha256`` digests its files' "path<TAB>sha256" manifest lines."""

    folder: str
    files: int
    size: int
    sha256: str


def bundle_folder(path: str) -> str | None:
    """The ``.../allure-results`` folder a path lies in, if any."""
    parts = path.split("/")
    if BUNDLE_FOLDER in parts[:-1]:
        return "/".join(parts[: parts.index(BUNDLE_FOLDER) + 1])
    return None


@dataclass(frozen=True)
class Evidence:
    """The evidence of one run as the report shows and embeds it."""

    root: Path | None  # the run directory; None when the report is rendered without one
    files: tuple[EvidenceFile, ...] = ()
    manifest_sha256: str = ""  # of manifest.json itself, which is embedded too
    limit_bytes: int = 0

    @property
    def attached(self) -> tuple[EvidenceFile, ...]:
        return tuple(f for f in self.files if f.attached)

    def bundles(self) -> tuple[Bundle, ...]:
        members: dict[str, list[EvidenceFile]] = {}
        for entry in self.files:
            if entry.placement is Placement.BUNDLED:
                members.setdefault(bundle_folder(entry.path) or "", []).append(entry)
        return tuple(
            Bundle(
                folder,
                len(entries),
                sum(e.size for e in entries),
                hashlib.sha256(
                    "".join(f"{e.path}\t{e.sha256}\n" for e in sorted(entries, key=lambda e: e.path)).encode()
                ).hexdigest(),
            )
            for folder, entries in members.items()
        )

    def read(self, entry: EvidenceFile) -> bytes:
        """The file's bytes (collect_evidence attached only files that still match the manifest)."""
        assert self.root is not None, "only evidence with a run directory has files to read"
        return (self.root / entry.path).read_bytes()

    def manifest_bytes(self) -> bytes:
        assert self.root is not None
        return (self.root / MANIFEST_FILE).read_bytes()


NO_EVIDENCE = Evidence(root=None)


def is_evidence_path(path: str) -> bool:
    """Files at the top of the run directory and under raw/ are evidence (the pipeline redacted them)."""
    return "/" not in path or path.startswith(f"{RAW_DIR}/")


def _placement(artifact: Artifact, limit_bytes: int) -> Placement:
    if bundle_folder(artifact.path) is not None:
        return Placement.BUNDLED
    if not is_evidence_path(artifact.path):
        return Placement.NOT_EVIDENCE
    if artifact.size > limit_bytes:
        return Placement.TOO_LARGE
    return Placement.ATTACHED


def collect_evidence(rundir: RunDirectory, limit_mb: float) -> Evidence:
    """The run's manifest entries, each placed as attached or hash-only.

    A file that no longer matches the manifest is listed (flagged) with the manifest's hash but not
    embedded: the PDF must not carry a file that contradicts its own manifest.
    """
    manifest = rundir.path / MANIFEST_FILE
    if not manifest.is_file():
        return Evidence(root=rundir.path)
    limit = int(limit_mb * MEGABYTE)
    files: list[EvidenceFile] = []
    for artifact in rundir.read_manifest():
        placement = _placement(artifact, limit)
        if placement is Placement.ATTACHED:
            path = rundir.path / artifact.path
            if not path.is_file() or sha256_file(path) != artifact.sha256:
                placement = Placement.CHANGED
        files.append(EvidenceFile(artifact.path, artifact.size, artifact.sha256, placement))
    return Evidence(root=rundir.path, files=tuple(files), manifest_sha256=sha256_file(manifest), limit_bytes=limit)
