"""Evaluating criteria against results, and the verdict rules (DESIGN §5)."""

from __future__ import annotations

import pytest

from harness.criteria import MetricMissing, Reference, parse_criterion, suite_resolver
from harness.gates import evaluate
from harness.results.model import CriterionOutcome, Endpoint, StopRecord, SuiteResult, SuiteStatus


def suite(status: SuiteStatus = SuiteStatus.PASSED, **metrics: float) -> SuiteResult:
    endpoints = (Endpoint(name="GET /api/applications", metrics={"p95": 0.25, "rps": 40.0}),)
    return SuiteResult(name="load", kind="performance", status=status, metrics=metrics, endpoints=endpoints)


def test_a_met_criterion_reports_the_measured_value_in_its_unit() -> None:
    result = evaluate(parse_criterion("p95 < 500ms"), suite(p95=0.4321))
    assert result.outcome is CriterionOutcome.PASSED
    assert result.measured == pytest.approx(0.4321)
    assert result.measured_text == "432 ms"
    assert result.expected == "500ms"


def test_a_violated_criterion_fails_or_warns() -> None:
    assert evaluate(parse_criterion("error_rate < 1%"), suite(error_rate=0.02)).outcome is CriterionOutcome.FAILED
    warned = evaluate(parse_criterion("error_rate < 1% : warn"), suite(error_rate=0.02))
    assert warned.outcome is CriterionOutcome.WARNED
    assert warned.measured_text == "2 %"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("rps >= 50", "passed"),
        ("rps > 50", "failed"),
        ("rps == 50", "passed"),
        ("rps != 50", "failed"),
        ("rps <= 49.9", "failed"),
        ("failed + errors == 0", "passed"),
        ("-rps < 0", "passed"),
    ],
)
def test_operators(text: str, outcome: str) -> None:
    assert evaluate(parse_criterion(text), suite(rps=50.0, failed=0, errors=0)).outcome.value == outcome


def test_endpoint_metrics() -> None:
    ok = evaluate(parse_criterion('endpoint("GET /api/applications").p95 < 300ms'), suite())
    assert ok.outcome is CriterionOutcome.PASSED
    missing = evaluate(parse_criterion('endpoint("GET /api/application").p95 < 300ms'), suite())
    assert missing.outcome is CriterionOutcome.ERROR
    assert "did you mean 'GET /api/applications'" in missing.message


def test_a_missing_metric_is_an_error_with_a_suggestion() -> None:
    result = evaluate(parse_criterion("p59 < 1s"), suite(p95=0.1, p99=0.2))
    assert result.outcome is CriterionOutcome.ERROR
    assert "no metric 'p59'" in result.message
    assert "did you mean" in result.message


def test_extra_namespaces_resolve_by_first_segment() -> None:
    def baseline(reference: Reference) -> float:
        if reference.dotted != "baseline.p95":
            raise MetricMissing(reference.dotted)
        return 0.2

    current = suite(p95=0.23)
    resolve = suite_resolver(current, {"baseline": baseline})
    criterion = parse_criterion("p95 <= baseline.p95 * 1.10")
    result = evaluate(criterion, current, resolve)
    assert result.outcome is CriterionOutcome.FAILED  # 230 ms > 220 ms
    assert result.expected == "baseline.p95 * 1.10 = 220 ms"


def test_division_by_zero_is_an_error_not_a_crash() -> None:
    assert evaluate(parse_criterion("failed / tests < 1%"), suite(failed=0, tests=0)).outcome is CriterionOutcome.ERROR


def test_criteria_of_a_suite_that_did_not_run_are_not_evaluated() -> None:
    result = evaluate(parse_criterion("p95 < 1s"), suite(SuiteStatus.ERROR))
    assert result.outcome is CriterionOutcome.ERROR
    assert str(result.message) == "suite error"
    assert not result.partial


def test_every_test_skipped_has_no_pass_rate_and_says_so() -> None:
    result = evaluate(parse_criterion("pass_rate >= 100%"), suite(tests=4, skipped=4, failed=0))
    assert result.outcome is CriterionOutcome.ERROR
    assert "every test was skipped" in result.message


def cut_short(**metrics: float) -> SuiteResult:
    stop = StopRecord(cause="time-cap", cap="max_minutes", option="suites.scan.options.max_minutes", limit=600)
    return SuiteResult(name="scan", kind="security", status=SuiteStatus.INCOMPLETE, metrics=metrics, stopped=stop)


def test_a_suite_cut_short_is_judged_on_what_it_gathered() -> None:
    # 5 FAIL findings already: the count only grows, so the failure is final
    broken = evaluate(parse_criterion("alerts.fail == 0"), cut_short(**{"alerts.fail": 5.0}))
    assert broken.outcome is CriterionOutcome.FAILED and broken.partial
    assert broken.measured == 5 and broken.measured_text == "5"
    assert "can only move one way" in broken.message
    # nothing found yet: more scanning could still find something, so it stays open, with its value shown
    clean = evaluate(parse_criterion("alerts.fail == 0"), cut_short(**{"alerts.fail": 0.0}))
    assert clean.outcome is CriterionOutcome.ERROR and clean.partial
    assert clean.measured == 0 and clean.measured_text == "0"
    # a lower bound already reached holds for good
    reached = evaluate(parse_criterion("scan.urls >= 20"), cut_short(**{"scan.urls": 25.0}))
    assert reached.outcome is CriterionOutcome.PASSED and reached.partial


def test_a_partial_rate_or_percentile_is_never_final() -> None:
    high = evaluate(parse_criterion("p95 < 500ms"), cut_short(p95=0.9))
    assert high.outcome is CriterionOutcome.ERROR and high.measured_text == "900 ms"
    warned = evaluate(parse_criterion("p95 < 500ms : warn"), cut_short(p95=0.9))
    assert warned.outcome is CriterionOutcome.WARNED and warned.partial  # a warning decides nothing anyway


def test_sticky_ratios_fail_for_good_once_broken() -> None:
    tests = evaluate(parse_criterion("pass_rate >= 100%"), cut_short(pass_rate=0.9, tests=10, failed=1))
    assert tests.outcome is CriterionOutcome.FAILED and tests.partial
    tolerant = evaluate(parse_criterion("pass_rate >= 80%"), cut_short(pass_rate=0.9, tests=10, failed=1))
    assert tolerant.outcome is CriterionOutcome.ERROR  # 90 % could still fall below 80 %
    errors = evaluate(parse_criterion("error_rate == 0%"), cut_short(error_rate=0.02, requests=100, failures=2))
    assert errors.outcome is CriterionOutcome.FAILED


def test_a_bound_met_exactly_holds_despite_float_noise() -> None:
    assert evaluate(parse_criterion("pass_rate >= 95%"), suite(pass_rate=38 / 40)).outcome is CriterionOutcome.PASSED
    assert (
        evaluate(parse_criterion("error_rate <= 0.1%"), suite(error_rate=1 / 1000)).outcome is CriterionOutcome.PASSED
    )
    assert evaluate(parse_criterion("error_rate < 0.1%"), suite(error_rate=1 / 1000)).outcome is CriterionOutcome.FAILED
