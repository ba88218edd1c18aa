"""Builders for run-history tests: constructed runs with performance and security suites, written as real
run directories, and an in-process runner whose results come from its options (for the real pipeline).

Imported by tests as ``from history_builders import ...`` (tests/ is on sys.path through its conftest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from harness.results.model import (
    Endpoint,
    Finding,
    Instance,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    Risk,
    RuleAction,
    RunResult,
    SuiteResult,
    SuiteStatus,
    Verdict,
)
from harness.results.rundir import RunDirectory
from harness.runners.base import PreparedSuite, RunContext, Runner, RunnerBase
from harness.runners.registry import load_runners

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def finding(rule: str, name: str, risk: str, fingerprint: str, action: str = "WARN") -> Finding:
    return Finding(
        rule_id=rule,
        name=name,
        risk=Risk(risk),
        fingerprint=fingerprint,
        action=RuleAction(action),
        instances=(Instance(url="http://127.0.0.1:8000/portal/search", method="GET", param="q"),),
    )


def perf_suite(
    name: str = "load",
    p95: float = 0.200,
    rps: float = 120.0,
    error_rate: float = 0.0,
    endpoints: Mapping[str, Mapping[str, float]] | None = None,
    status: SuiteStatus = SuiteStatus.PASSED,
) -> SuiteResult:
    endpoints = endpoints if endpoints is not None else {"GET /api/applications": {"p95": p95 * 0.9, "rps": rps / 2}}
    return SuiteResult(
        name=name,
        kind="performance",
        status=status,
        metrics={"p95": p95, "rps": rps, "error_rate": error_rate, "requests": rps * 30},
        endpoints=tuple(Endpoint(name=n, metrics=dict(m)) for n, m in endpoints.items()),
    )


def security_suite(
    name: str = "scan", findings: Sequence[Finding] = (), status: SuiteStatus = SuiteStatus.PASSED
) -> SuiteResult:
    high = sum(1 for f in findings if f.risk is Risk.HIGH)
    return SuiteResult(
        name=name, kind="security", status=status, findings=tuple(findings), metrics={"alerts.high": high}
    )


def make_run(
    suites: Sequence[SuiteResult],
    *,
    profile: str = "demo",
    verdict: Verdict = Verdict.PASS,
    started: datetime = T0,
    run_id: str | None = None,
    language: str = "en",
) -> RunResult:
    return RunResult(
        run_id=run_id or f"{profile}-{started:%Y%m%dT%H%M%S}-0000",
        profile=ProfileInfo(name=profile, path=f"/profiles/{profile}.yaml", sha256="0" * 64),
        project=ProjectInfo(name="Permit service", stage="testing"),
        report=ReportMeta(language=language),
        started=started,
        finished=started + timedelta(minutes=5),
        suites=tuple(suites),
        verdict=verdict,
    )


def write_run(base: Path, run: RunResult) -> Path:
    """A real run directory holding ``run``'s run.json."""
    rundir = RunDirectory.create(base, run.run_id)
    rundir.write_run(run)
    return rundir.path


class ScriptedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: SuiteStatus = SuiteStatus.PASSED
    metrics: dict[str, float] = Field(default_factory=dict)
    endpoints: dict[str, dict[str, float]] = Field(default_factory=dict)
    findings: list[dict[str, str]] = Field(default_factory=list)  # rule, name, risk, fingerprint[, action]
    sleep: float = 0.0


class ScriptedRunner(RunnerBase):
    """Returns the results its options describe: a stand-in for the performance and security runners,
    which live on other branches, so the history is proven against the real pipeline without them."""

    options_model: ClassVar[type[BaseModel]] = ScriptedOptions
    default_criteria: ClassVar[tuple[str, ...]] = ()

    def needs_target(self, options: BaseModel) -> bool:
        return False

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return frozenset({"p50", "p95", "rps", "error_rate", "requests", "alerts.high", "duration"})

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(ScriptedOptions)
        if options.sleep and ctx.cancel.wait(options.sleep):
            return SuiteResult(name=suite.name, kind=self.kind, status=SuiteStatus.INCOMPLETE)
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=options.status,
            metrics=options.metrics,
            endpoints=tuple(Endpoint(name=n, metrics=m) for n, m in options.endpoints.items()),
            findings=tuple(
                finding(f["rule"], f["name"], f["risk"], f["fingerprint"], f.get("action", "WARN"))
                for f in options.findings
            ),
        )


def scripted_runners() -> dict[str, Runner]:
    return {**load_runners(), "performance": ScriptedRunner("performance"), "security": ScriptedRunner("security")}
