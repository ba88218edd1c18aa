"""``kind: import`` and ``harness import`` with only the documented defaults: bad results never pass.

A JMeter JTL with failed requests and a Nessus report with a critical finding (tests/data/security/scan.nessus,
the shape Nessus 10 writes) go through the real CLI, without any criteria, rule file or ``fail_on``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.results.importers.jtl import DEFAULT_COLUMN_SETS
from harness.results.importers.nessus import NessusImporter
from harness.results.messages import render
from harness.results.model import Risk, RuleAction
from harness.runners.imports import ImportOptions, import_defaults, import_rules, judge_findings, malformed

DATA = Path(__file__).resolve().parents[1] / "data" / "security"
T0 = 1_700_000_000_000


def write_jtl(path: Path, requests: int, failed_every: int) -> None:
    """A CSV JTL as JMeter's default SaveService writes it; every ``failed_every``-th sample failed (503)."""
    lines = [",".join(DEFAULT_COLUMN_SETS[0])]
    for n in range(requests):
        bad = failed_every and n % failed_every == 0
        code, text, ok = ("503", "Service Unavailable", "false") if bad else ("200", "OK", "true")
        failure = "Test failed: code expected to equal 200" if bad else ""
        lines.append(
            f"{T0 + n * 50},{40 + n % 7},GET /api/applications,{code},{text},Thread Group 1-1,text,{ok},{failure},"
            f"512,140,1,1,http://127.0.0.1:8000/api/applications,{40 + n % 7},0,12"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_security_imports_are_judged_by_the_severity_policy() -> None:
    result = NessusImporter().read([DATA / "scan.nessus"], "nessus", "security")
    assert {f.action for f in result.findings} == {RuleAction.WARN}  # what the importer says alone
    judged = judge_findings(result, import_rules(None, {}, None))
    actions = {f.risk: f.action for f in judged.findings}
    assert actions[Risk.CRITICAL] is RuleAction.FAIL and actions[Risk.HIGH] is RuleAction.FAIL
    assert actions[Risk.MEDIUM] is RuleAction.WARN and actions[Risk.LOW] is RuleAction.INFO
    assert judged.metrics["alerts.fail"] == 2 and judged.status.value == "failed"
    relaxed = judge_findings(result, import_rules("never", {}, None))
    assert relaxed.metrics["alerts.fail"] == 0 and relaxed.status.value == "passed"
    critical = next(f.rule_id for f in result.findings if f.risk is Risk.CRITICAL)
    waived = judge_findings(result, import_rules(None, {critical: "WARN"}, None))  # a rule still wins
    assert waived.metrics["alerts.fail"] == 1


def test_defaults_follow_what_the_results_are() -> None:
    nessus = NessusImporter()
    assert import_defaults(nessus, "security") == ("alerts.fail == 0",)
    with pytest.raises(ValueError, match="unknown action"):
        ImportOptions(format="nessus", paths=["x"], rules={"1": "BLOCK"})


def test_a_profile_with_only_defaults_fails_on_a_bad_jtl_and_a_critical_nessus_finding(
    tmp_path: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    write_jtl(tmp_path / "load.jtl", 200, failed_every=2)  # 50 % failed requests
    write_jtl(tmp_path / "clean.jtl", 200, failed_every=0)
    (tmp_path / "scan.nessus").write_bytes((DATA / "scan.nessus").read_bytes())
    profile = write_profile(
        """
        project: {name: imports with defaults only}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: jmeter, kind: import, options: {format: jtl, paths: [load.jtl]}}
          - {name: jmeter-clean, kind: import, options: {format: jtl, paths: [clean.jtl]}}
          - {name: nessus, kind: import, options: {format: nessus, paths: [scan.nessus]}}
        report: {language: zh-CN}
        """
    )
    validate = run_cli("validate", str(profile))
    assert validate.code == 0, validate.stderr
    assert "error_rate == 0%   (default)" in validate.stdout and "alerts.fail == 0   (default)" in validate.stdout
    assert "findings: FAIL critical, high · WARN medium · INFO low, info (fail_on: high)" in validate.stdout
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"))
    assert result.code == 1, result.stdout + result.stderr
    summary = result.json()
    suites = {s["name"]: s for s in summary["suites"]}
    assert suites["jmeter"]["status"] == "failed" and suites["nessus"]["status"] == "failed"
    assert suites["jmeter-clean"]["status"] == "passed"
    assert suites["nessus"]["findings"]["by_action"]["FAIL"] == 2
    assert "jmeter: error_rate == 0% failed (measured 50 %)" in summary["verdict_reasons"]
    assert "nessus: alerts.fail == 0 failed (measured 2)" in summary["verdict_reasons"]
    assert all(c["default"] for c in summary["criteria"])


def test_harness_import_of_a_critical_nessus_finding_fails_unless_the_threshold_says_otherwise(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    args = ("import", str(DATA / "scan.nessus"), "--format", "nessus", "--suite", "nessus", "--new", "--json")
    failing = run_cli(*args, "--out", str(tmp_path / "a"))
    assert failing.code == 1, failing.stderr
    assert failing.json()["suites"][0]["status"] == "failed"
    never = run_cli(*args, "--out", str(tmp_path / "b"), "--fail-on", "never")
    assert never.code == 0, never.stderr
    run = json.loads((Path(never.json()["run_dir"]) / "run.json").read_text())
    assert {f["action"] for f in run["suites"][0]["findings"]} <= {"WARN", "INFO"}
    wrong = run_cli("import", str(DATA / "scan.nessus"), "--format", "junit", "--suite", "x", "--new",
                    "--out", str(tmp_path / "c"), "--fail-on", "high")  # fmt: skip
    assert wrong.code == 2 and "security formats" in wrong.stderr


def test_a_malformed_file_keeps_the_users_file_line_and_the_importers_words(tmp_path: Path) -> None:
    source = tmp_path / "results" / "junit.xml"
    located = malformed(f"{source}:17: malformed XML: mismatched tag", [source])
    assert located.key == "setup.import.malformed"
    assert located.params == {"file": str(source), "line": 17, "reason": "malformed XML: mismatched tag"}
    assert str(located) == f"{source}:17: malformed XML: mismatched tag"  # the CLI's words are unchanged
    assert render(located, "zh-CN") == f"结果文件 {source} 第 17 行：malformed XML: mismatched tag（原文）"
    other = malformed("allure-results: no result file", [source])  # no FILE:LINE of a source: kept whole
    assert other.key == "setup.import.malformed_file" and str(other) == "allure-results: no result file"
