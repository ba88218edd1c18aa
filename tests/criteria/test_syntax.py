"""The criteria language: what parses, what it means in SI units, and what is refused with a position."""

from __future__ import annotations

import pytest

from harness.criteria import CriterionSyntaxError, parse_criterion
from harness.criteria.syntax import BinaryOp, Number, Reference, Segment
from harness.results.model import CriterionAction


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("p95 < 500ms", 0.5),
        ("p95 < 2s", 2.0),
        ("duration < 1.5min", 90.0),
        ("error_rate < 1%", 0.01),
        ("pass_rate >= 100%", 1.0),
        ("rps >= 50", 50.0),
        ("alerts.high == 0", 0.0),
    ],
)
def test_limits_are_stored_in_si_units(text: str, value: float) -> None:
    criterion = parse_criterion(text)
    assert isinstance(criterion.right, Number)
    assert criterion.right.value == pytest.approx(value)


def test_dotted_names_and_endpoint_calls() -> None:
    criterion = parse_criterion('endpoint("GET /api/applications").p95 < 300ms')
    assert criterion.left == Reference((Segment("endpoint", ("GET /api/applications",)), Segment("p95")))
    assert parse_criterion("alerts.high == 0").left == Reference((Segment("alerts"), Segment("high")))


def test_arithmetic_follows_precedence() -> None:
    criterion = parse_criterion("p95 <= baseline.p95 * 1.10 + 5ms")
    assert criterion.op == "<="
    assert isinstance(criterion.right, BinaryOp) and criterion.right.op == "+"
    assert isinstance(criterion.right.left, BinaryOp) and criterion.right.left.op == "*"


def test_actions_and_windows() -> None:
    assert parse_criterion("duration < 60s : warn").action is CriterionAction.WARN
    abort = parse_criterion("p95 > 2s for 10s: abort")
    assert abort.window == 10.0
    assert abort.action is CriterionAction.ABORT
    assert parse_criterion("p95 < 1s", CriterionAction.WARN).action is CriterionAction.WARN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p95 << 500ms", "unexpected '<' at column 6"),
        ("p95 500ms", "expected a comparison (< <= > >= == !=), found '500ms' at column 5"),
        ("p95 < 500", "500 needs a time unit (ms, s, min), e.g. 500ms"),
        ("error_rate < 1", "1 needs a percent sign"),
        ("p95 < 1%", "cannot compare a time with a ratio"),
        ("p95 < 500ms : explode", "unknown action 'explode' (use fail, warn or abort) at column 15"),
        ("p95 > 2s for 10s", "a 'for' window only makes sense with ': abort'"),
        ("p95 > 2s for ten: abort", "'for' needs a duration such as 10s"),
        ("p95 < 5ms + 1%", "cannot add a time and a ratio"),
        ("p95 < 5ms * 2ms", "cannot multiply a time by a time"),
        ("(p95 < 5ms", "expected ')'"),
        ("p95 < 5ms extra", "unexpected 'extra' at column 11"),
        ("endpoint(GET).p95 < 5ms", "expected a quoted text argument"),
        ("p95 < ", "unexpected end"),
        ("p95 < 5ms ; drop", "unexpected ';'"),
    ],
)
def test_errors_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(CriterionSyntaxError) as caught:
        parse_criterion(text)
    assert message in str(caught.value)
    assert repr(text) in str(caught.value)


def test_never_evaluates_python() -> None:
    with pytest.raises(CriterionSyntaxError, match="unknown function '__import__'"):
        parse_criterion("__import__('os').system('true') == 0")


def test_a_plain_ratio_compares_with_a_percentage_but_not_with_a_time() -> None:
    assert parse_criterion("failed / tests < 1%").right.value == pytest.approx(0.01)  # type: ignore[union-attr]
    with pytest.raises(CriterionSyntaxError, match="cannot compare a plain number with a time"):
        parse_criterion("rps < 5ms")
