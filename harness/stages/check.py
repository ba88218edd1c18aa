"""Check one report as the closing report of a stage: fully verified and signed by all three parties,
its run's verdict PASS, its stage's standard met. Used by ``harness stage close`` and ``verify --chain``."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import SigningError
from harness.results.model import ChainSigner
from harness.signing.verify import VerificationReport, verify_report
from harness.stages.statement import StageStatement, read_statement


@dataclass(frozen=True)
class StageReportCheck:
    path: Path
    sha256: str
    statement: StageStatement | None
    verification: VerificationReport | None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def signers(self) -> tuple[ChainSigner, ...]:
        """Who signed, per party, as the next stage's report will state it."""
        if self.verification is None:
            return ()
        return tuple(
            ChainSigner(
                party=entry.party or entry.field,
                signer=entry.signer,
                certificate_sha256=entry.certificate_sha256,
                signed_at=entry.signing_time,
            )
            for entry in self.verification.signatures
            if entry.signed and entry.party
        )


def _statement_problems(statement: StageStatement | None) -> list[str]:
    if statement is None:
        return [
            "no readable stage statement in the report's first revision (changed, made by an older harness, "
            "or not a stage report): use the report `harness run` wrote for the stage"
        ]
    problems = []
    stage = statement.stage
    if statement.verdict != "PASS":
        problems.append(f"the run's verdict is {statement.verdict}, not PASS: a failed run cannot close a stage")
    for requirement in stage.requirements:
        if not requirement.met and requirement.kind != "verdict":
            detail = f" ({requirement.detail})" if requirement.detail else ""
            problems.append(f"the {stage.id} standard is not met: {requirement.kind} {requirement.subject}{detail}")
    return problems


def check_stage_report(report: Path, trust: Sequence[Path], *, evidence_dir: Path | None = None) -> StageReportCheck:
    """Verify ``report`` in full (three parties, trusted, bound signers, evidence) and what it states.

    Raises:
        SigningError: the report or a trust anchor cannot be read.
    """
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {report}: {exc.strerror or exc}") from None
    verification = verify_report(report, trust, evidence_dir=evidence_dir)
    problems = [] if verification.ok else [f"signatures: {verification.bottom_line}"]
    statement = read_statement(data)
    problems += _statement_problems(statement)
    return StageReportCheck(
        path=report,
        sha256=hashlib.sha256(data).hexdigest(),
        statement=statement,
        verification=verification,
        problems=tuple(problems),
    )
