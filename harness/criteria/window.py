"""Windowed criteria (``p95 > 2s for 10s : abort``), as Taurus passfail's ``for 10s, stop as failed``.

A windowed criterion states the *failure* condition to watch for: it triggers once the condition has
held on every sample for at least its window. The same state machine runs live (the Locust runner
feeds it the stats of the running test and stops the test when it triggers) and afterwards over a
suite's timeseries (imported results, which nobody watched while they were produced).

A sample where the condition cannot be computed (no response yet, so no p95) breaks the window like a
sample where it does not hold: only evidence of the condition counts towards stopping a test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.criteria.measure import MetricMissing, Resolver, measure
from harness.criteria.syntax import Criterion, Reference
from harness.results.model import TimePoint


@dataclass(frozen=True)
class Trigger:
    """When a windowed criterion triggered: ``at`` is the sample time, ``since`` when it began to hold."""

    criterion: Criterion
    at: float
    since: float
    measured: float


class WindowWatch:
    """Feed samples in time order; :meth:`feed` returns a Trigger once, when the window is complete."""

    def __init__(self, criterion: Criterion) -> None:
        if criterion.window is None:
            raise ValueError(f"{criterion.text!r} has no 'for' window")
        self.criterion = criterion
        self.window = criterion.window
        self.since: float | None = None
        self.triggered: Trigger | None = None
        self.extreme: float | None = None  # the left-hand side furthest into the failure direction so far

    def feed(self, t: float, resolve: Resolver) -> Trigger | None:
        if self.triggered is not None:
            return None
        try:
            measured, _, holds = measure(self.criterion, resolve)
        except MetricMissing:
            self.since = None
            return None
        self._track(measured)
        if not holds:
            self.since = None
            return None
        if self.since is None:
            self.since = t
        if t - self.since >= self.window:
            self.triggered = Trigger(self.criterion, t, self.since, measured)
        return self.triggered

    def _track(self, measured: float) -> None:
        upward = self.criterion.op in (">", ">=", "!=")
        if self.extreme is None or (measured > self.extreme if upward else measured < self.extreme):
            self.extreme = measured


def sample_resolver(
    values: Mapping[str, float], endpoints: Mapping[str, Mapping[str, float]] | None = None
) -> Resolver:
    """Resolve plain names from one sample's ``values`` and ``endpoint("NAME").metric`` from ``endpoints``."""

    def resolve(reference: Reference) -> float:
        first = reference.segments[0]
        if first.name == "endpoint" and first.args is not None and len(reference.segments) == 2:
            name = (first.args or ("",))[0]
            metric = reference.segments[1].name
            value = (endpoints or {}).get(name, {}).get(metric)
        else:
            value = values.get(reference.dotted)
        if value is None:
            raise MetricMissing(f"no {reference.dotted} in this sample")
        return value

    return resolve


def replay(criterion: Criterion, points: Sequence[TimePoint]) -> WindowWatch:
    """Run a windowed criterion over a recorded timeseries; the returned watch tells if and when it triggered."""
    watch = WindowWatch(criterion)
    for point in points:
        if watch.feed(point.t, sample_resolver(point.values)) is not None:
            break
    return watch
