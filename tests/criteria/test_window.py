"""Windowed abort criteria: the live state machine, timeseries replay, and post-run evaluation."""

from __future__ import annotations

from harness.criteria import parse_criterion
from harness.criteria.window import WindowWatch, replay, sample_resolver
from harness.gates import evaluate
from harness.results.model import AbortRecord, CriterionOutcome, SuiteResult, SuiteStatus, TimePoint


def _points(values: list[float], name: str = "p95") -> tuple[TimePoint, ...]:
    return tuple(TimePoint(t=float(i), values={name: v}) for i, v in enumerate(values))


def test_triggers_only_after_the_condition_held_for_the_whole_window() -> None:
    watch = WindowWatch(parse_criterion("p95 > 2s for 3s : abort"))
    fed = [watch.feed(float(t), sample_resolver({"p95": v})) for t, v in enumerate([3, 3, 1, 3, 3, 3, 3, 3])]
    triggers = [t for t in fed if t is not None]
    assert len(triggers) == 1  # a dip at t=2 restarts the window; it completes at t=6 (3..6)
    assert triggers[0].since == 3.0 and triggers[0].at == 6.0 and triggers[0].measured == 3
    assert watch.feed(8.0, sample_resolver({"p95": 9})) is None  # triggers once


def test_a_sample_without_the_metric_breaks_the_window() -> None:
    watch = WindowWatch(parse_criterion("p95 > 2s for 2s : abort"))
    assert watch.feed(0, sample_resolver({"p95": 3})) is None
    assert watch.feed(1, sample_resolver({})) is None  # no p95 yet (no response in the window)
    assert watch.feed(2, sample_resolver({"p95": 3})) is None
    assert watch.feed(4, sample_resolver({"p95": 3})) is not None


def test_endpoint_values_resolve_from_the_sample() -> None:
    watch = WindowWatch(parse_criterion('endpoint("GET /x").error_rate > 10% for 0s : abort'))
    assert watch.feed(0, sample_resolver({}, {"GET /x": {"error_rate": 0.05}})) is None
    assert watch.feed(1, sample_resolver({}, {"GET /x": {"error_rate": 0.5}})) is not None


def test_replay_tracks_the_worst_value_in_the_failure_direction() -> None:
    assert replay(parse_criterion("p95 > 2s for 2s : abort"), _points([0.1, 0.9, 0.3])).extreme == 0.9
    assert replay(parse_criterion("rps < 5 for 2s : abort"), _points([9, 7, 8], "rps")).extreme == 7


def _suite(**update: object) -> SuiteResult:
    base = SuiteResult(name="perf", kind="performance", status=SuiteStatus.PASSED, metrics={"p95": 0.2})
    return base.model_copy(update=update)


def test_a_live_watched_suite_fails_the_criterion_iff_it_triggered() -> None:
    criterion = parse_criterion("p95 > 2s for 10s : abort")
    record = AbortRecord(criterion=criterion.text, at=14, since=4, measured=2.5, message="held from 4s to 14s")
    failed = evaluate(criterion, _suite(metrics={"aborted": 1.0}, abort=record, status=SuiteStatus.FAILED))
    assert failed.outcome is CriterionOutcome.FAILED
    assert failed.measured_text == "2.50 s" and "held from 4s" in failed.message
    # Watched but never triggered: passed, even if a replay of the coarse timeseries would say otherwise.
    watched = _suite(metrics={"aborted": 0.0}, timeseries=_points([3.0] * 20))
    assert evaluate(criterion, watched).outcome is CriterionOutcome.PASSED
    # Another abort criterion triggered: this one did not.
    other = _suite(metrics={"aborted": 1.0}, abort=record.model_copy(update={"criterion": "rps < 1 for 5s : abort"}))
    assert evaluate(criterion, other).outcome is CriterionOutcome.PASSED


def test_an_unwatched_suite_is_judged_by_replaying_its_timeseries() -> None:
    criterion = parse_criterion("p95 > 2s for 3s : abort")
    held = evaluate(criterion, _suite(timeseries=_points([1, 3, 3, 3, 3, 1])))
    assert held.outcome is CriterionOutcome.FAILED and "held from 1s to 4s" in held.message
    brief = evaluate(criterion, _suite(timeseries=_points([1, 3, 3, 1, 3, 1])))
    assert brief.outcome is CriterionOutcome.PASSED and brief.measured == 3
    assert evaluate(criterion, _suite()).outcome is CriterionOutcome.ERROR  # nothing to replay
    missing = evaluate(criterion, _suite(timeseries=_points([1, 2], "rps")))
    assert missing.outcome is CriterionOutcome.ERROR


def test_plain_criteria_keep_must_hold_semantics() -> None:
    assert evaluate(parse_criterion("p95 < 500ms"), _suite()).outcome is CriterionOutcome.PASSED
    assert evaluate(parse_criterion("p95 < 100ms"), _suite()).outcome is CriterionOutcome.FAILED
