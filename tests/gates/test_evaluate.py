"""Evaluating criteria against results, and the verdict rules (DESIGN §5)."""

from __future__ import annotations

import pytest

from harness.gates import MetricMissing, Reference, decide_verdict, evaluate, parse_criterion, suite_resolver
from harness.results.model import CriterionOutcome, CriterionResult, Endpoint, SuiteResult, SuiteStatus, Verdict


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
    assert result.message == "suite error"


def outcome(result: str, suite_name: str = "load") -> CriterionResult:
    return CriterionResult(suite=suite_name, expression="x", outcome=CriterionOutcome(result))


def test_verdict_pass_needs_every_suite_complete_and_every_criterion_met() -> None:
    assert decide_verdict([suite()], [outcome("passed"), outcome("warned")]) == (Verdict.PASS, ())


def test_verdict_fail_lists_the_failed_criteria() -> None:
    verdict, reasons = decide_verdict([suite()], [outcome("passed"), outcome("failed")])
    assert verdict is Verdict.FAIL
    assert reasons == ("load: x failed",)


def test_verdict_incomplete_outranks_fail_and_keeps_both_reasons() -> None:
    broken = SuiteResult(name="zap", kind="security", status=SuiteStatus.ERROR, error="ZAP unreachable\nmore")
    verdict, reasons = decide_verdict([suite(), broken], [outcome("failed")])
    assert verdict is Verdict.INCOMPLETE
    assert reasons == ("suite zap error: ZAP unreachable", "load: x failed")


def test_an_unevaluable_criterion_on_a_completed_suite_makes_the_run_incomplete() -> None:
    verdict, _ = decide_verdict([suite()], [outcome("error")])
    assert verdict is Verdict.INCOMPLETE


def test_interruption_makes_the_run_incomplete() -> None:
    assert decide_verdict([suite()], [], interrupted=True)[0] is Verdict.INCOMPLETE
