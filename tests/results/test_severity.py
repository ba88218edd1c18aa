"""The severity policy: by risk unless a rule says otherwise — in unit form, and end to end with a real wapiti
scan of a real third-party app (httpbin, tests/httpbin_app.py) and a profile that
gives nothing but the documented defaults."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from httpbin_app import EXCLUDE_ENDLESS, httpbin_server

from harness.results.model import Risk, RuleAction
from harness.results.severity import describe_actions, describe_policy, severity_actions


def test_the_default_fails_critical_and_high_warns_medium_and_informs_the_rest() -> None:
    actions = severity_actions()
    assert actions == {
        Risk.CRITICAL: RuleAction.FAIL,
        Risk.HIGH: RuleAction.FAIL,
        Risk.MEDIUM: RuleAction.WARN,
        Risk.LOW: RuleAction.INFO,
        Risk.INFO: RuleAction.INFO,
    }
    assert describe_actions(actions) == "FAIL critical, high · WARN medium · INFO low, info"
    assert describe_policy("high", None, ["rules_file r.tsv"]) == (
        "findings: FAIL critical, high · WARN medium · INFO low, info (fail_on: high); per-rule actions from "
        "rules_file r.tsv"
    )
    assert describe_policy("high", RuleAction.WARN, []) == "findings: WARN for every rule not listed (default_action)"


@pytest.fixture
def httpbin_url(tmp_path: Path) -> Iterator[str]:
    with httpbin_server(tmp_path) as url:
        yield url


@pytest.mark.slow
def test_a_real_scan_with_only_the_defaults_fails_on_high_findings(
    httpbin_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    # No criteria, no rule file, no fail_on: the documented defaults alone (the exclusions only spare the scan
    # httpbin's endpoints that make a client wait). wapiti's exec module injects shell syntax into httpbin's
    # parameters, and httpbin answers some with 500: wapiti rates that high.
    profile = write_profile(
        f"""
        project: {{name: httpbin}}
        target: {{base_url: "{httpbin_url}", scope: [127.0.0.1]}}
        suites:
          - name: scan
            kind: security
            options:
              engine: wapiti
              mode: full
              max_minutes: 3
              exclude: {EXCLUDE_ENDLESS}
              wapiti: {{modules: [exec], depth: 2}}
        report: {{language: zh-CN}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), timeout=600)
    assert result.code == 1, result.stdout + result.stderr
    summary = result.json()
    (suite,) = summary["suites"]
    assert suite["metrics"]["alerts.high"] >= 1
    assert suite["status"] == "failed"
    assert (
        suite["findings"]["by_action"]["FAIL"] == suite["metrics"]["alerts.critical"] + suite["metrics"]["alerts.high"]
    )
    (criterion,) = summary["criteria"]
    assert criterion["expression"] == "alerts.fail == 0" and criterion["default"] and criterion["outcome"] == "failed"
    run = json.loads((Path(summary["run_dir"]) / "run.json").read_text())
    high = [f for f in run["suites"][0]["findings"] if f["risk"] == "high"]
    assert high and all(f["action"] == "FAIL" for f in high)
    sarif = json.loads((Path(summary["run_dir"]) / "sarif.json").read_text())
    assert {r["level"] for r in sarif["runs"][0]["results"] if r["properties"]["risk"] == "high"} == {"error"}
