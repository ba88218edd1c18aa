"""The one line a suite's row shows (console table, dashboard): what the suite found, whatever its kind."""

from __future__ import annotations

from harness.results.metrics import headline
from harness.results.model import SuiteResult, SuiteStatus


def suite(kind: str, **metrics: float) -> SuiteResult:
    return SuiteResult(name=kind, kind=kind, status=SuiteStatus.FAILED, metrics=metrics)


def test_a_parallel_run_shows_how_many_requests_and_how_many_differ() -> None:
    line = headline(suite("parallel-run", **{"parallel.requests": 12, "parallel.mismatches": 4, "parallel.noise_fields": 3,
                                             "data.mismatched_tables": 1}))  # fmt: skip
    assert line == "parallel.requests 12, parallel.mismatches 4, data.mismatched_tables 1"


def test_a_canary_shows_its_score_and_failed_metrics() -> None:
    line = headline(suite("canary", **{"canary.score": 50.0, "canary.failed_metrics": 1, "canary.latency.ratio": 1.4}))
    assert line.startswith("canary.score 50") and "canary.failed_metrics 1" in line


def test_a_security_suite_always_shows_critical_and_high_even_at_zero() -> None:
    line = headline(suite("security", **{"alerts.critical": 0, "alerts.high": 0, "alerts.medium": 3}))
    assert "alerts.critical 0" in line and "alerts.high 0" in line


def test_a_suite_that_could_not_run_says_why_after_what_it_found() -> None:
    broken = SuiteResult(name="x", kind="parallel-run", status=SuiteStatus.ERROR, error="primary is unreachable\nmore")
    assert headline(broken) == "primary is unreachable"
