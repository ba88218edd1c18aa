"""The verification table of a signed report, as one model that ``harness verify`` (rich, in the terminal) and
the dashboard (HTML) both render: a column per signature field, the same rows in the same order, each cell's
lines and whether it is good, bad or a warning; and the problem and evidence lines printed beneath it.

Pure: it reads a :class:`~harness.signing.verify.VerificationReport` and imports nothing that loads pyHanko.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from harness.results.signoff import colon_hex

if TYPE_CHECKING:
    from harness.signing.verify import SignatureReport, VerificationReport

ROW_NAMES = (
    "expected signer",
    "signature",
    "actual signer",
    "issuing CA",
    "signing time",
    "time-stamp",
    "revocation",
    "intact",
    "trusted",
    "bound to party",
    "covers whole file",
    "after it",
)
"""The rows of every column, in the order of :attr:`Column.cells`."""


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...]
    state: str = ""  # ok | bad | warn | "" (neutral)


@dataclass(frozen=True)
class Column:
    """One signature field: its heading (the party), its state (ok, bad; warn when not signed) and a cell
    per row of :data:`ROW_NAMES`."""

    head: str
    state: str
    cells: tuple[Cell, ...]


def verification_columns(result: VerificationReport) -> tuple[Column, ...]:
    """A column per signature field of the report, in the report's order."""
    columns = []
    for entry in result.signatures:
        head = entry.party or f"{entry.field} (not a party field)"
        state = "bad" if entry.signed and not entry.ok else "ok" if entry.signed else "warn"
        columns.append(Column(head, state, _cells(entry)))
    return tuple(columns)


def verification_rows(columns: tuple[Column, ...]) -> list[tuple[str, tuple[Cell, ...]]]:
    """The table row by row: each row's name and its cell in every column."""
    return [(name, tuple(column.cells[index] for column in columns)) for index, name in enumerate(ROW_NAMES)]


def problem_lines(result: VerificationReport) -> tuple[str, ...]:
    """Every problem found, each prefixed with what it is about: a party's signature, an attachment, the file."""
    lines = [f"{e.party or e.field}: {p}" for e in result.signatures for p in e.problems]
    evidence = result.evidence
    lines += [f"attachment {a.name}: {p}" for a in evidence.attachments for p in a.problems]
    return (*lines, *result.problems, *evidence.problems)


def evidence_line(result: VerificationReport) -> str:
    """What the evidence check covered, in one line."""
    evidence = result.evidence
    line = (
        f"evidence: {len(evidence.attachments)} attachments checked against their descriptions and manifest.json "
        f"({evidence.manifest_files} files listed), {len([a for a in evidence.attachments if not a.ok])} mismatching"
    )
    if evidence.checked_in_run_dir:
        line += f"; {evidence.checked_in_run_dir} files of the run directory compared with the manifest"
    return line


def bottom_line_state(result: VerificationReport) -> str:
    """``ok``, ``partial`` (good so far, parties still to sign) or ``bad``: how the bottom line is shown."""
    return "bad" if not result.ok else "partial" if result.bottom_line.startswith("PARTIAL") else "ok"


def _time(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S %z}" if moment else "—"


def _yes(value: bool, signed: bool) -> Cell:
    if not signed:
        return Cell(("—",))
    return Cell(("yes",), "ok") if value else Cell(("NO",), "bad")


def _short(digest: str) -> str:
    return colon_hex(digest, short=True) if digest else "—"


def _cells(entry: SignatureReport) -> tuple[Cell, ...]:
    signed = entry.signed
    kind = ("certification" if entry.certification else "approval") if signed else "not signed"
    issuer = (entry.issuer_subject, f"SHA-256 {_short(entry.issuer_sha256)}") if entry.issuer_sha256 else ("—",)
    stamp = (_time(entry.timestamp), f"by {entry.timestamp_authority}") if entry.timestamp else ("—",)
    return (
        Cell((entry.expected_signer or "—", entry.expected_certificate or "—")),
        Cell((kind,), "" if signed else "warn"),
        Cell((entry.subject, f"SHA-256 {_short(entry.certificate_sha256)}") if signed else ("—",)),
        Cell(issuer if signed else ("—",)),
        Cell((_time(entry.signing_time),)),
        Cell(stamp),
        Cell((entry.revocation or "—",)),
        _yes(entry.intact, signed),
        _yes(entry.trusted, signed),
        _yes(entry.bound, signed),
        _yes(entry.covers_whole_file, signed),
        Cell(tuple(entry.changes) or ("—",)),
    )
