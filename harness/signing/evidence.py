"""Check the evidence a report carries: every attachment against the sha256 in its description and in
the attached manifest.json, and — given the run directory — the whole evidence set against the manifest.

The evidence set is every file of the run directory the manifest covers: everything but manifest.json,
report.pdf, harness.log (still being written while the manifest is made) and hidden files — the same
rule ``RunDirectory.write_manifest`` follows. A file added, removed, replaced or changed anywhere in it,
``raw/``, ``allure-results/`` and the system under test's ``target/`` included, is a failure named by
its path. Hard-linked copies (allure-results/ links allure-pytest's own files) are hashed once and named
together, so a change made through one name shows under every name it has.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.results.signoff import DESCRIPTION_PREFIX, MANIFEST_EXCLUDES, MANIFEST_FILE

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
    checked_in_run_dir: int = 0  # files of the run directory compared with the manifest
    added: tuple[str, ...] = ()  # paths in the run directory the manifest does not list
    removed: tuple[str, ...] = ()  # manifest entries missing from the run directory
    changed: tuple[str, ...] = ()  # manifest entries whose content differs (replaced or edited)
    problems: tuple[str, ...] = ()  # every failure in words, one per path or about the whole
    notes: tuple[str, ...] = ()  # worth knowing, not a failure

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


class _Hasher:
    """sha256 of files, once per inode: hard-linked names share one content and one hash."""

    def __init__(self) -> None:
        self._digests: dict[tuple[int, int], str] = {}

    def __call__(self, path: Path, stat: os.stat_result) -> str:
        inode = (stat.st_dev, stat.st_ino)
        if inode not in self._digests:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._digests[inode] = digest.hexdigest()
        return self._digests[inode]


def _run_files(run_dir: Path, report: Path | None) -> tuple[dict[str, os.stat_result], list[str]]:
    """Every file of the evidence set on disk (relative POSIX path -> stat), and the hidden ones skipped."""
    found: dict[str, os.stat_result] = {}
    hidden: list[str] = []
    skip = report.resolve() if report is not None else None
    for directory, folders, names in os.walk(run_dir):
        base = Path(directory)
        folders[:] = sorted(folders)
        for name in sorted(names):
            path = base / name
            relative = path.relative_to(run_dir).as_posix()
            if any(part.startswith(".") for part in relative.split("/")):
                hidden.append(relative)
            elif relative not in MANIFEST_EXCLUDES and path.resolve() != skip and path.is_file():
                found[relative] = path.stat()
    return found, hidden


def _check_run_dir(
    run_dir: Path, manifest: dict[str, tuple[int, str]], manifest_bytes: bytes, report: Path | None
) -> EvidenceReport:
    problems: list[str] = []
    notes: list[str] = []
    on_disk = run_dir / MANIFEST_FILE
    if not on_disk.is_file():
        problems.append(f"{on_disk} does not exist")
    elif hashlib.sha256(on_disk.read_bytes()).hexdigest() != hashlib.sha256(manifest_bytes).hexdigest():
        problems.append(f"{on_disk} differs from the manifest.json inside the PDF")
    files, hidden = _run_files(run_dir, report)
    links: dict[tuple[int, int], list[str]] = {}
    for path, stat in files.items():
        links.setdefault((stat.st_dev, stat.st_ino), []).append(path)
    digest = _Hasher()
    removed = sorted(set(manifest) - set(files))
    changed = []
    for path in removed:
        problems.append(f"{path}: removed from the run directory (the signed manifest lists it)")
    for path in sorted(set(manifest) & set(files)):
        stat = files[path]
        actual = digest(run_dir / path, stat)
        if actual == manifest[path][1]:
            continue
        changed.append(path)
        twins = [p for p in links[(stat.st_dev, stat.st_ino)] if p != path]
        also = f"; the same file (hard link) as {', '.join(twins)}" if twins else ""
        problems.append(
            f"{path}: replaced or changed since the manifest (sha256 {actual[:16]}…, signed {manifest[path][1][:16]}…)"
            + also
        )
    added = []
    for path in sorted(set(files) - set(manifest)):
        if "/" not in path and path.lower().endswith(".pdf"):
            notes.append(f"{path}: another PDF beside the report (not part of the evidence)")
            continue
        added.append(path)
        problems.append(f"{path}: added after the manifest was written (not in the signed evidence)")
    if hidden:
        notes.append(f"{len(hidden)} hidden file(s) not part of the evidence, as when the manifest was written")
    return EvidenceReport(
        checked_in_run_dir=len(files),
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        problems=tuple(problems),
        notes=tuple(notes),
    )


def check_evidence(reader: PdfFileReader, run_dir: Path | None = None, report: Path | None = None) -> EvidenceReport:
    """Every attachment against its description and manifest.json; with ``run_dir``, its whole evidence
    set against the manifest (``report``, the file being verified, is skipped when it lies there)."""
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
    base = EvidenceReport(attachments=attachments, manifest_files=len(manifest))
    if run_dir is None or not manifest_bytes:
        return EvidenceReport(attachments, len(manifest), problems=tuple(problems), notes=tuple(notes))
    checked = _check_run_dir(run_dir, manifest, manifest_bytes, report)
    return EvidenceReport(
        attachments=base.attachments,
        manifest_files=base.manifest_files,
        checked_in_run_dir=checked.checked_in_run_dir,
        added=checked.added,
        removed=checked.removed,
        changed=checked.changed,
        problems=(*problems, *checked.problems),
        notes=(*notes, *checked.notes),
    )
