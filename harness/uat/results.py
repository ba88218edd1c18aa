"""Recorded UAT results: one entry per case, kept in a YAML file next to the checklist.

Evidence files are copied into an evidence directory beside the results file when recorded and their
sha256 is stored, so a later run can prove the evidence is what the tester attached::

    checklist: permit-checklist.yaml
    results:
      UAT-01:
        status: pass              # pass | fail | blocked
        tester: 刘芳
        date: 2025-03-14
        comment: 费用显示正确
        evidence:
          - file: permit-checklist-evidence/UAT-01/receipt.json   # relative to this file
            sha256: 5f2c...
        case_fingerprint: 8c1d...  # what the tester was shown; a changed case needs a new result
        recorded_at: 2025-03-14T10:22:00+08:00
        source: harness uat record
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.errors import EvidenceError as EvidenceError  # defined in errors.py; kept importable from here
from harness.errors import ProfileError
from harness.files import sha256_file, write_atomic
from harness.profile import validation_issues
from harness.profile.source import load_source


class UatStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    BLOCKED = "blocked"


STATUS_WORDS: dict[str, UatStatus] = {
    "pass": UatStatus.PASS, "passed": UatStatus.PASS, "ok": UatStatus.PASS, "通过": UatStatus.PASS, "✔": UatStatus.PASS,
    "fail": UatStatus.FAIL, "failed": UatStatus.FAIL, "不通过": UatStatus.FAIL, "未通过": UatStatus.FAIL,
    "失败": UatStatus.FAIL, "✘": UatStatus.FAIL,
    "blocked": UatStatus.BLOCKED, "受阻": UatStatus.BLOCKED, "阻塞": UatStatus.BLOCKED, "无法测试": UatStatus.BLOCKED,
}  # fmt: skip
"""What business staff write for a result, in English or Chinese (sheets, ``harness uat record``)."""

STATUS_LABELS: dict[UatStatus, tuple[str, str]] = {
    UatStatus.PASS: ("通过", "pass"),
    UatStatus.FAIL: ("不通过", "fail"),
    UatStatus.BLOCKED: ("受阻", "blocked"),
}
"""(Chinese, English) for each result: the sheet's drop-down offers ``通过 pass`` and friends."""


def bilingual(status: UatStatus) -> str:
    """``通过 pass``: the form the sheet's drop-down offers (and :func:`parse_status` reads back)."""
    chinese, english = STATUS_LABELS[status]
    return f"{chinese} {english}"


def parse_status(text: str) -> UatStatus | None:
    """A result written as ``通过``, ``pass``, ``不通过 fail`` (the drop-down), ``Blocked`` ...; None when
    the words name no result, or name two different ones."""
    word = text.strip().lower()
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    parts = [p for p in re.split(r"[\s/|()（）,，]+", word) if p]
    found = {STATUS_WORDS[p] for p in parts if p in STATUS_WORDS}
    return found.pop() if len(found) == 1 and all(p in STATUS_WORDS for p in parts) else None


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str  # relative to the results file
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UatRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status: UatStatus
    tester: str = Field(min_length=1)
    date: date
    comment: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    case_fingerprint: str = ""
    recorded_at: datetime | None = None
    source: str = ""


class UatResults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    checklist: str = ""
    results: dict[str, UatRecord] = Field(default_factory=dict)


def load_results(path: Path) -> UatResults:
    """The recorded results, or none yet when the file does not exist.

    Raises:
        ProfileError: FILE:LINE: key.path for a malformed results file.
    """
    if not path.is_file():
        return UatResults()
    source = load_source(path, environ={})
    try:
        return UatResults.model_validate(source.data)
    except ValidationError as exc:
        raise ProfileError(validation_issues(exc, source, UatResults, ())) from None


_HEADER = (
    "# UAT results, written by `harness uat record` / `harness uat import`. Evidence files are copied\n"
    "# beside this file and hashed (sha256); the acceptance run checks them before it counts a result.\n"
)


def save_results(path: Path, results: UatResults) -> None:
    """Write atomically: a crash or Ctrl-C mid-session never leaves half a file."""
    payload = results.model_dump(mode="json", exclude_defaults=True)
    payload.setdefault("results", {})
    text = _HEADER + yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))


def with_record(results: UatResults, case_id: str, record: UatRecord) -> UatResults:
    return results.model_copy(update={"results": {**results.results, case_id: record}})


def evidence_dir(results_file: Path) -> Path:
    """``<checklist>-evidence/`` beside ``<checklist>.results.yaml``: checklists sharing a folder stay apart."""
    return results_file.parent / f"{results_file.name.split('.')[0]}-evidence"


def store_evidence(files: list[Path], results_file: Path, case_id: str) -> list[Evidence]:
    """Copy evidence into ``<checklist>-evidence/<case>/`` beside the results file and hash it.

    Raises:
        EvidenceError: a file is missing or is a directory.
    """
    stored: list[Evidence] = []
    target_dir = evidence_dir(results_file) / case_id
    for source in files:
        if not source.is_file():
            raise EvidenceError(f"evidence file not found: {source}")
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / source.name
        if source.resolve() != target.resolve():
            shutil.copyfile(source, target)
        stored.append(Evidence(file=target.relative_to(results_file.parent).as_posix(), sha256=sha256_file(target)))
    return stored


def make_record(
    *,
    status: UatStatus,
    tester: str,
    when: date,
    comment: str,
    evidence: list[Path],
    results_file: Path,
    case_id: str,
    fingerprint: str,
    source: str,
) -> UatRecord:
    """A result with its evidence stored and hashed.

    Raises:
        EvidenceError: an evidence file is missing.
    """
    return UatRecord(
        status=status,
        tester=tester,
        date=when,
        comment=comment,
        evidence=store_evidence(evidence, results_file, case_id),
        case_fingerprint=fingerprint,
        recorded_at=datetime.now().astimezone().replace(microsecond=0),
        source=source,
    )
