"""Individual load-test samples -> performance figures, in memory bounded by labels and time, not samples.

Importers of sample logs (JMeter JTL) feed one sample at a time; the aggregator keeps, per label, a
response-time histogram and counts, and per time interval the same for the whole test. Intervals start
at one second and double in width whenever there would be more than :data:`MAX_POINTS` of them, so a
day-long file yields a chart-sized timeseries without holding a day of seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from harness.results.histogram import ResponseTimes
from harness.results.model import Endpoint, FailureGroup, TimePoint
from harness.results.performance import MAX_POINTS, PERCENTILES, figures, group_failures

MAX_LABELS = 5_000
"""Beyond this many distinct labels (ids in labels, usually) further ones are folded into one row."""
OTHER_LABELS = "(other labels)"


@dataclass
class _Label:
    times: ResponseTimes = field(default_factory=ResponseTimes)
    failures: int = 0


@dataclass
class _Interval:
    times: ResponseTimes = field(default_factory=ResponseTimes)
    failures: int = 0
    threads: int = 0


@dataclass(frozen=True)
class Aggregate:
    metrics: dict[str, float]
    endpoints: tuple[Endpoint, ...]
    timeseries: tuple[TimePoint, ...]
    failures: tuple[FailureGroup, ...]


class SampleAggregator:
    def __init__(self) -> None:
        self._labels: dict[str, _Label] = {}
        self._intervals: dict[int, _Interval] = defaultdict(_Interval)
        self._errors: dict[tuple[str, str], int] = defaultdict(int)
        self._width = 1.0
        self._origin: float | None = None
        self._first = float("inf")
        self._last = float("-inf")
        self._total = ResponseTimes()
        self._failures = 0
        self._threads_seen = False
        self._low = self._high = 0  # interval keys in use
        self.folded_labels = 0

    def add(
        self,
        label: str,
        start: float,
        elapsed_ms: float,
        success: bool,
        message: str = "",
        threads: int | None = None,
        count: int = 1,
        in_total: bool = True,
    ) -> None:
        """One sample (or ``count`` identical ones): ``start`` in epoch seconds, ``elapsed_ms`` its duration.

        ``in_total=False`` keeps a sample out of the totals and the timeseries but shows it under its
        label: a JMeter transaction controller's sample, whose requests are counted on their own.
        """
        stats = self._labels.get(label)
        if stats is None:
            if len(self._labels) >= MAX_LABELS:
                self.folded_labels += 1
                label = OTHER_LABELS
                stats = self._labels.setdefault(label, _Label())
            else:
                stats = self._labels[label] = _Label()
        stats.times.add(elapsed_ms, count)
        if not success:
            stats.failures += count
            self._errors[(label, message or "failed")] += count
        if not in_total:
            return
        self._total.add(elapsed_ms, count)
        if not success:
            self._failures += count
        self._first = min(self._first, start)
        self._last = max(self._last, start + elapsed_ms / 1000)
        if self._origin is None:
            self._origin = float(int(start))
        key = int((start - self._origin) // self._width)
        if not self._intervals:
            self._low = self._high = key
        self._low, self._high = min(self._low, key), max(self._high, key)
        interval = self._intervals[key]
        interval.times.add(elapsed_ms, count)
        if not success:
            interval.failures += count
        if threads is not None:
            self._threads_seen = True
            interval.threads = max(interval.threads, threads)
        while self._high - self._low >= MAX_POINTS:
            self._widen()

    def _widen(self) -> None:
        """Double the interval width, merging pairs of intervals (the time span, not the samples, decides)."""
        merged: dict[int, _Interval] = defaultdict(_Interval)
        for key, interval in self._intervals.items():
            target = merged[key // 2]
            target.times.merge(interval.times)
            target.failures += interval.failures
            target.threads = max(target.threads, interval.threads)
        self._intervals = merged
        self._width *= 2
        self._low, self._high = self._low // 2, self._high // 2

    @property
    def samples(self) -> int:
        return self._total.count

    def result(self) -> Aggregate:
        span = self._last - self._first if self._total.count else 0.0
        metrics = self._figures(self._total, self._failures, span)
        if self._threads_seen and self._intervals:
            metrics["users"] = float(max(i.threads for i in self._intervals.values()))
        endpoints = tuple(
            Endpoint(name=name, metrics=self._figures(stats.times, stats.failures, span))
            for name, stats in sorted(self._labels.items())
        )
        failures = group_failures((label, message, count) for (label, message), count in self._errors.items())
        return Aggregate(metrics, endpoints, self._series(), failures)

    @staticmethod
    def _figures(times: ResponseTimes, failures: int, span: float) -> dict[str, float]:
        fractions = {p: p / 100 for p in PERCENTILES}
        found = times.percentiles(fractions.values())
        return figures(
            times.count,
            failures,
            times.count / span if span > 0 else None,
            failures / span if span > 0 else None,
            times.average,
            times.minimum if times.count else None,
            times.maximum if times.count else None,
            {p: found[f] for p, f in fractions.items()},
        )

    def _series(self) -> tuple[TimePoint, ...]:
        points: list[TimePoint] = []
        requests = failures = 0
        if not self._intervals:
            return ()
        first = self._low
        for key in range(first, self._high + 1):
            interval = self._intervals.get(key, _Interval())
            count = interval.times.count
            requests += count
            failures += interval.failures
            values: dict[str, float] = {
                "rps": count / self._width,
                "failures_per_s": interval.failures / self._width,
                "error_rate": interval.failures / count if count else 0.0,
                "requests": float(requests),
                "failures": float(failures),
            }
            if self._threads_seen:
                values["users"] = float(interval.threads)
            for percentile, value in interval.times.percentiles((0.5, 0.9, 0.95, 0.99)).items():
                if value is not None:
                    values[f"p{round(percentile * 100)}"] = value / 1000
            points.append(TimePoint(t=(key - first) * self._width, values=values))
        return tuple(points)
