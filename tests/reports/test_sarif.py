"""SARIF 2.1.0 export, validated against the official schema (vendored in tests/data)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from harness.reports.sarif import build_sarif
from harness.results.importers.nessus import NessusImporter
from harness.results.importers.zap import ZapXmlImporter
from harness.results.model import ProfileInfo, ProjectInfo, RuleAction, RunResult, SuiteResult, SuiteStatus

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
    log = build_sarif(run_of(zap, nessus))
    jsonschema.validate(log, SCHEMA)
    zap_run, nessus_run = log["runs"]
    assert [r["id"] for r in zap_run["tool"]["driver"]["rules"]] == ["10098", "30002"]
    assert zap_run["tool"]["driver"]["version"] == "2.9.0"
    assert len(zap_run["results"]) == 3  # CORS at two URLs + the format string error
    assert zap_run["results"][0]["suppressions"][0]["kind"] == "external"
    assert {r["level"] for r in nessus_run["results"]} == {"note", "warning", "error"}
    assert all(r["partialFingerprints"]["harnessFingerprint/v1"] for r in nessus_run["results"])


def test_a_run_without_findings_is_still_a_valid_log() -> None:
    incomplete = SuiteResult(name="security", kind="security", status=SuiteStatus.ERROR, error="ZAP unreachable")
    for log in (build_sarif(run_of()), build_sarif(run_of(incomplete))):
        jsonschema.validate(log, SCHEMA)
    assert build_sarif(run_of(incomplete))["runs"][0]["invocations"][0]["executionSuccessful"] is False
