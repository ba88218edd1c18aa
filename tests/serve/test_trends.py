"""Trend charts of a profile's runs: which values they draw, and what they leave out."""

from __future__ import annotations

from datetime import timedelta

from history_builders import T0, finding, make_run, perf_suite, security_suite

from harness.history.records import RunRecord
from harness.results.model import SuiteResult, SuiteStatus, Verdict
from harness.serve.trends import test_pass_rate as pass_rate_of
from harness.serve.trends import trends, triaged_counts


def record(*suites: SuiteResult, days: int = 0, verdict: Verdict = Verdict.PASS) -> RunRecord:
    return RunRecord.of(make_run(list(suites), started=T0 + timedelta(days=days), verdict=verdict))


def link(run_id: str) -> str:
    return f"/runs/{run_id}"


def cases(tests: int, passed: int, skipped: int = 0) -> SuiteResult:
    return SuiteResult(name=f"unit{tests}", kind="unit", status=SuiteStatus.PASSED,
                       metrics={"tests": tests, "passed": passed, "skipped": skipped})  # fmt: skip


def test_pass_rate_counts_tests_that_ran_across_suites() -> None:
    assert pass_rate_of(record(cases(10, 9), cases(5, 3, skipped=2))) == 12 / 13
    assert pass_rate_of(record(perf_suite())) is None
    assert pass_rate_of(record(cases(3, 0, skipped=3))) is None  # nothing ran: no rate, not 0 %


def test_ignored_findings_are_not_counted() -> None:
    found = [finding("1", "a", "high", "f1"), finding("2", "b", "high", "f2", action="IGNORE"),
             finding("3", "c", "low", "f3")]  # fmt: skip
    assert triaged_counts(record(security_suite(findings=found))) == {
        "critical": 0, "high": 1, "medium": 0, "low": 1, "info": 0
    }  # fmt: skip


def test_performance_lines_per_suite_skip_runs_where_it_did_not_complete() -> None:
    runs = [
        record(perf_suite("load", p95=0.2), perf_suite("spike", p95=0.9), days=0),
        record(perf_suite("load", p95=0.3, status=SuiteStatus.ERROR), days=1, verdict=Verdict.INCOMPLETE),
        record(perf_suite("load", p95=0.25), days=2),
    ]
    charts = trends(runs, link)
    lines = {line.label: line for line in charts.p95.lines}
    assert set(lines) == {"load", "spike"}
    assert [d.tip.split(": ")[1] for d in lines["load"].dots] == ["200 ms", "250 ms"]
    assert [d.href for d in lines["spike"].dots] == [link(runs[0].run_id)]
    assert [b.colour for b in charts.verdicts.bars] == ["#1a7f37", "#bf8700", "#1a7f37"]
    assert (charts.runs, charts.passed) == (3, 2)
    assert charts.findings.empty and charts.pass_rate.empty


def test_x_axis_names_runs_by_start_time() -> None:
    runs = [record(perf_suite(), days=n) for n in range(3)]
    labels = [t.label for t in trends(runs, link).throughput.x_ticks]
    assert labels == [r.started.astimezone().strftime("%m-%d %H:%M") for r in runs]
