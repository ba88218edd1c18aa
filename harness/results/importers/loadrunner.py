"""``format: loadrunner`` — LoadRunner's exported transaction summaries -> a performance SuiteResult.

What is read: the transaction table of LoadRunner Analysis's **Summary Report** — one row per
transaction with SLA status, minimum, average, maximum, standard deviation, an N-th percentile (90 by
default, "Tools > Options > Summary Report" changes it), and pass/fail/stop counts — as Analysis exports it:

- **HTML** (Reports > HTML Report, ``summary.html``; the SLA status may be an icon whose ``alt``/``title``
  names it),
- **Excel** (View > Export Summary to Excel, ``.xlsx``; every sheet is searched),
- **CSV** (the same table saved as CSV, and the transaction tables LoadRunner Enterprise and LoadRunner
  Cloud export: their column names differ, so columns are matched by name against every known spelling,
  English and Chinese, see :data:`COLUMNS`).

The table is found wherever it is in the file: the first row naming a transaction column and at least three
of min/avg/max/pass/fail is its header; the rows below it, up to the first row without a name or a
number, are transactions. Text files are decoded as ``encoding.py`` says (a Chinese-locale Analysis writes
GBK), numbers may use thousands separators or a decimal comma. Times are seconds, as LoadRunner shows them.

What is not read: LoadRunner's raw results (``.lrr`` session, ``.lra`` analysis database, ``.eve``/``.map``
event files) are binary files only LoadRunner's own tools can open — export the Summary Report from
Analysis instead. JUnit files LoadRunner Enterprise's CI plug-ins and DevWeb write (SLA goals as test
cases) are JUnit XML: import them with ``--format junit``.

Metrics: per transaction (an endpoint) ``requests`` (pass + fail + stop), ``failures`` (fail + stop: a
stopped transaction did not complete), ``error_rate``, ``avg``, ``min``, ``max``, ``pNN``,
``stddev_time``; for the suite the sums, ``transactions.passed/failed/stopped`` (LoadRunner's own counts),
``sla.passed/failed/no_data``, ``avg`` (weighted by passed transactions, over which LoadRunner measures
times), the smallest ``min`` and largest ``max``. A percentile of the whole run cannot be derived from
per-transaction percentiles and is not made up.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import lxml.html
from lxml import etree

from harness.errors import ImportFormatError
from harness.results.importers.encoding import decode_error, detect
from harness.results.importers.sources import DirectoryContents, collect
from harness.results.messages import message
from harness.results.model import Endpoint, FailureGroup, Message, SuiteResult, SuiteStatus, ToolInfo

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("transactionname", "transaction", "transactions", "name", "事务名称", "事务名", "事务", "交易名称"),
    "sla": ("slastatus", "sla", "sla状态", "sla结果"),
    "min": ("minimum", "min", "最小值", "最小"),
    "avg": ("average", "avg", "mean", "平均值", "平均"),
    "max": ("maximum", "max", "最大值", "最大"),
    "std": ("stddeviation", "stddev", "std", "standarddeviation", "标准偏差", "标准差"),
    "pass": ("pass", "passed", "通过", "通过数"),
    "fail": ("fail", "failed", "失败", "失败数"),
    "stop": ("stop", "stopped", "停止", "停止数"),
}
_PERCENTILE = re.compile(
    r"^(?:(\d{1,2})(?:th|st|nd|rd)?(?:percent|percentile|%|百分比|百分位数?)|percentile(\d{1,2}))$"
)
_RAW_RESULTS = (".lrr", ".lra", ".eve", ".map", ".mdb")
_SLA = {
    "pass": "passed", "passed": "passed", "通过": "passed", "ok": "passed",
    "fail": "failed", "failed": "failed", "失败": "failed", "未通过": "failed",
    "nodata": "no_data", "n/a": "no_data", "无数据": "no_data", "": "",
}  # fmt: skip
_MISSING = ("", "-", "n/a", "na", "none", "无数据", "—")

METRICS: frozenset[str] = frozenset(
    {"requests", "failures", "error_rate", "avg", "min", "max"}
    | {f"transactions.{k}" for k in ("passed", "failed", "stopped")}
    | {f"sla.{k}" for k in ("passed", "failed", "no_data")}
)


def _normalise(header: str) -> str:
    return re.sub(r"[\s._\-()（）:：\[\]]", "", header.strip().lower())


@dataclass(frozen=True)
class _Header:
    columns: dict[str, int]
    percentile: tuple[int, int] | None  # (percentile, column)


def _header(cells: Sequence[str]) -> _Header | None:
    """The row as a transaction table header, or None when it is not one."""
    normalised = [_normalise(c) for c in cells]
    columns: dict[str, int] = {}
    for canonical, aliases in COLUMNS.items():
        at = next((i for i, n in enumerate(normalised) if n in aliases), None)
        if at is not None:
            columns[canonical] = at
    percentile = None
    for index, name in enumerate(normalised):
        match = _PERCENTILE.match(name)
        if match:
            percentile = (int(match.group(1) or match.group(2)), index)
            break
    measured = sum(1 for k in ("min", "avg", "max", "pass", "fail") if k in columns)
    return _Header(columns, percentile) if "name" in columns and measured >= 3 else None


@dataclass
class _Transaction:
    name: str
    sla: str
    values: dict[str, float | None] = field(default_factory=dict)
    percentile: tuple[int, float | None] | None = None


def _number(text: str, where: str, column: str) -> float | None:
    """A count ("1,234" is 1234) or a time in seconds ("0,123" from a decimal-comma locale is 0.123)."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.lower() in _MISSING:
        return None
    if column in ("pass", "fail", "stop"):
        value = value.replace(",", "").replace("'", "")
    elif "," in value:
        value = value.replace(",", "") if "." in value else value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        raise ImportFormatError(f"{where}: {column} is {text!r}, not a number") from None


