"""End to end: `harness run` with `prometheus: {start: local}` — the harness starts Debian's Prometheus with the
demo target, the monitoring suite measures the smoke test's window, and nothing is left running afterwards;
a target without /metrics makes the suite error with the scrape's reason."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import Verdict, run_profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("prometheus") is None, reason="Debian's prometheus package is not installed"),
]

SUITE: dict[str, Any] = {
    "name": "slo",
    "kind": "monitoring",
    "options": {
        "prometheus": {"start": "local"},
        "window": {"suite": "smoke"},
        "slis": {
            "requests": "sum(http_request_duration_seconds_count) - sum(http_request_duration_seconds_count offset $window)",
            "p95_latency": "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[$window])))",
        },
    },
    "criteria": ["sli.requests >= 10", "sli.p95_latency < 2s"],
}


def profile(repo: Path, metrics: bool, suites: list[dict[str, Any]]) -> str:
    return json.dumps({
        "project": {"name": "p", "system": "permit-service", "version": "1.4.2", "stage": "go-live"},
        "target": {
            "start": "demo", "demo": {"metrics": metrics, "weaknesses": "none"}, "scope": ["127.0.0.1"],
            "auth": {"type": "login", "url": "/api/auth/token", "username": "officer", "password": "demo-officer-pw"},
        },
        "suites": suites,
        "report": {"language": "en"},
    })  # fmt: skip


def prometheus_processes() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "harness-prometheus-" in cmdline:
            found.append(cmdline)
    return found


def run(run_cli: Callable[..., Any], path: Path, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    result = run_cli("run", str(path), "--json", "--quiet", "--out", str(tmp_path / "reports"),
                     "--history", str(tmp_path / "history.sqlite"), timeout=180)  # fmt: skip
    run_dir = Path(result.json()["run_dir"])
    return result.code, json.loads((run_dir / "run.json").read_text(encoding="utf-8"))


def test_a_local_prometheus_sees_the_earlier_suites_traffic_and_stops_with_the_target(
    repo: Path, run_cli: Callable[..., Any], write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    smoke = {"name": "smoke", "kind": "integration",
             "options": {"paths": [str(repo / "suites" / "integration" / "test_service.py")]}}  # fmt: skip
    # scrapes 3 s apart: the smoke suite's requests all fall between the first scrape and the next, so the
    # window clamped to the first scrape must still hold that first sample (a range rounded past it read NaN)
    slo_suite = {**SUITE, "options": {**SUITE["options"], "prometheus": {"start": "local", "scrape_interval": 3}}}
    code, run_json = run(run_cli, write_profile(profile(repo, True, [smoke, slo_suite])), tmp_path)
    suites = {s["name"]: s for s in run_json["suites"]}
    assert code == 0, (suites["slo"]["error"], run_json["verdict_reasons"])
    slo = suites["slo"]
    smoke_tests = suites["smoke"]["metrics"]["tests"]
    assert slo["metrics"]["sli.requests"] >= smoke_tests  # every test sends at least one request
    assert 0 < slo["metrics"]["sli.p95_latency"] < 2
    assert slo["tool"]["name"] == "prometheus" and slo["tool"]["version"].startswith("2.")
    notes = " ".join(n["text"] for n in slo["notes"])
    assert "Prometheus started by the harness" in notes and "suite smoke" in notes
    assert prometheus_processes() == []  # stopped with the target, its storage removed


def test_a_target_without_metrics_makes_the_suite_error_with_the_scrape_error(
    demo_url: str, write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    suite = {**SUITE, "options": {**SUITE["options"], "window": {"last": "1m"}}}
    text = json.dumps({
        "project": {"name": "p", "system": "permit-service", "version": "1.4.2", "stage": "go-live"},
        "target": {"base_url": demo_url, "scope": ["127.0.0.1"]},  # the session's demo, without /metrics
        "suites": [suite],
    })  # fmt: skip
    outcome = run_profile(write_profile(text), out_dir=tmp_path / "reports", history=tmp_path / "h.sqlite")
    slo = outcome.run.suites[0]
    assert outcome.run.verdict is Verdict.INCOMPLETE and slo.status.value == "error"
    assert "Prometheus could not scrape http://127.0.0.1:" in slo.error and "404" in slo.error
    assert "target.demo.metrics: true" in slo.error
    assert prometheus_processes() == []
