"""Templates written and read back as business staff would fill them (openpyxl, Excel-style CSV)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from harness.uat.apply import apply_sheet
from harness.uat.checklist import load_checklist
from harness.uat.results import UatStatus, load_results, save_results
from harness.uat.sheet import SheetError, read_sheet, write_template
from harness.uat.suite import uat_paths
from tests.uat import project
from tests.uat.project import UatProject

uat_project = project.uat_project


def _template(project: UatProject, tmp_path: Path, name: str) -> Path:
    paths = uat_paths(project.profile, "acceptance")
    return write_template(tmp_path / name, paths, load_checklist(paths.checklist), load_results(paths.results))


def test_xlsx_round_trip(uat_project: UatProject, tmp_path: Path) -> None:
    sheet = _template(uat_project, tmp_path, "uat.xlsx")
    workbook = load_workbook(sheet)
    assert workbook["harness"].sheet_state == "hidden"
    rows = workbook["UAT"]
    assert rows["A2"].value == "C-1" and rows["D2"].value == "1. 打开表单\n2. 提交"
    rows["F2"], rows["G2"], rows["H2"], rows["I2"] = "通过", "刘芳", datetime(2025, 3, 14), "ok"
    rows["J2"] = str(uat_project.evidence)
    rows["F3"], rows["G3"], rows["H3"], rows["I3"] = "blocked", "王磊", "2025年3月15日", "测试环境无数据"
    workbook.save(sheet)
    filled = read_sheet(sheet)
    assert filled.meta["suite"] == "acceptance"
    checklist = load_checklist(uat_project.checklist)
    applied = apply_sheet(filled, checklist, load_results(uat_project.results), uat_project.results)
    assert applied.recorded == ("C-1", "C-2") and applied.pending == ("C-3",)
    first = applied.results.results["C-1"]
    assert (
        first.status is UatStatus.PASS
        and str(first.date) == "2025-03-14"
        and first.evidence[0].file.endswith("receipt.txt")
    )
    assert applied.results.results["C-2"].status is UatStatus.BLOCKED
    save_results(uat_project.results, applied.results)
    # sending back the pre-filled template records nothing new
    again = _template(uat_project, tmp_path, "again.xlsx")
    reread = apply_sheet(read_sheet(again), checklist, load_results(uat_project.results), uat_project.results)
    assert reread.recorded == ()


def test_csv_saved_by_excel_in_gbk(uat_project: UatProject, tmp_path: Path) -> None:
    sheet = _template(uat_project, tmp_path, "uat.csv")
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "#harness-uat"
    rows[2][5:9] = ["不通过", "刘芳", "2025/3/14", "回执缺少办理时限"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_bytes(buffer.getvalue().encode("gbk"))
    filled = read_sheet(sheet)
    assert filled.rows[0].status is UatStatus.FAIL and filled.rows[0].comment == "回执缺少办理时限"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (5, "maybe", "result 'maybe' is not pass, fail or blocked"),
        (7, "14.3.2025", "is not a date"),
        (0, "C-9", "case 'C-9' is not in the checklist"),
    ],
)
def test_bad_rows_name_the_row(uat_project: UatProject, tmp_path: Path, column: int, value: str, message: str) -> None:
    sheet = _template(uat_project, tmp_path, "uat.csv")
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    rows[3][5:8] = ["pass", "刘芳", "2025-03-14"]
    rows[3][column] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(SheetError, match=rf"{sheet}:4: .*{message}"):
        filled = read_sheet(sheet)
        apply_sheet(
            filled, load_checklist(uat_project.checklist), load_results(uat_project.results), uat_project.results
        )


def test_missing_evidence_and_missing_tester(uat_project: UatProject, tmp_path: Path) -> None:
    sheet = _template(uat_project, tmp_path, "uat.csv")
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    rows[2][5:10] = ["pass", "刘芳", "2025-03-14", "", "no-such-file.png"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(SheetError, match=r":3: evidence file not found: .*no-such-file.png"):
        apply_sheet(
            read_sheet(sheet),
            load_checklist(uat_project.checklist),
            load_results(uat_project.results),
            uat_project.results,
        )
    rows[2][5:10] = ["pass", "", "2025-03-14", "", ""]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(SheetError, match=r":3: case C-1: a result needs the tester's name"):
        read_sheet(sheet)
