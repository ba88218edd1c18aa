"""One run as its page shows it: suites, criteria, findings marked new/fixed against the baseline,
performance charts over test time, and the endpoints table. Pure functions over the run's results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.history.compare import RISK_ORDER, compare_suite
from harness.history.records import RunRecord, SuiteSnapshot, fingerprint_of
from harness.results.metrics import format_metric, headline
from harness.results.model import (
    Finding,
    FindingRef,
    Instance,
    RuleAction,
    RunResult,
    SuiteComparison,
    SuiteResult,
)
from harness.serve.charts import Chart, Series, line_chart

ENDPOINT_COLUMNS = ("requests", "failures", "error_rate", "rps", "p50", "p95", "p99", "max")
EVIDENCE_LIMIT = 400  # characters of a finding's evidence shown inline; the raw files have it all


@dataclass(frozen=True)
class SuiteRow:
    name: str
    kind: str
    status: str
    headline: str
    duration: str
    error: str


@dataclass(frozen=True)
class FindingRow:
    state: str  # new | unchanged | fixed | ignored | not compared
    ref: FindingRef
    finding: Finding | None  # None for a FIXED finding: only the baseline's record of it is left

    @property
    def instances(self) -> tuple[Instance, ...]:
        return self.finding.instances if self.finding else ()


@dataclass(frozen=True)
class SecurityView:
    suite: str
    status: str
    baseline: str  # the run compared with, "" when none
    note: str
    rows: tuple[FindingRow, ...]
    false_positives: int

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


@dataclass(frozen=True)
class PerformanceView:
    suite: str
    charts: tuple[Chart, ...]
    endpoints: tuple[tuple[str, tuple[str, ...]], ...]  # name, formatted ENDPOINT_COLUMNS


def suite_rows(run: RunResult) -> list[SuiteRow]:
    rows = []
    for suite in run.suites:
        duration = suite.metrics.get("duration")
        if duration is None and suite.started and suite.finished:
            duration = (suite.finished - suite.started).total_seconds()
        rows.append(
            SuiteRow(suite.name, suite.kind, suite.status.value, headline(suite), format_metric("duration", duration),
                     suite.error)
        )  # fmt: skip
    return rows


Previous = Callable[[SuiteResult], RunRecord | None]
"""The run to compare a suite with when the run's profile named no baseline: the previous run of its
profile in which that suite completed."""


def comparisons(run: RunResult, previous: Previous) -> tuple[dict[str, SuiteComparison], str]:
    """Per suite with findings (or a security suite): its comparison, and what it was compared with."""
    if run.comparison is not None:
        return {c.suite: c for c in run.comparison.suites}, f"baseline {run.comparison.baseline!r} of the profile"
    found = {}
    for suite in run.suites:
        if not (suite.findings or suite.kind == "security"):
            continue
        earlier = previous(suite)
        snapshot = SuiteSnapshot.of(suite)
        if earlier is None:
            note = "no earlier run of this profile completed this suite: every finding counts as new"
            found[suite.name] = compare_suite(snapshot, None, None, note)
        else:
            found[suite.name] = compare_suite(snapshot, earlier.suite(suite.name), earlier)
    return found, "the previous run of the profile in which the suite completed (the profile names no baseline)"


def _state(finding: Finding, fingerprint: str, comparison: SuiteComparison | None) -> str:
    if finding.action is RuleAction.IGNORE:
        return "ignored"
    if comparison is None:
        return "not compared"
    if any(ref.fingerprint == fingerprint for ref in comparison.new):
        return "new"
    if any(ref.fingerprint == fingerprint for ref in comparison.unchanged):
        return "unchanged"
    return "not compared"


def security_views(run: RunResult, compared: dict[str, SuiteComparison]) -> list[SecurityView]:
    views = []
    for suite in run.suites:
        if not (suite.findings or suite.kind == "security"):
            continue
        comparison = compared.get(suite.name)
        rows = [FindingRow(_state(f, fingerprint_of(f), comparison), _ref(f), f) for f in suite.findings]
        rows += [FindingRow("fixed", ref, None) for ref in (comparison.fixed if comparison else ())]
        rows.sort(key=lambda r: (RISK_ORDER.index(r.ref.risk), r.state != "new", r.ref.name))
        views.append(
            SecurityView(
                suite.name, suite.status.value, comparison.baseline_run if comparison else "",
                str(comparison.note) if comparison else "", tuple(rows), len(suite.false_positives),
            )
        )  # fmt: skip
    return views


def _ref(finding: Finding) -> FindingRef:
    return FindingRef(
        fingerprint=fingerprint_of(finding), rule_id=finding.rule_id, name=finding.name, risk=finding.risk,
        action=finding.action, instances=len(finding.instances),
    )  # fmt: skip


def time_label(seconds: float) -> str:
    """``45s`` below three minutes, ``12:30`` (m:ss) beyond."""
    seconds = round(seconds)
    if seconds < 180:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


def _series(suite: SuiteResult, names: Sequence[str]) -> list[Series]:
    found = []
    for name in names:
        points = [(p.t, p.values[name]) for p in suite.timeseries if name in p.values]
        tips = [f"{time_label(t)}: {name} {format_metric(name, v)}" for t, v in points]
        if points:
            found.append(Series(name, points, tips))
    return found


def _formatter(metric: str) -> Callable[[float], str]:
    return lambda value: format_metric(metric, value)


def performance_views(run: RunResult) -> list[PerformanceView]:
    views = []
    for suite in run.suites:
        if suite.kind != "performance" and not suite.timeseries:
            continue
        charts = []
        if suite.timeseries:
            for title, names, metric in (
                ("Response times", ("p50", "p95", "p99"), "p95"),
                ("Requests and failures per second", ("rps", "failures_per_s"), "rps"),
                ("Users", ("users",), "users"),
            ):
                series = _series(suite, names)
                if series:
                    charts.append(
                        line_chart(
                            f"{title} — {suite.name}", series, x_format=time_label,
                            y_format=_formatter(metric),
                        )
                    )  # fmt: skip
        endpoints = tuple(
            (e.name, tuple(format_metric(c, e.metrics.get(c)) for c in ENDPOINT_COLUMNS)) for e in suite.endpoints
        )
        views.append(PerformanceView(suite.name, tuple(charts), endpoints))
    return views


def shorten(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"


def history_rows(record: RunRecord) -> list[SuiteRow]:
    """Suites as the history keeps them, for a run whose directory is not in the reports folder."""
    return [
        SuiteRow(
            s.name, s.kind, s.status.value,
            ", ".join(f"{k} {format_metric(k, v)}" for k, v in list(s.metrics.items())[:6]),
            format_metric("duration", s.metrics.get("duration")), s.error,
        )
        for s in record.suites
    ]  # fmt: skip
