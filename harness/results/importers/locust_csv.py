"""Locust's CSV outputs (``--csv PREFIX``) -> performance results; the Locust runner reads its runs here too.

Files, told apart by name suffix (or, failing that, by their header):

- ``PREFIX_stats.csv``          one row per endpoint and an ``Aggregated`` row: the suite's figures
- ``PREFIX_stats_history.csv``  a row per second (``Aggregated``, or every endpoint with
                                ``--csv-full-history``): the timeseries
- ``PREFIX_failures.csv``       failed requests by endpoint and error message
- ``PREFIX_exceptions.csv``     exceptions raised by the test code
- ``PREFIX_distribution.csv``   percentiles, as Locust before 1.0 wrote them

Column names changed across Locust versions (``# requests`` / ``Request Count``, ``Occurences`` /
``Occurrences``, ``Method`` / ``Type``); headers are matched by a normalised name against every
spelling. Files are read row by row, so their size does not bound memory. Their encoding is detected
(UTF-8 with or without BOM, UTF-16, GBK/GB18030 from Chinese Windows; see ``encoding.py``) and named in
a note when the file does not declare it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from harness.errors import ImportFormatError
from harness.results.importers.encoding import decode_error, detect, open_text
from harness.results.importers.sources import DirectoryContents, collect
from harness.results.model import Endpoint, FailureGroup, Message, SuiteResult, SuiteStatus, TimePoint, ToolInfo
from harness.results.performance import PERCENTILES, SAMPLE_METRICS, downsample, figures, group_failures

_ALIASES: dict[str, tuple[str, ...]] = {
    "type": ("type", "method"),
    "name": ("name",),
    "requests": ("requestcount", "requests", "numrequests"),
    "failures": ("failurecount", "failures", "numfailures"),
    "median": ("medianresponsetime",),
    "avg": ("averageresponsetime",),
    "min": ("minresponsetime",),
    "max": ("maxresponsetime",),
    "rps": ("requestss", "currentrps", "totalrps"),
    "failures_per_s": ("failuress", "requestsfaileds", "currentfailpersec"),
    "timestamp": ("timestamp",),
    "users": ("usercount", "users"),
    "total_requests": ("totalrequestcount",),
    "total_failures": ("totalfailurecount",),
    "error": ("error",),
    "occurrences": ("occurrences", "occurences"),
    "count": ("count",),
    "message": ("message",),
    "traceback": ("traceback",),
}
_TOTAL_NAMES = ("aggregated", "total", "none total")
_SUFFIXES = {
    "_stats_history.csv": "history",
    "_stats.csv": "stats",
    "_failures.csv": "failures",
    "_exceptions.csv": "exceptions",
    "_distribution.csv": "distribution",
}


def _normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9%.]", "", header.strip().lower())


@dataclass
class _Table:
    """A CSV file's rows with columns found by canonical name."""

    path: Path
    columns: dict[str, int]
    percentiles: dict[int, int]  # percentile -> column
    width: int

    def get(self, row: list[str], name: str) -> str | None:
        index = self.columns.get(name)
        return row[index].strip() if index is not None else None


def _rows(path: Path, required: Sequence[str]) -> Iterator[tuple[_Table, int, list[str]]]:
    """Yield ``(table, line, row)`` for each data row; the header is checked against ``required``."""
    handle, encoding = open_text(path)
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise ImportFormatError(f"{path}:1: empty file (expected a Locust CSV header)")
            table = _table(path, header)
            missing = [name for name in required if name not in table.columns]
            if missing:
                raise ImportFormatError(
                    f"{path}:1: not a Locust CSV of this kind: no column for {', '.join(missing)} "
                    f"(header: {', '.join(header[:8])}{', ...' if len(header) > 8 else ''})"
                )
            for row in reader:
                if not row:
                    continue
                if len(row) != table.width:
                    raise ImportFormatError(
                        f"{path}:{reader.line_num}: row has {len(row)} columns, the header {table.width} "
                        "(truncated or malformed file)"
                    )
                yield table, reader.line_num, row
        except csv.Error as exc:
            raise ImportFormatError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None
        except UnicodeDecodeError as exc:
            raise decode_error(path, reader.line_num + 1, encoding, exc) from None


def _table(path: Path, header: list[str]) -> _Table:
    normalised = [_normalise(h) for h in header]
    columns: dict[str, int] = {}
    for canonical, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in normalised:
                columns[canonical] = normalised.index(alias)
                break
    percentiles: dict[int, int] = {}
    for index, name in enumerate(normalised):
        match = re.fullmatch(r"(\d+(?:\.\d+)?)%", name)
        if match and float(match.group(1)).is_integer():
            percentiles[int(float(match.group(1)))] = index
    return _Table(path, columns, percentiles, len(header))


