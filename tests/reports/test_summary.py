"""summary.json matches its documented JSON Schema (docs/summary.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from harness.reports.summary import SummaryExporter
from harness.results.rundir import RunDirectory
from tests.reports.sample import sample_run

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "summary.schema.json").read_text())


def test_summary_validates_and_counts_findings(tmp_path: Path) -> None:
    rundir = RunDirectory.create(tmp_path, "sample-run")
    (path,) = SummaryExporter().export(sample_run(rundir), rundir)
    summary = json.loads(path.read_text())
    jsonschema.validate(summary, SCHEMA, format_checker=jsonschema.FormatChecker())
    zap = next(s for s in summary["suites"] if s["name"] == "zap")
    assert zap["findings"] == {
        "total": 3,
        "gating": 1,
        "by_risk": {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 1},
        "by_action": {"FAIL": 1, "WARN": 1, "INFO": 0, "IGNORE": 1},
        "false_positives": 0,
    }
    assert summary["exit_code"] == 3
