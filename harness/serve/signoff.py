"""The sign-off state of a run: which parties signed its report.pdf, checked with ``harness verify``'s API.

Every party's signature is checked as ``harness verify --partial --evidence RUN_DIR`` would (intact,
bound to the party, nothing but signing after it, the evidence unchanged); "trusted" only means something
when the server was given trust anchors (``--trust CA.pem``), so without them the state says the trust was
not checked instead of calling the report failed. Results are cached until report.pdf or manifest.json
changes (and for at most a minute: evidence lives in many files).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.results.rundir import MANIFEST_FILE
from harness.results.signoff import PARTIES
from harness.serve.cache import FileCache
from harness.signing.verify import REPORT_COPY, VerificationReport, verify_report

NO_TRUST_PROBLEM = "not trusted: no trust anchor given"


@dataclass(frozen=True)
class SignOff:
    """What the dashboard shows about a run's report and its signatures."""

    report: bool  # report.pdf exists
    trust_checked: bool  # the server has trust anchors
    verification: VerificationReport | None = None
    error: str = ""  # the report could not be checked at all

    @property
    def signed(self) -> tuple[str, ...]:
        return self.verification.signed_parties if self.verification else ()

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p in PARTIES if p not in self.signed)

    def problems(self) -> list[str]:
        """Every problem found, leaving out "not trusted" when no trust anchor was given."""
        if self.verification is None:
            return [self.error] if self.error else []
        found = [
            f"{s.party or s.field}: {problem}"
            for s in self.verification.signatures
            if s.signed
            for problem in s.problems
            if not (not self.trust_checked and problem.startswith(NO_TRUST_PROBLEM))
        ]
        found += list(self.verification.problems) + list(self.verification.evidence.problems)
        found += [f"attachment {a.name}: {p}" for a in self.verification.evidence.attachments for p in a.problems]
        return found

    @property
    def state(self) -> str:
        """``unsigned``, ``partly signed``, ``signed``, or ``failed`` (a signature or the evidence failed)."""
        if not self.report:
            return "no report"
        if self.verification is None:
            return "failed"
        if self.problems():
            return "failed"
        if not self.signed:
            return "unsigned"
        return "signed" if not self.missing else "partly signed"

    @property
    def summary(self) -> str:
        """One line: who signed, and how far it was checked."""
        if not self.report:
            return "no report.pdf in the run directory"
        if self.verification is None:
            return f"cannot be checked: {self.error}"
        who = ", ".join(self.signed) if self.signed else "nobody"
        line = f"signed by {who} ({len(self.signed)} of {len(PARTIES)})"
        if self.problems():
            return f"{line}; FAILED: {self.problems()[0]}"
        if not self.signed:
            return line
        return f"{line}; {'verified against the trust anchors' if self.trust_checked else 'trust not checked (no --trust)'}"


class SignOffReader:
    """Checks run directories' reports against the server's trust anchors, caching the results."""

    def __init__(self, trust: Sequence[Path]) -> None:
        self.trust = tuple(trust)
        self._cache: FileCache[SignOff] = FileCache(128, max_age=60.0)

    def of(self, run_dir: Path) -> SignOff:
        report = run_dir / REPORT_COPY
        return self._cache.get((report, run_dir / MANIFEST_FILE), lambda: self._check(report, run_dir))

    def _check(self, report: Path, run_dir: Path) -> SignOff:
        trusted = bool(self.trust)
        if not report.is_file():
            return SignOff(report=False, trust_checked=trusted)
        try:
            verification = verify_report(report, self.trust, evidence_dir=run_dir, partial=True)
        except HarnessError as exc:
            return SignOff(report=True, trust_checked=trusted, error=str(exc))
        return SignOff(report=True, trust_checked=trusted, verification=verification)


def verify_upload(path: Path, trust: Sequence[Path], *, partial: bool = False) -> VerificationReport:
    """An uploaded report, checked as ``harness verify --trust ... [--partial]`` checks a file: every party
    must have signed unless ``partial``.

    Raises:
        SigningError: not a readable PDF, or a trust anchor cannot be read.
    """
    return verify_report(path, trust, partial=partial)
