"""The run's verdict and each suite's final status, from the suites and their evaluated criteria.

- FAIL when a blocking (fail/abort) criterion failed and nothing could change that: a completed suite's
  result, or a suite cut short whose value can only get worse (see finality.py). The reasons also list
  what was cut short or could not run.
- INCOMPLETE when nothing failed for good but something could not be assessed: a suite could not run or
  was stopped early, a criterion could not be evaluated or judged, or the run was interrupted.
- PASS otherwise. Failures a suite's criteria accept (``pass_rate >= 95%`` with 3 failed tests) are
  listed as notes, so nobody reads "passed" next to failing tests without being told why.

A suite is ``failed`` when its tool reported failures (failed tests, failed requests, FAIL findings) or a
blocking criterion of it failed; ``passed`` only when neither. See docs/criteria.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.gates.evaluate import is_partial
from harness.results.messages import message, stop_message
from harness.results.model import (
    CriterionAction,
    CriterionOutcome,
    CriterionResult,
    Message,
    StopRecord,
    SuiteResult,
    SuiteStatus,
    Verdict,
)


def decide_verdict(
    suites: Sequence[SuiteResult], criteria: Sequence[CriterionResult], interrupted: bool = False
) -> tuple[Verdict, tuple[Message, ...]]:
    """The verdict and its reasons (translatable messages; ``str()`` gives the English text)."""
    failed: list[Message] = []
    open_: list[Message] = []
    notes: list[Message] = []
    if interrupted:
        open_.append(message("reason.interrupted"))
    ran = {s.name for s in suites if s.status not in (SuiteStatus.ERROR, SuiteStatus.SKIPPED)}
    for suite in suites:
        if suite.status is SuiteStatus.ERROR:
            detail = suite.error.splitlines()[0] if suite.error.strip() else "error"
            open_.append(message("reason.suite_error", suite=suite.name, detail=detail))
        elif suite.status is not SuiteStatus.SKIPPED and is_partial(suite):
            open_.append(message("reason.suite_stopped", suite=suite.name, stop=suite_stop(suite)))
    for result in criteria:
        if result.outcome is CriterionOutcome.FAILED:
            failed.append(_failed(result))
        elif result.outcome is CriterionOutcome.ERROR and result.suite in ran:
            if result.partial and result.measured is not None:
                open_.append(
                    message(
                        "reason.criterion_open",
                        suite=result.suite,
                        expression=result.expression,
                        measured=result.measured_text or "—",
                    )
                )
            else:
                why = result.message or "?"
                open_.append(
                    message("reason.criterion_not_evaluated", suite=result.suite, expression=result.expression, why=why)
                )
    for suite in suites:
        if suite.status is not SuiteStatus.FAILED:
            continue
        own = [c for c in criteria if c.suite == suite.name]
        if not own:
            failed.append(message("reason.failed_without_criteria", suite=suite.name))
        elif not any(c.outcome is CriterionOutcome.FAILED for c in own):
            notes.append(_tolerated(suite))
    if failed:
        return Verdict.FAIL, (*failed, *open_, *notes)
    if open_:
        return Verdict.INCOMPLETE, (*open_, *notes)
    return Verdict.PASS, tuple(notes)


def _failed(result: CriterionResult) -> Message:
    if result.partial:
        return message(
            "reason.criterion_failed_partial",
            suite=result.suite,
            expression=result.expression,
            measured=result.measured_text or "—",
        )
    if result.measured_text:
        return message(
            "reason.criterion_failed", suite=result.suite, expression=result.expression, measured=result.measured_text
        )
    return message("reason.criterion_failed_bare", suite=result.suite, expression=result.expression)


def _tolerated(suite: SuiteResult) -> Message:
    metrics = suite.metrics
    bad = int(metrics.get("failed", 0) + metrics.get("errors", 0))
    if bad and "tests" in metrics:
        return message("reason.tolerated_tests", suite=suite.name, bad=bad, tests=int(metrics["tests"]))
    failures = int(metrics.get("failures", 0))
    if failures and "requests" in metrics:
        return message("reason.tolerated_requests", suite=suite.name, bad=failures, requests=int(metrics["requests"]))
    return message("reason.tolerated", suite=suite.name)


def suite_stop(suite: SuiteResult) -> Message:
    """How ``suite`` was cut short, from its stop record (or, lacking one, its error)."""
    first = suite.error.splitlines()[0] if suite.error.strip() else ""
    return stop_message(suite.stopped or StopRecord(cause="other", detail=first), fallback=first)


def judged_status(suite: SuiteResult, criteria: Sequence[CriterionResult]) -> SuiteStatus:
    """The suite's status once its criteria are known: ``failed`` when a blocking criterion failed (also
    for a suite cut short whose failure is final), else what its tool reported."""
    if suite.status in (SuiteStatus.ERROR, SuiteStatus.SKIPPED):
        return suite.status
    blocking = any(
        c.suite == suite.name and c.outcome is CriterionOutcome.FAILED and c.action is not CriterionAction.WARN
        for c in criteria
    )
    return SuiteStatus.FAILED if blocking else suite.status


def mark_judged(suite: SuiteResult, criteria: Sequence[CriterionResult]) -> SuiteResult:
    """``suite`` with its judged status; a suite cut short keeps (or gets) a stop record saying so."""
    status = judged_status(suite, criteria)
    if status is suite.status:
        return suite
    update: dict[str, object] = {"status": status}
    if suite.status is SuiteStatus.INCOMPLETE and suite.stopped is None:
        first = suite.error.splitlines()[0] if suite.error.strip() else ""
        update["stopped"] = StopRecord(cause="other", detail=first)
    return suite.model_copy(update=update)
