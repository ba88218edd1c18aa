"""Real run directories for the report and signing tests, without running suites: a RunResult, raw
files, a manifest written by the real RunDirectory, and the real PDF exporter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.reports.pdf import REPORT_FILE, PdfExporter
from harness.results.model import (
    CaseStatus,
    CertificateRule,
    CriterionOutcome,
    CriterionResult,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    RunResult,
    Signatory,
    SuiteResult,
    SuiteStatus,
    TargetInfo,
    TestCase,
    Verdict,
)
from harness.results.rundir import RunDirectory

SYSTEM_SECRET = "sqlite-page-with-s3cr3t-token"  # lives only in target/: must never reach the PDF
SIGNATORIES = {  # each bound to the certificate `harness keys demo` issues for it
    "project": Signatory(
        name="陈明", organisation="某市大数据中心", title="项目经理",
        certificate=CertificateRule(subject={"CN": "陈明 (DEMO)", "O": "某市大数据中心"}),
    ),
    "business": Signatory(
        name="刘芳", organisation="某市市场监督管理局", title="科长",
        certificate=CertificateRule(subject={"CN": "刘芳 (DEMO)", "O": "某市市场监督管理局"}),
    ),
    "supervision": Signatory(
        name="赵强", organisation="某某工程监理有限公司", title="总监理工程师",
        certificate=CertificateRule(subject={"CN": "赵强 (DEMO)", "O": "某某工程监理有限公司"}),
    ),
}  # fmt: skip
LONG_TOKEN = "https://127.0.0.1:8000/api/applications/" + "x" * 160  # no spaces: must wrap inside its cell


def _cases(count: int, failures: int) -> tuple[TestCase, ...]:
    cases = []
    for number in range(count):
        failed = number < failures
        cases.append(
            TestCase(
                id=f"tests/test_permits.py::test_case_{number:05d}",
                name=f"test_case_{number:05d}",
                classname="tests.test_permits",
                status=CaseStatus.FAILED if failed else CaseStatus.PASSED,
                duration=0.01,
                message=f"AssertionError: expected 201, got 500 at {LONG_TOKEN}" if failed else "",
                details="Traceback (most recent call last):\n  File test_permits.py, line 12\nassert 500 == 201"
                if failed
                else "",
            )
        )
    return tuple(cases)


def make_run(
    base: Path,
    *,
    language: str = "zh-CN",
    cases: int = 40,
    failures: int = 3,
    attachment_limit_mb: float = 0.01,
    name: str = "sample",
) -> RunDirectory:
    """A run directory with run.json, raw files (one over the attachment limit), system data under
    target/, harness.log and manifest.json — everything the PDF exporter expects."""
    rundir = RunDirectory.create(base, f"{name}-20250101T000000-abcd")
    started = datetime(2025, 1, 1, tzinfo=UTC)
    unit = SuiteResult(
        name="unit",
        kind="unit",
        status=SuiteStatus.FAILED if failures else SuiteStatus.PASSED,
        started=started,
        finished=started + timedelta(seconds=12),
        cases=_cases(cases, failures),
        metrics={"tests": cases, "passed": cases - failures, "failed": failures, "pass_rate": 1 - failures / cases},
    )
    integration = SuiteResult(
        name="integration",
        kind="integration",
        status=SuiteStatus.PASSED,
        cases=_cases(5, 0),
        metrics={"tests": 5, "passed": 5, "pass_rate": 1.0},
    )
    criteria = (
        CriterionResult(
            suite="unit",
            expression="pass_rate >= 100%",
            expected="100%",
            measured=1 - failures / cases,
            measured_text=f"{100 * (1 - failures / cases):.1f}%",
            outcome=CriterionOutcome.FAILED if failures else CriterionOutcome.PASSED,
        ),
    )
    run = RunResult(
        run_id=rundir.path.name,
        profile=ProfileInfo(name=name, path="profiles/sample.yaml", sha256="0" * 64),
        project=ProjectInfo(name="某市政务服务网行政许可申请系统", system="permit-service", version="1.4.2"),
        target=TargetInfo(name="permit-service", base_url="http://127.0.0.1:8000", version="1.4.2"),
        report=ReportMeta(
            language=language,
            environment="测试环境 / test environment",
            signatories=SIGNATORIES,
            attachment_limit_mb=attachment_limit_mb,
        ),
        started=started,
        finished=started + timedelta(minutes=1),
        suites=(unit, integration),
        criteria=criteria,
        verdict=Verdict.FAIL if failures else Verdict.PASS,
        verdict_reasons=("unit: pass_rate >= 100% not met",) if failures else (),
    )
    raw_unit = rundir.raw_dir("unit")
    (raw_unit / "junit.xml").write_text(
        f'<?xml version="1.0"?>\n<testsuite name="unit" tests="{cases}" failures="{failures}"/>\n'
    )
    (raw_unit / "pytest.log").write_text(f"collected {cases} items\n")
    (rundir.raw_dir("integration") / "locust_stats.csv").write_text("Name,Requests\n" + "GET /x,1\n" * 2000)
    (rundir.path / "target").mkdir()
    (rundir.path / "target" / "demo.sqlite").write_text(f"SQLite format 3 {SYSTEM_SECRET}\n")
    rundir.log_file.write_text("2025-01-01 INFO harness: run started\n")
    rundir.write_run(run)
    rundir.write_manifest()
    return rundir


def render(rundir: RunDirectory) -> Path:
    """Export report.pdf of ``rundir`` with the real exporter and return its path."""
    PdfExporter().export(rundir.read_run(), rundir)
    return rundir.path / REPORT_FILE
