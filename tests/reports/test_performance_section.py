"""The performance section of the PDF: charts, tables and alerts render in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from harness.reports.pdf import load_sections, render_report
from harness.reports.pdf.sections.performance import build
from harness.reports.pdf.sections.performance_charts import nice_step, time_label
from harness.results.model import (
    AbortRecord,
    Endpoint,
    FailureGroup,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    RunResult,
    SuiteResult,
    SuiteStatus,
    TimePoint,
)


def _suite() -> SuiteResult:
    series = tuple(
        TimePoint(t=float(i), values={"users": min(i * 5, 30), "rps": 20.0 + i % 3, "failures_per_s": 0.5,
                                      "p50": 0.01, "p90": 0.05, "p95": 0.08 + i / 1000, "p99": 0.2})
        for i in range(40)
    )  # fmt: skip
    endpoint = {"requests": 500.0, "failures": 5.0, "error_rate": 0.01, "rps": 12.5, "avg": 0.02, "p50": 0.01,
                "p90": 0.05, "p95": 0.08, "p99": 0.2, "max": 0.4}  # fmt: skip
    return SuiteResult(
        name="performance",
        kind="performance",
        status=SuiteStatus.FAILED,
        metrics={**endpoint, "requests": 800.0, "users": 30.0, "workers": 2.0, "workers_lost": 1.0, "aborted": 1.0},
        endpoints=(
            Endpoint(name="GET /api/applications", metrics=endpoint),
            Endpoint(name="POST /api/auth/token", metrics=endpoint),
        ),
        timeseries=series,
        failures=(
            FailureGroup(message="HTTPError('500 Server Error')", occurrences=5, endpoints=("GET /api/applications",)),
        ),
        abort=AbortRecord(criterion="p95 > 2s for 10s : abort", at=30.0, since=20.0, measured=2.4, message="held"),
    )


def _run(language: str) -> RunResult:
    return RunResult(
        run_id="demo-20260101T000000-abcd",
        profile=ProfileInfo(name="demo", path="demo.yaml", sha256="0" * 64),
        project=ProjectInfo(name="某市政务服务网"),
        report=ReportMeta(language=language),
        started=datetime(2026, 1, 1, tzinfo=UTC),
        suites=(_suite(),),
    )


def test_performance_suites_get_the_performance_section() -> None:
    assert load_sections()[_suite().kind] is build  # registered as a plug-in, like a third-party section


@pytest.mark.parametrize(("language", "words"), [("en", ["Results per endpoint", "Top failures", "stopped early", "Throughput"]),
                                                 ("zh-CN", ["各接口性能", "主要失败原因", "提前中止", "吞吐量"])])  # fmt: skip
def test_the_section_renders_charts_tables_and_alerts(tmp_path: Path, language: str, words: list[str]) -> None:
    path = tmp_path / "report.pdf"
    render_report(_run(language), path)
    page_text = "".join(page.extract_text() for page in PdfReader(path).pages)
    for word in [*words, "GET /api/applications", "HTTPError"]:
        assert word in page_text, word
    fonts = {str(f) for page in PdfReader(path).pages for f in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts  # every page sets its text in the embedded font (no Helvetica fallback in the charts)
    assert "Helvetica" not in path.read_bytes().decode("latin-1")


def test_axis_steps_and_time_labels() -> None:
    assert [nice_step(v) for v in (9, 30, 140, 0.7)] == [2, 10, 50, 0.2]
    assert [time_label(v) for v in (45, 180, 3725)] == ["45s", "3:00", "1:02:05"]
