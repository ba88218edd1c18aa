"""Evaluate parsed criteria against suite results (DESIGN §5); the verdict is decided in verdict.py.

A suite cut short is judged on what it gathered: an outcome that more results could not change (see
finality.py) counts as it is; any other is reported with its partial measurement and left open.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping

from harness.gates.finality import is_final
from harness.gates.syntax import BinaryOp, Criterion, Expression, Negate, Number, Reference
from harness.results.messages import message
from harness.results.metrics import format_value
from harness.results.model import (
    CriterionAction,
    CriterionOutcome,
    CriterionResult,
    SuiteResult,
    SuiteStatus,
    Text,
)


class MetricMissing(LookupError):
    """A criterion names a value the suite did not produce; ``text`` says which (translatable)."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


Resolver = Callable[[Reference], float]
"""Looks up a reference's value or raises :class:`MetricMissing`."""


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


# Equal within float noise counts as equal for every operator: 38/40 >= 95% must hold.
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b and not _close(a, b),
    "<=": lambda a, b: a <= b or _close(a, b),
    ">": lambda a, b: a > b and not _close(a, b),
    ">=": lambda a, b: a >= b or _close(a, b),
    "==": _close,
    "!=": lambda a, b: not _close(a, b),
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
        if reference.dotted == "pass_rate" and "pass_rate" not in suite.metrics:
            tests = suite.metrics.get("tests", 0)
            if tests and tests == suite.metrics.get("skipped"):
                raise MetricMissing(message("criterion.all_skipped"))
        return _lookup(suite.metrics, reference.dotted, suite.name)

    return resolve


def _lookup(metrics: Mapping[str, float], name: str, owner: str, endpoint: str = "") -> float:
    if name in metrics:
        return metrics[name]
    close = difflib.get_close_matches(name, list(metrics), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    available = ", ".join(sorted(metrics)) or "none"
    if endpoint:
        raise MetricMissing(f"endpoint {endpoint!r} has no metric {name!r}{hint}; it has: {available}")
    raise MetricMissing(message("criterion.metric_missing", suite=owner, name=name, hint=hint, available=available))


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
        raise MetricMissing(message("criterion.endpoint_missing", suite=suite.name, name=name, hint=hint))
    return _lookup(endpoint.metrics, reference.segments[1].name, suite.name, endpoint=name)


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
        raise MetricMissing(message("criterion.division_by_zero"))
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
    it fails when it held for its window while the suite ran. A suite that was cut short (status
    ``incomplete`` or a stop record) is judged on what it gathered, with ``partial`` set: an outcome more
    results could not change stands; any other becomes ``error`` with its measured value kept.
    """
    base: dict[str, object] = {
        "suite": suite.name,
        "expression": criterion.text,
        "action": criterion.action,
        "expected": criterion.right_text,
        "default": default,
    }
    if suite.status in (SuiteStatus.ERROR, SuiteStatus.SKIPPED):
        return CriterionResult(
            **base,
            outcome=CriterionOutcome.ERROR,
            message=message("criterion.suite_not_run", status=suite.status.value),
        )
    partial = is_partial(suite)
    if criterion.window is not None:
        windowed = _evaluate_window(criterion, suite, base)
        if partial and windowed.outcome is CriterionOutcome.PASSED:  # it could still have held later
            return windowed.model_copy(
                update={
                    "outcome": CriterionOutcome.ERROR,
                    "partial": True,
                    "message": message("criterion.partial_open"),
                }
            )
        return windowed.model_copy(update={"partial": partial})
    resolve = resolve or suite_resolver(suite)
    try:
        measured, limit, holds = measure(criterion, resolve)
    except MetricMissing as exc:
        return CriterionResult(**base, outcome=CriterionOutcome.ERROR, message=exc.text, partial=partial)
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
    note: Text = ""
    if partial:
        if is_final(criterion, measured, limit, holds):
            note = message("criterion.partial_final")
        else:
            note = message("criterion.partial_open")
            if criterion.action is not CriterionAction.WARN:  # a warning decides nothing: it stands as measured
                outcome = CriterionOutcome.ERROR
    return CriterionResult(
        **base, measured=measured, measured_text=measured_text, outcome=outcome, message=note, partial=partial
    )


def is_partial(suite: SuiteResult) -> bool:
    """True for a suite that started but was cut short: its results are what it gathered until then."""
    return suite.status is SuiteStatus.INCOMPLETE or suite.stopped is not None


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
            **base, outcome=CriterionOutcome.ERROR, message=message("criterion.window_no_timeseries")
        )
    watch = replay(criterion, suite.timeseries)
    extreme = watch.extreme
    peak = _measured_text(criterion, extreme) if extreme is not None else ""
    if "aborted" in suite.metrics:
        # Watched live and never triggered: that is the verdict, whatever a replay of the coarser
        # recorded timeseries would say.
        return CriterionResult(
            **base, measured=extreme, measured_text=peak, outcome=CriterionOutcome.PASSED,
            message=message("criterion.window_never"),
        )  # fmt: skip
    if extreme is None:
        return CriterionResult(**base, outcome=CriterionOutcome.ERROR, message=message("criterion.window_no_values"))
    if watch.triggered is None:
        return CriterionResult(**base, measured=extreme, measured_text=peak, outcome=CriterionOutcome.PASSED)
    trigger = watch.triggered
    return CriterionResult(
        **base,
        measured=trigger.measured,
        measured_text=_measured_text(criterion, trigger.measured),
        outcome=violated,
        message=message("criterion.window_held", since=trigger.since, at=trigger.at),
    )
