"""A history for the dashboard's tests, recorded through the history API with real run directories.

Two projects: ``demo`` (five finished runs with a unit, a performance and a security suite whose findings
change from run to run, plus one run killed before it finished) and ``permits-api`` (two runs, one of them
made "on another machine": its directory is not in the reports folder). The newest finished ``demo`` run
has a real report.pdf (the real PDF exporter) signed by two of the three parties with DEMO keys. Run data
carries what real runs carry: scanner payloads (``<script>``), Chinese text, a raw HTML report with a
script in it, the system under test's files under ``target/``. Schedules are added to the history, and the
scheduler's log has a finished and a missed fire time.

``build(base)`` is used by the fixtures and by ``python -m serve.screenshots``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sample_runs import SIGNATORIES

from harness.history.compare import compare_suite
from harness.history.records import RunRecord, SuiteSnapshot
from harness.history.runs import RunStore
from harness.reports.pdf import PdfExporter
from harness.results.model import (
    CaseStatus,
    Comparison,
    CriterionOutcome,
    CriterionResult,
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
    TargetInfo,
    TestCase,
    TimePoint,
    Verdict,
)
from harness.results.rundir import RunDirectory
from harness.schedule.store import ScheduleStore
from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report
from harness.stages.ledger import Closure, Ledger

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
XSS_ATTACK = '"><script>alert(document.cookie)</script>'
HOSTILE_NAME = "Reflected XSS <img src=x onerror=alert(1)>"
SCRIPT_REPORT = "<html><body><h1>wapiti report</h1><script>document.title='pwned'</script></body></html>\n"
SYSTEM_FILE = "target/demo.sqlite"
PROJECT = "某市政务服务网行政许可申请系统"


@dataclass(frozen=True)
class DashboardData:
    reports: Path
    history: Path
    ca: Path  # trust anchor of the DEMO keys
    keys: dict[str, Path]
    demo_runs: tuple[str, ...]  # finished, oldest first
    unfinished: str
    signed_run: str  # the newest finished demo run, report signed by supervision and project
    api_runs: tuple[str, ...]
    elsewhere: str  # recorded, but its directory is not in the reports folder
    profile: Path  # a profile file for the schedules


def _finding(rule: str, name: str, risk: Risk, fingerprint: str, attack: str = "", evidence: str = "") -> Finding:
    return Finding(
        rule_id=rule, name=name, risk=risk, fingerprint=fingerprint, action=RuleAction.WARN,
        instances=(Instance(url="http://127.0.0.1:8000/portal/search?q=1", method="GET", param="q", attack=attack,
                            evidence=evidence),),
        solution="对输出进行 HTML 转义 / escape output", source="wapiti 3.2.3",
    )  # fmt: skip


FINDINGS = {
    "csrf": _finding("wapiti:csrf", "Cross Site Request Forgery", Risk.MEDIUM, "fp-csrf"),
    "xss": _finding("wapiti:xss", HOSTILE_NAME, Risk.HIGH, "fp-xss", XSS_ATTACK, f"<p>你搜索了 {XSS_ATTACK}</p>"),
    "csp": _finding("wapiti:csp", "Content Security Policy Configuration", Risk.LOW, "fp-csp"),
    "cookie": _finding("wapiti:cookie", "HttpOnly Flag cookie", Risk.LOW, "fp-cookie"),
    "banner": _finding("wapiti:fingerprint", "Fingerprint web technology", Risk.INFO, "fp-banner"),
}
# which findings each demo run has: csp is fixed in run 3, xss appears in run 2, cookie in run 4
RUN_FINDINGS = (
    ("csrf", "csp", "banner"),
    ("csrf", "csp", "banner"),
    ("csrf", "csp", "banner", "xss"),
    ("csrf", "banner", "xss"),
    ("csrf", "banner", "xss", "cookie"),
)
VERDICTS = (Verdict.PASS, Verdict.PASS, Verdict.FAIL, Verdict.INCOMPLETE, Verdict.PASS)


def _unit(passed: int, failed: int) -> SuiteResult:
    cases = tuple(
        TestCase(id=f"tests/test_fees.py::test_fee_{n}", name=f"test_fee_{n}", status=CaseStatus.PASSED)
        for n in range(passed)
    ) + tuple(
        TestCase(id=f"tests/test_fees.py::test_bad_{n}", name=f"test_bad_{n}", status=CaseStatus.FAILED,
                 message="AssertionError: 申请费计算错误 <b>")
        for n in range(failed)
    )  # fmt: skip
    total = passed + failed
    return SuiteResult(
        name="unit", kind="unit", status=SuiteStatus.FAILED if failed else SuiteStatus.PASSED, cases=cases,
        metrics={"tests": total, "passed": passed, "failed": failed, "skipped": 0, "pass_rate": passed / total,
                 "duration": 6.5},
    )  # fmt: skip


def _performance(index: int) -> SuiteResult:
    p95 = 0.180 + 0.030 * index
    rps = 24.0 - 1.5 * index
    points = tuple(
        TimePoint(t=float(t), values={"users": min(30.0, 10.0 * (t + 1)), "rps": rps * min(1.0, (t + 1) / 3),
                                      "failures_per_s": 0.0, "p50": p95 / 4, "p95": p95 * (1.3 if t < 3 else 1.0),
                                      "p99": p95 * 1.4})
        for t in range(0, 30, 2)
    )  # fmt: skip
    endpoints = (
        Endpoint(name="GET /api/applications", metrics={"requests": 289, "rps": rps / 3, "p50": 0.01, "p95": p95 * 0.8,
                                                        "p99": p95, "error_rate": 0.0}),
        Endpoint(name="POST /api/applications?q=<script>", metrics={"requests": 60, "rps": 2.0, "p95": p95 * 1.2}),
    )  # fmt: skip
    return SuiteResult(
        name="performance", kind="performance", status=SuiteStatus.PASSED, timeseries=points, endpoints=endpoints,
        metrics={"requests": rps * 30, "rps": rps, "p95": p95, "p50": p95 / 4, "error_rate": 0.0, "duration": 33.0},
    )  # fmt: skip


def _security(index: int) -> SuiteResult:
    found = tuple(FINDINGS[key] for key in RUN_FINDINGS[index])
    counts = {f"alerts.{risk.value}": float(sum(1 for f in found if f.risk is risk)) for risk in Risk}
    return SuiteResult(name="security", kind="security", status=SuiteStatus.PASSED, findings=found, metrics=counts)


def _criteria(unit: SuiteResult, performance: SuiteResult) -> tuple[CriterionResult, ...]:
    rate = unit.metrics["pass_rate"]
    return (
        CriterionResult(suite="unit", expression="pass_rate >= 100%", expected="100%", measured=rate,
                        measured_text=f"{rate * 100:.1f} %",
                        outcome=CriterionOutcome.PASSED if rate >= 1 else CriterionOutcome.FAILED),
        CriterionResult(suite="performance", expression="p95 < 500ms", expected="500ms",
                        measured=performance.metrics["p95"],
                        measured_text=f"{performance.metrics['p95'] * 1000:.0f} ms", outcome=CriterionOutcome.PASSED),
    )  # fmt: skip


def _write(reports: Path, run: RunResult, *, script_report: bool) -> Path:
    rundir = RunDirectory.create(reports, run.run_id)
    rundir.write_run(run)
    (rundir.raw_dir("performance") / "stats.csv").write_text("Name,Requests\nGET /api/applications,289\n")
    if script_report:
        (rundir.raw_dir("security") / "report.html").write_text(SCRIPT_REPORT)
    (rundir.path / "target").mkdir()
    (rundir.path / SYSTEM_FILE).write_text("SQLite format 3 system data\n")
    rundir.log_file.write_text("2026-03-02 INFO harness: run started\n")
    rundir.write_manifest()
    return rundir.path


def _demo_run(index: int, started: datetime, comparison: Comparison | None = None) -> RunResult:
    unit = _unit(40 - index, 2 if VERDICTS[index] is Verdict.FAIL else 0)
    performance = _performance(index)
    return RunResult(
        run_id=f"demo-{started:%Y%m%dT%H%M%S}-{index:04x}",
        profile=ProfileInfo(name="demo", path="/srv/acceptance/profiles/demo.yaml", sha256="0" * 64),
        project=ProjectInfo(name=PROJECT, system="permit-service", version=f"1.4.{index}", stage="testing"),
        target=TargetInfo(name="permit-service", base_url="http://127.0.0.1:8000", version=f"1.4.{index}"),
        report=ReportMeta(language="zh-CN", signatories=SIGNATORIES, attachment_limit_mb=0.5),
        started=started, finished=started + timedelta(minutes=2), suites=(unit, performance, _security(index)),
        criteria=_criteria(unit, performance), verdict=VERDICTS[index], comparison=comparison,
        verdict_reasons=("unit: pass_rate >= 100% not met",) if VERDICTS[index] is Verdict.FAIL else (),
    )  # fmt: skip


def _api_run(index: int, started: datetime) -> RunResult:
    return RunResult(
        run_id=f"permits-api-{started:%Y%m%dT%H%M%S}-{index:04x}",
        profile=ProfileInfo(name="permits-api", path="/srv/acceptance/profiles/permits-api.yaml", sha256="1" * 64),
        project=ProjectInfo(name="某区不动产登记接口", system="registry-api", version="2.0", stage="go-live"),
        started=started, finished=started + timedelta(minutes=1), suites=(_unit(12, 0),), verdict=Verdict.PASS,
    )  # fmt: skip


def build(base: Path, *, keys: dict[str, Path] | None = None) -> DashboardData:
    """Write the reports folder and its history under ``base`` (DEMO keys too, unless given)."""
    reports = base / "reports"
    reports.mkdir(parents=True)
    history = reports / "history.sqlite"
    store = RunStore.open(history)
    keys = keys or make_demo_keys(base / "keys", SIGNATORIES)
    demo_ids = []
    previous: RunRecord | None = None
    for index in range(len(VERDICTS)):
        started = T0 + timedelta(days=index)
        comparison = None
        if (
            index == len(VERDICTS) - 1 and previous is not None
        ):  # the newest names its baseline, as `baseline: previous`
            current = _demo_run(index, started)
            suites = tuple(compare_suite(SuiteSnapshot.of(s), previous.suite(s.name), previous) for s in current.suites)
            comparison = Comparison(baseline="previous", suites=suites)
        run = _demo_run(index, started, comparison)
        path = _write(reports, run, script_report=True)
        store.record(run, path)
        previous = store.get(run.run_id)
        demo_ids.append(run.run_id)
    signed = RunDirectory(reports / demo_ids[-1])
    PdfExporter().export(signed.read_run(), signed)
    for party in ("supervision", "project"):
        sign_report(signed.path / "report.pdf", party=party, key=keys[party], password=DEMO_PASSWORD)
    killed = _demo_run(1, T0 + timedelta(days=5)).model_copy(
        update={"run_id": "demo-20260307T010000-dead", "finished": None, "verdict": Verdict.INCOMPLETE, "suites": ()}
    )
    store.record(killed, _write(reports, killed, script_report=False))
    api_ids = []
    for index in range(2):
        run = _api_run(index, T0 + timedelta(days=index, hours=3))
        where = reports / run.run_id if index else base / "elsewhere" / run.run_id
        store.record(run, where)
        if index:
            _write(reports, run, script_report=False)
        api_ids.append(run.run_id)
    profile = base / "profiles" / "demo.yaml"
    profile.parent.mkdir()
    profile.write_text("# the scheduled profile (the dashboard only names it)\n")
    schedules = ScheduleStore(store.database)
    nightly = schedules.add(profile, "nightly", "0 2 * * *", "Asia/Shanghai", ["security"], 3600)
    schedules.add(profile, "weekly-full", "0 3 * * sun", "Asia/Shanghai", [], 3600)
    entry = schedules.log(f"db:{nightly}", "demo", T0 + timedelta(days=4), "started")
    schedules.finished(entry, "finished", demo_ids[-1], "PASS", "")
    schedules.log(f"db:{nightly}", "demo", T0 + timedelta(days=3), "missed", "the scheduler was down")
    Ledger(store.database).record(  # the project closed its development stage with the first run's report
        Closure(project=PROJECT, stage="development", position=3, run_id=demo_ids[0], pdf_sha256="0" * 64,
                signers=(), report_path=str(reports / demo_ids[0] / "report.pdf"), closed=T0 + timedelta(hours=6))
    )  # fmt: skip
    return DashboardData(
        reports=reports, history=history, ca=keys["ca"], keys=keys, demo_runs=tuple(demo_ids),
        unfinished=killed.run_id, signed_run=demo_ids[-1], api_runs=tuple(api_ids), elsewhere=api_ids[0],
        profile=profile,
    )  # fmt: skip


def tampered_copy(report: Path, out: Path) -> Path:
    """``report`` with one byte changed inside a signed range (what `verify` reports as integrity broken)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(report, out)
    data = bytearray(out.read_bytes())
    position = data.index(b"stream", 2000) + 40
    data[position] ^= 0x20
    out.write_bytes(bytes(data))
    return out
