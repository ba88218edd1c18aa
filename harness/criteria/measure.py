"""What a criterion measures: the values its names resolve to, and whether its comparison holds.

A :data:`Resolver` looks a reference up (in a suite's metrics, one live sample, a baseline run) or raises
:class:`MetricMissing` saying why it cannot. :func:`measure` computes both sides of a criterion with it.
Judging the outcome (partial results, windows, baselines, warnings) is :mod:`harness.gates.evaluate`'s job.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping

from harness.criteria.syntax import BinaryOp, Criterion, Expression, Negate, Number, Reference
from harness.results.messages import message
from harness.results.metrics import format_value
from harness.results.model import SuiteResult, Text


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


def measured_text(criterion: Criterion, value: float) -> str:
    """``value`` of the criterion's left-hand side, formatted in its unit (``123 ms``, ``99.5 %``)."""
    dimension = criterion.left.dimension if isinstance(criterion.left, Reference) else None
    return format_value(value, dimension) if dimension else f"{value:.6g}"