Rows = Iterator[tuple[int, int, list[str]]]  # (line, table, cells): a table ends where the next begins


def _transactions(rows: Rows, path: Path) -> list[_Transaction] | None:
    """The transactions of the first transaction table among ``rows``, else None."""
    header: _Header | None = None
    table = -1
    found: list[_Transaction] = []
    for line, group, cells in rows:
        if header is None:
            header, table = _header(cells), group
            continue
        if group != table:
            break
        get = {k: (cells[i] if i < len(cells) else "") for k, i in header.columns.items()}
        name = get["name"].strip()
        if not name or _header(cells) is not None:
            break
        where = f"{path}:{line}"
        measured = ("min", "avg", "max", "std", "pass", "fail", "stop")
        values: dict[str, float | None] = {k: _number(get[k], where, k) for k in measured if k in get}
        if all(v is None for v in values.values()):
            break  # a row of another section, not a transaction
        sla_text = _normalise(get.get("sla", ""))
        sla = _SLA.get(sla_text)
        if sla is None:
            raise ImportFormatError(f"{where}: SLA status {get.get('sla', '')!r} is not Pass, Fail or No Data")
        transaction = _Transaction(name, sla, values)
        if header.percentile is not None:
            rank, column = header.percentile
            transaction.percentile = (
                rank,
                _number(cells[column] if column < len(cells) else "", where, f"{rank} percent"),
            )
        found.append(transaction)
    return found if header is not None else None


# -- the three file shapes ------------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[Rows, Message | None]:
    encoding = detect(path)
    try:
        content = path.read_bytes().decode(encoding.codec)
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise decode_error(path, line, encoding, exc) from None
    first = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)

    def rows() -> Rows:
        try:
            for cells in reader:
                yield reader.line_num, 0, cells
        except csv.Error as exc:
            raise ImportFormatError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None

    return rows(), encoding.note(path)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)


