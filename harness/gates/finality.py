"""Whether a criterion's outcome on a suite's partial results (a suite cut short) is already final.

A suite that stopped early measured less than it would have at its end. For most metrics nothing can be
said (a p95 could go either way), but counts only grow (:data:`harness.results.metrics.MONOTONIC`) and some
ratios cannot come back (:data:`harness.results.metrics.STICKY`). So ``alerts.fail == 0`` with 2 FAIL
findings already found is broken for good, and so is ``pass_rate >= 100%`` once a test failed;
``scan.urls >= 20`` with 25 URLs found holds for good. Everything else stays open.
"""

from __future__ import annotations

from harness.criteria.syntax import BinaryOp, Criterion, Expression, Negate, Number, Reference
from harness.results.metrics import MONOTONIC, STICKY

Direction = int | None
"""How an expression can move while a suite goes on: +1 only up, -1 only down, 0 not at all, None either way."""


def direction(expression: Expression) -> Direction:
    """The way ``expression`` can move as the suite's monotonic metrics grow."""
    if isinstance(expression, Number):
        return 0
    if isinstance(expression, Reference):
        plain = all(segment.args is None for segment in expression.segments)
        return 1 if plain and expression.dotted in MONOTONIC else None
    if isinstance(expression, Negate):
        inner = direction(expression.operand)
        return None if inner is None else -inner
    assert isinstance(expression, BinaryOp)
    left, right = direction(expression.left), direction(expression.right)
    if expression.op in ("+", "-"):
        if expression.op == "-":
            right = None if right is None else -right
        if left is None or right is None:
            return None
        if left * right < 0:
            return None  # one part goes up, the other down
        return left or right
    # a product or quotient keeps its direction only when scaled by a constant that is not negative
    if expression.op == "*":
        for moving, constant in ((left, expression.right), (right, expression.left)):
            if isinstance(constant, Number) and constant.value >= 0:
                return moving if constant.value > 0 else 0
        return 0 if left == 0 and right == 0 else None
    if isinstance(expression.right, Number) and expression.right.value > 0:
        return left
    return 0 if left == 0 and right == 0 else None


def is_final(criterion: Criterion, left: float, right: float, holds: bool) -> bool:
    """True when the outcome measured on partial results (``left op right`` and whether it ``holds``)
    cannot change however far the suite would have gone on."""
    moving = direction(criterion.left)
    fixed = direction(criterion.right)
    if moving is not None and fixed is not None:
        towards = moving - fixed  # how left - right can move
        difference = left - right
        if towards == 0 and moving == 0 and fixed == 0:
            return True  # nothing in it can move
        if towards in (1, 2):
            return _final_when_growing(criterion.op, difference, holds)
        if towards in (-1, -2):
            return _final_when_growing(_MIRROR[criterion.op], -difference, holds)
    return _sticky(criterion, left, right, holds)


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _final_when_growing(op: str, difference: float, holds: bool) -> bool:
    """``difference`` (left - right) can only grow: which outcomes of ``op`` can no longer change."""
    if op in ("<", "<=", "=="):
        return not holds and difference > 0  # already above: it only gets further away
    if op in (">", ">="):
        return holds  # already above the bound, and it only grows
    return holds and difference > 0  # "!=": above now, and never comes back down


def _sticky(criterion: Criterion, left: float, right: float, holds: bool) -> bool:
    """``pass_rate >= 100%`` broken, ``error_rate == 0%`` broken: the value cannot return."""
    if holds or not isinstance(criterion.left, Reference) or not isinstance(criterion.right, Number):
        return False
    sticky = STICKY.get(criterion.left.dotted)
    if sticky is None:
        return False
    side, bound = sticky
    if side == "<":  # the value is below ``bound`` for good: final if every value below it breaks the criterion
        return left < bound and criterion.op in (">=", "==", ">") and right >= bound
    return left > bound and criterion.op in ("<=", "==", "<") and right <= bound
