"""The window SLIs are measured over, and the queries as sent for it (pure: no network).

A window is an earlier suite of the same run (its start to its end: the load test's window), several of
them (the first one's start to the last one's end), the last DURATION up to now (``last: 7d`` for the 运维
stage), or a fixed start and end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from harness.results.messages import message
from harness.results.model import Message, SuiteResult, SuiteStatus
from harness.runners.monitoring.options import WINDOW_PLACEHOLDER, Window


class WindowProblem(Exception):
    """The window cannot be placed (an earlier suite that did not run); carries the reason as a Message."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    source: str  # what it is: "suite performance", "last 7d", "fixed"

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def on_millisecond_grid(self) -> Span:
        """The span widened to whole milliseconds (start down, end up). Prometheus reads times and ranges in
        milliseconds: a range rounded from a finer span could start just after a sample the window holds."""
        start = self.start - timedelta(microseconds=self.start.microsecond % 1000)
        end_rest = self.end.microsecond % 1000
        end = self.end + timedelta(microseconds=(1000 - end_rest) % 1000)
        return Span(start, end, self.source)

    def padded(self, seconds: float) -> Span:
        """The span widened by ``seconds`` at both ends: a counter's increase over a window needs the samples
        scraped just before its start and just after its end."""
        pad = timedelta(seconds=seconds)
        return Span(self.start - pad, self.end + pad, self.source)


def resolve(window: Window, earlier: Sequence[SuiteResult], now: datetime) -> Span:
    """The span of ``window``: ``earlier`` are the suites that ran before this one in the run.

    Raises:
        WindowProblem: a named suite did not run before this one (not in the run, later, skipped, never
            started), or the span is empty.
    """
    fixed = window.fixed()
    if fixed is not None:
        return Span(fixed[0], fixed[1], "fixed")
    if window.last is not None:
        return Span(now - timedelta(seconds=window.last), now, f"last {_duration(window.last)}")
    by_name = {suite.name: suite for suite in earlier}
    spans: list[tuple[datetime, datetime]] = []
    for name in window.suite_names:
        suite = by_name.get(name)
        if suite is None:
            ran = ", ".join(by_name) or "none"
            raise WindowProblem(message("monitoring.window_suite_missing", suite=name, ran=ran))
        if suite.status is SuiteStatus.SKIPPED or suite.started is None or suite.finished is None:
            raise WindowProblem(message("monitoring.window_suite_not_run", suite=name, status=suite.status.value))
        spans.append((suite.started, suite.finished))
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    if end <= start:
        raise WindowProblem(message("monitoring.window_empty", suites=", ".join(window.suite_names)))
    label = "suite " if len(spans) == 1 else "suites "
    return Span(start, end, label + ", ".join(window.suite_names))


def range_text(seconds: float) -> str:
    """A PromQL range duration for ``seconds``, in milliseconds, rounded up so that no part of the window is
    lost (the tolerance absorbs a float's error on a span already on the millisecond grid)."""
    return f"{max(1, math.ceil(seconds * 1000 - 1e-6))}ms"


def fill(query: str, span: Span) -> str:
    """The query as sent: ``$window`` replaced by the window's length."""
    return query.replace(WINDOW_PLACEHOLDER, range_text(span.seconds))


def step_for(span: Span, wanted: float | None, minimum: float) -> float:
    """Seconds between evaluations of a range query: ``wanted``, else about 200 points, never below
    ``minimum`` and never more than Prometheus's 11,000 points per series."""
    step = wanted if wanted is not None else span.seconds / 200
    return max(step, minimum, span.seconds / 10_000)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
