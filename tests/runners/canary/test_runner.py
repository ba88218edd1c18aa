"""End to end: `harness run` with canary suites against real demo instances under real Locust load.

A healthy canary (a second instance of the same demo) passes; a canary 200 ms slower on every answer
fails on latency and throughput; an unreachable canary, one outside the scope and one with too few samples
to judge are reported as such while the other suites run. Outcomes rest on effects far from the thresholds
(a 200 ms regression against answers of a few ms; identical instances paced at 10 requests per user and
second), so a loaded machine does not change them; nothing asserts on timing.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from harness.target.managed import demo_target

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two instances of the same demo release: the baseline and a healthy canary."""
    with (
        demo_target(tmp_path_factory.mktemp("baseline"), ()) as baseline,
        demo_target(tmp_path_factory.mktemp("canary"), ()) as canary,
    ):
        yield baseline, canary


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(run_cli: Callable[..., Any], profile: Path, tmp_path: Path) -> tuple[Any, Path, dict[str, Any]]:
    result = run_cli("run", str(profile), "--json", "--quiet", "--out", str(tmp_path / "reports"), timeout=240)
    assert result.code in (0, 1, 3), result.stderr
    run_dir = Path(result.json()["run_dir"])
    run_json = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return result, run_dir, {s["name"]: s for s in run_json["suites"]}


LOGIN = "{type: login, url: /api/auth/token, username: officer, password: demo-officer-pw}"


def profile_text(baseline: str, suites: str, language: str = "zh-CN") -> str:
    return f"""
project: {{name: 灰度发布测试}}
report: {{language: {language}}}
target: {{base_url: "{baseline}", scope: [127.0.0.1, localhost], auth: {LOGIN}}}
suites:
{suites}
"""


LOAD = "{locustfile: {repo}/suites/canary/locustfile.py, users: 4, spawn_rate: 4, run_time: 12s}"
"""10 whole seconds after the 1 s warm-up: the throughput's minimum (min_samples: 10)."""
BOUNDED = LOAD[:-1] + ", max_samples: 200}"
"""The same load, keeping 200 requests per side for the tests (each side sends more)."""
SHORT = "{locustfile: {repo}/suites/canary/locustfile.py, users: 2, spawn_rate: 2, run_time: 4s}"


def test_a_healthy_canary_passes_and_every_export_shows_the_statistics(
    instances: tuple[str, str], write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    baseline, canary = instances
    profile = write_profile(
        profile_text(
            baseline,
            f"""
  - name: release
    kind: canary
    options:
      canary: {{base_url: "{canary}", auth: {LOGIN}}}
      load: {LOAD}
      # two identical instances on a machine shared with CPU hogs: their medians were measured up to 16 %
      # apart (and "significantly" so); a fail at 1.5x keeps this test from flaking, the defaults are
      # exercised by the regression test below
      metrics: {{latency: {{marginal_ratio: 1.25, fail_ratio: 1.5}}}}
""",
        )
    )
    result, run_dir, suites = run(run_cli, profile, tmp_path)
    suite = suites["release"]
    assert result.code == 0, (suite.get("error"), [c["message"] for c in suite["cases"]])
    m = suite["metrics"]
    assert m["canary.score"] >= 80 and m["canary.failed_metrics"] == 0 and m["canary.unjudged_metrics"] == 0
    assert {c["properties"]["classification"] for c in suite["cases"]} <= {"pass", "marginal"}
    assert [c["name"] for c in suite["cases"]] == ["latency", "error_rate", "throughput"]
    # the baseline is the profile's target; both served the same paced load
    assert m["canary.latency.baseline.samples"] >= 100 and m["canary.latency.canary.samples"] >= 100
    assert m["canary.throughput.baseline.samples"] == m["canary.throughput.canary.samples"] == 10  # seconds 1-10 of 12
    assert 0.8 < m["canary.throughput.ratio"] < 1.25 and m["canary.error_rate.canary.error_rate"] == 0
    assert 0 <= m["canary.latency.p_value"] <= 1 and -1 <= m["canary.latency.cliffs_delta"] <= 1
    evidence = json.loads((run_dir / "raw/release/canary-judgement.json").read_text())
    assert [e["metric"] for e in evidence["metrics"]] == ["latency", "error_rate", "throughput"]
    samples = json.loads((run_dir / "raw/release/canary/samples.json").read_text())
    assert samples["format"] == "harness-locust-samples/1" and samples["requests"] == len(samples["samples"]) > 100
    # JUnit: each metric a case of the suite; summary.json carries the metrics
    junit = etree.parse(str(run_dir / "junit.xml"))
    cases = junit.xpath("//testsuite[@name='release']/testcase/@name")
    assert {"latency", "error_rate", "throughput"} <= set(cases)
    summary = json.loads((run_dir / "summary.json").read_text())
    (shown,) = [s for s in summary["suites"] if s["name"] == "release"]
    assert shown["metrics"]["canary.score"] == m["canary.score"]
    text = "\n".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)
    assert "灰度发布" in text and "Mann-Whitney" in text and "响应时间" in text and "吞吐量" in text
    assert f"评分 {m['canary.score']:g} / 100" in text
    # both sides logged in (the locustfile lists applications with the deployment's token); no secret is kept
    stats = (run_dir / "raw/release/canary/locust_stats.csv").read_text()
    assert "/api/applications" in stats
    for path in run_dir.rglob("*"):
        assert not path.is_file() or b"demo-officer-pw" not in path.read_bytes(), path


