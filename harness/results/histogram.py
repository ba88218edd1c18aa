"""Response times kept as a histogram, so percentiles of millions of samples need only kilobytes.

Times are bucketed to two significant digits in milliseconds, the way Locust keeps its own statistics
(147 ms -> 150 ms, 3432 ms -> 3400 ms): percentiles computed from an imported JMeter file are then as
precise as those Locust reports, and memory grows with the spread of response times, never with the
number of samples. Histograms merge exactly, which is how per-label figures add up to totals and how
timeseries intervals are widened.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def bucket(milliseconds: float) -> int:
    """The bucket of a response time: exact below 100 ms, then two significant digits."""
    if milliseconds < 100:
        return round(milliseconds)
    if milliseconds < 1_000:
        return int(round(milliseconds, -1))
    if milliseconds < 10_000:
        return int(round(milliseconds, -2))
    return int(round(milliseconds, -3))


class ResponseTimes:
    """Count, sum, extremes and a bucketed histogram of response times in milliseconds."""

    __slots__ = ("buckets", "count", "maximum", "minimum", "total")

    def __init__(self) -> None:
        self.buckets: dict[int, int] = {}
        self.count = 0
        self.total = 0.0
        self.minimum = math.inf
        self.maximum = 0.0

    def add(self, milliseconds: float, count: int = 1) -> None:
        """Record one response time (or ``count`` equal ones)."""
        key = bucket(milliseconds)
        self.buckets[key] = self.buckets.get(key, 0) + count
        self.count += count
        self.total += milliseconds * count
        if milliseconds < self.minimum:
            self.minimum = milliseconds
        if milliseconds > self.maximum:
            self.maximum = milliseconds

    def merge(self, other: ResponseTimes) -> None:
        for key, count in other.buckets.items():
            self.buckets[key] = self.buckets.get(key, 0) + count
        self.count += other.count
        self.total += other.total
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    def percentile(self, fraction: float) -> float | None:
        """Nearest-rank percentile (``fraction`` 0.95 for p95), clamped to the exact min and max."""
        if not self.count:
            return None
        rank = max(1, math.ceil(fraction * self.count))
        seen = 0
        for key in sorted(self.buckets):
            seen += self.buckets[key]
            if seen >= rank:
                return float(min(max(key, self.minimum), self.maximum))
        return self.maximum

    def percentiles(self, fractions: Iterable[float]) -> dict[float, float | None]:
        """Several percentiles in one pass over the sorted buckets."""
        wanted = sorted(set(fractions))
        found: dict[float, float | None] = dict.fromkeys(wanted)
        if not self.count:
            return found
        ranks = [(max(1, math.ceil(f * self.count)), f) for f in wanted]
        seen = 0
        index = 0
        for key in sorted(self.buckets):
            seen += self.buckets[key]
            while index < len(ranks) and seen >= ranks[index][0]:
                found[ranks[index][1]] = float(min(max(key, self.minimum), self.maximum))
                index += 1
            if index == len(ranks):
                break
        return found
