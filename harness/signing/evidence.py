"""Check the evidence a report carries: every attachment against the sha256 in its description and in
the attached manifest.json, and — given the run directory — every manifest entry against the real file."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.reports.pdf.embedding import DESCRIPTION_PREFIX
from harness.reports.pdf.evidence import is_evidence_path
from harness.results.rundir import MANIFEST_FILE, sha256_file

_DESCRIBED = re.compile(re.escape(DESCRIPTION_PREFIX) + r"([0-9a-f]{64})")


@dataclass(frozen=True)
class AttachmentCheck:
    """One embedded file: its real digest and every disagreement found."""

    name: str
    size: int
    sha256: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class EvidenceReport:
    attachments: tuple[AttachmentCheck, ...] = ()
    manifest_files: int = 0  # entries of the attached manifest.json
    checked_in_run_dir: int = 0  # manifest entries compared with the run directory
    problems: tuple[str, ...] = ()  # about the evidence as a whole (manifest missing, run dir differs)
    notes: tuple[str, ...] = ()  # worth knowing, not a failure (the system under test changed its own files)

    @property
    def ok(self) -> bool:
        return not self.problems and all(a.ok for a in self.attachments)


def _name_tree(node: generic.DictionaryObject) -> Iterator[tuple[str, generic.DictionaryObject]]:
    # indexing (not .get) dereferences indirect objects
    if "/Names" in node:
        items = list(node["/Names"])
        for key, value in zip(items[::2], items[1::2], strict=True):
            yield str(key), value.get_object()
    if "/Kids" in node:
        for kid in node["/Kids"]:
            yield from _name_tree(kid.get_object())


def embedded_files(reader: PdfFileReader) -> list[tuple[str, bytes, str]]:
    """(name, content, description) of every document-level attachment."""
    root = reader.root
    if "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]:
        return []
    files = []
    for name, spec in _name_tree(root["/Names"]["/EmbeddedFiles"]):
        streams = spec["/EF"] if "/EF" in spec else generic.DictionaryObject()
        data = streams["/F"].data if "/F" in streams else b""
        files.append((name, data, str(spec["/Desc"]) if "/Desc" in spec else ""))
    return files


def _manifest(files: list[tuple[str, bytes, str]]) -> tuple[dict[str, tuple[int, str]] | None, bytes]:
    for name, data, _ in files:
        if name == MANIFEST_FILE:
            try:
                payload = json.loads(data)
                return {e["path"]: (int(e["size"]), str(e["sha256"])) for e in payload["files"]}, data
            except (ValueError, KeyError, TypeError):
                return None, data
    return None, b""


def _check_attachment(
    name: str, data: bytes, description: str, manifest: dict[str, tuple[int, str]]
) -> AttachmentCheck:
    actual = hashlib.sha256(data).hexdigest()
    problems = []
    described = _DESCRIBED.search(description)
    if described is None:
        problems.append("its description states no sha256")
    elif described.group(1) != actual:
        problems.append(f"content sha256 {actual[:16]}… differs from its description ({described.group(1)[:16]}…)")
    if name != MANIFEST_FILE:
        listed = manifest.get(name)
        if listed is None:
            problems.append("not listed in the attached manifest.json")
        elif listed[1] != actual:
            problems.append(f"content sha256 {actual[:16]}… differs from manifest.json ({listed[1][:16]}…)")
    return AttachmentCheck(name, len(data), actual, tuple(problems))


def _check_run_dir(
    run_dir: Path, manifest: dict[str, tuple[int, str]], manifest_bytes: bytes
) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    notes: list[str] = []
    on_disk = run_dir / MANIFEST_FILE
    if not on_disk.is_file():
        problems.append(f"{on_disk} does not exist")
    elif sha256_file(on_disk) != hashlib.sha256(manifest_bytes).hexdigest():
        problems.append(f"{on_disk} differs from the manifest.json inside the PDF")
    for path, (_size, sha256) in sorted(manifest.items()):
        file = run_dir / path
        evidence = is_evidence_path(path)
        if not file.is_file():
            (problems if evidence else notes).append(f"{path}: missing from the run directory")
        elif sha256_file(file) == sha256:
            continue
        elif evidence:
            problems.append(f"{path}: differs from the manifest (sha256 {sha256_file(file)[:16]}…)")
        else:
            notes.append(f"{path}: the system under test changed it after the manifest (not evidence)")
    return problems, notes


def check_evidence(reader: PdfFileReader, run_dir: Path | None = None) -> EvidenceReport:
    """Every attachment against its description and manifest.json; the run directory when given."""
    files = embedded_files(reader)
    manifest, manifest_bytes = _manifest(files)
    problems: list[str] = []
    notes: list[str] = []
    if manifest is None:
        if files or run_dir is not None:
            problems.append("the PDF carries no readable manifest.json attachment")
        else:
            notes.append("the PDF carries no evidence attachments")
        manifest = {}
    attachments = tuple(_check_attachment(name, data, description, manifest) for name, data, description in files)
    checked = 0
    if run_dir is not None and manifest_bytes:
        more_problems, more_notes = _check_run_dir(run_dir, manifest, manifest_bytes)
        problems += more_problems
        notes += more_notes
        checked = len(manifest)
    return EvidenceReport(attachments, len(manifest), checked, tuple(problems), tuple(notes))
