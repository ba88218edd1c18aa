"""Which outcomes on partial results are final: counts only grow, some ratios cannot come back."""

from __future__ import annotations

import pytest

from harness.criteria import measure, parse_criterion, suite_resolver
from harness.gates.finality import direction, is_final
from harness.results.model import SuiteResult, SuiteStatus


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("alerts.fail == 0", 1),
        ("alerts.critical + alerts.high == 0", 1),
        ("failed + errors == 0", 1),
        ("2 * failures < 3", 1),
        ("failures / 2 < 3", 1),
        ("tests - failed >= 3", None),  # one part up, the other down
        ("-failed < 0", -1),
        ("failed / tests < 1%", None),  # a ratio of two growing counts goes either way
        ("p95 < 500ms", None),
        ('endpoint("GET /x").requests < 3', None),
        ("baseline.p95 < 1s", None),
    ],
)
def test_direction_of_the_left_side(expression: str, expected: int | None) -> None:
    assert direction(parse_criterion(expression).left) == expected


@pytest.mark.parametrize(
    ("expression", "metrics", "final"),
    [
        ("alerts.fail == 0", {"alerts.fail": 2}, True),  # broken, and it only grows
        ("alerts.fail == 0", {"alerts.fail": 0}, False),  # holds so far
        ("alerts.fail <= 3", {"alerts.fail": 4}, True),
        ("alerts.fail < 3", {"alerts.fail": 2}, False),
        ("alerts.fail > 3", {"alerts.fail": 2}, False),  # not yet, but could be
        ("scan.urls >= 20", {"scan.urls": 25}, True),
        ("scan.urls >= 20", {"scan.urls": 5}, False),
        ("failures != 0", {"failures": 1}, True),
        ("0 == failures", {"failures": 1}, True),  # the moving side on the right
        ("3 >= alerts.high", {"alerts.high": 4}, True),
        ("duration < 10min", {"duration": 700}, True),
        ("pass_rate >= 100%", {"pass_rate": 0.5}, True),
        ("pass_rate >= 90%", {"pass_rate": 0.95}, False),
        ("pass_rate >= 90%", {"pass_rate": 0.5}, False),
        ("error_rate == 0%", {"error_rate": 0.1}, True),
        ("error_rate < 1%", {"error_rate": 0.5}, False),
        ("p95 < 500ms", {"p95": 2.0}, False),
    ],
)
def test_final_outcomes(expression: str, metrics: dict[str, float], final: bool) -> None:
    criterion = parse_criterion(expression)
    suite = SuiteResult(name="s", kind="security", status=SuiteStatus.INCOMPLETE, metrics=metrics)
    left, right, holds = measure(criterion, suite_resolver(suite))
    assert is_final(criterion, left, right, holds) is final
