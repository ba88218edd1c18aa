"""The diff page's rows say what `harness history diff` prints."""

from __future__ import annotations

from history_builders import finding, make_run, perf_suite, security_suite

from harness.history import RunRecord, compare_runs
from harness.history.compare import change_text
from harness.results.model import MetricDelta
from harness.serve.comparisons import metric_row, suite_diffs


def test_change_text_like_the_command() -> None:
    assert change_text(MetricDelta(name="p95", baseline=0.2, current=0.25)) == "+50 ms (+25.0 %)"
    assert change_text(MetricDelta(name="rps", baseline=20.0, current=18.0)) == "-2.0/s (-10.0 %)"
    assert change_text(MetricDelta(name="p95", baseline=0.2, current=0.2)) == "±0"
    assert change_text(MetricDelta(name="p95", baseline=None, current=0.2)) == "—"
    assert change_text(MetricDelta(name="failed", baseline=0, current=2)) == "+2"


def test_better_and_worse_follow_the_metric() -> None:
    assert metric_row(MetricDelta(name="p95", baseline=0.2, current=0.25)).assessment == "worse"
    assert metric_row(MetricDelta(name="rps", baseline=20.0, current=25.0)).assessment == "better"
    assert metric_row(MetricDelta(name="p95", baseline=0.2, current=0.202)).assessment == ""  # below 5 %


def test_suite_diffs_hide_unchanged_metrics_unless_asked() -> None:
    earlier = RunRecord.of(make_run([perf_suite(p95=0.2), security_suite(findings=[finding("1", "a", "high", "f1")])]))
    later = RunRecord.of(make_run([perf_suite(p95=0.3), security_suite(findings=[finding("2", "b", "low", "f2")])],
                                  run_id="demo-later"))  # fmt: skip
    diffs = {d.suite: d for d in suite_diffs(compare_runs(earlier, later))}
    load = diffs["load"]
    assert [m.name for m in load.metrics] == ["p95", "p95"] and load.hidden_metrics == 4
    assert [m.endpoint for m in load.metrics] == ["", "GET /api/applications"]
    scan = diffs["scan"]
    assert [r.fingerprint for r in scan.new] == ["f2"] and [r.fingerprint for r in scan.fixed] == ["f1"]
    everything = {d.suite: d for d in suite_diffs(compare_runs(earlier, later), all_metrics=True)}
    assert len(everything["load"].metrics) == 6 and everything["load"].hidden_metrics == 0
