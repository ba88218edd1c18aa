"""Building report.pdf for big runs: 1,000, 10,000 and 100,000 test cases, 1,000 findings, a 3,600-point timeseries.

Prints wall time and peak RSS of ``harness report``'s work (read run.json, write the PDF; each build in a
fresh process), next to a baseline measured in the same run — the same report for a 10-case run — and
next to ``allure generate`` on the same 10,000 results when the Allure CLI is installed (``npm install
--prefix .cache/allure allure-commandline``; needs Java). Goals: 10k cases <= 5 s; 100k cases <= 250 MB.

    .venv/bin/python -m benchmarks.report_build
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks._figures import figure
from harness.reports.pdf import PdfExporter
from harness.results.model import (
    CaseStatus,
    Endpoint,
    Finding,
    Instance,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    Risk,
    RunResult,
    SuiteResult,
    SuiteStatus,
    TestCase,
    TimePoint,
    Verdict,
)
from harness.results.rundir import RunDirectory

GOAL_SECONDS = 5.0
GOAL_RSS_MB_100K = 250.0
REPO = Path(__file__).resolve().parent.parent
STARTED = datetime(2025, 1, 1, tzinfo=UTC)


def _cases(count: int) -> tuple[TestCase, ...]:
    return tuple(
        TestCase(
            id=f"tests/test_module_{n // 100:03d}.py::test_{n:05d}",
            name=f"test_{n:05d}",
            classname=f"tests.test_module_{n // 100:03d}",
            status=CaseStatus.FAILED if n % 50 == 0 else CaseStatus.PASSED,
            duration=0.05,
            message="AssertionError: expected 200, got 503" if n % 50 == 0 else "",
            details="Traceback (most recent call last):\n  ...\nAssertionError" if n % 50 == 0 else "",
        )
        for n in range(count)
    )


def _findings(count: int) -> tuple[Finding, ...]:
    risks = (Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.INFO)
    return tuple(
        Finding(
            rule_id=str(10000 + n % 120),
            name=f"Finding rule {n % 120}",
            risk=risks[n % 4],
            description="A description of the weakness. " * 4,
            solution="Configure the server correctly. " * 2,
            instances=(Instance(url=f"http://127.0.0.1:8000/api/item/{n}", method="GET"),),
            fingerprint=f"fp-{n}",
        )
        for n in range(count)
    )


def make_big_run(base: Path, *, cases: int, findings: int, points: int) -> RunDirectory:
    rundir = RunDirectory.create(base, f"bench-{cases}")
    suites = [
        SuiteResult(
            name="unit", kind="unit", status=SuiteStatus.FAILED, cases=_cases(cases),
            metrics={"tests": cases, "failed": cases // 50, "passed": cases - cases // 50},
        ),
        SuiteResult(
            name="performance", kind="performance", status=SuiteStatus.PASSED,
            metrics={"requests": 360000.0, "rps": 100.0, "p95": 0.2, "error_rate": 0.001},
            endpoints=tuple(Endpoint(name=f"GET /api/{n}", metrics={"p95": 0.1, "rps": 5.0}) for n in range(20)),
            timeseries=tuple(TimePoint(t=float(s), values={"rps": 100.0, "p95": 0.2}) for s in range(points)),
        ),
        SuiteResult(name="security", kind="security", status=SuiteStatus.FAILED, findings=_findings(findings)),
    ]  # fmt: skip
    run = RunResult(
        run_id=rundir.path.name,
        profile=ProfileInfo(name="bench", path="bench.yaml", sha256="0" * 64),
        project=ProjectInfo(name="Benchmark project"),
        report=ReportMeta(language="zh-CN"),
        started=STARTED,
        finished=STARTED + timedelta(hours=1),
        suites=tuple(suites),
        verdict=Verdict.FAIL,
    )
    raw = rundir.raw_dir("unit")
    (raw / "junit.xml").write_text(
        "<testsuite>" + "".join(f'<testcase name="test_{n:05d}"/>' for n in range(cases)) + "</testsuite>"
    )
    rundir.write_run(run)
    rundir.write_manifest()
    return rundir


def build_in_child(run_dir: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of exporting report.pdf in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.report_build", "--child", str(run_dir)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    figures = json.loads(completed.stdout)
    return figures["seconds"], figures["peak_rss_mb"]


def _child(run_dir: Path) -> None:
    rundir = RunDirectory.open(run_dir)
    run = rundir.read_run()
    started = time.perf_counter()
    PdfExporter().export(run, rundir)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak}))


def _allure() -> str | None:
    local = REPO / ".cache" / "allure" / "node_modules" / ".bin" / "allure"
    return str(local) if local.exists() else shutil.which("allure")


def allure_generate(base: Path, cases: int) -> float | None:
    allure = _allure()
    if allure is None:
        return None
    results = base / "allure-results"
    results.mkdir()
    start = int(STARTED.timestamp() * 1000)
    for case in _cases(cases):
        identifier = str(uuid.uuid4())
        payload = {
            "uuid": identifier, "historyId": case.id, "name": case.name, "fullName": case.id,
            "status": "failed" if case.status is CaseStatus.FAILED else "passed",
            "statusDetails": {"message": case.message, "trace": case.details},
            "start": start, "stop": start + 50, "labels": [{"name": "suite", "value": case.classname}],
        }  # fmt: skip
        (results / f"{identifier}-result.json").write_text(json.dumps(payload))
    started = time.perf_counter()
    subprocess.run(
        [allure, "generate", str(results), "-o", str(base / "allure-report"), "--clean"],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    sizes = (1_000, 10_000, 100_000)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        base = Path(scratch)
        small = make_big_run(base, cases=10, findings=10, points=60)
        small_s, small_mb = build_in_child(small.path)
        print("report.pdf as `harness report` builds it (run.json read, PDF written), in a fresh process each;")
        print("every run also has 1,000 findings and a 3,600-point timeseries")
        print(f"  {'baseline (10 cases)':22s} {small_s:7.2f} s  {small_mb:6.1f} MB peak RSS")
        figures = {}
        for cases in sizes:
            big = make_big_run(base, cases=cases, findings=1_000, points=3_600)
            seconds, peak = figures[cases] = build_in_child(big.path)
            size = (big.path / "run.json").stat().st_size / 1e6
            pages = subprocess.run(["pdfinfo", str(big.path / "report.pdf")], capture_output=True, text=True).stdout
            count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
            print(f"  {f'{cases:,} cases':22s} {seconds:7.2f} s  {peak:6.1f} MB peak RSS  ({count} pages, "
                  f"run.json {size:.0f} MB)")  # fmt: skip
            shutil.rmtree(big.path)
        seconds_10k, _ = figures[10_000]
        figure("report for 10k cases: time", seconds_10k, "s", "<=", GOAL_SECONDS)
        figure("report for 100k cases: peak RSS", figures[100_000][1], "MB", "<=", GOAL_RSS_MB_100K,
               f"10k: {figures[10_000][1]:.0f} MB, 1k: {figures[1_000][1]:.0f} MB")  # fmt: skip
        allure_s = allure_generate(base, 10_000)
        if allure_s is None:
            print("  allure generate: Allure CLI not found (npm install --prefix .cache/allure allure-commandline)")
        else:
            print(
                f"  allure generate (same 10,000 results): {allure_s:6.2f} s  -> PDF/allure = {seconds_10k / allure_s:.2f}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(Path(sys.argv[2]))
    else:
        main()
