"""The shape of a performance suite's results, shared by the Locust runner and the JTL/Locust importers.

Every source produces the same names, so a criterion reads the same on a Locust run and on an imported
JMeter file: suite and per-endpoint ``metrics`` (SI units: seconds, fractions, per second) and a
``timeseries`` whose points carry the :data:`SERIES` values.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from harness.results.model import FailureGroup, TimePoint

PERCENTILES: tuple[int, ...] = (50, 66, 75, 80, 90, 95, 98, 99)
"""The percentiles every source reports (Locust's own set up to p99), as ``p50`` ... ``p99``."""

SAMPLE_METRICS: frozenset[str] = frozenset(
    {"requests", "failures", "error_rate", "rps", "failures_per_s", "avg", "min", "max"}
    | {f"p{p}" for p in PERCENTILES}
)
"""Metrics of the whole suite and of each endpoint."""

SERIES: tuple[str, ...] = ("users", "rps", "failures_per_s", "error_rate", "p50", "p90", "p95", "p99")
"""Values of a timeseries point (plus cumulative ``requests`` and ``failures`` where the source has them)."""

MAX_POINTS = 600
"""Longer timeseries are merged into at most this many points: enough for a chart, small in run.json."""


def figures(
    requests: float,
    failures: float,
    rps: float | None,
    failures_per_s: float | None,
    avg_ms: float | None,
    min_ms: float | None,
    max_ms: float | None,
    percentiles_ms: Mapping[int, float | None],
) -> dict[str, float]:
    """The metric set of one endpoint or of the total, converted from milliseconds to seconds.

    Values a source does not have (no successful request, "N/A") are left out rather than set to 0,
    so a criterion on them reports "no metric" instead of passing on a made-up number.
    """
    metrics: dict[str, float] = {"requests": float(requests), "failures": float(failures)}
    metrics["error_rate"] = failures / requests if requests else 0.0
    if rps is not None:
        metrics["rps"] = float(rps)
    if failures_per_s is not None:
        metrics["failures_per_s"] = float(failures_per_s)
    for name, value in (("avg", avg_ms), ("min", min_ms), ("max", max_ms)):
        if value is not None and requests:
            metrics[name] = value / 1000
    for percentile, value in percentiles_ms.items():
        if value is not None and requests:
            # Percentiles come from bucketed times (150 ms for 147 ms); they never pass the exact extremes.
            if max_ms is not None:
                value = min(value, max_ms)
            if min_ms is not None:
                value = max(value, min_ms)
            metrics[f"p{percentile}"] = value / 1000
    return metrics


def group_failures(rows: Iterable[tuple[str, str, int]]) -> tuple[FailureGroup, ...]:
    """``(endpoint, message, occurrences)`` rows -> one group per message, most frequent first."""
    counts: dict[str, int] = defaultdict(int)
    endpoints: dict[str, list[str]] = defaultdict(list)
    for endpoint, message, occurrences in rows:
        counts[message] += occurrences
        if endpoint and endpoint not in endpoints[message]:
            endpoints[message].append(endpoint)
    ordered = sorted(counts, key=lambda message: (-counts[message], message))
    return tuple(FailureGroup(message=m, occurrences=counts[m], endpoints=tuple(endpoints[m])) for m in ordered)


def downsample(points: Sequence[TimePoint], limit: int = MAX_POINTS) -> tuple[TimePoint, ...]:
    """Merge consecutive points so at most ``limit`` remain.

    Rates are averaged, users and percentiles take the worst value of the merged points (a chart must
    not hide a spike), cumulative counts take the last value, and the error rate is recomputed.
    """
    if len(points) <= limit:
        return tuple(points)
    stride = math.ceil(len(points) / limit)
    merged: list[TimePoint] = []
    for start in range(0, len(points), stride):
        group = points[start : start + stride]
        values: dict[str, float] = {}
        names = {name for point in group for name in point.values}
        for name in names:
            present = [p.values[name] for p in group if name in p.values]
            if name in ("rps", "failures_per_s"):
                values[name] = sum(present) / len(present)
            elif name in ("requests", "failures"):
                values[name] = present[-1]
            elif name != "error_rate":
                values[name] = max(present)
        if "rps" in values and "failures_per_s" in values:
            values["error_rate"] = values["failures_per_s"] / values["rps"] if values["rps"] else 0.0
        merged.append(TimePoint(t=group[0].t, values=values))
    return tuple(merged)
