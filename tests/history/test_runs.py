"""Recording runs on SQLite and PostgreSQL: round trip, idempotent re-recording, lookups by prefix, baselines, tags."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from history_builders import T0, finding, make_run, perf_suite, security_suite

from harness.errors import HistoryError
from harness.history import RunStore
from harness.results.model import SuiteStatus, Verdict


@pytest.fixture
def store(history_url: str) -> RunStore:
    """Every test here runs on SQLite and on PostgreSQL."""
    return RunStore.open(history_url)


def test_round_trip_keeps_metrics_endpoints_and_findings(store: RunStore, tmp_path: Path) -> None:
    xss = finding("40012", "Cross Site Scripting (Reflected)", "high", "fp-xss")
    run = make_run([perf_suite(p95=0.25), security_suite(findings=[xss])], verdict=Verdict.FAIL)
    store.record(run, tmp_path / run.run_id)
    record = store.get(run.run_id)
    assert record is not None
    assert (record.verdict, record.profile, record.stage, record.run_dir) == (
        Verdict.FAIL, "demo", "testing", str(tmp_path / run.run_id)
    )  # fmt: skip
    assert record.duration == 300.0
    load = record.suite("load")
    assert load is not None and load.metrics["p95"] == 0.25
    assert load.endpoints["GET /api/applications"]["p95"] == pytest.approx(0.225)
    scan = record.suite("scan")
    assert scan is not None and scan.findings["fp-xss"].name == "Cross Site Scripting (Reflected)"
    assert scan.findings["fp-xss"].risk.value == "high" and scan.findings["fp-xss"].instances == 1


def test_recording_again_replaces_the_run(store: RunStore, tmp_path: Path) -> None:
    started = make_run([], verdict=Verdict.INCOMPLETE).model_copy(update={"finished": None})
    store.record(started, tmp_path)
    assert store.get(started.run_id).unfinished  # type: ignore[union-attr]
    done = make_run([perf_suite(p95=0.3)], verdict=Verdict.PASS)
    store.record(done, tmp_path)
    record = store.get(done.run_id)
    assert record is not None and not record.unfinished and record.verdict is Verdict.PASS
    assert [s.name for s in record.suites] == ["load"]
    assert len(store.list()) == 1


def test_duplicate_fingerprints_are_merged(store: RunStore, tmp_path: Path) -> None:
    twice = [finding("10038", "CSP header not set", "medium", "fp-csp")] * 2
    run = make_run([security_suite(findings=twice)])
    store.record(run, tmp_path)
    scan = store.get(run.run_id).suite("scan")  # type: ignore[union-attr]
    assert scan is not None and list(scan.findings) == ["fp-csp"] and scan.findings["fp-csp"].instances == 2


def test_findings_without_fingerprint_get_a_stable_derived_one(store: RunStore, tmp_path: Path) -> None:
    bare = finding("10038", "CSP header not set", "medium", "")
    first, second = (make_run([security_suite(findings=[bare])], started=T0 + timedelta(hours=h)) for h in (0, 1))
    store.record(first, tmp_path)
    store.record(second, tmp_path)
    prints = [list(store.get(r.run_id).suite("scan").findings) for r in (first, second)]  # type: ignore[union-attr]
    assert prints[0] == prints[1] and prints[0][0].startswith("derived:")


def test_resolve_by_prefix(store: RunStore, tmp_path: Path) -> None:
    for hour in (0, 1):
        store.record(make_run([], started=T0 + timedelta(hours=hour)), tmp_path)
    assert store.resolve("demo-20250301T0300").run_id == "demo-20250301T030000-0000"
    with pytest.raises(HistoryError, match="matches 2 runs"):
        store.resolve("demo-2025")
    with pytest.raises(HistoryError, match=r"no run 'demo-20250301T020001-0000'.*did you mean"):
        store.resolve("demo-20250301T020001-0000")


def test_latest_with_suite_picks_the_baseline(store: RunStore, tmp_path: Path) -> None:
    runs = [
        make_run([perf_suite()], started=T0, verdict=Verdict.PASS),
        make_run([perf_suite()], started=T0 + timedelta(hours=1), verdict=Verdict.FAIL),
        make_run([perf_suite(status=SuiteStatus.ERROR)], started=T0 + timedelta(hours=2), verdict=Verdict.INCOMPLETE),
        make_run([security_suite()], started=T0 + timedelta(hours=3), verdict=Verdict.PASS),
        make_run([perf_suite()], started=T0 + timedelta(hours=4), verdict=Verdict.PASS, profile="other"),
    ]
    for run in runs:
        store.record(run, tmp_path)
    now = T0 + timedelta(hours=5)
    last_pass = store.latest_with_suite("demo", "load", now, verdict=Verdict.PASS)
    previous = store.latest_with_suite("demo", "load", now, verdict=None)
    assert last_pass is not None and last_pass.run_id == runs[0].run_id
    assert previous is not None and previous.run_id == runs[1].run_id  # the errored suite is no baseline
    assert store.latest_with_suite("demo", "load", T0, verdict=None) is None  # nothing before


def test_tags_move_and_are_per_profile(store: RunStore, tmp_path: Path) -> None:
    first, second = (make_run([], started=T0 + timedelta(hours=h)) for h in (0, 1))
    for run in (first, second):
        store.record(run, tmp_path)
    assert store.tag(first.run_id, "accepted") is None
    assert store.tag(second.run_id, "accepted") == first.run_id
    tagged = store.tagged("demo", "accepted")
    assert tagged is not None and tagged.run_id == second.run_id and tagged.tags == ("accepted",)
    assert store.tagged("other", "accepted") is None
    with pytest.raises(HistoryError, match="no run 'nope'"):
        store.tag("nope", "accepted")


def test_profiles_lists_each_profile_with_its_count_and_newest_run(store: RunStore, tmp_path: Path) -> None:
    assert store.profiles() == []
    for days, profile in ((0, "demo"), (1, "demo"), (2, "api"), (3, "demo")):
        store.record(make_run([], profile=profile, started=T0 + timedelta(days=days)), tmp_path)
    found = [(p.profile, p.runs, p.latest) for p in store.profiles()]
    assert found == [("demo", 3, T0 + timedelta(days=3)), ("api", 1, T0 + timedelta(days=2))]
