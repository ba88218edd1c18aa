"""Evaluate parsed criteria against suite results and decide the run's verdict (DESIGN §5)."""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Mapping, Sequence

from harness.gates.syntax import BinaryOp, Criterion, Expression, Negate, Number, Reference
from harness.results.metrics import format_value
from harness.results.model import (
    CriterionAction,
    CriterionOutcome,
    CriterionResult,
    SuiteResult,
    SuiteStatus,
    Verdict,
)


class MetricMissing(LookupError):
    """A criterion names a value the suite did not produce."""


Resolver = Callable[[Reference], float]
"""Looks up a reference's value or raises :class:`MetricMissing`."""

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": lambda a, b: abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)),
    "!=": lambda a, b: abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)),
}


def suite_resolver(suite: SuiteResult, namespaces: Mapping[str, Resolver] | None = None) -> Resolver:
    """Resolve names from ``suite.metrics``, ``endpoint("NAME").metric`` from its endpoints, and any
    extra ``namespaces`` (e.g. ``baseline.p95``) by their first segment."""
    extra = dict(namespaces or {})

    def resolve(reference: Reference) -> float:
        first = reference.segments[0]
        if first.args is None and first.name in extra and len(reference.segments) > 1:
            return extra[first.name](reference)
        if first.name == "endpoint" and first.args is not None:
            return _endpoint_metric(suite, reference)
        if any(segment.args is not None for segment in reference.segments):
            raise MetricMissing(f"unknown function in {reference.dotted!r}")
        return _lookup(suite.metrics, reference.dotted, f"suite {suite.name!r}")

    return resolve


