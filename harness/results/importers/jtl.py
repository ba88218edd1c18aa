"""JMeter results (JTL) -> the same performance SuiteResult a Locust run produces.

Both JTL flavours are streamed, one sample at a time, into a :class:`SampleAggregator`, so a 1 GB file
needs no more memory than a small one:

- **CSV** with a header (any column set JMeter can save, any of ``, ; | TAB`` as delimiter), or without
  one in one of JMeter's default column sets (2.x, 3.x/4.x, 5.x, with or without URL), recognised by
  their column count and the type of each value. Timestamps in epoch milliseconds or in a
  ``jmeter.save.saveservice.timestamp_format`` such as ``yyyy/MM/dd HH:mm:ss.SSS``.
- **XML** (``<testResults>`` with ``<httpSample>`` / ``<sample>``): figures come from top-level samples,
  as in JMeter's Aggregate Report; nested sub-samples (redirects, embedded resources, a transaction's
  requests) are part of their parent and only lend it a failure message.

A JMeter transaction-controller sample in CSV (``Number of samples in transaction : N``) gets its own
row in the per-label table but stays out of the totals: its requests are already counted one by one.
"""

from __future__ import annotations

import _csv
import csv
import itertools
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from lxml import etree

from harness.errors import ImportFormatError
from harness.results.aggregate import OTHER_LABELS, SampleAggregator
from harness.results.importers.encoding import decode_error, open_text
from harness.results.importers.prologue import root_name
from harness.results.importers.sources import DirectoryContents, collect
from harness.results.messages import message
from harness.results.model import Message, SuiteResult, SuiteStatus, ToolInfo
from harness.results.performance import SAMPLE_METRICS

_BASE = ["timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName", "dataType", "success"]
DEFAULT_COLUMN_SETS: tuple[tuple[str, ...], ...] = (
    # JMeter 5.x (and 4.x with URL saved)
    (
        *_BASE,
        "failureMessage",
        "bytes",
        "sentBytes",
        "grpThreads",
        "allThreads",
        "URL",
        "Latency",
        "IdleTime",
        "Connect",
    ),
    # JMeter 3.1 - 5.x without URL
    (*_BASE, "failureMessage", "bytes", "sentBytes", "grpThreads", "allThreads", "Latency", "IdleTime", "Connect"),
    # JMeter 2.13 / 3.0 (no sentBytes yet)
    (*_BASE, "failureMessage", "bytes", "grpThreads", "allThreads", "URL", "Latency", "IdleTime", "Connect"),
    (*_BASE, "failureMessage", "bytes", "grpThreads", "allThreads", "Latency", "IdleTime", "Connect"),
    # JMeter 2.x
    (*_BASE, "failureMessage", "bytes", "grpThreads", "allThreads", "Latency"),
    (*_BASE, "bytes", "grpThreads", "allThreads", "Latency"),
)
_INTEGER_COLUMNS = {"elapsed", "bytes", "sentBytes", "grpThreads", "allThreads", "Latency", "IdleTime", "Connect"}
_REQUIRED = ("timeStamp", "elapsed", "label", "success")
_TRANSACTION = "Number of samples in transaction"
_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%m/%d/%y %H:%M:%S", "%d/%m/%Y %H:%M:%S")

Timestamp = Callable[[str], float]


def _timestamp_parser(value: str) -> Timestamp | None:
    """A parser for timestamps written like ``value``: epoch ms, ISO 8601 or a common JMeter date format."""
    try:
        float(value)
        return lambda text: float(text) / 1000
    except ValueError:
        pass
    try:
        datetime.fromisoformat(value)
        return lambda text: datetime.fromisoformat(text).timestamp()
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            datetime.strptime(value, pattern)
        except ValueError:
            continue
        return lambda text, pattern=pattern: datetime.strptime(text, pattern).timestamp()  # type: ignore[misc]
    return None


def _is_integer(text: str) -> bool:
    return text.lstrip("-").isdigit()


def _fits(columns: Sequence[str], row: list[str]) -> bool:
    if len(columns) != len(row):
        return False
    for name, value in zip(columns, row, strict=True):
        if name == "timeStamp" and _timestamp_parser(value) is None:
            return False
        if name in _INTEGER_COLUMNS and not _is_integer(value):
            return False
        if name == "success" and value.lower() not in ("true", "false"):
            return False
        if name == "URL" and value != "null" and "://" not in value:
            return False
    return True


