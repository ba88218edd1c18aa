"""write_exports / export_run: one failing exporter never stops the others, and says which one and why."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from harness import reports
from harness.reports import Exporter, export_run, write_exports
from harness.reports.summary import SummaryExporter
from harness.results.model import RunResult
from harness.results.rundir import RunDirectory
from tests.reports.sample import sample_run


class _Crashing:
    name: ClassVar[str] = "crashing"
    needs_manifest: ClassVar[bool] = False

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        raise ValueError("boom\nsecond line of the reason")


def test_a_crashing_exporter_is_named_and_the_others_still_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rundir = RunDirectory.create(tmp_path, "run-1")
    run = sample_run(rundir)
    exporters: list[Exporter] = [_Crashing(), SummaryExporter()]
    monkeypatch.setattr(reports, "load_exporters", lambda: exporters)
    result = export_run(run, rundir)
    assert result.errors == ("crashing: crashed (ValueError: boom); the traceback is in harness.log",)
    assert result.written == (rundir.path / "summary.json",) and (rundir.path / "summary.json").is_file()
    log = rundir.log_file.read_text(encoding="utf-8")
    assert "Traceback" in log and "second line of the reason" in log  # the whole story, in the run's log
    assert write_exports(run, rundir) == list(result.errors)
