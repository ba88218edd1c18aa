"""End to end against a real Prometheus (Debian's) scraping the real demo target (tests/prometheus_server.py):
SLIs over a window the test's own traffic fills, judged by criteria and a baseline from the history, carried
into summary.json, junit.xml and the PDF; and every bad input — a query Prometheus refuses, an empty result,
several series, NaN, a Prometheus that does not answer, one outside the scope."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from prometheus_server import PrometheusServer
from pypdf import PdfReader

from harness import Verdict, run_profile
from harness.cancel import CancelToken
from harness.errors import RunnerSetupError
from harness.profile.scope import Scope
from harness.progress import QuietProgress
from harness.redaction import Redactor
from harness.runners.base import PreparedSuite, RunContext
from harness.runners.monitoring.local import LocalPrometheus
from harness.runners.monitoring.options import MonitoringOptions
from harness.runners.monitoring.runner import MonitoringRunner
from harness.target.handle import TargetHandle

pytestmark = pytest.mark.slow

REQUESTS = "sum(http_request_duration_seconds_count) - sum(http_request_duration_seconds_count offset $window)"
CLIENT_ERRORS = (
    '(sum(http_requests_total{status=~"4.."}) or vector(0)) '
    '- (sum(http_requests_total{status=~"4.."} offset $window) or vector(0))'
)
P95 = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[$window])))"
AUTH = {"type": "bearer", "token": "prom-Secret-token-77"}  # Prometheus ignores it; the harness must hide it
SCHEMA = Path(__file__).resolve().parents[2] / "data" / "schemas" / "junit.xsd"


def iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds")


def traffic(prometheus: PrometheusServer) -> tuple[float, float]:
    """Send 20 answered, 5 unauthorised and 3 unmatched requests to the demo between two scrapes; the window
    from the scrape before to the scrape after holds exactly them (28 requests, 8 of them 4xx)."""
    before = prometheus.last_scrape()
    prometheus.wait_for_scrape_after(before)  # a scrape strictly before the first request
    start = prometheus.last_scrape()
    with requests.Session() as session:
        for path, times in (("/health", 20), ("/api/applications/7", 5), ("/no/such/path", 3)):
            for _ in range(times):
                session.get(prometheus.target_url + path, timeout=10)
    sent = datetime.now(UTC).timestamp()
    prometheus.wait_for_scrape_after(sent)
    return start, prometheus.last_scrape() + 0.001


def profile_text(
    prometheus: PrometheusServer,
    window: dict[str, Any],
    slis: dict[str, str],
    criteria: list[str],
    auth: dict[str, str] | None = None,
    **extra: Any,
) -> str:
    """The profile as JSON (which is YAML)."""
    profile = {
        "project": {"name": "监控演示", "system": "permit-service", "version": "1.4.2", "stage": "operations"},
        "target": {"base_url": prometheus.target_url, "scope": ["127.0.0.1"]},
        "suites": [
            {
                "name": "slo",
                "kind": "monitoring",
                "options": {"prometheus": {"url": prometheus.url, "auth": auth}, "window": window, "slis": slis},
                "criteria": criteria,
            }
        ],
        "report": {"language": "zh-CN"},
        **extra,
    }
    return json.dumps(profile, ensure_ascii=False, indent=1)


def suite_of(run_dir: Path) -> dict[str, Any]:
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return next(s for s in run["suites"] if s["name"] == "slo")


def test_slis_over_a_window_are_judged_and_compared_with_the_baseline(
    prometheus: PrometheusServer, write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    start, end = traffic(prometheus)
    window = {"start": iso(start), "end": iso(end)}
    slis = {"requests": REQUESTS, "client_errors": CLIENT_ERRORS, "p95_latency": P95}
    criteria = ["sli.requests == 28", "sli.client_errors == 8", "sli.p95_latency < 1s",
                "sli.p95_latency <= baseline.sli.p95_latency * 1000", "sli.client_errors > 8 : warn"]  # fmt: skip
    profile = write_profile(profile_text(prometheus, window, slis, criteria, AUTH, baseline="previous"))
    history = tmp_path / "history.sqlite"
    first = run_profile(profile, out_dir=tmp_path / "reports", history=history)
    suite = suite_of(first.run_dir)
    assert suite["status"] == "passed", suite["error"]
    assert suite["metrics"]["sli.requests"] == 28 and suite["metrics"]["sli.client_errors"] == 8
    assert 0 < suite["metrics"]["sli.p95_latency"] < 1
    outcomes = {c.expression: c.outcome.value for c in first.run.criteria}
    assert outcomes["sli.client_errors > 8 : warn"] == "warned"
    assert outcomes["sli.p95_latency <= baseline.sli.p95_latency * 1000"] == "warned"  # nothing to compare with yet
    assert first.run.verdict is Verdict.PASS

    # the evidence: each query as sent, Prometheus's answer
    evidence = json.loads((first.run_dir / "raw" / "slo" / "monitoring.json").read_text(encoding="utf-8"))
    sent = {record["sli"]: record for record in evidence["slis"]}
    assert "$window" not in sent["p95_latency"]["sent"] and sent["p95_latency"]["endpoint"] == "/api/v1/query"
    assert sent["requests"]["answer"]["data"]["resultType"] == "vector"

    # summary.json and junit.xml carry the SLIs
    summary = json.loads((first.run_dir / "summary.json").read_text(encoding="utf-8"))
    assert next(s for s in summary["suites"] if s["name"] == "slo")["metrics"]["sli.requests"] == 28
    junit = etree.parse(str(first.run_dir / "junit.xml"))
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(junit)
    assert junit.xpath("//testsuite[@name='slo']/properties/property[@name='sli.requests']/@value") == ["28"]

    # the PDF shows each SLI with its query, value, objective and outcome, in Chinese
    pdf = "".join(page.extract_text() or "" for page in PdfReader(first.run_dir / "report.pdf").pages)
    for part in ("监控 SLO", "查询（按发送时）", "p95_latency", "histogram_quantile", "sli.requests == 28", "满足"):
        assert part in pdf, part

    # the credential sent to Prometheus is in no file of the run
    for path in first.run_dir.rglob("*"):
        assert not path.is_file() or b"prom-Secret-token-77" not in path.read_bytes(), path
    assert b"prom-Secret-token-77" not in history.read_bytes()

    # the second run has a baseline: the relative objective is judged on it
    second = run_profile(profile, out_dir=tmp_path / "reports", history=history)
    relative = next(c for c in second.run.criteria if "baseline" in c.expression)
    assert relative.outcome.value == "passed" and "baseline.sli.p95_latency" in relative.expected


def test_an_sli_prometheus_cannot_answer_with_one_number_is_not_measured_and_never_passes(
    prometheus: PrometheusServer, write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    start, end = traffic(prometheus)
    slis = {
        "requests": REQUESTS,
        "empty_rate": "sum(rate(no_such_metric_total[$window]))",
        "several": "sum by (route) (increase(http_request_duration_seconds_count[$window]))",
        "broken": "sum(rate(http_requests_total[$window]",
        "idle_latency": 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{route="/version"}[$window])))',
    }  # fmt: skip
    criteria = ["sli.requests == 28", "sli.empty_rate < 1%", "sli.idle_latency < 1s"]
    profile = write_profile(profile_text(prometheus, {"start": iso(start), "end": iso(end)}, slis, criteria))
    outcome = run_profile(profile, out_dir=tmp_path / "reports", history=tmp_path / "h.sqlite")
    suite = suite_of(outcome.run_dir)
    assert suite["status"] == "error" and outcome.run.verdict is not Verdict.PASS
    assert "4 of 5 SLIs not measured (empty_rate, several, broken, idle_latency)" in suite["error"]
    assert suite["metrics"]["sli.requests"] == 28 and "sli.empty_rate" not in suite["metrics"]
    reasons = {case["name"]: case["message"] for case in suite["cases"]}
    assert "no series" in reasons["empty_rate"] and "or vector(0)" in reasons["empty_rate"]
    assert re.search(
        r"returned \d+ series \(\{route=\"/api/admin/users\"\}; .* more\) where one number", reasons["several"]
    )
    assert "HTTP 400, bad_data" in reasons["broken"] and "parse error" in reasons["broken"]
    assert "NaN" in reasons["idle_latency"]
    assert all(c.outcome.value == "error" for c in outcome.run.criteria)  # nothing passes on no value


def test_a_prometheus_that_does_not_answer_or_is_outside_the_scope(
    prometheus: PrometheusServer, write_profile: Callable[..., Path], tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    closed = PrometheusServer("http://127.0.0.1:9", prometheus.target_url, prometheus.root)
    profile = write_profile(profile_text(closed, {"last": "5m"}, {"p95_latency": P95}, ["sli.p95_latency < 1s"]))
    outcome = run_profile(profile, out_dir=tmp_path / "reports", history=tmp_path / "h.sqlite")
    suite = suite_of(outcome.run_dir)
    assert suite["status"] == "error" and outcome.run.verdict is Verdict.INCOMPLETE
    assert "Prometheus at http://127.0.0.1:9 did not answer" in suite["error"]

    outside = PrometheusServer("http://127.0.0.2:9090", prometheus.target_url, prometheus.root)
    profile = write_profile(profile_text(outside, {"last": "5m"}, {"p95_latency": P95}, []), "outside.yaml")
    validated = run_cli("validate", str(profile))
    assert validated.code == 2
    assert (
        "prometheus.url" in validated.stdout + validated.stderr and "127.0.0.2" in validated.stdout + validated.stderr
    )


def test_an_earlier_suite_that_is_not_in_the_run_has_no_window(
    prometheus: PrometheusServer, write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    profile = write_profile(profile_text(prometheus, {"suite": "performance"}, {"p95_latency": P95}, []))
    outcome = run_profile(profile, out_dir=tmp_path / "reports", history=tmp_path / "h.sqlite")
    suite = suite_of(outcome.run_dir)
    assert suite["status"] == "error"
    assert "suite performance did not run before this one in this run (ran before: none)" in suite["error"]


def test_a_window_that_ended_before_the_local_prometheus_started_is_refused(
    prometheus: PrometheusServer, tmp_path: Path
) -> None:
    options = MonitoringOptions.model_validate(
        {"prometheus": {"start": "local"}, "window": {"start": "2026-01-01T08:00:00+08:00", "end": "2026-01-01T09:00:00+08:00"},
         "slis": {"p95_latency": P95}}
    )  # fmt: skip
    started = LocalPrometheus(
        url=prometheus.url, scrape_url=f"{prometheus.target_url}/metrics", first_scrape="2026-11-30T01:02:03.123456789Z"
    )
    ctx = RunContext(
        target=TargetHandle(name="demo", base_url=prometheus.target_url, scope=Scope(["127.0.0.1"])),
        run_dir=tmp_path, raw_dir=tmp_path, base_dir=tmp_path, progress=QuietProgress(), cancel=CancelToken(),
        redactor=Redactor([]), log=logging.getLogger("test"), companion=started,
    )  # fmt: skip
    suite = PreparedSuite(name="slo", kind="monitoring", options=options)
    with pytest.raises(
        RunnerSetupError, match=r"ended before the local Prometheus first scraped the target \(2026-11-30T01:02:03"
    ):
        MonitoringRunner("monitoring").run(suite, ctx)
    with pytest.raises(RunnerSetupError, match="needs the run's target up"):
        MonitoringRunner("monitoring").run(suite, RunContext(**{**ctx.__dict__, "companion": None}))
