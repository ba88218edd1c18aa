"""Turn a filled sheet into recorded results (``harness uat import``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harness.uat.checklist import Checklist
from harness.uat.results import EvidenceError, UatRecord, UatResults, make_record, with_record
from harness.uat.sheet import FilledSheet, SheetError, SheetRow


@dataclass(frozen=True)
class Applied:
    results: UatResults
    recorded: tuple[str, ...]  # case ids that got a (new) result
    pending: tuple[str, ...]  # case ids left without a result


def apply_sheet(sheet: FilledSheet, checklist: Checklist, results: UatResults, results_file: Path) -> Applied:
    """Every filled row becomes the case's result; empty rows leave earlier results alone.

    Raises:
        SheetError: ``FILE:ROW: reason`` — unknown case id, missing evidence file.
    """
    recorded: list[str] = []
    for row in sheet.rows:
        case = checklist.case(row.case)
        if case is None:
            raise SheetError(
                f"{sheet.path}:{row.row}: case {row.case!r} is not in the checklist {checklist.checklist!r}"
            )
        if row.status is None or _unchanged(row, results.results.get(case.id)):
            continue
        evidence = [_evidence_path(p, sheet.path, results_file) for p in row.evidence]
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
        except EvidenceError as exc:
            raise SheetError(f"{sheet.path}:{row.row}: {exc}") from None
        results = with_record(results, case.id, record)
        recorded.append(case.id)
    pending = tuple(c.id for c in checklist.cases if c.id not in results.results)
    return Applied(results, tuple(recorded), pending)


def _unchanged(row: SheetRow, record: UatRecord | None) -> bool:
    """A row that repeats the recorded result (a pre-filled template sent back) records nothing new."""
    return (
        record is not None
        and (row.status, row.tester, row.date, row.comment)
        == (record.status, record.tester, record.date, record.comment)
        and row.evidence == tuple(e.file for e in record.evidence)
    )


def _evidence_path(written: str, sheet: Path, results_file: Path) -> Path:
    """Evidence is relative to the sheet; evidence already stored (a pre-filled template) to the results."""
    path = Path(written).expanduser()
    if path.is_absolute():
        return path
    beside_sheet = sheet.parent / path
    return beside_sheet if beside_sheet.exists() else results_file.parent / path
