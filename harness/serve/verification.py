"""A verification report as the table ``harness verify`` prints: a column per party, the same rows, then
every problem, the evidence line, notes, the trust anchors and the bottom line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harness.results.signoff import colon_hex
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


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...]
    state: str = ""  # ok | bad | warn | "" (neutral)


@dataclass(frozen=True)
class Column:
    head: str
    state: str  # ok | bad | warn (not signed)
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class VerificationView:
    title: str
    columns: tuple[Column, ...]
    failures: tuple[str, ...]
    evidence: str
    notes: tuple[str, ...]
    trust: str
    bottom_line: str
    state: str  # ok | partial | bad

    @property
    def rows(self) -> list[tuple[str, tuple[Cell, ...]]]:
        return [(name, tuple(c.cells[i] for c in self.columns)) for i, name in enumerate(ROW_NAMES)]


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


def verification_view(result: VerificationReport, title: str) -> VerificationView:
    columns = []
    for entry in result.signatures:
        head = entry.party or f"{entry.field} (not a party field)"
        state = "bad" if entry.signed and not entry.ok else "ok" if entry.signed else "warn"
        columns.append(Column(head, state, _cells(entry)))
    failures = [f"{e.party or e.field}: {p}" for e in result.signatures for p in e.problems]
    evidence = result.evidence
    failures += [f"attachment {a.name}: {p}" for a in evidence.attachments for p in a.problems]
    failures += [*result.problems, *evidence.problems]
    line = (
        f"evidence: {len(evidence.attachments)} attachments checked against their descriptions and manifest.json "
        f"({evidence.manifest_files} files listed), {len([a for a in evidence.attachments if not a.ok])} mismatching"
    )
    if evidence.checked_in_run_dir:
        line += f"; {evidence.checked_in_run_dir} files of the run directory compared with the manifest"
    bottom = result.bottom_line
    state = "bad" if not result.ok else "partial" if bottom.startswith("PARTIAL") else "ok"
    return VerificationView(
        title=title, columns=tuple(columns), failures=tuple(failures), evidence=line,
        notes=(*result.notes, *evidence.notes), trust="; ".join(result.trust_anchors) or "none (start the server with --trust CA.pem)",
        bottom_line=bottom, state=state,
    )  # fmt: skip
