"""A run with every suite kind and every situation the report words: failures the criteria accept, a load
test with failed requests, a scan cut short after critical findings (with coverage, reproducible findings,
a false positive and an engine's own English), a scan cut short before finding anything, imports of bad
JTL and Nessus results judged by the defaults, a UAT checklist and a suite whose target was down.

The suites are made by hand in the shapes the runners produce; the criteria, the statuses after them, the
verdict and its reasons come from the real gates, and the report from the real exporters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.criteria import parse_criterion
from harness.criteria.defaults import DEFAULTS
from harness.gates import decide_verdict, evaluate, mark_judged
from harness.reports import write_exports
from harness.results.messages import message, policy_message
from harness.results.model import (
    CaseStatus,
    CriterionResult,
    Endpoint,
    FailureGroup,
    Finding,
    Instance,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    Risk,
    RuleAction,
    RunResult,
    ScanCoverage,
    SkippedItem,
    StopRecord,
    SuiteResult,
    SuiteStatus,
    TargetInfo,
    TestCase,
    TimePoint,
    ToolInfo,
)
from harness.results.rundir import RunDirectory

T0 = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:8000"
SQLI_URL = f"{BASE}/portal/search?q=%27%20OR%20%271%27%3D%271&page=1"
SQLI_REQUEST = (
    "GET /portal/search?q=%27%20OR%20%271%27%3D%271&page=1 HTTP/1.1\nHost: 127.0.0.1:8000\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0\n"
    "Authorization: ***\nAccept: */*\n\n"
)
SQLI_EVIDENCE = 'sqlite3.OperationalError: near "OR": syntax error ' + "SELECT id, title FROM permits " * 30


def _cases(count: int, failed: int) -> tuple[TestCase, ...]:
    return tuple(
        TestCase(
            id=f"tests/test_fees.py::test_fee_{n:03d}",
            name=f"test_fee_{n:03d}",
            classname="tests.test_fees",
            status=CaseStatus.FAILED if n < failed else CaseStatus.PASSED,
            duration=0.02,
            message="AssertionError: 申请费用应为 120 元，实际为 100 元" if n < failed else "",
            details="Traceback (most recent call last):\n  File tests/test_fees.py, line 12\nassert 100 == 120"
            if n < failed
            else "",
        )
        for n in range(count)
    )


def _window(start: int, seconds: float) -> dict[str, datetime]:
    return {"started": T0 + timedelta(seconds=start), "finished": T0 + timedelta(seconds=start + seconds)}


def _sqli(fingerprint: str, url: str, param: str) -> Finding:
    return Finding(
        rule_id="wapiti:sql-injection",
        name="SQL Injection",
        risk=Risk.CRITICAL,
        cwe=89,
        description="SQL injection is a technique where malicious users can inject SQL commands into an SQL "
        "statement, via web page input.",
        solution="To protect against SQL injection, user input must not directly be embedded in SQL statements.",
        instances=(Instance(url=url, method="GET", param=param, attack="' OR '1'='1", evidence=SQLI_EVIDENCE,
                            other="SQLite Injection via injection in the parameter q", request=SQLI_REQUEST),),
        action=RuleAction.FAIL,
        fingerprint=fingerprint,
        source="wapiti 3.2.3",
        occurrences=4,
    )  # fmt: skip


def suites() -> list[SuiteResult]:
    unit = SuiteResult(
        name="unit",
        kind="unit",
        status=SuiteStatus.FAILED,
        tool=ToolInfo(name="pytest", version="8.3.5"),
        cases=_cases(40, 2),
        metrics={
            "tests": 40,
            "passed": 38,
            "failed": 2,
            "errors": 0,
            "skipped": 0,
            "pass_rate": 0.95,
            "duration": 12.0,
        },
        **_window(0, 12),
    )
    performance = SuiteResult(
        name="performance",
        kind="performance",
        status=SuiteStatus.FAILED,
        tool=ToolInfo(name="locust", version="2.32.4"),
        metrics={"requests": 900, "failures": 9, "error_rate": 0.01, "rps": 30.0, "p95": 0.42, "p99": 0.61,
                 "avg": 0.12, "users": 30},
        endpoints=(Endpoint(name="GET /api/applications", metrics={"requests": 600, "failures": 9, "p95": 0.4}),),
        timeseries=tuple(TimePoint(t=float(t), values={"rps": 30.0, "p95": 0.4, "users": 30.0}) for t in range(0, 30, 5)),
        failures=(FailureGroup(message="HTTPError('503 Server Error: Service Unavailable')", occurrences=9,
                               endpoints=("GET /api/applications",)),),
        notes=(message("note.load.single"), message("note.load.cpu"), message("note.load.html")),
        **_window(20, 30),
    )  # fmt: skip
    scan = SuiteResult(
        name="security",
        kind="security",
        status=SuiteStatus.INCOMPLETE,
        tool=ToolInfo(name="wapiti", version="3.2.3"),
        findings=(
            _sqli("a1b2c3d4e5f6a7b8c9d0", SQLI_URL, "q"),
            _sqli("b1b2c3d4e5f6a7b8c9d0", f"{BASE}/api/permits?sort=name%27", "sort"),
            Finding(rule_id="wapiti:reflected-cross-site-scripting", name="Reflected Cross Site Scripting",
                    risk=Risk.MEDIUM, cwe=79, action=RuleAction.WARN, fingerprint="c1b2c3d4e5f6a7b8c9d0",
                    source="wapiti 3.2.3", description="Cross-site scripting (XSS) is a type of computer security "
                    "vulnerability typically found in web applications.",
                    instances=(Instance(url=f"{BASE}/portal/search?q=%3Cscript%3Ealert%28%27w%27%29%3C%2Fscript%3E",
                                        method="GET", param="q", attack="<script>alert('w')</script>",
                                        evidence="<p>搜索：<script>alert('w')</script></p>"),)),
            Finding(rule_id="wapiti:httponly-flag-cookie", name="HttpOnly Flag cookie", risk=Risk.LOW, cwe=1004,
                    action=RuleAction.INFO, fingerprint="d1b2c3d4e5f6a7b8c9d0", source="wapiti 3.2.3",
                    instances=(Instance(url=f"{BASE}/", method="GET", evidence="visitor"),)),
        ),
        false_positives=(
            Finding(rule_id="wapiti:path-traversal", name="Path Traversal", risk=Risk.HIGH, cwe=22,
                    fingerprint="e1b2c3d4e5f6a7b8c9d0", source="wapiti 3.2.3",
                    instances=(Instance(url=f"{BASE}/static/app.js?v=..%2F..%2Fetc%2Fpasswd", method="GET",
                                        param="v"),)),
        ),
        metrics={"alerts.critical": 2, "alerts.high": 0, "alerts.medium": 1, "alerts.low": 1, "alerts.info": 0,
                 "alerts.fail": 2, "alerts.warn": 1, "alerts.total": 4, "alerts.ignored": 0, "alerts.instances": 4,
                 "scan.urls": 42, "scan.urls_scanned": 17, "scan.requests": 1830, "scan.rules": 11},
        coverage=ScanCoverage(
            urls_found=42, urls_scanned=17, requests=1830,
            rules_run=("cookieflags", "csp", "http_headers", "wapp", "csrf", "xss", "sql", "exec", "file", "redirect",
                       "crlf"),
            rules_refused=(SkippedItem(name="nikto", reason=message("skip.refused.internet_database")),
                           SkippedItem(name="ssrf", reason=message("skip.refused.external_endpoint"))),
        ),
        stopped=StopRecord(cause="time-cap", cap="max_minutes", option="suites.security.options.max_minutes",
                           limit=600.0, elapsed=601.5, detail="[!] Max scan time was reached, stopping."),
        error="wapiti reached max_minutes (10 min); scan cut short",
        notes=(message("note.security.scan.full", url=f"{BASE}/", engine="wapiti 3.2.3"), policy_message("high")),
        **_window(60, 601.5),
    )  # fmt: skip
    api_scan = SuiteResult(
        name="api-scan",
        kind="security",
        status=SuiteStatus.INCOMPLETE,
        tool=ToolInfo(name="ZAP", version="2.16.0"),
        metrics={"alerts.critical": 0, "alerts.high": 0, "alerts.medium": 0, "alerts.low": 0, "alerts.info": 0,
                 "alerts.fail": 0, "alerts.warn": 0, "alerts.total": 0, "scan.operations": 73,
                 "scan.operations_scanned": 12},
        coverage=ScanCoverage(
            urls_found=12, urls_scanned=12, requests=140, operations_imported=73, operations_scanned=12,
            operations_skipped=(SkippedItem(name="DELETE /api/permits/{id}", reason="excluded: destructive"),),
            spec_servers_replaced=("https://permits.example.gov.cn/v1",),
        ),
        stopped=StopRecord(cause="cancelled", elapsed=95.0, detail="SIGINT received"),
        notes=(message("note.security.scan.api", url=f"{BASE}/openapi.json", engine="ZAP 2.16.0"),),
        **_window(700, 95),
    )  # fmt: skip
    jtl = SuiteResult(
        name="jmeter",
        kind="performance",
        status=SuiteStatus.FAILED,
        tool=ToolInfo(name="jmeter"),
        metrics={"requests": 200, "failures": 100, "error_rate": 0.5, "rps": 10.0, "p95": 0.3},
        failures=(FailureGroup(message="Non HTTP response code: java.net.ConnectException", occurrences=100),),
        notes=(message("note.jtl.samples", samples=200, files=1),
               message("note.import.sources", files="/data/results/load-2025-03-13.jtl")),
        **_window(800, 1),
    )  # fmt: skip
    nessus = SuiteResult(
        name="nessus",
        kind="security",
        status=SuiteStatus.FAILED,
        tool=ToolInfo(name="Nessus"),
        findings=(
            Finding(rule_id="97833", name="MS17-010: Security Update for Microsoft Windows SMB Server", risk=Risk.CRITICAL,
                    action=RuleAction.FAIL, fingerprint="f1b2c3d4e5f6a7b8c9d0", source="Nessus",
                    instances=(Instance(url="10.0.0.5:445/tcp (cifs)", evidence="Sent: ...\nReceived: STATUS_INSUFF_SERVER_RESOURCES"),)),
        ),
        metrics={"alerts.critical": 1, "alerts.high": 0, "alerts.medium": 0, "alerts.low": 0, "alerts.info": 0,
                 "alerts.fail": 1, "alerts.warn": 0, "alerts.total": 1},
        notes=(message("note.import.sources", files="/data/scan.nessus"), policy_message("high")),
        **_window(801, 1),
    )  # fmt: skip
    uat = SuiteResult(
        name="uat",
        kind="uat",
        status=SuiteStatus.PASSED,
        tool=ToolInfo(name="UAT checklist", version="1.0"),
        cases=(TestCase(id="UAT-01", name="提交许可申请", status=CaseStatus.PASSED,
                        properties={"uat.outcome": "passed", "tester": "刘芳", "date": "2025-03-13"}),),
        metrics={"tests": 1, "passed": 1, "uat.total": 1, "uat.passed": 1, "uat.pass_rate": 1.0},
        notes=(message("note.uat.checklist", file="permit-checklist.yaml", name="行政许可验收清单", version="1.0"),),
        **_window(802, 1),
    )  # fmt: skip
    integration = SuiteResult(
        name="integration",
        kind="integration",
        status=SuiteStatus.ERROR,
        error="target unavailable: connection refused by 127.0.0.1:8000",
        notes=(message("note.target_unavailable", reason="connection refused by 127.0.0.1:8000"),),
    )
    return [unit, integration, performance, scan, api_scan, jtl, nessus, uat]


WRITTEN = {
    "unit": ["pass_rate >= 95%", "duration < 10s : warn"],
    "performance": ["p95 < 500ms", "error_rate < 2%"],
    "security": ["alerts.fail == 0", "scan.urls >= 20", "alerts.medium == 0 : warn"],
    "api-scan": ["alerts.fail == 0", "scan.operations_scanned >= 70"],
}


def judged(suite_list: list[SuiteResult]) -> tuple[list[SuiteResult], list[CriterionResult]]:
    """Each suite evaluated against its written criteria or its kind's defaults, then judged."""
    families = {"unit": "tests", "integration": "tests", "performance": "load", "security": "security", "uat": "uat"}
    results: list[SuiteResult] = []
    criteria: list[CriterionResult] = []
    for suite in suite_list:
        written = WRITTEN.get(suite.name)
        texts = written or list(DEFAULTS[families[suite.kind]])
        own = [evaluate(parse_criterion(text), suite, default=not written) for text in texts]
        criteria += own
        results.append(mark_judged(suite, own))
    return results, criteria


