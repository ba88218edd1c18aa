"""A run with every kind of suite the exporters must handle: cases, UAT, performance, security, an error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.results.model import (
    Artifact,
    CaseStatus,
    CriterionOutcome,
    CriterionResult,
    Endpoint,
    Finding,
    Instance,
    ProfileInfo,
    ProjectInfo,
    Risk,
    RuleAction,
    RunResult,
    SuiteResult,
    SuiteStatus,
    TestCase,
    Verdict,
)
from harness.results.rundir import RunDirectory, sha256_file

T0 = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)


def sample_run(rundir: RunDirectory) -> RunResult:
    raw = rundir.raw_dir("load")
    (raw / "stats.csv").write_text("Type,Name,Request Count\nGET,/api/permit-types,1200\n", encoding="utf-8")
    evidence = rundir.raw_dir("uat") / "evidence" / "UAT-01"
    evidence.mkdir(parents=True)
    (evidence / "receipt.json").write_text('{"fee": "0.00"}', encoding="utf-8")

    def artifact(path: Path) -> Artifact:
        return Artifact(
            path=path.relative_to(rundir.path).as_posix(), size=path.stat().st_size, sha256=sha256_file(path)
        )

    cases = (
        TestCase(id="api::login", name="login", classname="api", status=CaseStatus.PASSED, duration=0.12),
        TestCase(id="api::fee", name="fee <rounding> & \x1b[31mcolour\x1b[0m", classname="api", status=CaseStatus.FAILED,
                 message="expected 385.61", details="Traceback…\nAssertionError", stdout="out\x00put", duration=0.2),
        TestCase(id="api::ledger", name="ledger", classname="api", status=CaseStatus.ERROR, message="refused"),
        TestCase(id="api::tariff", name="tariff", classname="api", status=CaseStatus.SKIPPED, message="not published"),
    )  # fmt: skip
    findings = (
        Finding(rule_id="40012", name="Cross Site Scripting (Reflected)", risk=Risk.HIGH, cwe=79, action=RuleAction.FAIL,
                description="User input is echoed.", solution="Escape output.",
                instances=(Instance(url="http://127.0.0.1/portal/search?q=x", method="GET", param="q"),)),
        Finding(rule_id="10021", name="X-Content-Type-Options Header Missing", risk=Risk.LOW, action=RuleAction.WARN),
        Finding(rule_id="10096", name="Timestamp Disclosure", risk=Risk.INFO, action=RuleAction.IGNORE),
    )  # fmt: skip
    uat_case = TestCase(
        id="UAT-01", name="提交申请", classname="门户验收", status=CaseStatus.PASSED,
        properties={"tester": "刘芳", "date": "2025-03-14", "uat.outcome": "passed",
                    "evidence.1": "portal-evidence/UAT-01/receipt.json sha256:" + "0" * 64},
    )  # fmt: skip
    suites = (
        SuiteResult(name="api", kind="integration", status=SuiteStatus.FAILED, cases=cases, started=T0,
                    finished=T0 + timedelta(seconds=3), metrics={"tests": 4, "duration": 3.0}),
        SuiteResult(name="uat", kind="uat", status=SuiteStatus.PASSED, cases=(uat_case,), started=T0, finished=T0,
                    artifacts=(artifact(evidence / "receipt.json"),), metrics={"uat.total": 1, "uat.passed": 1}),
        SuiteResult(name="load", kind="performance", status=SuiteStatus.PASSED, started=T0,
                    finished=T0 + timedelta(seconds=60), metrics={"requests": 1200, "p95": 0.31, "rps": 20.0},
                    endpoints=(Endpoint(name="GET /api/permit-types", metrics={"p95": 0.31, "requests": 1200}),),
                    artifacts=(artifact(raw / "stats.csv"),)),
        SuiteResult(name="zap", kind="security", status=SuiteStatus.FAILED, findings=findings, started=T0, finished=T0),
        SuiteResult(name="broken", kind="unit", status=SuiteStatus.ERROR, error="pytest collected no tests\nmore"),
        SuiteResult(name="later", kind="unit", status=SuiteStatus.SKIPPED),
    )  # fmt: skip
    criteria = (
        CriterionResult(suite="api", expression="failed + errors == 0", expected="0", measured=2, measured_text="2",
                        outcome=CriterionOutcome.FAILED, default=True),
        CriterionResult(suite="load", expression="p95 < 500ms", expected="500ms", measured=0.31, measured_text="310 ms",
                        outcome=CriterionOutcome.PASSED),
        CriterionResult(suite="broken", expression="pass_rate >= 100%", expected="100%", outcome=CriterionOutcome.ERROR,
                        message="suite error"),
    )  # fmt: skip
    return RunResult(
        run_id=rundir.path.name,
        profile=ProfileInfo(name="sample", path="profiles/sample.yaml", sha256="0" * 64),
        project=ProjectInfo(name="许可系统", version="1.4.2"),
        started=T0,
        finished=T0 + timedelta(minutes=2),
        suites=suites,
        criteria=criteria,
        verdict=Verdict.INCOMPLETE,
    )
