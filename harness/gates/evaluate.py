"""How a criterion is judged on a suite's results — the one place that decides it (DESIGN §5).

- Plain criteria compare what the suite measured (:mod:`harness.criteria.measure`).
- A criterion with a ``for`` window states a failure condition: it fails when the condition held for the
  whole window while the suite ran — watched live (the Locust runner records the trigger) or replayed over
  the suite's timeseries (:mod:`harness.criteria.window`).
- A suite cut short is judged on what it gathered: an outcome that more results could not change (see
  finality.py) counts as it is; any other is reported with its partial measurement and left open.
- ``baseline.*`` and ``findings.*`` names read a :class:`Baseline` that the caller's :class:`Baselines`
  provides (the run history implements it; the pipeline wires it): this module never reads a history.

The verdict is decided in verdict.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from harness.criteria.measure import MetricMissing, Resolver, measure, measured_text, suite_resolver
from harness.criteria.names import BASELINE, FINDINGS, finding_selector, uses_history
from harness.criteria.syntax import Criterion, Number, Reference
from harness.criteria.window import replay
from harness.gates.finality import is_final
from harness.results.messages import message
from harness.results.metrics import format_value
from harness.results.model import (
    CriterionAction,
    CriterionOutcome,
    CriterionResult,
    Risk,
    SuiteResult,
    SuiteStatus,
    Text,
)

FindingCount = Callable[[str, Risk | None], float]
"""``(set, risk)`` -> how many findings are new / fixed / unchanged since the baseline (``risk`` None: all).
Raises MetricMissing when they cannot be counted."""


@dataclass(frozen=True)
class Baseline:
    """What one suite is compared with: the same-named suite of the baseline run, or why there is none."""

    suite: SuiteResult | None = None  # its metrics and endpoints answer ``baseline.p95``
    findings: FindingCount | None = None  # answers ``findings.new.high``
    problem: Text = ""  # the baseline cannot be used (none named, history off, unknown tag): not evaluated
    first: Text = ""  # nothing to compare with yet (a first run): ``baseline.*`` is not checked, all findings are new


class Baselines(Protocol):
    """Where baselines come from; :class:`harness.history.RunHistory` implements it."""

    def baseline_of(self, suite: SuiteResult) -> Baseline:
        """The baseline of ``suite`` (never raises: problems are carried in the result)."""
        ...


def judge(
    criterion: Criterion, suite: SuiteResult, baselines: Baselines | None = None, *, default: bool = False
) -> CriterionResult:
    """One criterion on one suite, baselines included: what the pipeline calls for every criterion.

    With ``baseline.*`` names and nothing to compare with yet (the first run), a completed suite gets a
    warning ("not checked") so that run can pass and become the baseline.
    """
    if not any(uses_history(r) for r in criterion.references):
        return evaluate(criterion, suite, default=default)
    found = baselines.baseline_of(suite) if baselines is not None else Baseline(problem=message("history.no_baseline"))
    reads_baseline = any(uses_history(r) and r.segments[0].name == BASELINE for r in criterion.references)
    if reads_baseline and found.first and suite.completed:
        return CriterionResult(
            suite=suite.name, expression=criterion.text, action=criterion.action,
            expected=criterion.right_text, outcome=CriterionOutcome.WARNED, default=default,
            message=message("history.not_checked", why=found.first),
        )  # fmt: skip
    namespaces = {BASELINE: _baseline_values(found), FINDINGS: _finding_counts(found)}
    return evaluate(criterion, suite, suite_resolver(suite, namespaces), default=default)


def _baseline_values(found: Baseline) -> Resolver:
    def resolve(reference: Reference) -> float:
        if found.problem or found.suite is None:
            raise MetricMissing(found.problem or found.first)
        return suite_resolver(found.suite)(Reference(reference.segments[1:]))

    return resolve


def _finding_counts(found: Baseline) -> Resolver:
    def resolve(reference: Reference) -> float:
        selector = finding_selector(reference)
        if selector is None:
            raise MetricMissing(f"unknown findings count {reference.dotted!r}")
        if found.problem or found.findings is None:
            raise MetricMissing(found.problem or message("history.no_baseline"))
        return found.findings(*selector)

    return resolve


def evaluate(
    criterion: Criterion, suite: SuiteResult, resolve: Resolver | None = None, *, default: bool = False
) -> CriterionResult:
    """One criterion against one suite's results (names resolved by ``resolve``, else from the suite).

    A criterion with a ``for`` window states a failure condition instead (see :mod:`harness.criteria.window`):
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
    text = measured_text(criterion, measured)
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
    return CriterionResult(**base, measured=measured, measured_text=text, outcome=outcome, message=note, partial=partial)


def is_partial(suite: SuiteResult) -> bool:
    """True for a suite that started but was cut short: its results are what it gathered until then."""
    return suite.status is SuiteStatus.INCOMPLETE or suite.stopped is not None


def _evaluate_window(criterion: Criterion, suite: SuiteResult, base: dict[str, object]) -> CriterionResult:
    """A windowed criterion fails iff its condition held for the whole window.

    A suite watched live (its metrics carry ``aborted``) records the trigger in ``suite.abort``; for any
    other suite (e.g. imported results) its timeseries is replayed through the same window logic.
    """
    window = criterion.window or 0.0
    base = {**base, "expected": f"not for {window:g}s"}
    violated = CriterionOutcome.WARNED if criterion.action is CriterionAction.WARN else CriterionOutcome.FAILED
    if suite.abort is not None and suite.abort.criterion == criterion.text:
        measured = suite.abort.measured
        text = measured_text(criterion, measured) if measured is not None else ""
        return CriterionResult(
            **base, measured=measured, measured_text=text, outcome=violated, message=suite.abort.message
        )
    if not suite.timeseries and "aborted" not in suite.metrics:
        return CriterionResult(
            **base, outcome=CriterionOutcome.ERROR, message=message("criterion.window_no_timeseries")
        )
    watch = replay(criterion, suite.timeseries)
    extreme = watch.extreme
    peak = measured_text(criterion, extreme) if extreme is not None else ""
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
        measured_text=measured_text(criterion, trigger.measured),
        outcome=violated,
        message=message("criterion.window_held", since=trigger.since, at=trigger.at),
    )
