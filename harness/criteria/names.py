"""The names a criterion may read, checked before anything runs (``harness validate``, ``harness import``).

- Metrics the suite's runner declares (``Runner.metric_names``), e.g. ``p95``, ``alerts.fail``; per-endpoint
  values (``endpoint("GET /x").p95``) are resolved against results, not known in advance.
- ``baseline.<metric>`` and ``baseline.endpoint("GET /x").<metric>``: the value in the baseline run's
  same-named suite, e.g. ``p95 <= baseline.p95 * 1.10``.
- ``findings.<set>[.<risk>]`` with set ``new | fixed | unchanged`` and risk ``critical | high | medium |
  low | info``: counts of findings compared with the baseline by fingerprint, e.g. ``findings.new.high == 0``.

The last two read the run history; their values come from :class:`harness.gates.Baselines`.
"""

from __future__ import annotations

import difflib
from collections.abc import Set

from harness.criteria.syntax import BinaryOp, Criterion, Expression, Negate, Number, Reference
from harness.results.model import Risk

BASELINE = "baseline"
FINDINGS = "findings"
FINDING_SETS = ("new", "fixed", "unchanged")
RISKS = tuple(r.value for r in Risk)

NO_BASELINE_HINT = "add `baseline: last-pass` (or previous, a run id, or a tag)"


def uses_history(reference: Reference) -> bool:
    """True for ``baseline.*`` and ``findings.*`` names: their values come from earlier runs."""
    first = reference.segments[0]
    return first.args is None and first.name in (BASELINE, FINDINGS) and len(reference.segments) > 1


def finding_selector(reference: Reference) -> tuple[str, Risk | None] | None:
    """``findings.new.high`` -> ("new", Risk.HIGH); None when the name is not a valid findings count."""
    rest = reference.segments[1:]
    if any(s.args is not None for s in rest) or not 1 <= len(rest) <= 2 or rest[0].name not in FINDING_SETS:
        return None
    if len(rest) == 2 and rest[1].name not in RISKS:
        return None
    return rest[0].name, Risk(rest[1].name) if len(rest) == 2 else None


def history_name_problem(
    reference: Reference, known: Set[str], has_baseline: bool, no_baseline_hint: str = NO_BASELINE_HINT
) -> str | None:
    """None when ``reference`` is not a history name; "" when it is a valid one; else what is wrong."""
    if not uses_history(reference):
        return None
    if not has_baseline:
        return f"{reference.dotted!r} compares with a baseline, but the profile names none: {no_baseline_hint}"
    rest = reference.segments[1:]
    if reference.segments[0].name == FINDINGS:
        if finding_selector(reference) is None:
            return (
                f"unknown findings count {reference.dotted!r}: write findings.<set> or findings.<set>.<risk> "
                f"with set {' | '.join(FINDING_SETS)} and risk {' | '.join(RISKS)}, e.g. findings.new.high"
            )
        return ""
    if rest[0].args is not None:
        return ""  # baseline.endpoint("...").p95 is resolved against results, like endpoint(...)
    if any(s.args is not None for s in rest):
        return f'{reference.dotted!r}: only endpoint("NAME") may be called after baseline.'
    name = ".".join(s.name for s in rest)
    if name in known:
        return ""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f" (did you mean 'baseline.{close[0]}'?)" if close else f"; it produces: {', '.join(sorted(known))}"
    return f"baseline.{name}: metric {name!r} is not produced by this suite{hint}"


def criterion_problem(
    criterion: Criterion,
    known: Set[str],
    producer: str,
    *,
    has_baseline: bool,
    no_baseline_hint: str = NO_BASELINE_HINT,
) -> str:
    """What is wrong with the names ``criterion`` reads, or "" when the suite can answer it.

    ``known`` are the metrics the suite will produce; ``producer`` names who produces them in the message
    ("a performance suite", "junit imports"). A criterion that measures nothing (``1 < 2``) or divides by
    a written zero would pass or fail whatever the suite did, and is refused too.
    """
    if not criterion.references:
        return "compares numbers only: name a metric, e.g. failed == 0 or p95 < 500ms"
    if any(_divides_by_zero(side) for side in (criterion.left, criterion.right)):
        return "divides by 0: the criterion can never be evaluated"
    for reference in criterion.references:
        history = history_name_problem(reference, known, has_baseline, no_baseline_hint)
        if history is not None:
            if history:
                return history
            continue
        if any(segment.args is not None for segment in reference.segments):
            continue  # endpoint("...") and friends are resolved against results, not known in advance
        name = reference.dotted
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; it produces: {', '.join(sorted(known))}"
            return f"metric {name!r} is not produced by {producer}{hint}"
    return ""


def _divides_by_zero(expression: Expression) -> bool:
    if isinstance(expression, BinaryOp):
        divisor = expression.right.operand if isinstance(expression.right, Negate) else expression.right
        if expression.op == "/" and isinstance(divisor, Number) and divisor.value == 0:
            return True
        return _divides_by_zero(expression.left) or _divides_by_zero(expression.right)
    return isinstance(expression, Negate) and _divides_by_zero(expression.operand)