def _number(table: _Table, line: int, row: list[str], name: str) -> float | None:
    raw = table.get(row, name)
    if raw is None or raw in ("", "N/A", "None", "nan"):
        return None
    try:
        return float(raw)
    except ValueError:
        raise ImportFormatError(f"{table.path}:{line}: {name} is {raw!r}, not a number") from None


def _percentiles(table: _Table, line: int, row: list[str]) -> dict[int, float | None]:
    found: dict[int, float | None] = {}
    for percentile in PERCENTILES:
        if percentile in table.percentiles:
            raw = row[table.percentiles[percentile]].strip()
            try:
                found[percentile] = None if raw in ("", "N/A") else float(raw)
            except ValueError:
                raise ImportFormatError(f"{table.path}:{line}: {percentile}% is {raw!r}, not a number") from None
    return found


def _endpoint_name(kind: str | None, name: str) -> str:
    kind = (kind or "").strip()
    return f"{kind} {name}" if kind and kind != "None" else name


def _is_total(kind: str | None, name: str) -> bool:
    return (kind or "").strip() in ("", "None") and name.strip().lower() in _TOTAL_NAMES


@dataclass
class LocustCsv:
    """What a set of Locust CSV files says about one run."""

    metrics: dict[str, float] = field(default_factory=dict)
    endpoints: list[Endpoint] = field(default_factory=list)
    timeseries: tuple[TimePoint, ...] = ()
    failures: tuple[FailureGroup, ...] = ()
    notes: list[Message] = field(default_factory=list)  # e.g. the encoding assumed for a file that declares none


def read_stats(path: Path, distribution: Path | None = None) -> tuple[dict[str, float], list[Endpoint]]:
    """The Aggregated row as suite metrics and one Endpoint per other row.

    Raises:
        ImportFormatError: ``FILE:LINE: reason`` for a wrong header, a short row or a non-number.
    """
    extra = _distribution(distribution) if distribution else {}
    total: dict[str, float] | None = None
    endpoints: list[Endpoint] = []
    for table, line, row in _rows(path, ("name", "requests", "failures")):
        name = table.get(row, "name") or ""
        kind = table.get(row, "type")
        requests = _number(table, line, row, "requests") or 0.0
        percentiles = _percentiles(table, line, row) or extra.get(
            "Aggregated" if _is_total(kind, name) else _endpoint_name(kind, name), {}
        )
        if 50 not in percentiles or percentiles[50] is None:
            percentiles = {**percentiles, 50: _number(table, line, row, "median")}
        metrics = figures(
            requests,
            _number(table, line, row, "failures") or 0.0,
            _number(table, line, row, "rps"),
            _number(table, line, row, "failures_per_s"),
            _number(table, line, row, "avg"),
            _number(table, line, row, "min"),
            _number(table, line, row, "max"),
            percentiles,
        )
        if _is_total(kind, name):
            total = metrics
        else:
            endpoints.append(Endpoint(name=_endpoint_name(kind, name), metrics=metrics))
    if total is None:
        raise ImportFormatError(f"{path}:1: no 'Aggregated' row: not a complete Locust stats file")
    return total, endpoints


def _distribution(path: Path) -> dict[str, dict[int, float | None]]:
    """Locust < 1.0: percentiles per ``"METHOD /path"`` name, the total as ``Total`` / ``None Total``."""
    found: dict[str, dict[int, float | None]] = {}
    for table, line, row in _rows(path, ("name",)):
        name = table.get(row, "name") or ""
        found["Aggregated" if name.lower() in _TOTAL_NAMES else name] = _percentiles(table, line, row)
    return found


def read_history(path: Path) -> tuple[TimePoint, ...]:
    """The Aggregated rows of a stats history as a timeseries starting when load started."""
    points: list[TimePoint] = []
    start: float | None = None
    for table, line, row in _rows(path, ("timestamp", "name")):
        if not _is_total(table.get(row, "type"), table.get(row, "name") or ""):
            continue
        timestamp = _number(table, line, row, "timestamp")
        users = _number(table, line, row, "users")
        requests = _number(table, line, row, "total_requests")
        if timestamp is None:
            raise ImportFormatError(f"{path}:{line}: empty Timestamp")
        if start is None and not users and not requests:
            continue  # before the first user started (e.g. while a master waits for its workers)
        start = timestamp if start is None else start
        values: dict[str, float] = {}
        if users is not None:
            values["users"] = users
        rps = _number(table, line, row, "rps")
        failing = _number(table, line, row, "failures_per_s")
        if rps is not None:
            values["rps"] = rps
        if failing is not None:
            values["failures_per_s"] = failing
        if rps is not None and failing is not None:
            values["error_rate"] = min(1.0, failing / rps) if rps else 0.0
        for percentile, value in _percentiles(table, line, row).items():
            # Locust writes 0 when its 10-second window holds no response yet: that is "unknown", not 0 ms.
            if percentile in (50, 90, 95, 99) and value:
                values[f"p{percentile}"] = value / 1000
        if requests is not None:
            values["requests"] = requests
        failures = _number(table, line, row, "total_failures")
        if failures is not None:
            values["failures"] = failures
        points.append(TimePoint(t=timestamp - start, values=values))
    while len(points) > 1 and points[-1].values.get("users") == 0:
        points.pop()  # written while Locust shut down, after the last user stopped
    return downsample(points)


