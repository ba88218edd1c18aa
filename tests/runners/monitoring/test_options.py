"""The options of a monitoring suite, and the units its SLIs get from their names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from harness.criteria.syntax import CriterionSyntaxError, parse_criterion
from harness.results.metrics import Dimension, dimension_of
from harness.runners.monitoring.options import MONITORING_DURATIONS, MonitoringOptions
from harness.runners.monitoring.runner import MonitoringRunner

LOCAL: dict[str, Any] = {"start": "local"}


def options(**changes: Any) -> MonitoringOptions:
    base: dict[str, Any] = {"prometheus": LOCAL, "window": {"suite": "load"}, "slis": {"p95_latency": "up"}}
    return MonitoringOptions.model_validate(base | changes)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("7d", 604800.0), ("1h30m", 5400.0), ("90s", 90.0), ("500ms", 0.5), ("2w", 1209600.0), (30, 30.0)],
)
def test_durations(text: object, seconds: float) -> None:
    assert MONITORING_DURATIONS.parse(text) == seconds


@pytest.mark.parametrize("text", ["7 days", "d7", "1y", "401d"])
def test_bad_durations_say_what_is_wanted(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|400 days"):
        MONITORING_DURATIONS.parse(text)


def test_a_plain_string_is_the_query_and_a_mapping_gives_more() -> None:
    parsed = options(slis={"p95_latency": "q1", "worst_latency": {"query": "q2", "over": "max", "step": "5m"}})
    assert parsed.slis["p95_latency"].query == "q1"
    assert parsed.slis["worst_latency"].over == "max" and parsed.slis["worst_latency"].step == 300.0


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"prometheus": {}}, "either url"),
        ({"prometheus": {"start": "local", "url": "http://127.0.0.1:9090"}}, "either url"),
        ({"prometheus": {"url": "http://user:pw@127.0.0.1:9090"}}, "without credentials"),
        ({"window": {}}, "exactly one"),
        ({"window": {"suite": "a", "last": "7d"}}, "exactly one"),
        ({"window": {"start": "2026-11-30T08:00:00+08:00"}}, "go together"),
        ({"window": {"start": "2026-11-30T08:00:00+08:00", "end": "2026-11-30T07:00:00+08:00"}}, "after start"),
        ({"window": {"start": "2026-11-30T08:00:00", "end": "2026-11-30T09:00:00"}}, "timezone"),
        ({"slis": {}}, "at least 1"),
        ({"slis": {"Bad-Name": "up"}}, "pattern"),
        ({"slis": {"errors": {"query": "up", "unit": "ms"}}}, "not a time"),
        ({"slis": {"errors": {"query": "up", "percent": True}}}, "not a ratio"),
        ({"slis": {"measured": "up"}}, "taken"),
        ({"slis": {"p95_latency": {"query": "up", "step": "1m"}}}, "step needs over"),
    ],
)
def test_bad_options_are_refused_with_the_reason(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        options(**changes)


def test_an_sli_named_as_a_time_compares_with_times_and_a_rate_with_percentages() -> None:
    assert dimension_of("sli.p95_latency") is Dimension.TIME
    assert dimension_of("sli.error_rate") is Dimension.RATIO
    assert dimension_of("sli.requests") is Dimension.COUNT
    parse_criterion("sli.p95_latency < 300ms")
    parse_criterion("sli.p95_latency <= baseline.sli.p95_latency * 1.1")
    parse_criterion("sli.error_rate < 0.5% : warn")
    with pytest.raises(CriterionSyntaxError, match="time unit"):
        parse_criterion("sli.p95_latency < 300")


def test_the_metrics_the_suite_declares_and_when_it_needs_the_target() -> None:
    runner = MonitoringRunner("monitoring")
    parsed = options(slis={"p95_latency": "a", "error_rate": "b"})
    assert runner.metric_names(parsed) == {"sli.p95_latency", "sli.error_rate", "sli.measured", "sli.unmeasured"}
    assert runner.needs_target(parsed)  # a local Prometheus scrapes the run's target
    remote = options(prometheus={"url": "http://127.0.0.1:9090"})
    assert not runner.needs_target(remote)  # a running Prometheus answers even when the target is down
    assert runner.companion(remote, None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("last", "message"),
    [
        (10**400, "inf s is longer than 400 days"),  # an int float() cannot hold: once an OverflowError
        (float("nan"), "Input should be greater than 0"),
        ("1" * 50, f"'{'1' * 40}'... is not a duration such as 7d"),
    ],
)
def test_absurd_window_lengths_are_refused_as_profile_errors(last: object, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        options(window={"last": last})
