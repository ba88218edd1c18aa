"""Placing the window: an earlier suite of the run, several, the last 7 days, fixed times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.results.model import SuiteResult, SuiteStatus
from harness.runners.monitoring.options import Window
from harness.runners.monitoring.prometheus import timestamp
from harness.runners.monitoring.window import Span, WindowProblem, fill, range_text, resolve, step_for

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=1)


def ran(name: str, start: int, end: int, status: SuiteStatus = SuiteStatus.PASSED) -> SuiteResult:
    return SuiteResult(
        name=name, kind="performance", status=status,
        started=T0 + timedelta(seconds=start), finished=T0 + timedelta(seconds=end),
    )  # fmt: skip


EARLIER = (ran("smoke", 0, 10), ran("load", 12, 72, SuiteStatus.FAILED), ran("scan", 80, 200))


def test_an_earlier_suite_gives_its_own_start_and_end() -> None:
    span = resolve(Window(suite="load"), EARLIER, NOW)
    assert (span.start, span.end, span.seconds, span.source) == (
        T0 + timedelta(seconds=12),
        T0 + timedelta(seconds=72),
        60.0,
        "suite load",
    )


def test_several_suites_span_from_the_first_start_to_the_last_end() -> None:
    span = resolve(Window(suites=["scan", "smoke"]), EARLIER, NOW)
    assert (span.start, span.end) == (T0, T0 + timedelta(seconds=200))


def test_last_ends_now_and_fixed_times_are_taken_as_they_are() -> None:
    assert resolve(Window(last=7 * 86400), (), NOW) == Span(NOW - timedelta(days=7), NOW, "last 7d")
    fixed = Window(start=T0, end=NOW)
    assert resolve(fixed, (), NOW + timedelta(days=3)) == Span(T0, NOW, "fixed")


@pytest.mark.parametrize(
    ("window", "earlier", "fragment"),
    [
        (Window(suite="later"), EARLIER, "did not run before this one in this run (ran before: smoke, load, scan)"),
        (Window(suite="load"), (), "ran before: none"),
        (
            Window(suite="load"),
            (SuiteResult(name="load", kind="performance", status=SuiteStatus.SKIPPED),),
            "status skipped",
        ),
    ],
)
def test_a_suite_that_did_not_run_before_has_no_window(
    window: Window, earlier: tuple[SuiteResult, ...], fragment: str
) -> None:
    with pytest.raises(WindowProblem, match=fragment.replace("(", r"\(").replace(")", r"\)")) as caught:
        resolve(window, earlier, NOW)
    assert caught.value.reason.key.startswith("monitoring.window_suite")


def test_the_query_as_sent_and_the_padding() -> None:
    span = Span(T0, T0 + timedelta(seconds=60.25), "suite load")
    assert range_text(span.seconds) == "60250ms"
    assert fill("rate(x[$window]) / rate(y[$window])", span) == "rate(x[60250ms]) / rate(y[60250ms])"
    padded = span.padded(1.0)
    assert (padded.start, padded.seconds) == (T0 - timedelta(seconds=1), 62.25)


def test_range_steps_stay_within_what_prometheus_accepts() -> None:
    week = Span(T0, T0 + timedelta(days=7), "last 7d")
    assert step_for(week, None, 1.0) == 7 * 86400 / 200
    assert step_for(week, 1.0, 1.0) == 7 * 86400 / 10_000  # never more than 10,000 points
    assert step_for(Span(T0, T0 + timedelta(seconds=10), ""), None, 1.0) == 1.0  # not below the scrape interval


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    length=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=8)),
)
def test_the_range_as_sent_reaches_back_to_the_windows_start(start: datetime, length: timedelta) -> None:
    """Prometheus evaluates ``[range]`` at the time as sent, both in milliseconds: a range rounded down from a
    finer span started just after the local Prometheus's first sample (seen: a p95 of NaN)."""
    span = Span(start, start + length, "suite smoke").on_millisecond_grid()
    evaluated_at = Decimal(timestamp(span.end))
    milliseconds = int(range_text(span.seconds).removesuffix("ms"))
    assert evaluated_at >= Decimal(str((start + length).timestamp())) - Decimal("0.000001")
    assert evaluated_at - Decimal(milliseconds) / 1000 <= Decimal(str(start.timestamp())) + Decimal("0.000001")
    assert evaluated_at - Decimal(milliseconds) / 1000 > Decimal(str(start.timestamp())) - Decimal("0.002")