def _lookup(metrics: Mapping[str, float], name: str, owner: str) -> float:
    if name in metrics:
        return metrics[name]
    close = difflib.get_close_matches(name, list(metrics), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    available = ", ".join(sorted(metrics)) or "none"
    raise MetricMissing(f"{owner} has no metric {name!r}{hint}; it has: {available}")


def _endpoint_metric(suite: SuiteResult, reference: Reference) -> float:
    call = reference.segments[0]
    if len(call.args or ()) != 1 or len(reference.segments) != 2:
        raise MetricMissing('write endpoint("METHOD /path").metric, e.g. endpoint("GET /api/items").p95')
    name = (call.args or ("",))[0]
    endpoint = next((e for e in suite.endpoints if e.name == name), None)
    if endpoint is None:
        names = [e.name for e in suite.endpoints]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise MetricMissing(f"suite {suite.name!r} has no endpoint {name!r}{hint}")
    return _lookup(endpoint.metrics, reference.segments[1].name, f"endpoint {name!r}")


def _value(expression: Expression, resolve: Resolver) -> float:
    if isinstance(expression, Number):
        return expression.value
    if isinstance(expression, Reference):
        return resolve(expression)
    if isinstance(expression, Negate):
        return -_value(expression.operand, resolve)
    assert isinstance(expression, BinaryOp)
    left = _value(expression.left, resolve)
    right = _value(expression.right, resolve)
    if expression.op == "+":
        return left + right
    if expression.op == "-":
        return left - right
    if expression.op == "*":
        return left * right
    if right == 0:
        raise MetricMissing("division by zero")
    return left / right


def measure(criterion: Criterion, resolve: Resolver) -> tuple[float, float, bool]:
    """``(left, right, holds)`` of a criterion's comparison. Raises MetricMissing."""
    left = _value(criterion.left, resolve)
    right = _value(criterion.right, resolve)
    return left, right, _COMPARE[criterion.op](left, right)


def _measured_text(criterion: Criterion, value: float) -> str:
    dimension = criterion.left.dimension if isinstance(criterion.left, Reference) else None
    return format_value(value, dimension) if dimension else f"{value:.6g}"


def evaluate(
    criterion: Criterion, suite: SuiteResult, resolve: Resolver | None = None, *, default: bool = False
) -> CriterionResult:
    """One criterion against one suite's results.

    A criterion with a ``for`` window states a failure condition instead (see :mod:`harness.gates.window`):
    it fails when it held for its window while the suite ran.
    """
    base = {
        "suite": suite.name,
        "expression": criterion.text,
        "action": criterion.action,
        "expected": criterion.right_text,
        "default": default,
    }
    if not suite.completed:
        return CriterionResult(**base, outcome=CriterionOutcome.ERROR, message=f"suite {suite.status.value}")
    if criterion.window is not None:
        return _evaluate_window(criterion, suite, base)
    resolve = resolve or suite_resolver(suite)
    try:
        measured, limit, holds = measure(criterion, resolve)
    except MetricMissing as exc:
        return CriterionResult(**base, outcome=CriterionOutcome.ERROR, message=str(exc))
    dimension = criterion.left.dimension if isinstance(criterion.left, Reference) else None
    measured_text = _measured_text(criterion, measured)
    if holds:
        outcome = CriterionOutcome.PASSED
    elif criterion.action is CriterionAction.WARN:
        outcome = CriterionOutcome.WARNED
    else:
        outcome = CriterionOutcome.FAILED
    if not isinstance(criterion.right, Number):
        limit_text = format_value(limit, dimension) if dimension else f"{limit:.6g}"
        base["expected"] = f"{criterion.right_text} = {limit_text}"
    return CriterionResult(**base, measured=measured, measured_text=measured_text, outcome=outcome)


def _evaluate_window(criterion: Criterion, suite: SuiteResult, base: dict[str, object]) -> CriterionResult:
    """A windowed criterion fails iff its condition held for the whole window.

    A suite watched live (its metrics carry ``aborted``) records the trigger in ``suite.abort``; for any
    other suite (e.g. imported results) its timeseries is replayed through the same window logic.
    """
    from harness.gates.window import replay  # window builds on this module

    window = criterion.window or 0.0
    base = {**base, "expected": f"not for {window:g}s"}
    violated = CriterionOutcome.WARNED if criterion.action is CriterionAction.WARN else CriterionOutcome.FAILED
    if suite.abort is not None and suite.abort.criterion == criterion.text:
        measured = suite.abort.measured
        text = _measured_text(criterion, measured) if measured is not None else ""
        return CriterionResult(
            **base, measured=measured, measured_text=text, outcome=violated, message=suite.abort.message
        )
    if not suite.timeseries and "aborted" not in suite.metrics:
        return CriterionResult(
            **base, outcome=CriterionOutcome.ERROR, message="no timeseries to check the 'for' window against"
        )
    watch = replay(criterion, suite.timeseries)
    extreme = watch.extreme
    peak = _measured_text(criterion, extreme) if extreme is not None else ""
    if "aborted" in suite.metrics:
        # Watched live and never triggered: that is the verdict, whatever a replay of the coarser
        # recorded timeseries would say.
        return CriterionResult(
            **base, measured=extreme, measured_text=peak, outcome=CriterionOutcome.PASSED, message="never triggered"
        )
    if extreme is None:
        return CriterionResult(
            **base, outcome=CriterionOutcome.ERROR, message="the timeseries has no values for this criterion"
        )
    if watch.triggered is None:
        return CriterionResult(**base, measured=extreme, measured_text=peak, outcome=CriterionOutcome.PASSED)
    trigger = watch.triggered
    return CriterionResult(
        **base,
        measured=trigger.measured,
        measured_text=_measured_text(criterion, trigger.measured),
        outcome=violated,
        message=f"held from {trigger.since:.0f}s to {trigger.at:.0f}s of the recorded timeseries",
    )


def decide_verdict(
    suites: Sequence[SuiteResult], criteria: Sequence[CriterionResult], interrupted: bool = False
) -> tuple[Verdict, tuple[str, ...]]:
    """PASS only if every selected suite completed and every failing-action criterion held.

    INCOMPLETE outranks FAIL: a run that could not assess everything must be re-run before anyone
    signs it, even when something already failed (the reasons list both).
    """
    incomplete: list[str] = []
    failed: list[str] = []
    if interrupted:
        incomplete.append("the run was interrupted")
    for suite in suites:
        if suite.status in (SuiteStatus.ERROR, SuiteStatus.INCOMPLETE):
            detail = f": {suite.error.splitlines()[0]}" if suite.error else ""
            incomplete.append(f"suite {suite.name} {suite.status.value}{detail}")
    for result in criteria:
        if result.outcome is CriterionOutcome.FAILED:
            measured = f" (measured {result.measured_text})" if result.measured_text else ""
            failed.append(f"{result.suite}: {result.expression} failed{measured}")
        elif result.outcome is CriterionOutcome.ERROR and _suite_completed(suites, result.suite):
            incomplete.append(f"{result.suite}: {result.expression} could not be evaluated: {result.message}")
    if incomplete:
        return Verdict.INCOMPLETE, tuple(incomplete + failed)
    if failed:
        return Verdict.FAIL, tuple(failed)
    return Verdict.PASS, ()


def _suite_completed(suites: Sequence[SuiteResult], name: str) -> bool:
    return any(s.name == name and s.completed for s in suites)
