"""Samples -> figures: per-label and total counts, rates over the test span, bounded timeseries."""

from __future__ import annotations

import pytest

from harness.results.aggregate import MAX_LABELS, OTHER_LABELS, SampleAggregator
from harness.results.model import TimePoint
from harness.results.performance import MAX_POINTS, downsample


def test_totals_labels_failures_and_series() -> None:
    aggregator = SampleAggregator()
    for second in range(10):
        for _ in range(4):
            aggregator.add("GET /a", 1000.0 + second, 20, True, threads=5)
        aggregator.add("POST /b", 1000.0 + second, 200, second % 2 == 0, "500 Internal Server Error", threads=5)
    result = aggregator.result()
    assert result.metrics["requests"] == 50 and result.metrics["failures"] == 5
    assert result.metrics["error_rate"] == pytest.approx(0.1)
    assert result.metrics["rps"] == pytest.approx(50 / 9.2)  # first start to last end
    assert result.metrics["users"] == 5 and result.metrics["p50"] == 0.02
    names = {e.name: e.metrics for e in result.endpoints}
    assert names["POST /b"]["failures"] == 5 and names["GET /a"]["requests"] == 40
    assert result.failures[0].message == "500 Internal Server Error" and result.failures[0].occurrences == 5
    assert [p.t for p in result.timeseries] == [float(s) for s in range(10)]
    assert result.timeseries[1].values["failures_per_s"] == 1 and result.timeseries[-1].values["requests"] == 50


def test_samples_kept_out_of_the_totals_still_show_under_their_label() -> None:
    aggregator = SampleAggregator()
    aggregator.add("GET /a", 1.0, 10, True)
    aggregator.add("Checkout (transaction)", 1.0, 30, True, in_total=False)
    result = aggregator.result()
    assert result.metrics["requests"] == 1
    assert {e.name for e in result.endpoints} == {"GET /a", "Checkout (transaction)"}


def test_a_long_span_widens_intervals_instead_of_growing() -> None:
    aggregator = SampleAggregator()
    for second in range(0, 86_400, 7):  # a day of samples
        aggregator.add("x", 1_700_000_000.0 + second, 5, True)
    aggregator.add("x", 1_700_000_000.0 + 10 * 86_400, 5, True)  # and one ten days later
    series = aggregator.result().timeseries
    assert 0 < len(series) <= MAX_POINTS
    assert series[-1].values["requests"] == aggregator.samples


def test_distinct_labels_are_bounded() -> None:
    aggregator = SampleAggregator()
    for index in range(MAX_LABELS + 3):
        aggregator.add(f"GET /item/{index}", 1.0, 1, True)
    result = aggregator.result()
    assert len(result.endpoints) == MAX_LABELS + 1 and aggregator.folded_labels == 3
    assert any(e.name == OTHER_LABELS and e.metrics["requests"] == 3 for e in result.endpoints)


def test_downsample_keeps_spikes_and_rates() -> None:
    points = [TimePoint(t=i, values={"rps": 10.0, "failures_per_s": 1.0, "p95": 0.1, "requests": i}) for i in range(50)]
    points[17] = TimePoint(t=17, values={"rps": 10.0, "failures_per_s": 1.0, "p95": 5.0, "requests": 17})
    merged = downsample(points, limit=10)
    assert len(merged) == 10
    assert max(p.values["p95"] for p in merged) == 5.0
    assert merged[0].values["rps"] == 10 and merged[0].values["error_rate"] == pytest.approx(0.1)
    assert merged[-1].values["requests"] == 49