def test_a_canary_200ms_slower_fails_and_unreachable_or_unjudged_canaries_say_why(
    instances: tuple[str, str], write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    baseline, canary = instances
    closed = _closed_port()
    profile = write_profile(
        profile_text(
            baseline,
            f"""
  - name: release
    kind: canary
    options:
      baseline: {{base_url: "{baseline}"}}
      canary: {{start: demo, demo: {{weaknesses: none, added_latency_ms: 200}}}}
      load: {BOUNDED}
  - name: down
    kind: canary
    options: {{canary: {{base_url: "http://127.0.0.1:{closed}"}}, load: {LOAD}}}
  - name: short
    kind: canary
    options:
      canary: {{base_url: "{canary}"}}
      load: {SHORT}
      metrics: {{latency: {{min_samples: 100000}}}}
""",
            language="en",
        )
    )
    result, run_dir, suites = run(run_cli, profile, tmp_path)
    suite = suites["release"]
    assert result.code == 1 and suite["status"] == "failed", suite.get("error")
    m = suite["metrics"]
    cases = {c["name"]: c for c in suite["cases"]}
    assert cases["latency"]["status"] == "failed" and cases["latency"]["properties"]["classification"] == "fail"
    assert m["canary.latency.canary.median"] - m["canary.latency.baseline.median"] > 0.15
    assert m["canary.latency.ratio"] >= 1.25 and m["canary.latency.p_value"] < 0.001
    # a user paced at 0.1 s cannot keep the pace when each answer takes 0.2 s: half the throughput or less
    assert cases["throughput"]["status"] == "failed" and m["canary.throughput.ratio"] < 0.7
    assert m["canary.score"] < 80 and m["canary.failed_metrics"] == 2
    # memory stays bounded: 200 requests kept of each side's (a uniform sample), the per-second counts exact
    for role in ("baseline", "canary"):
        samples = json.loads((run_dir / f"raw/release/{role}/samples.json").read_text())
        assert len(samples["samples"]) == 200 < samples["requests"] == sum(c for _, c, _ in samples["seconds"])
    assert 150 <= m["canary.latency.baseline.samples"] <= 200  # the 200 kept, minus the warm-up's
    notes = [n if isinstance(n, str) else n["text"] for n in suite["notes"]]
    assert "baseline: more than 200 requests; the tests use a uniform random sample of 200 of them" in notes
    reasons = result.json()["verdict_reasons"]
    assert any(r.startswith("release: canary.score >= 80 failed") for r in reasons), reasons
    junit = etree.parse(str(run_dir / "junit.xml"))
    failure = junit.xpath("//testsuite[@name='release']/testcase[@name='latency']/failure/@message")
    assert failure and "fail" in failure[0]
    text = "\n".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)
    assert "Mann-Whitney" in text and "fail" in text and "latency" in text

    # the other suites of the run: an unreachable canary is an error that says where; too few samples is
    # "not judged" (an error case), which the default criteria refuse: never a quiet pass
    down = suites["down"]
    assert down["status"] == "error" and "canary deployment is unusable" in down["error"]
    assert f"127.0.0.1:{closed}" in down["error"]
    short = suites["short"]
    assert short["status"] == "failed"
    cases = {c["name"]: c for c in short["cases"]}
    assert cases["latency"]["status"] == "error" and cases["latency"]["properties"]["why"] == "too_few"
    assert "too few samples" in cases["latency"]["message"] and "at least 100000" in cases["latency"]["message"]
    # 4 s of load also leave the throughput under its 10 whole seconds: 2 of 3 metrics not judged, no score
    assert cases["throughput"]["status"] == "error" and cases["error_rate"]["status"] == "passed"
    assert short["metrics"]["canary.unjudged_metrics"] == 2 and "canary.latency.score" not in short["metrics"]
    assert "canary.score" not in short["metrics"]
    notes = [n if isinstance(n, str) else n["text"] for n in short["notes"]]
    assert any("metric latency was not judged" in n for n in notes) and any("too many for a score" in n for n in notes)
    assert any("short: canary.unjudged_metrics == 0 failed" in r for r in reasons), reasons
    assert any("suite down could not run" in r for r in reasons), reasons


def test_a_canary_outside_the_scope_is_refused_before_anything_runs(
    instances: tuple[str, str], write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    baseline, canary = instances
    outside = canary.replace("127.0.0.1", "127.0.0.2")
    profile = write_profile(
        profile_text(
            baseline,
            f"""
  - name: elsewhere
    kind: canary
    options: {{canary: {{base_url: "{outside}"}}, load: {LOAD}}}
""",
            language="en",
        )
    )
    checked = run_cli("validate", str(profile))
    assert checked.code == 2 and "outside target.scope" in checked.stdout + checked.stderr
    assert "profile.yaml:" in checked.stdout + checked.stderr
    ran = run_cli("run", str(profile), "--json", "--quiet")
    assert ran.code == 2 and "outside target.scope" in ran.stdout + ran.stderr
