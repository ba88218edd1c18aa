"""The verdict rules and each suite's judged status (DESIGN §5, docs/criteria.md)."""

from __future__ import annotations

from harness.criteria import parse_criterion
from harness.gates import decide_verdict, evaluate, judged_status, mark_judged
from harness.results.messages import render
from harness.results.model import (
    CriterionAction,
    CriterionOutcome,
    CriterionResult,
    StopRecord,
    SuiteResult,
    SuiteStatus,
    Verdict,
)


def suite(name: str = "load", status: SuiteStatus = SuiteStatus.PASSED, **metrics: float) -> SuiteResult:
    return SuiteResult(name=name, kind="performance", status=status, metrics=metrics)


def outcome(result: str, suite_name: str = "load", **fields: object) -> CriterionResult:
    return CriterionResult(suite=suite_name, expression="x", outcome=CriterionOutcome(result), **fields)  # type: ignore[arg-type]


def texts(reasons: tuple[object, ...]) -> list[str]:
    return [str(reason) for reason in reasons]


def test_pass_needs_every_suite_complete_and_every_criterion_met() -> None:
    assert decide_verdict([suite()], [outcome("passed"), outcome("warned")]) == (Verdict.PASS, ())


def test_fail_lists_the_failed_criteria() -> None:
    verdict, reasons = decide_verdict([suite()], [outcome("passed"), outcome("failed", measured_text="4")])
    assert verdict is Verdict.FAIL
    assert texts(reasons) == ["load: x failed (measured 4)"]


def test_a_final_failure_outranks_a_suite_that_could_not_run_and_both_are_listed() -> None:
    broken = SuiteResult(name="zap", kind="security", status=SuiteStatus.ERROR, error="ZAP unreachable\nmore")
    verdict, reasons = decide_verdict([suite(), broken], [outcome("failed")])
    assert verdict is Verdict.FAIL  # nothing the missing suite could show would change it
    assert texts(reasons) == ["load: x failed", "suite zap could not run: ZAP unreachable"]


def test_without_a_failure_a_suite_that_could_not_run_makes_the_run_incomplete() -> None:
    broken = SuiteResult(name="zap", kind="security", status=SuiteStatus.ERROR, error="ZAP unreachable")
    assert decide_verdict([suite(), broken], [outcome("passed")])[0] is Verdict.INCOMPLETE


def test_an_unevaluable_criterion_on_a_completed_suite_makes_the_run_incomplete() -> None:
    verdict, reasons = decide_verdict([suite()], [outcome("error", message="no metric")])
    assert verdict is Verdict.INCOMPLETE
    assert texts(reasons) == ["load: x could not be evaluated: no metric"]


def test_interruption_makes_the_run_incomplete() -> None:
    assert decide_verdict([suite()], [], interrupted=True)[0] is Verdict.INCOMPLETE


def scan(stopped: StopRecord | None = None, **metrics: float) -> SuiteResult:
    return SuiteResult(
        name="scan", kind="security", status=SuiteStatus.INCOMPLETE, metrics=metrics, stopped=stopped,
        error="scan stopped at max_minutes",
    )  # fmt: skip


CAP = StopRecord(
    cause="time-cap", cap="max_minutes", option="suites.scan.options.max_minutes", limit=600.0, elapsed=183.0
)


def test_a_suite_cut_short_after_a_final_violation_fails_and_says_it_was_cut_short() -> None:
    stopped = scan(CAP, **{"alerts.fail": 5.0, "alerts.critical": 5.0})
    criteria = [evaluate(parse_criterion("alerts.fail == 0"), stopped, default=True)]
    verdict, reasons = decide_verdict([stopped], criteria)
    assert verdict is Verdict.FAIL
    assert texts(reasons) == [
        "scan: alerts.fail == 0 failed (measured 5) on what the suite gathered before it was cut short; "
        "the value can only get worse, so the failure is final",
        "suite scan stopped early after 183 s because the max_minutes (whole scan) time cap (600 s) fired; "
        "raise suites.scan.options.max_minutes to allow more",
    ]
    judged = mark_judged(stopped, criteria)
    assert judged.status is SuiteStatus.FAILED and judged.stopped == CAP and not judged.completed
    zh = [render(reason, "zh-CN") for reason in reasons]
    assert zh[1] == (
        "测试套件 scan 运行 183 秒后被提前停止：触发了扫描总时长 max_minutes 时限（600 秒）；"
        "如需更长时间，请调大配置项 suites.scan.options.max_minutes"
    )


def test_a_suite_cut_short_before_any_violation_is_incomplete_with_its_partial_values() -> None:
    stopped = scan(CAP, **{"alerts.fail": 0.0})
    criteria = [evaluate(parse_criterion("alerts.fail == 0"), stopped)]
    verdict, reasons = decide_verdict([stopped], criteria)
    assert verdict is Verdict.INCOMPLETE
    assert "could not be judged: the suite was cut short (measured so far 0)" in texts(reasons)[1]
    assert mark_judged(stopped, criteria).status is SuiteStatus.INCOMPLETE


def test_an_incomplete_suite_without_a_stop_record_gets_one_when_it_fails() -> None:
    stopped = scan(None, **{"alerts.fail": 1.0})
    criteria = [evaluate(parse_criterion("alerts.fail == 0"), stopped)]
    judged = mark_judged(stopped, criteria)
    assert judged.status is SuiteStatus.FAILED
    assert judged.stopped == StopRecord(cause="other", detail="scan stopped at max_minutes")


def test_a_blocking_criterion_fails_the_suite_a_warning_does_not() -> None:
    passed = suite(p95=0.9)
    assert judged_status(passed, [outcome("failed")]) is SuiteStatus.FAILED
    warned = outcome("warned", action=CriterionAction.WARN)
    assert judged_status(passed, [warned]) is SuiteStatus.PASSED
    assert judged_status(passed, [outcome("failed", suite_name="other")]) is SuiteStatus.PASSED
    errored = SuiteResult(name="load", kind="performance", status=SuiteStatus.ERROR)
    assert judged_status(errored, [outcome("failed")]) is SuiteStatus.ERROR


def test_failures_the_criteria_accept_are_explained_even_when_the_run_passes() -> None:
    unit = SuiteResult(
        name="unit", kind="unit", status=SuiteStatus.FAILED, metrics={"tests": 120, "failed": 3, "errors": 0}
    )
    verdict, reasons = decide_verdict([unit], [outcome("passed", suite_name="unit")])
    assert verdict is Verdict.PASS
    assert texts(reasons) == [
        "note: suite unit had 3 failed or errored tests of 120; its acceptance criteria accept that"
    ]
    assert "3 个用例失败或出错" in render(reasons[0], "zh-CN")


def test_a_failed_suite_without_any_criterion_fails_the_run() -> None:
    jtl = suite(status=SuiteStatus.FAILED, requests=10, failures=5)
    verdict, reasons = decide_verdict([jtl], [])
    assert verdict is Verdict.FAIL
    assert texts(reasons) == ["suite load failed and has no acceptance criterion that accepts its result"]