def make_rich_run(base: Path, language: str) -> RunDirectory:
    """The rich run's directory, with raw files, every export and report.pdf."""
    rundir = RunDirectory.create(base, f"rich-{language}-20250314T080000-abcd")
    raw = rundir.raw_dir("security")
    (raw / "wapiti-report.json").write_text('{"classifications": {}, "vulnerabilities": {}}\n', encoding="utf-8")
    (raw / "wapiti.log").write_text("[*] Saving scan state, please wait...\n", encoding="utf-8")
    artifacts = rundir.artifacts(raw)
    suite_list = [s.model_copy(update={"artifacts": artifacts}) if s.name == "security" else s for s in suites()]
    judged_suites, criteria = judged(suite_list)
    verdict, reasons = decide_verdict(judged_suites, criteria)
    run = RunResult(
        run_id=rundir.path.name,
        profile=ProfileInfo(name="rich", path="profiles/rich.yaml", sha256="1" * 64),
        project=ProjectInfo(name="某市政务服务网行政许可申请系统", system="permit-service", version="1.4.2"),
        target=TargetInfo(name="permit-service", base_url=BASE, version="1.4.2"),
        report=ReportMeta(language=language, environment="测试环境"),
        started=T0,
        finished=T0 + timedelta(minutes=15),
        suites=tuple(judged_suites),
        criteria=tuple(criteria),
        verdict=verdict,
        verdict_reasons=reasons,
    )
    rundir.write_run(run)
    errors = write_exports(run, rundir)
    assert not errors, errors
    return rundir
