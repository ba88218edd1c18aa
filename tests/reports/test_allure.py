"""allure-results for every suite, read back with the harness's own Allure importer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from allure_commons.logger import AllureFileLogger

from harness.reports import allure
from harness.reports.allure import AllureExporter
from harness.results.importers.allure import AllureImporter
from harness.results.model import CaseStatus
from harness.results.rundir import RunDirectory
from tests.reports.sample import sample_run


def _export(tmp_path: Path) -> Path:
    rundir = RunDirectory.create(tmp_path, "sample-run")
    (directory,) = AllureExporter().export(sample_run(rundir), rundir)
    return directory


def _results(directory: Path) -> dict[str, dict[str, object]]:
    return {json.loads(p.read_text())["fullName"]: json.loads(p.read_text()) for p in directory.glob("*-result.json")}


def test_every_suite_and_the_criteria(tmp_path: Path) -> None:
    results = _results(_export(tmp_path))
    suites = {next(x["value"] for x in r["labels"] if x["name"] == "suite") for r in results.values()}
    assert suites == {"api", "uat", "load", "zap", "broken", "acceptance-criteria"}
    assert results["api.api::fee"]["status"] == "failed"
    assert results["api.api::ledger"]["status"] == "broken"
    assert results["broken.(suite)"]["status"] == "broken"
    criteria = [r for r in results.values() if r["fullName"].startswith("acceptance-criteria.")]
    assert sorted(r["status"] for r in criteria) == ["broken", "failed", "passed"]


def test_performance_summary_with_endpoint_steps_and_raw_attachments(tmp_path: Path) -> None:
    directory = _export(tmp_path)
    load = _results(directory)["load.(summary)"]
    assert load["status"] == "passed"
    assert {p["name"]: p["value"] for p in load["parameters"]}["p95"] == "310 ms"
    assert load["steps"][0]["name"] == "GET /api/permit-types"
    attachment = load["attachments"][0]
    assert attachment["type"] == "text/csv" and (directory / attachment["source"]).read_text().startswith("Type,Name")


def test_findings_gate_by_action_and_uat_evidence_is_attached(tmp_path: Path) -> None:
    directory = _export(tmp_path)
    results = _results(directory)
    findings = {r["name"]: r for r in results.values() if r["fullName"].startswith("zap.finding/")}
    assert set(findings) == {
        "[high] 40012 Cross Site Scripting (Reflected)",
        "[low] 10021 X-Content-Type-Options Header Missing",
    }
    assert findings["[high] 40012 Cross Site Scripting (Reflected)"]["status"] == "failed"
    assert {"name": "severity", "value": "critical"} in findings["[high] 40012 Cross Site Scripting (Reflected)"][
        "labels"
    ]
    uat = results["uat.UAT-01"]
    assert (directory / uat["attachments"][0]["source"]).read_text() == '{"fee": "0.00"}'
    assert "project=\\u8bb8" in (directory / "environment.properties").read_text()


def test_regenerating_replaces_and_reads_back(tmp_path: Path) -> None:
    rundir = RunDirectory.create(tmp_path, "sample-run")
    run = sample_run(rundir)
    AllureExporter().export(run, rundir)
    (directory,) = AllureExporter().export(run, rundir)
    assert len(list(directory.glob("*-result.json"))) == len(_results(directory))
    imported = AllureImporter().read([directory], "again", "integration")
    by_id = {c.id: c for c in imported.cases}
    assert by_id["api.api::fee"].status is CaseStatus.FAILED
    assert by_id["api.api::fee"].message == "expected 385.61"


def test_the_files_are_those_allure_python_commons_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exporter writes its files itself (json's C encoder, one write each) for speed: what it writes
    must be what the library's own file logger writes from the same results, byte for byte once parsed."""
    ours = _export(tmp_path / "ours")

    class LibraryLogger(AllureFileLogger):
        def __init__(self, directory: Path) -> None:
            super().__init__(str(directory), clean=True)

    monkeypatch.setattr(allure, "_ResultFiles", LibraryLogger)
    theirs = _export(tmp_path / "theirs")

    def contents(directory: Path) -> tuple[list[str], dict[str, bytes]]:
        results = sorted(
            json.dumps(json.loads(p.read_bytes()), sort_keys=True) for p in directory.glob("*-result.json")
        )
        others = {p.name: p.read_bytes() for p in directory.iterdir() if not p.name.endswith("-result.json")}
        return results, others

    assert len(contents(ours)[0]) >= 10  # the control: the sample run has results to compare
    assert contents(ours) == contents(theirs)
