"""UAT sheets for business staff: a template (XLSX or CSV) listing every case, and reading it back filled.

The sheet says where it belongs (profile, suite, checklist) in a hidden ``harness`` worksheet (XLSX) or a
first ``#harness-uat`` row (CSV), so ``harness uat import FILE`` needs nothing else. Headers are
bilingual, the result column's drop-down too (``通过 pass``, ``不通过 fail``, ``受阻 blocked``); values may be
written in English or Chinese. Evidence paths are relative to the sheet, separated by ``;`` or new lines.
Reading a sheet reports every problem of every row at once (``FILE:ROW: reason``), so one round trip to
the business staff fixes them all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from harness.errors import SheetError as SheetError  # defined in errors.py; kept importable from here
from harness.uat.checklist import Checklist
from harness.uat.results import UatResults, UatStatus, bilingual, parse_status
from harness.uat.suite import UatPaths

MARKER = "#harness-uat"
META_SHEET = "harness"
COLUMNS: tuple[tuple[str, str, float], ...] = (
    # key, header, width
    ("case", "用例编号 Case ID", 12),
    ("title", "标题 Title", 28),
    ("preconditions", "前置条件 Preconditions", 26),
    ("steps", "操作步骤 Steps", 40),
    ("expected", "预期结果 Expected result", 30),
    ("status", "结果 Result (通过/不通过/受阻 pass/fail/blocked)", 18),
    ("tester", "测试人 Tester", 12),
    ("date", "日期 Date (YYYY-MM-DD)", 14),
    ("comment", "说明 Comment", 30),
    ("evidence", "证据文件 Evidence files", 30),
)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on a Chinese Windows saves CSV as GBK (a subset of GB 18030)


@dataclass(frozen=True)
class SheetRow:
    row: int  # 1-based row in the sheet, for messages
    case: str
    status: UatStatus | None  # None: not filled in (the case stays pending)
    tester: str
    date: date | None
    comment: str
    evidence: tuple[str, ...]
    readable: bool = True  # False: the row has problems (in FilledSheet.problems); it is checked, never recorded


@dataclass(frozen=True)
class FilledSheet:
    path: Path
    meta: dict[str, str]
    rows: tuple[SheetRow, ...]  # every filled row, the unreadable ones too (readable=False), so that all is checked
    problems: tuple[str, ...] = ()  # rows that could not be read (FILE:ROW: reason); apply_sheet refuses the sheet


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def _rows(checklist: Checklist, results: UatResults) -> Iterator[list[str]]:
    for case in checklist.cases:
        record = results.results.get(case.id)
        yield [
            case.id,
            case.title,
            _numbered(case.preconditions),
            _numbered(case.steps),
            case.expected,
            bilingual(record.status) if record else "",
            record.tester if record else "",
            record.date.isoformat() if record else "",
            record.comment if record else "",
            "; ".join(e.file for e in record.evidence) if record else "",
        ]


def _meta(paths: UatPaths, checklist: Checklist) -> dict[str, str]:
    return {
        "profile": str(paths.profile or ""),
        "suite": paths.suite,
        "checklist": str(paths.checklist),
        "checklist_title": checklist.checklist,
        "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def write_template(path: Path, paths: UatPaths, checklist: Checklist, results: UatResults) -> Path:
    """Write an XLSX (``.xlsx``) or CSV (``.csv``) sheet with one row per case, results filled in so far."""
    meta = _meta(paths, checklist)
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([MARKER, *(f"{k}={v}" for k, v in meta.items())])
        writer.writerow([header for _, header, _ in COLUMNS])
        writer.writerows(_rows(checklist, results))
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")  # the BOM makes Excel read UTF-8
        return path
    if path.suffix.lower() != ".xlsx":
        raise SheetError(f"{path}: a UAT sheet is .xlsx or .csv")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "UAT"
    sheet.append([header for _, header, _ in COLUMNS])
    for row in _rows(checklist, results):
        sheet.append(row)
    head = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F3A5F")
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = head, fill
        sheet.column_dimensions[cell.column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    status_column = sheet.cell(row=1, column=6).column_letter
    labels = ",".join(bilingual(status) for status in UatStatus)
    choices = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    choices.errorTitle = "结果 Result"
    choices.error = "通过 pass / 不通过 fail / 受阻 blocked"
    choices.promptTitle = "结果 Result"
    choices.prompt = "通过 pass / 不通过 fail / 受阻 blocked"
    sheet.add_data_validation(choices)
    choices.add(f"{status_column}2:{status_column}{len(checklist.cases) + 1}")
    info = workbook.create_sheet(META_SHEET)
    info.append([MARKER, "do not edit: tells `harness uat import` where these results belong"])
    for key, value in meta.items():
        info.append([key, value])
    info.sheet_state = "hidden"
    workbook.save(path)
    return path


def read_sheet(path: Path) -> FilledSheet:
    """Read a filled sheet (XLSX or CSV); rows that cannot be read (unknown result words, dates that are not
    dates, a result without a tester, an empty case id) are listed in ``problems``, every one of them.

    Raises:
        SheetError: ``FILE:ROW: reason`` for an unreadable file or missing columns.
    """
    if not path.is_file():
        raise SheetError(f"{path}: file not found")
    if path.suffix.lower() == ".csv":
        meta, table, first = _read_csv(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        meta, table, first = _read_xlsx(path)
    else:
        raise SheetError(f"{path}: a UAT sheet is .xlsx or .csv")
    if not table:
        raise SheetError(f"{path}:{first}: no header row")
    columns = _columns(path, first, table[0])
    rows = []
    problems: list[str] = []
    for offset, values in enumerate(table[1:], start=1):
        number = first + offset
        cell = {key: _cell(values, index) for key, index in columns.items()}
        if not any(cell.values()):
            continue
        if not cell["case"]:
            problems.append(f"{path}:{number}: the case id is empty")
            continue
        row, row_problems = _row(path, number, cell)
        problems += row_problems
        rows.append(row if not row_problems else replace(row, readable=False))
    return FilledSheet(path, meta, tuple(rows), tuple(problems))


def _read_csv(path: Path) -> tuple[dict[str, str], list[list[object]], int]:
    raw = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(f"{path}:1: neither UTF-8 nor GBK text; save the sheet as CSV UTF-8")
    table: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
    meta: dict[str, str] = {}
    first = 1
    if table and table[0] and str(table[0][0]).strip() == MARKER:
        meta = dict(str(c).split("=", 1) for c in table[0][1:] if "=" in str(c))
        table, first = table[1:], 2
    return meta, table, first


def _read_xlsx(path: Path) -> tuple[dict[str, str], list[list[object]], int]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(f"{path}:1: not a readable XLSX workbook ({exc})") from None
    try:
        meta: dict[str, str] = {}
        if META_SHEET in workbook.sheetnames:
            for key, value, *_ in workbook[META_SHEET].iter_rows(values_only=True):
                if key and key != MARKER:
                    meta[str(key)] = "" if value is None else str(value)
        sheet = workbook["UAT"] if "UAT" in workbook.sheetnames else workbook.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return meta, table, 1


def _columns(path: Path, row: int, header: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        text = str(value or "").strip().lower()
        for key, title, _ in COLUMNS:
            english = title.split(" ", 1)[1].split(" (")[0].lower()
            chinese = title.split(" ", 1)[0]
            if key not in found and (english in text or chinese in text or text == key):
                found[key] = index
                break
    missing = [title for key, title, _ in COLUMNS if key in ("case", "status", "tester", "date") and key not in found]
    if missing:
        raise SheetError(f"{path}:{row}: missing column(s): {', '.join(missing)}")
    return found


def _cell(values: list[object], index: int) -> object:
    if index >= len(values) or values[index] is None:
        return ""
    value = values[index]
    return value.strip() if isinstance(value, str) else value


def _row(path: Path, number: int, cell: dict[str, object]) -> tuple[SheetRow, list[str]]:
    problems: list[str] = []
    word = str(cell.get("status", "")).strip()
    status = parse_status(word) if word else None
    if word and status is None:
        problems.append(
            f"{path}:{number}: case {cell['case']}: result {word!r} is not pass, fail or blocked (通过, 不通过, 受阻)"
        )
    tester = str(cell.get("tester", ""))
    when = None
    try:
        when = _date(path, number, cell.get("date", ""))
    except SheetError as exc:
        problems += exc.problems
    if status is not None and not tester:
        problems.append(f"{path}:{number}: case {cell['case']}: a result needs the tester's name")
    evidence = tuple(
        part.strip() for part in str(cell.get("evidence", "")).replace("\n", ";").split(";") if part.strip()
    )
    row = SheetRow(number, str(cell["case"]), status, tester, when, str(cell.get("comment", "")), evidence)
    return row, problems


def _date(path: Path, number: int, value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise SheetError(f"{path}:{number}: date {value!r} is not a date such as 2025-03-14 or 2025年3月14日") from None