def read_failures(path: Path) -> tuple[FailureGroup, ...]:
    rows: list[tuple[str, str, int]] = []
    for table, line, row in _rows(path, ("name", "error", "occurrences")):
        occurrences = _number(table, line, row, "occurrences") or 0
        rows.append(
            (
                _endpoint_name(table.get(row, "type"), table.get(row, "name") or ""),
                table.get(row, "error") or "",
                int(occurrences),
            )
        )
    return group_failures(rows)


def read_exceptions(path: Path) -> tuple[FailureGroup, ...]:
    groups: list[FailureGroup] = []
    for table, line, row in _rows(path, ("count", "message")):
        groups.append(
            FailureGroup(
                message=table.get(row, "message") or "",
                occurrences=int(_number(table, line, row, "count") or 0),
                traceback=table.get(row, "traceback") or "",
            )
        )
    return tuple(groups)


def read_locust_csv(files: dict[str, Path]) -> LocustCsv:
    """Read the files of one run, keyed by role (``stats`` is required; see :func:`classify`)."""
    if "stats" not in files:
        raise ImportFormatError(
            f"{next(iter(files.values()), 'files')}:1: no *_stats.csv among the files: Locust's figures are in it"
        )
    result = LocustCsv()
    result.notes = [note for path in files.values() if (note := detect(path).note(path))]
    result.metrics, result.endpoints = read_stats(files["stats"], files.get("distribution"))
    if "history" in files:
        result.timeseries = read_history(files["history"])
        users = [p.values["users"] for p in result.timeseries if "users" in p.values]
        if users:
            result.metrics["users"] = max(users)
    if "failures" in files:
        result.failures = read_failures(files["failures"])
    if "exceptions" in files:
        exceptions = read_exceptions(files["exceptions"])
        result.metrics["exceptions"] = float(sum(e.occurrences for e in exceptions))
        result.failures = (
            *result.failures,
            *(e.model_copy(update={"message": f"exception: {e.message}"}) for e in exceptions),
        )
    return result


def classify(paths: Sequence[Path]) -> dict[str, Path]:
    """Assign each file its role by name suffix, else by header. Raises ImportFormatError for the rest."""
    roles: dict[str, Path] = {}
    for path in paths:
        role = next((r for suffix, r in _SUFFIXES.items() if path.name.endswith(suffix)), None) or _role_by_header(path)
        if role in roles:
            raise ImportFormatError(
                f"{path}:1: a second {role} file ({roles[role].name} came first): import one Locust run per suite"
            )
        roles[role] = path
    return roles


def _role(path: Path) -> str | None:
    """The file's role, or None when it is not a Locust CSV."""
    try:
        return next((r for suffix, r in _SUFFIXES.items() if path.name.endswith(suffix)), None) or _role_by_header(path)
    except ImportFormatError:
        return None


def _role_by_header(path: Path) -> str:
    handle, _ = open_text(path)
    with handle:
        try:
            header = {_normalise(h) for h in next(csv.reader(handle), [])}
        except (csv.Error, UnicodeDecodeError):
            header = set()
    if "timestamp" in header:
        return "history"
    if "traceback" in header:
        return "exceptions"
    if "error" in header and header & {"occurrences", "occurences"}:
        return "failures"
    if header & {"requestcount", "requests"} and header & {"averageresponsetime", "medianresponsetime"}:
        return "stats"
    raise ImportFormatError(f"{path}:1: not a Locust CSV file (unknown header)")


class LocustCsvImporter:
    """``format: locust-csv``: the CSV files of a Locust run made outside the harness."""

    format: ClassVar[str] = "locust-csv"
    default_kind: ClassVar[str] = "performance"
    metric_names: ClassVar[frozenset[str]] = SAMPLE_METRICS | {"users", "exceptions"}
    default_criteria: ClassVar[tuple[str, ...]] = ()  # those of its results' kind
    contents: ClassVar[DirectoryContents] = DirectoryContents(("*.csv",), lambda p: _role(p) is not None)

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        paths, notes = collect(files, self.contents, "Locust CSV")
        parsed = read_locust_csv(classify(paths))
        return SuiteResult(
            name=suite,
            kind=kind,
            status=SuiteStatus.FAILED if parsed.metrics.get("failures") else SuiteStatus.PASSED,
            tool=ToolInfo(name="locust"),
            metrics=parsed.metrics,
            endpoints=tuple(parsed.endpoints),
            timeseries=parsed.timeseries,
            failures=parsed.failures,
            notes=(*parsed.notes, *notes),
        )