def _html_rows(path: Path) -> tuple[Rows, Message | None]:
    raw = path.read_bytes()
    declared = _META_CHARSET.search(raw[:4096])
    note = None
    if declared:
        codec = declared.group(1).decode("ascii")
        codec = "gb18030" if codec.lower() in ("gb2312", "gbk") else codec
    else:
        encoding = detect(path)
        codec, note = encoding.codec, encoding.note(path)
    try:
        content = raw.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportFormatError(f"{path}:1: cannot decode as {codec}: {exc}") from None
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        document = lxml.html.document_fromstring(content, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportFormatError(f"{path}:1: not an HTML report: {exc}") from None

    def cell_text(cell: lxml.html.HtmlElement) -> str:
        shown = " ".join(cell.text_content().split())
        if shown:
            return shown
        icon = next(iter(cell.iter("img")), None)  # the SLA status as an icon
        return (icon.get("alt") or icon.get("title") or "").strip() if icon is not None else ""

    def rows() -> Rows:
        tables: dict[object, int] = {}
        for row in document.iter("tr"):
            table = tables.setdefault(next(row.iterancestors("table"), None), len(tables))
            yield row.sourceline or 0, table, [cell_text(c) for c in row if c.tag in ("td", "th")]

    return rows(), note


def _xlsx_rows(path: Path) -> Rows:
    from openpyxl import load_workbook  # loaded on use: the CLI starts faster without it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for damaged files
        raise ImportFormatError(f"{path}:1: not a readable Excel workbook: {exc}") from None
    try:
        for index, sheet in enumerate(workbook.worksheets):
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, index, ["" if v is None else str(v) for v in values]
    finally:
        workbook.close()


def _looks_like_summary(path: Path) -> bool:
    """For directories: does the file hold a transaction table? (reads it; summaries are small)."""
    try:
        return bool(_read(path)[0])
    except ImportFormatError:
        return False


def _read(path: Path) -> tuple[list[_Transaction], Message | None]:
    suffix = path.suffix.lower()
    if suffix in _RAW_RESULTS:
        raise ImportFormatError(
            f"{path}:1: LoadRunner's raw results ({suffix}) are binary files only LoadRunner can open; open the "
            "results in LoadRunner Analysis and export the Summary Report (HTML, Excel or CSV), then import that"
        )
    note: Message | None = None
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix in (".htm", ".html"):
        rows, note = _html_rows(path)
    else:
        rows, note = _csv_rows(path)
    found = _transactions(rows, path)
    if found is None:
        raise ImportFormatError(
            f"{path}:1: no LoadRunner transaction table (a header with Transaction Name and Minimum/Average/"
            "Maximum/Pass/Fail columns) in this file"
        )
    if not found:
        raise ImportFormatError(f"{path}:1: the transaction table has no transactions")
    return found, note


# -- results ----------------------------------------------------------------------------------------


def _endpoint(transaction: _Transaction) -> Endpoint:
    v = transaction.values
    passed, failed, stopped = (v.get(k) or 0.0 for k in ("pass", "fail", "stop"))
    requests = passed + failed + stopped
    metrics: dict[str, float] = {
        "requests": requests,
        "failures": failed + stopped,
        "error_rate": (failed + stopped) / requests if requests else 0.0,
        "transactions.passed": passed,
        "transactions.failed": failed,
        "transactions.stopped": stopped,
    }
    for source, name in (("min", "min"), ("avg", "avg"), ("max", "max"), ("std", "stddev_time")):
        value = v.get(source)
        if value is not None:
            metrics[name] = value
    if transaction.percentile is not None and transaction.percentile[1] is not None:
        metrics[f"p{transaction.percentile[0]}"] = transaction.percentile[1]
    return Endpoint(name=transaction.name, metrics=metrics)


def _totals(endpoints: Sequence[Endpoint], transactions: Sequence[_Transaction]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for name in ("requests", "failures", "transactions.passed", "transactions.failed", "transactions.stopped"):
        metrics[name] = sum(e.metrics.get(name, 0.0) for e in endpoints)
    metrics["error_rate"] = metrics["failures"] / metrics["requests"] if metrics["requests"] else 0.0
    timed = [e.metrics for e in endpoints if "avg" in e.metrics and e.metrics["transactions.passed"]]
    weight = sum(m["transactions.passed"] for m in timed)
    if weight:
        metrics["avg"] = sum(m["avg"] * m["transactions.passed"] for m in timed) / weight
    for name, pick in (("min", min), ("max", max)):
        values = [e.metrics[name] for e in endpoints if name in e.metrics]
        if values:
            metrics[name] = pick(values)
    for status in ("passed", "failed", "no_data"):
        metrics[f"sla.{status}"] = float(sum(1 for t in transactions if t.sla == status))
    return metrics


def _failure_groups(transactions: Sequence[_Transaction]) -> tuple[FailureGroup, ...]:
    groups = []
    for key in ("fail", "stop"):
        hit = [t for t in transactions if t.values.get(key)]
        if hit:
            total = int(sum(t.values.get(key) or 0 for t in hit))
            what = message(f"failure.loadrunner.{key}")
            groups.append(FailureGroup(message=what, occurrences=total, endpoints=tuple(t.name for t in hit)))
    missed = [t.name for t in transactions if t.sla == "failed"]
    if missed:
        what = message("failure.loadrunner.sla")
        groups.append(FailureGroup(message=what, occurrences=len(missed), endpoints=tuple(missed)))
    return tuple(sorted(groups, key=lambda g: -g.occurrences))


class LoadRunnerImporter:
    """``format: loadrunner``: LoadRunner Analysis Summary Report exports (HTML, XLSX, CSV) and the
    transaction tables LoadRunner Enterprise and Cloud export as CSV."""

    format: ClassVar[str] = "loadrunner"
    default_kind: ClassVar[str] = "performance"
    metric_names: ClassVar[frozenset[str]] = METRICS | {"stddev_time"} | {f"p{p}" for p in range(1, 100)}
    default_criteria: ClassVar[tuple[str, ...]] = ("sla.failed == 0",)
    contents: ClassVar[DirectoryContents] = DirectoryContents(
        ("*.csv", "*.htm", "*.html", "*.xlsx", "*.txt"), _looks_like_summary
    )

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        paths, notes = collect(files, self.contents, "LoadRunner summary")
        transactions: list[_Transaction] = []
        seen: dict[str, Path] = {}
        for path in paths:
            found, note = _read(path)
            for transaction in found:
                if transaction.name in seen:
                    raise ImportFormatError(
                        f"{path}:1: transaction {transaction.name!r} is also in {seen[transaction.name].name}: "
                        "import one LoadRunner run per suite"
                    )
                seen[transaction.name] = path
            transactions += found
            notes += [note] if note else []
        endpoints = [_endpoint(t) for t in transactions]
        metrics = _totals(endpoints, transactions)
        ranks = sorted({t.percentile[0] for t in transactions if t.percentile})
        notes.append(message("note.loadrunner.summary", transactions=len(transactions), files=len(paths)))
        if ranks:
            notes.append(message("note.loadrunner.percentiles", ranks=", ".join(f"p{r}" for r in ranks)))
        failed = metrics["sla.failed"] or metrics["failures"]
        return SuiteResult(
            name=suite,
            kind=kind,
            status=SuiteStatus.FAILED if failed else SuiteStatus.PASSED,
            tool=ToolInfo(name="LoadRunner"),
            metrics=metrics,
            endpoints=tuple(endpoints),
            failures=_failure_groups(transactions),
            notes=tuple(notes),
        )