def _delimiter(line: str) -> str:
    return max((",", "\t", ";", "|"), key=line.count)


class _CsvJtl:
    """Streams one CSV JTL; ``samples`` feeds the aggregator and counts transaction samples."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.transactions = 0
        self.note: Message | None = None

    def feed(self, aggregator: SampleAggregator) -> None:
        handle, encoding = open_text(self.path)
        self.note = encoding.note(self.path)
        with handle:
            try:
                first = handle.readline()
            except UnicodeDecodeError as exc:
                raise decode_error(self.path, 1, encoding, exc) from None
            if not first.strip():
                raise ImportFormatError(f"{self.path}:1: empty file")
            delimiter = _delimiter(first)
            handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                self._rows(reader, aggregator)
            except csv.Error as exc:
                raise ImportFormatError(f"{self.path}:{reader.line_num}: malformed CSV: {exc}") from None
            except UnicodeDecodeError as exc:
                raise decode_error(self.path, reader.line_num + 1, encoding, exc) from None

    def _rows(self, reader: _csv.Reader, aggregator: SampleAggregator) -> None:
        first = next(reader)
        columns, data = self._columns(first)
        index = {name: position for position, name in enumerate(columns)}
        missing = [name for name in _REQUIRED if name not in index]
        if missing:
            raise ImportFormatError(
                f"{self.path}:1: the JTL header has no {', '.join(missing)} column "
                "(save at least timeStamp, elapsed, label and success)"
            )
        width = len(columns)
        stamp_at, elapsed_at, label_at, success_at = (index[n] for n in _REQUIRED)
        code_at, message_at, failure_at = (
            index.get("responseCode"),
            index.get("responseMessage"),
            index.get("failureMessage"),
        )
        threads_at, count_at, errors_at = index.get("allThreads"), index.get("SampleCount"), index.get("ErrorCount")
        parse_stamp: Timestamp | None = None
        for row in itertools.chain([first] if data else [], reader):
            if not row:
                continue
            line = reader.line_num
            if len(row) != width:
                raise ImportFormatError(
                    f"{self.path}:{line}: row has {len(row)} columns, the header {width} (truncated or malformed)"
                )
            try:
                if parse_stamp is None:
                    parse_stamp = _timestamp_parser(row[stamp_at])
                    if parse_stamp is None:
                        raise ValueError(f"timeStamp {row[stamp_at]!r} is neither epoch milliseconds nor a date")
                start = parse_stamp(row[stamp_at])
                elapsed = float(row[elapsed_at])
                threads = int(row[threads_at]) if threads_at is not None and row[threads_at] else None
                count = int(row[count_at]) if count_at is not None and row[count_at] else 1
            except ValueError as exc:
                raise ImportFormatError(f"{self.path}:{line}: {exc}") from None
            success = row[success_at].strip().lower() == "true"
            response = row[message_at] if message_at is not None else ""
            message = ""
            if not success:
                failure = row[failure_at] if failure_at is not None else ""
                code = row[code_at] if code_at is not None else ""
                message = failure.strip() or f"{code} {response}".strip()
            if errors_at is not None and row[errors_at]:
                success = int(row[errors_at]) == 0
            transaction = response.startswith(_TRANSACTION)
            self.transactions += transaction
            aggregator.add(row[label_at], start, elapsed, success, message, threads, count, in_total=not transaction)

    def _columns(self, first: list[str]) -> tuple[Sequence[str], bool]:
        """The column names, and whether ``first`` is already a data row (no header)."""
        if first and _timestamp_parser(first[0]) is None:
            return [name.strip() for name in first], False
        for columns in DEFAULT_COLUMN_SETS:
            if _fits(columns, first):
                return columns, True
        raise ImportFormatError(
            f"{self.path}:1: no header, and {len(first)} columns that match none of JMeter's default column sets; "
            "save the results with jmeter.save.saveservice.print_field_names=true"
        )


_SAMPLE_TAGS = ("httpSample", "sample")


def _refuse_doctype(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        if marker in head:
            line = head[: head.find(marker)].count(b"\n") + 1
            raise ImportFormatError(f"{path}:{line}: DTDs and entity declarations are refused in result files")


class _XmlJtl:
    """Streams one XML JTL; top-level samples are the figures, nested ones are counted as sub-samples."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sub_samples = 0

    def feed(self, aggregator: SampleAggregator) -> None:
        _refuse_doctype(self.path)
        context = etree.iterparse(
            str(self.path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
        )
        depth = 0
        try:
            for event, element in context:
                if event == "start":
                    depth += 1
                    if depth == 1 and element.tag != "testResults":
                        raise ImportFormatError(
                            f"{self.path}:{element.sourceline}: root element <{element.tag}> is not a JMeter "
                            "result file (expected <testResults>)"
                        )
                    continue
                depth -= 1
                if depth == 1 and element.tag in _SAMPLE_TAGS:
                    self._sample(element, aggregator)
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
                elif depth > 1 and element.tag in _SAMPLE_TAGS:
                    self.sub_samples += 1
        except etree.XMLSyntaxError as exc:
            raise ImportFormatError(f"{self.path}:{exc.lineno or 0}: malformed XML: {exc.msg}") from None
        if depth != 0:
            raise ImportFormatError(f"{self.path}: truncated XML")

    def _sample(self, element: etree._Element, aggregator: SampleAggregator) -> None:
        line = element.sourceline
        try:
            start = float(element.get("ts", "")) / 1000
            elapsed = float(element.get("t", ""))
            threads = int(element.get("na")) if element.get("na") else None
            count = int(element.get("sc")) if element.get("sc") else 1
        except ValueError:
            raise ImportFormatError(
                f"{self.path}:{line}: <{element.tag}> needs numeric ts and t attributes "
                f"(ts={element.get('ts')!r}, t={element.get('t')!r})"
            ) from None
        success = element.get("s", "true").lower() == "true"
        aggregator.add(
            element.get("lb", ""),
            start,
            elapsed,
            success,
            "" if success else _failure_message(element),
            threads,
            count,
        )


def _failure_message(sample: etree._Element) -> str:
    """The first failed assertion's message, else a failed sub-sample's, else the response code and message."""
    for assertion in sample.iter("assertionResult"):
        failed = (assertion.findtext("failure") or "").lower() == "true" or (
            assertion.findtext("error") or ""
        ).lower() == "true"
        text = (assertion.findtext("failureMessage") or "").strip()
        if failed and text:
            return text
    for child in sample:
        if child.tag in _SAMPLE_TAGS and child.get("s", "true").lower() == "false":
            return f"{child.get('lb', '')}: {child.get('rc', '')} {child.get('rm', '')}".strip()
    return f"{sample.get('rc', '')} {sample.get('rm', '')}".strip() or "failed"


def _is_xml(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


class JtlImporter:
    """``format: jtl``: JMeter results in CSV or XML JTL."""

    format: ClassVar[str] = "jtl"
    default_kind: ClassVar[str] = "performance"
    metric_names: ClassVar[frozenset[str]] = SAMPLE_METRICS | {"users"}
    default_criteria: ClassVar[tuple[str, ...]] = ()  # those of its results' kind
    contents: ClassVar[DirectoryContents] = DirectoryContents(
        ("*.jtl", "*.csv", "*.xml"), lambda p: p.suffix.lower() != ".xml" or root_name(p) in (None, "testResults")
    )

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        files, skipped = collect(files, self.contents, "JMeter result (JTL)")
        aggregator = SampleAggregator()
        transactions = sub_samples = 0
        encodings: list[Message] = []
        for path in files:
            if _is_xml(path):
                xml = _XmlJtl(path)
                xml.feed(aggregator)
                sub_samples += xml.sub_samples
            else:
                table = _CsvJtl(path)
                table.feed(aggregator)
                transactions += table.transactions
                encodings += [table.note] if table.note else []
        if not aggregator.samples:
            raise ImportFormatError(f"{files[0] if files else 'jtl'}:1: no samples in the JTL file(s)")
        result = aggregator.result()
        notes = [message("note.jtl.samples", samples=aggregator.samples, files=len(files)), *skipped, *encodings]
        if sub_samples:
            notes.append(message("note.jtl.sub_samples", count=sub_samples))
        if transactions:
            notes.append(message("note.jtl.transactions", count=transactions))
        if aggregator.folded_labels:
            notes.append(message("note.jtl.folded", label=OTHER_LABELS))
        failed = result.metrics.get("failures", 0.0) > 0
        return SuiteResult(
            name=suite,
            kind=kind,
            status=SuiteStatus.FAILED if failed else SuiteStatus.PASSED,
            tool=ToolInfo(name="jmeter"),
            metrics=result.metrics,
            endpoints=result.endpoints,
            timeseries=result.timeseries,
            failures=result.failures,
            notes=tuple(notes),
        )
