"""The verification table both ``harness verify`` and the dashboard render: one column per signature field,
the rows in order, each cell's state; the problems in the order they are printed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from harness.signing.evidence import AttachmentCheck, EvidenceReport
from harness.signing.table import (
    ROW_NAMES,
    bottom_line_state,
    evidence_line,
    problem_lines,
    verification_columns,
    verification_rows,
)
from harness.signing.verify import SignatureReport, VerificationReport

SIGNED = SignatureReport(
    field="sig_project", party="project", signed=True, expected_signer="陈明, 某市大数据中心",
    subject="CN=陈明, O=某市大数据中心", certificate_sha256="ab" * 32, issuer_subject="CN=Demo CA",
    issuer_sha256="cd" * 32, signing_time=datetime(2026, 11, 30, 9, 0, tzinfo=UTC), certification=True,
    intact=True, valid=True, trusted=False, bound=True, covers_whole_file=True,
    problems=("the signer's certificate does not chain to a trust anchor",),
)  # fmt: skip
UNSIGNED = SignatureReport(field="sig_business", party="business", signed=False)
FOREIGN = SignatureReport(field="extra", party=None, signed=True, intact=True, trusted=True, bound=True)


def report() -> VerificationReport:
    evidence = EvidenceReport(
        attachments=(
            AttachmentCheck(name="run.json", size=10, sha256="ef" * 32, problems=("digest differs from the manifest",)),
        ),
        manifest_files=12,
        problems=("raw/x.log: removed",),
    )
    return VerificationReport(
        path=Path("report.pdf"), revisions=2, signatures=(SIGNED, UNSIGNED, FOREIGN), evidence=evidence,
        problems=("content after the last signature",),
    )  # fmt: skip


def test_a_column_per_field_with_a_cell_per_row_and_its_state() -> None:
    columns = verification_columns(report())
    assert [(c.head, c.state) for c in columns] == [
        ("project", "bad"),
        ("business", "warn"),
        ("extra (not a party field)", "ok"),
    ]
    rows = dict(verification_rows(columns))
    assert list(rows) == list(ROW_NAMES)
    assert rows["signature"][0].lines == ("certification",) and rows["signature"][1].state == "warn"
    assert rows["actual signer"][0].lines == ("CN=陈明, O=某市大数据中心", "SHA-256 AB:AB:AB:AB…AB:AB:AB:AB")
    assert [c.state for c in rows["trusted"]] == ["bad", "", "ok"]  # NO, — (not signed), yes
    assert rows["signing time"][0].lines == ("2026-11-30 09:00:00 +0000",)
    assert rows["after it"][1].lines == ("—",)


def test_problems_are_listed_party_first_then_attachments_then_the_file() -> None:
    result = report()
    assert problem_lines(result) == (
        "project: the signer's certificate does not chain to a trust anchor",
        "attachment run.json: digest differs from the manifest",
        "content after the last signature",
        "raw/x.log: removed",
    )
    assert evidence_line(result).startswith("evidence: 1 attachments checked against their descriptions")
    assert "12 files listed), 1 mismatching" in evidence_line(result)
    assert bottom_line_state(result) == "bad"
