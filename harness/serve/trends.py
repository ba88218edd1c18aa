"""A profile's runs over time as charts: verdicts, p95 and throughput per performance suite, findings by
severity, test pass rate. Pure functions over the history's records (oldest first)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from harness.history.records import RunRecord
from harness.results.metrics import format_metric
from harness.results.model import Risk, RuleAction
from harness.serve.charts import RISK_COLOURS, Chart, Column, Series, line_chart, stacked_bars, verdict_strip

PERFORMANCE = "performance"


@dataclass(frozen=True)
class Trends:
    verdicts: Chart
    p95: Chart
    throughput: Chart
    findings: Chart
    pass_rate: Chart
    runs: int
    passed: int  # runs with verdict PASS

    @property
    def charts(self) -> tuple[Chart, ...]:
        return (self.p95, self.throughput, self.findings, self.pass_rate)


def short_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M")


def triaged_counts(record: RunRecord) -> dict[str, float]:
    """Findings of every suite of the run by risk, leaving out those a rule file IGNOREs."""
    counts = {risk.value: 0.0 for risk in Risk}
    for suite in record.suites:
        for ref in suite.findings.values():
            if ref.action is not RuleAction.IGNORE:
                counts[ref.risk.value] += 1
    return counts


def test_pass_rate(record: RunRecord) -> float | None:
    """Passed tests over tests that ran (not skipped), across every suite made of test cases; None without any."""
    ran = passed = 0.0
    for suite in record.suites:
        metrics = suite.metrics
        if "tests" in metrics:
            ran += metrics["tests"] - metrics.get("skipped", 0.0)
            passed += metrics.get("passed", 0.0)
    return passed / ran if ran > 0 else None


def _per_suite(
    records: Sequence[RunRecord], metric: str, link: Callable[[str], str]
) -> list[Series]:  # fmt: skip
    names = list(dict.fromkeys(s.name for r in records for s in r.suites if s.kind == PERFORMANCE))
    found = []
    for name in names:
        points, tips, links = [], [], []
        for index, record in enumerate(records):
            suite = record.suite(name)
            if suite is None or metric not in suite.metrics or not suite.completed:
                continue
            value = suite.metrics[metric]
            points.append((float(index), value))
            tips.append(f"{record.run_id} · {name}: {format_metric(metric, value)}")
            links.append(link(record.run_id))
        found.append(Series(name, points, tips, links))
    return found


def trends(records: Sequence[RunRecord], link: Callable[[str], str]) -> Trends:
    """Charts of ``records`` (oldest first); ``link(run_id)`` is a run's page."""
    records = list(records)

    def x_label(value: float) -> str:
        index = round(value)
        return short_time(records[index].started) if 0 <= index < len(records) else ""

    strip = verdict_strip(
        "Verdicts, oldest first",
        [
            (r.verdict.value, f"{r.run_id}: {r.verdict.value}{' (unfinished)' if r.unfinished else ''}", link(r.run_id))
            for r in records
        ],
    )
    p95 = line_chart(
        "p95 response time per performance suite", _per_suite(records, "p95", link),
        y_format=lambda v: format_metric("p95", v), x_format=x_label, empty="no performance suite in these runs",
    )  # fmt: skip
    rps = line_chart(
        "Throughput (requests/s) per performance suite", _per_suite(records, "rps", link),
        y_format=lambda v: format_metric("rps", v), x_format=x_label, empty="no performance suite in these runs",
    )  # fmt: skip
    columns = [
        Column(short_time(r.started), tuple(triaged_counts(r).items()), tip=r.run_id, href=link(r.run_id))
        for r in records
        if any(s.findings or s.kind == "security" for s in r.suites)
    ]
    findings = stacked_bars(
        "Findings by severity (rules marked IGNORE left out)", columns, RISK_COLOURS,
        y_format=lambda v: f"{v:g}", empty="no security findings recorded in these runs",
    )  # fmt: skip
    rate_points, rate_tips, rate_links = [], [], []
    for index, record in enumerate(records):
        rate = test_pass_rate(record)
        if rate is not None:
            rate_points.append((float(index), rate))
            rate_tips.append(f"{record.run_id}: {format_metric('pass_rate', rate)} of tests passed")
            rate_links.append(link(record.run_id))
    pass_rate = line_chart(
        "Test pass rate (every suite made of test cases)",
        [Series("pass rate", rate_points, rate_tips, rate_links)],
        y_format=lambda v: format_metric("pass_rate", v), x_format=x_label, empty="no test suites in these runs",
    )  # fmt: skip
    passed = sum(1 for r in records if r.verdict.value == "PASS")
    return Trends(strip, p95, rps, findings, pass_rate, len(records), passed)
