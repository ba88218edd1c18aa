"""Planning a profile: effective criteria (defaults marked) and how security suites judge findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.plan import load_plan
from harness.runners.registry import load_runners


def test_effective_criteria_defaults_and_severity_policy(write_profile: Callable[..., Path]) -> None:
    profile = write_profile(
        """
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: unit, kind: unit, options: {paths: ["{repo}/suites/unit"]}}
          - {name: scan, kind: security, options: {fail_on: medium}, criteria: ["scan.urls >= 20", "alerts.fail == 0"]}
          - {name: perf, kind: performance, options: {locustfile: "{repo}/suites/performance/locustfile.py", users: 1, run_time: 1s}}
          - {name: checks, kind: uat, options: {checklist: "{repo}/suites/uat/permit-checklist.yaml"}}
        """
    )
    plan = load_plan(profile, load_runners())
    effective = {p.suite.name: [(c.text, default) for c, default in p.effective_criteria] for p in plan.suites}
    assert effective == {
        "unit": [("pass_rate >= 100%", True)],
        "scan": [("scan.urls >= 20", False), ("alerts.fail == 0", False)],
        "perf": [("error_rate == 0%", True)],
        "checks": [("uat.pass_rate >= 100%", True)],
    }
    (scan,) = [p for p in plan.suites if p.suite.name == "scan"]
    assert scan.gate_notes == ("findings: FAIL critical, high, medium · INFO low, info (fail_on: medium)",)


def test_a_misspelt_coverage_metric_is_refused(write_profile: Callable[..., Path]) -> None:
    profile = write_profile(
        """
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: scan, kind: security, criteria: ["scan.url >= 20"]}
        """
    )
    with pytest.raises(ProfileError, match=r"did you mean 'scan\.urls'"):
        load_plan(profile, load_runners())


def test_a_weakness_the_demo_does_not_have_is_refused_where_it_is_written(write_profile: Callable[..., Path]) -> None:
    profile = write_profile(
        """
        project: {name: X}
        target:
          start: demo
          demo: {weaknesses: [cookie-flags, reflected-xs]}
        suites:
          - {name: unit, kind: unit, options: {paths: ["{repo}/suites/unit"]}}
        """
    )
    with pytest.raises(ProfileError) as refused:
        load_plan(profile, load_runners())
    (issue,) = refused.value.issues
    written = profile.read_text(encoding="utf-8").splitlines()
    assert issue.line is not None and "reflected-xs]" in written[issue.line - 1]
    assert issue.path == "target.demo.weaknesses[1]"
    assert "unknown weakness 'reflected-xs'" in issue.message and "reflected-xss" in issue.message


def test_an_unknown_metric_with_a_unit_is_named_unknown_not_a_unit_mismatch(
    write_profile: Callable[..., Path],
) -> None:
    profile = write_profile(
        """
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - name: load
            kind: performance
            options: {locustfile: locustfile.py, users: 1, run_time: 1s}
            criteria: ["latency_p95 < 500ms", "p95 < 500"]
        """
    )
    (profile.parent / "locustfile.py").write_text("from locust import HttpUser\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_plan(profile, load_runners())
    messages = [issue.message for issue in caught.value.issues]
    assert len(messages) == 2, messages
    assert messages[0].startswith("metric 'latency_p95' is not produced by a performance suite; it produces:")
    assert "needs a time unit" in messages[1]  # a known metric keeps its units error
