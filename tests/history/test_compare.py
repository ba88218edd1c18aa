"""Comparison by fingerprint and metric deltas (pure functions)."""

from __future__ import annotations

from datetime import timedelta

from history_builders import T0, finding, make_run, perf_suite, security_suite

from harness.history import RunRecord, SuiteSnapshot, compare_runs, compare_suite
from harness.history.compare import assessment, direction
from harness.results.model import MetricDelta, SuiteStatus

CSP = finding("10038", "CSP header not set", "medium", "fp-csp")
XSS = finding("40012", "Cross Site Scripting (Reflected)", "high", "fp-xss")
BANNER = finding("10036", "Server leaks version", "low", "fp-banner")
NOISE = finding("10096", "Timestamp disclosure", "info", "fp-noise", action="IGNORE")


def _records(before: list, after: list) -> tuple[RunRecord, RunRecord]:  # type: ignore[type-arg]
    earlier = RunRecord.of(make_run(before, started=T0))
    later = RunRecord.of(make_run(after, started=T0 + timedelta(days=1)))
    return earlier, later


def test_new_fixed_unchanged_by_fingerprint() -> None:
    earlier, later = _records(
        [security_suite(findings=[CSP, BANNER, NOISE])], [security_suite(findings=[CSP, XSS, NOISE])]
    )
    (scan,) = compare_runs(earlier, later)
    assert [f.fingerprint for f in scan.new] == ["fp-xss"]
    assert [f.fingerprint for f in scan.fixed] == ["fp-banner"]
    assert [f.fingerprint for f in scan.unchanged] == ["fp-csp"]  # IGNOREd findings take no part
    assert scan.baseline_run == earlier.run_id and scan.note == ""


def test_findings_of_an_incomplete_suite_are_not_compared() -> None:
    earlier, later = _records(
        [security_suite(findings=[CSP, BANNER])], [security_suite(findings=[], status=SuiteStatus.ERROR)]
    )
    (scan,) = compare_runs(earlier, later)
    assert not (scan.new or scan.fixed or scan.unchanged)  # an errored scan is not "everything fixed"
    assert "did not complete" in scan.note


def test_suites_present_on_one_side_only() -> None:
    earlier, later = _records([perf_suite()], [security_suite(findings=[XSS])])
    notes = {c.suite: str(c.note) for c in compare_runs(earlier, later)}
    assert notes == {
        "scan": f"suite scan did not run in {earlier.run_id}",
        "load": f"suite load did not run in {later.run_id}",
    }


def test_metric_deltas_per_suite_and_endpoint() -> None:
    before = perf_suite(p95=0.200, endpoints={"GET /a": {"p95": 0.1}, "POST /b": {"p95": 0.3}})
    after = perf_suite(p95=0.240, endpoints={"GET /a": {"p95": 0.12}, "GET /c": {"p95": 0.05}})
    comparison = compare_suite(SuiteSnapshot.of(after), SuiteSnapshot.of(before), RunRecord.of(make_run([before])))
    deltas = {(d.endpoint, d.name): d for d in comparison.metrics}
    p95 = deltas[("", "p95")]
    assert p95.baseline == 0.2 and p95.current == 0.24
    assert round(p95.change or 0, 6) == 0.04 and round(p95.relative or 0, 6) == 0.2
    assert deltas[("GET /a", "p95")].relative is not None
    assert deltas[("POST /b", "p95")].current is None and deltas[("GET /c", "p95")].baseline is None


def test_without_baseline_every_finding_is_new() -> None:
    comparison = compare_suite(SuiteSnapshot.of(security_suite(findings=[XSS, NOISE])), None, None, "first run")
    assert [f.fingerprint for f in comparison.new] == ["fp-xss"] and comparison.note == "first run"


def test_better_and_worse() -> None:
    assert direction("p95") == -1 and direction("error_rate") == -1 and direction("alerts.high") == -1
    assert direction("rps") == 1 and direction("pass_rate") == 1 and direction("requests") == 0
    assert assessment(MetricDelta(name="p95", baseline=0.2, current=0.24)) == -1
    assert assessment(MetricDelta(name="rps", baseline=100, current=80)) == -1
    assert assessment(MetricDelta(name="rps", baseline=100, current=102)) == 0  # within 5 %
    assert assessment(MetricDelta(name="error_rate", baseline=0.0, current=0.01)) == -1
    assert assessment(MetricDelta(name="p95", baseline=None, current=0.2)) == 0
