"""A verification report as the table ``harness verify`` prints: a column per party, the same rows, then
every problem, the evidence line, notes, the trust anchors and the bottom line."""

from __future__ import annotations

from dataclasses import dataclass

from harness.signing.table import (
    Cell,
    Column,
    bottom_line_state,
    evidence_line,
    problem_lines,
    verification_columns,
    verification_rows,
)
from harness.signing.verify import VerificationReport


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
        return verification_rows(self.columns)


def verification_view(result: VerificationReport, title: str) -> VerificationView:
    return VerificationView(
        title=title, columns=verification_columns(result), failures=problem_lines(result),
        evidence=evidence_line(result), notes=(*result.notes, *result.evidence.notes),
        trust="; ".join(result.trust_anchors) or "none (start the server with --trust CA.pem)",
        bottom_line=result.bottom_line, state=bottom_line_state(result),
    )  # fmt: skip
