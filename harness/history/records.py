"""What the history keeps of a run: a compact, comparable snapshot built from a RunResult or from the database."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from harness.results.model import Finding, FindingRef, RunResult, SuiteResult, SuiteStatus, Verdict


def fingerprint_of(finding: Finding) -> str:
    """The finding's own fingerprint, or one derived from rule, name and instances for engines that set none."""
    if finding.fingerprint:
        return finding.fingerprint
    places = sorted(f"{i.method} {i.url} {i.param}" for i in finding.instances)
    digest = hashlib.sha256("\x00".join([finding.rule_id, finding.name, *places]).encode()).hexdigest()
    return f"derived:{digest[:24]}"


def finding_ref(finding: Finding) -> FindingRef:
    return FindingRef(
        fingerprint=fingerprint_of(finding),
        rule_id=finding.rule_id,
        name=finding.name,
        risk=finding.risk,
        action=finding.action,
        instances=len(finding.instances),
    )


@dataclass(frozen=True)
class SuiteSnapshot:
    name: str
    kind: str
    status: SuiteStatus
    metrics: Mapping[str, float] = field(default_factory=dict)
    endpoints: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    findings: Mapping[str, FindingRef] = field(default_factory=dict)  # by fingerprint
    error: str = ""
    started: datetime | None = None
    finished: datetime | None = None

    @property
    def completed(self) -> bool:
        return self.status in (SuiteStatus.PASSED, SuiteStatus.FAILED)

    @classmethod
    def of(cls, suite: SuiteResult) -> SuiteSnapshot:
        findings: dict[str, FindingRef] = {}
        for finding in suite.findings:
            ref = finding_ref(finding)
            seen = findings.get(ref.fingerprint)
            if seen is not None:  # the same weakness reported twice: one finding, its instances added up
                ref = ref.model_copy(update={"instances": seen.instances + ref.instances})
            findings[ref.fingerprint] = ref
        return cls(
            name=suite.name,
            kind=suite.kind,
            status=suite.status,
            metrics=dict(suite.metrics),
            endpoints={e.name: dict(e.metrics) for e in suite.endpoints},
            findings=findings,
            error=suite.error,
            started=suite.started,
            finished=suite.finished,
        )


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    profile: str
    verdict: Verdict
    started: datetime
    finished: datetime | None = None
    project: str = ""
    stage: str = ""
    target: str = ""
    target_url: str = ""
    target_version: str = ""
    profile_path: str = ""
    profile_sha256: str = ""
    interrupted: bool = False
    run_dir: str = ""
    suites: tuple[SuiteSnapshot, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def duration(self) -> float | None:
        return (self.finished - self.started).total_seconds() if self.finished else None

    @property
    def unfinished(self) -> bool:
        """Recorded when it started and never finished: killed, crashed or still running."""
        return self.finished is None

    def suite(self, name: str) -> SuiteSnapshot | None:
        return next((s for s in self.suites if s.name == name), None)

    @classmethod
    def of(cls, run: RunResult, run_dir: str = "") -> RunRecord:
        return cls(
            run_id=run.run_id,
            profile=run.profile.name,
            verdict=run.verdict,
            started=run.started,
            finished=run.finished,
            project=run.project.name,
            stage=run.project.stage,
            target=run.target.name,
            target_url=run.target.base_url,
            target_version=run.target.version,
            profile_path=run.profile.path,
            profile_sha256=run.profile.sha256,
            interrupted=run.interrupted,
            run_dir=run_dir,
            suites=tuple(SuiteSnapshot.of(s) for s in run.suites),
        )
