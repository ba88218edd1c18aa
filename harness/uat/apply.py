"""Turn a filled sheet into recorded results (``harness uat import``).

A sheet is checked whole before anything is recorded: every unreadable row, unknown case id and missing
evidence file is reported at once, and a sheet with any of them records nothing (nothing half-imported).
A row that changes an earlier result (pass -> fail) is recorded and reported as a change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harness.uat.checklist import Checklist
from harness.uat.results import EvidenceError, UatRecord, UatResults, make_record, with_record
from harness.uat.sheet import FilledSheet, SheetError, SheetRow


@dataclass(frozen=True)
class Change:
    """A case whose recorded result the sheet replaced by a different one."""

    case: str
    before: UatRecord
    after: UatRecord

    def __str__(self) -> str:
        was = f"recorded by {self.before.tester} on {self.before.date}"
        return f"{self.case}: {self.before.status.value} -> {self.after.status.value} (was {was})"


@dataclass(frozen=True)
class Applied:
    results: UatResults
    recorded: tuple[str, ...]  # case ids that got a (new) result
    pending: tuple[str, ...]  # case ids left without a result
    changed: tuple[Change, ...] = ()  # earlier results the sheet turned into another result


def apply_sheet(sheet: FilledSheet, checklist: Checklist, results: UatResults, results_file: Path) -> Applied:
    """Every filled row becomes the case's result; empty rows leave earlier results alone.

    Raises:
        SheetError: every problem of the sheet (``FILE:ROW: reason``): rows that could not be read, unknown
            case ids, evidence files not found; nothing is recorded then.
    """
    problems = list(sheet.problems)
    planned: list[tuple[SheetRow, list[Path]]] = []
    for row in sheet.rows:
        case = checklist.case(row.case)
        if case is None:
            known = ", ".join(c.id for c in checklist.cases)
            problems.append(
                f"{sheet.path}:{row.row}: case {row.case!r} is not in the checklist {checklist.checklist!r} ({known})"
            )
            continue
        if (row.readable and row.status is None) or _unchanged(row, results.results.get(case.id)):
            continue  # nothing to record; an unreadable row still has its evidence checked (every problem at once)
        evidence: list[Path] = []
        for written in row.evidence:
            found, looked = _evidence_path(written, sheet.path, results_file)
            if found is None:
                places = " and ".join(str(p) for p in looked)
                problems.append(
                    f"{sheet.path}:{row.row}: case {row.case}: evidence file {written!r} not found (looked for {places})"
                )
            else:
                evidence.append(found)
        if row.readable:
            planned.append((row, evidence))
    if problems:
        raise SheetError(sorted(problems, key=lambda p: _row_number(p, sheet.path)))  # in sheet order
    recorded: list[str] = []
    changed: list[Change] = []
    for row, evidence in planned:
        case = checklist.case(row.case)
        assert case is not None and row.status is not None
        try:
            record = make_record(
                status=row.status,
                tester=row.tester,
                when=row.date or date.today(),
                comment=row.comment,
                evidence=evidence,
                results_file=results_file,
                case_id=case.id,
                fingerprint=case.fingerprint(),
                source=f"harness uat import {sheet.path.name}",
            )
        except EvidenceError as exc:  # removed between the check and the copy
            raise SheetError(f"{sheet.path}:{row.row}: {exc}") from None
        before = results.results.get(case.id)
        if before is not None and before.status is not record.status:
            changed.append(Change(case.id, before, record))
        results = with_record(results, case.id, record)
        recorded.append(case.id)
    pending = tuple(c.id for c in checklist.cases if c.id not in results.results)
    return Applied(results, tuple(recorded), pending, tuple(changed))


def _row_number(problem: str, path: Path) -> int:
    """The row a ``FILE:ROW: reason`` problem names (0 for one about the whole sheet)."""
    row = problem.removeprefix(f"{path}:").split(":", 1)[0]
    return int(row) if row.isdigit() else 0


def _unchanged(row: SheetRow, record: UatRecord | None) -> bool:
    """A row that repeats the recorded result (a pre-filled template sent back) records nothing new."""
    return (
        record is not None
        and (row.status, row.tester, row.date, row.comment)
        == (record.status, record.tester, record.date, record.comment)
        and row.evidence == tuple(e.file for e in record.evidence)
    )


def _evidence_path(written: str, sheet: Path, results_file: Path) -> tuple[Path | None, list[Path]]:
    """The evidence file a sheet names, and where it was looked for: relative paths beside the sheet, then
    (evidence already stored, in a pre-filled template) beside the results file."""
    path = Path(written).expanduser()
    candidates = [path] if path.is_absolute() else [sheet.parent / path, results_file.parent / path]
    looked = list(dict.fromkeys(Path(os.path.normpath(c.absolute())) for c in candidates))  # each place once
    found = next((c for c in candidates if c.is_file()), None)
    return found, looked
