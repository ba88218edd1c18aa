"""SARIF 2.1.0 export, validated against the official schema (vendored in tests/data)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from harness.reports.sarif import build_sarif
from harness.results.importers.nessus import NessusImporter
from harness.results.importers.zap import ZapXmlImporter
from harness.results.model import (
    Finding,
    Instance,
    ProfileInfo,
    ProjectInfo,
    Risk,
    RuleAction,
    RunResult,
    SuiteResult,
    SuiteStatus,
)
from harness.runners.imports import import_rules, judge_findings

DATA = Path(__file__).resolve().parents[1] / "data"
SCHEMA = json.loads((DATA / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def run_of(*suites: SuiteResult) -> RunResult:
    return RunResult(
        run_id="r",
        profile=ProfileInfo(name="p", path="p.yaml", sha256="0"),
        project=ProjectInfo(name="p"),
        started=datetime.now(UTC),
        suites=suites,
    )


def test_one_result_per_instance_rules_from_plugin_ids_and_schema_valid() -> None:
    zap = ZapXmlImporter().read([DATA / "security/zap-2.9.xml"], "zap", "security")
    ignored = zap.findings[0].model_copy(update={"action": RuleAction.IGNORE})
    zap = zap.model_copy(update={"findings": (ignored, *zap.findings[1:])})
    nessus = NessusImporter().read([DATA / "security/scan.nessus"], "nessus", "security")
    nessus = judge_findings(nessus, import_rules(None, {}, None))  # as `kind: import` does: by risk
    log = build_sarif(run_of(zap, nessus))
    jsonschema.validate(log, SCHEMA)
    zap_run, nessus_run = log["runs"]
    assert [r["id"] for r in zap_run["tool"]["driver"]["rules"]] == ["10098", "30002"]
    assert zap_run["tool"]["driver"]["version"] == "2.9.0"
    assert len(zap_run["results"]) == 3  # CORS at two URLs + the format string error
    assert zap_run["results"][0]["suppressions"][0]["kind"] == "external"
    # the level is what the finding does to the gate: critical/high FAIL -> error, medium WARN -> warning, ...
    levels = {(r["properties"]["risk"], r["level"]) for r in nessus_run["results"]}
    assert levels == {
        ("critical", "error"),
        ("high", "error"),
        ("medium", "warning"),
        ("low", "note"),
        ("info", "note"),
    }
    assert zap_run["results"][0]["level"] == "none"  # IGNOREd
    assert all(r["partialFingerprints"]["harnessFingerprint/v1"] for r in nessus_run["results"])


def test_a_run_without_findings_is_still_a_valid_log() -> None:
    incomplete = SuiteResult(name="security", kind="security", status=SuiteStatus.ERROR, error="ZAP unreachable")
    for log in (build_sarif(run_of()), build_sarif(run_of(incomplete))):
        jsonschema.validate(log, SCHEMA)
    assert build_sarif(run_of(incomplete))["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_false_positives_are_suppressed_and_a_warned_high_finding_is_a_warning() -> None:
    xss = Finding(rule_id="40012", name="Cross Site Scripting (Reflected)", risk=Risk.HIGH, action=RuleAction.WARN,
                  instances=(Instance(url="http://h/s?q=x", request="GET /s?q=x HTTP/1.1"),), cwe=79)  # fmt: skip
    noise = Finding(rule_id="6", name="Path Traversal", risk=Risk.HIGH, instances=(Instance(url="http://h/a"),))
    scan = SuiteResult(
        name="scan", kind="security", status=SuiteStatus.PASSED, findings=(xss,), false_positives=(noise,)
    )
    log = build_sarif(run_of(scan))
    jsonschema.validate(log, SCHEMA)
    warned, suppressed = log["runs"][0]["results"]
    assert warned["level"] == "warning" and warned["properties"]["request"].startswith("GET /s?q=x")
    assert suppressed["level"] == "none" and "false positive" in suppressed["suppressions"][0]["justification"]
