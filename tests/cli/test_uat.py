"""``harness uat template|import|record`` through the console script."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from harness.uat.results import load_results
from tests.conftest import CliResult
from tests.uat import project
from tests.uat.project import UatProject

uat_project = project.uat_project


def test_template_fill_import(run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path) -> None:
    sheet = tmp_path / "handover" / "portal.xlsx"
    sheet.parent.mkdir()
    made = run_cli("uat", "template", str(uat_project.profile), "--suite", "acceptance", "--out", str(sheet))
    assert made.code == 0, made.stderr
    (sheet.parent / "screen.png").write_bytes(b"\x89PNG\r\n\x1a\n fake but hashed")
    workbook = load_workbook(sheet)
    rows = workbook["UAT"]
    rows["F2"], rows["G2"], rows["H2"], rows["J2"] = "pass", "刘芳", "2025-03-14", "screen.png"
    workbook.save(sheet)
    imported = run_cli("uat", "import", str(sheet), cwd=tmp_path)
    assert imported.code == 0, imported.stderr
    assert "recorded 1 result(s)" in imported.stdout and "still pending: C-2, C-3" in imported.stdout
    record = load_results(uat_project.results).results["C-1"]
    assert record.evidence[0].file == "portal-evidence/C-1/screen.png"


def test_errors(run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path) -> None:
    wrong = run_cli("uat", "template", str(uat_project.profile), "--suite", "nope")
    assert wrong.code == 2 and "no uat suite named 'nope' (uat suites: acceptance)" in wrong.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run_cli("uat", "import", str(bad))
    assert result.code == 2 and "bad.csv:1: missing column(s)" in result.stderr
    record = run_cli("uat", "record", str(uat_project.profile), "--suite", "acceptance", "--case", "C-9")
    assert record.code == 2 and "no case 'C-9'" in record.stderr


def test_record_without_a_terminal_stops_cleanly(run_cli: Callable[..., CliResult], uat_project: UatProject) -> None:
    result = run_cli("uat", "record", str(uat_project.profile), "--suite", "acceptance", "--tester", "x")
    assert result.code == 3 and "0 case(s) saved" in result.stderr
