"""Default criteria by suite kind: strict, documented, and applied to imports of any format."""

from __future__ import annotations

from harness.criteria import parse_criterion
from harness.criteria.defaults import DEFAULTS, default_criteria
from harness.results.metrics import CASE_METRICS


def test_every_default_parses() -> None:
    for criteria in DEFAULTS.values():
        for text in criteria:
            parse_criterion(text)


def test_defaults_by_kind_and_by_what_the_results_hold() -> None:
    assert default_criteria("unit") == ("pass_rate >= 100%",)
    assert default_criteria("performance") == ("error_rate == 0%",)
    assert default_criteria("security") == ("alerts.fail == 0",)
    assert default_criteria("uat") == ("uat.pass_rate >= 100%",)
    assert default_criteria("contract-tests", CASE_METRICS) == ("pass_rate >= 100%",)  # a kind of its own
    assert default_criteria("performance", frozenset({"tests"})) == ()  # nothing fits
