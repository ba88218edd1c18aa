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
from harness.uat.results import UatStatus, load_results, parse_status, save_results
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
        (5, "maybe", "result 'maybe' is not pass, fail or blocked \\(通过, 不通过, 受阻\\)"),
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
    looked = f"looked for {sheet.parent / 'no-such-file.png'} and {uat_project.results.parent / 'no-such-file.png'}"
    with pytest.raises(SheetError, match=r":3: case C-1: evidence file 'no-such-file.png' not found") as caught:
        apply_sheet(
            read_sheet(sheet),
            load_checklist(uat_project.checklist),
            load_results(uat_project.results),
            uat_project.results,
        )
    assert looked in str(caught.value)  # where it looked: beside the sheet, then beside the results
    rows[2][5:10] = ["pass", "", "2025-03-14", "", ""]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    assert read_sheet(sheet).problems == (f"{sheet}:3: case C-1: a result needs the tester's name",)


def test_every_problem_of_a_sheet_at_once_and_nothing_recorded(uat_project: UatProject, tmp_path: Path) -> None:
    sheet = _template(uat_project, tmp_path, "uat.csv")
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    rows[2][5:10] = ["通过", "刘芳", "2025-03-14", "", ""]  # fine on its own
    rows[3][5:10] = ["可能", "刘芳", "14.3.2025", "", ""]  # two problems in one row
    rows[4][5:10] = ["受阻", "", "2025-03-14", "", "missing.png"]  # no tester: the row cannot be used
    rows.append(["C-9", "", "", "", "", "pass", "王磊", "2025-03-14", "", ""])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    before = uat_project.results.read_bytes() if uat_project.results.exists() else None
    with pytest.raises(SheetError) as caught:
        apply_sheet(read_sheet(sheet), load_checklist(uat_project.checklist), load_results(uat_project.results),
                    uat_project.results)  # fmt: skip
    problems = caught.value.problems
    rows_named = [p.split(": ", 1)[0] for p in problems]
    assert rows_named == [f"{sheet}:4", f"{sheet}:4", f"{sheet}:5", f"{sheet}:5", f"{sheet}:6"]
    assert "result '可能'" in problems[0] and "not a date" in problems[1] and "tester's name" in problems[2]
    # the unreadable row's evidence is checked too: fixing the tester must not reveal a new problem
    assert f"evidence file 'missing.png' not found (looked for {sheet.parent / 'missing.png'}" in problems[3]
    assert "case 'C-9' is not in the checklist" in problems[4]
    after = uat_project.results.read_bytes() if uat_project.results.exists() else None
    assert after == before  # nothing recorded, not even the good row


@pytest.mark.parametrize(
    ("written", "status"),
    [("通过", UatStatus.PASS), ("不通过", UatStatus.FAIL), ("受阻", UatStatus.BLOCKED), ("Blocked", UatStatus.BLOCKED),
     ("不通过 fail", UatStatus.FAIL), ("通过 / pass", UatStatus.PASS), ("通过 fail", None), ("maybe", None)],
)  # fmt: skip
def test_result_words(written: str, status: UatStatus | None) -> None:
    assert parse_status(written) is status


def test_xlsx_drop_down_is_bilingual(uat_project: UatProject, tmp_path: Path) -> None:
    sheet = _template(uat_project, tmp_path, "uat.xlsx")
    (validation,) = load_workbook(sheet)["UAT"].data_validations.dataValidation
    assert validation.formula1 == '"通过 pass,不通过 fail,受阻 blocked"'
    workbook = load_workbook(sheet)
    rows = workbook["UAT"]
    rows["F2"], rows["G2"], rows["H2"] = "不通过 fail", "刘芳", "2025-03-14"  # picked from the drop-down
    workbook.save(sheet)
    assert read_sheet(sheet).rows[0].status is UatStatus.FAIL


def test_a_reimport_that_changes_a_result_says_so(uat_project: UatProject, tmp_path: Path) -> None:
    checklist = load_checklist(uat_project.checklist)
    sheet = _template(uat_project, tmp_path, "uat.csv")
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    rows[2][5:8] = ["通过", "刘芳", "2025-03-14"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    first = apply_sheet(read_sheet(sheet), checklist, load_results(uat_project.results), uat_project.results)
    assert first.changed == ()
    save_results(uat_project.results, first.results)
    rows[2][5:9] = ["不通过", "王磊", "2025-03-20", "复测：回执缺少办理时限"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    second = apply_sheet(read_sheet(sheet), checklist, load_results(uat_project.results), uat_project.results)
    (change,) = second.changed
    assert str(change) == "C-1: pass -> fail (was recorded by 刘芳 on 2025-03-14)"
