"""``format: newman-json`` — Postman collection runs from newman's JSON reporter (``newman run ... -r json``).

Richer than newman's JUnit: every assertion of every iteration becomes a test case (with the request,
status code and response time as properties), failed requests (connection refused, timeouts) and script
errors become errored cases, and response times give the suite and per-request metrics (avg, p95, ...).

The report is streamed: newman embeds each response body as a byte array, which is skipped unread.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import TypeAdapter

from harness.errors import ImportFormatError
from harness.results.importers.jsonstream import select
from harness.results.importers.sources import DirectoryContents, collect
from harness.results.messages import message
from harness.results.metrics import CASE_METRICS, case_metrics
from harness.results.model import CaseStatus, Endpoint, Message, SuiteResult, SuiteStatus, TestCase, ToolInfo

_WANTED = frozenset(
    {"collection.info", "collection.item", "run.executions.item", "run.failures.item", "run.stats", "run.error"}
)
_SKIP = (
    "run.executions.item.response.stream",
    "run.executions.item.response.header",
    "run.executions.item.request.body",
    "run.executions.item.request.header",
    "run.executions.item.item.request",
    "run.executions.item.item.response",
    "run.executions.item.item.event",
    "run.failures.item.source.request",
    "run.failures.item.source.response",
    "run.failures.item.source.event",
    "run.failures.item.parent",
    "run.failures.item.cursor",
)
_PERCENTILES = {"p50": 50, "p90": 90, "p95": 95, "p99": 99}
_CASES = TypeAdapter(list[TestCase])

METRICS: frozenset[str] = CASE_METRICS | frozenset(
    {"requests", "requests_failed", "error_rate", "assertions", "assertions_failed", "iterations"}
    | {"avg", "min", "max", *_PERCENTILES}
)


def percentile(ordered: Sequence[float], rank: float) -> float:
    """Nearest-rank percentile of sorted values (the value below which ``rank`` % of them fall)."""
    index = max(math.ceil(rank / 100 * len(ordered)) - 1, 0)
    return ordered[min(index, len(ordered) - 1)]


def timing_metrics(times: Sequence[float]) -> dict[str, float]:
    """avg/min/max and percentiles, in seconds, of response times in seconds."""
    if not times:
        return {}
    ordered = sorted(times)
    metrics = {"avg": sum(ordered) / len(ordered), "min": ordered[0], "max": ordered[-1]}
    metrics.update({name: percentile(ordered, rank) for name, rank in _PERCENTILES.items()})
    return metrics


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _folders(items: object, parents: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(item id, "Folder / Sub / Request") for every request of a collection's item tree."""
    for item in _list(items):
        entry = _dict(item)
        name = _text(entry.get("name")) or "(unnamed)"
        if "item" in entry:
            yield from _folders(entry["item"], (*parents, name))
        elif entry.get("id"):
            yield _text(entry["id"]), " / ".join((*parents, name))


def _url_path(request: dict[str, object]) -> str:
    url = request.get("url")
    if isinstance(url, str):
        return url
    segments = [_text(s) for s in _list(_dict(url).get("path"))]
    return "/" + "/".join(segments)


def _request_error(error: dict[str, object]) -> str:
    """newman's request errors are Node errors: a message, or only code/syscall/address/port."""
    if error.get("message"):
        return _text(error["message"])
    where = ":".join(_text(error[k]) for k in ("address", "port") if error.get(k))
    return " ".join(p for p in (_text(error.get("syscall")), _text(error.get("code")), where) if p) or "request failed"


@dataclass
class _Run:
    """What one report file adds up to."""

    labels: dict[str, str] = field(default_factory=dict)
    collection: str = ""
    cases: list[dict[str, object]] = field(default_factory=list)
    times: dict[str, list[float]] = field(default_factory=dict)
    requests: int = 0
    requests_failed: int = 0
    assertions: int = 0
    assertions_failed: int = 0
    iterations: int = 0
    executions_seen: bool = False
    notes: list[Message] = field(default_factory=list)


class NewmanImporter:
    """Reads newman JSON reports (one per file; several files add up)."""

    format: ClassVar[str] = "newman-json"
    default_kind: ClassVar[str] = "integration"
    metric_names: ClassVar[frozenset[str]] = METRICS
    default_criteria: ClassVar[tuple[str, ...]] = ("failed + errors == 0",)
    contents: ClassVar[DirectoryContents] = DirectoryContents(
        ("*.json",), exclude=("*.postman_collection.json", "*.postman_environment.json", "*.postman_globals.json")
    )

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        seen: dict[str, int] = {}
        cases: list[TestCase] = []
        times: dict[str, list[float]] = {}
        totals = _Run()
        paths, notes = collect(files, self.contents, "newman JSON report")
        for path in paths:
            run = self._read_file(path)
            for case in run.cases:
                base = _text(case["id"])
                seen[base] = seen.get(base, 0) + 1
                if seen[base] > 1:
                    case["id"] = f"{base}#{seen[base]}"
            cases.extend(_CASES.validate_python(run.cases))
            for label, values in run.times.items():
                times.setdefault(label, []).extend(values)
            totals.requests += run.requests
            totals.requests_failed += run.requests_failed
            totals.assertions += run.assertions
            totals.assertions_failed += run.assertions_failed
            totals.iterations += run.iterations
            notes.extend(run.notes)
        metrics = case_metrics(cases)
        metrics.update(
            requests=totals.requests,
            requests_failed=totals.requests_failed,
            assertions=totals.assertions,
            assertions_failed=totals.assertions_failed,
            iterations=totals.iterations,
        )
        if totals.requests:
            metrics["error_rate"] = totals.requests_failed / totals.requests
        metrics.update(timing_metrics([t for values in times.values() for t in values]))
        endpoints = tuple(
            Endpoint(name=label, metrics={"requests": len(values), **timing_metrics(values)})
            for label, values in times.items()
        )
        bad = any(c.status in (CaseStatus.FAILED, CaseStatus.ERROR) for c in cases)
        return SuiteResult(
            name=suite,
            kind=kind,
            status=SuiteStatus.FAILED if bad else SuiteStatus.PASSED,
            tool=ToolInfo(name="newman"),
            cases=tuple(cases),
            metrics=metrics,
            endpoints=endpoints,
            notes=tuple(notes),
        )

    def _read_file(self, path: Path) -> _Run:
        run = _Run()
        for prefix, value in select(path, _WANTED, _SKIP):
            if prefix == "collection.info":
                run.collection = _text(_dict(value).get("name"))
            elif prefix == "collection.item":
                run.labels.update(_folders(value))
            elif prefix == "run.executions.item":
                run.executions_seen = True
                self._execution(run, _dict(value))
            elif prefix == "run.failures.item":
                self._failure(run, _dict(value))
            elif prefix == "run.stats":
                iterations = _dict(_dict(value).get("iterations")).get("total")
                run.iterations = int(iterations) if isinstance(iterations, int | float) else 0
            elif prefix == "run.error" and value:
                run.notes.append(
                    message("note.newman.error", file=path.name, detail=_text(_dict(value).get("message")))
                )
        if not run.executions_seen:
            raise ImportFormatError(
                f"{path}:1: not a newman JSON report (no run.executions); write one with "
                "`newman run COLLECTION -r json --reporter-json-export FILE`"
            )
        run.notes.insert(
            0, message("note.newman.collection", file=path.name, collection=run.collection, iterations=run.iterations)
        )
        return run

    def _execution(self, run: _Run, execution: dict[str, object]) -> None:
        item = _dict(execution.get("item"))
        label = run.labels.get(_text(item.get("id"))) or _text(item.get("name")) or "(unnamed request)"
        cursor = _dict(execution.get("cursor"))
        iteration = int(cursor.get("iteration", 0) or 0) + 1  # type: ignore[call-overload]
        cycles = int(cursor.get("cycles", 1) or 1)  # type: ignore[call-overload]
        suffix = f" [iteration {iteration}]" if cycles > 1 else ""
        request = _dict(execution.get("request"))
        response = _dict(execution.get("response"))
        run.requests += 1
        properties = {"request": f"{_text(request.get('method')) or 'GET'} {_url_path(request)}"}
        if cycles > 1:
            properties["iteration"] = str(iteration)
        error = execution.get("requestError")
        if error or not response:
            run.requests_failed += 1
            message = _request_error(_dict(error)) if error else "no response"
            run.cases.append(
                {
                    "id": f"{label}::(request){suffix}",
                    "name": "(request)",
                    "classname": label,
                    "status": CaseStatus.ERROR,
                    "message": message,
                    "details": _text(_dict(error).get("stack")),
                    "properties": properties,
                }
            )
            return
        elapsed = float(response.get("responseTime", 0) or 0) / 1000  # type: ignore[arg-type]
        run.times.setdefault(label, []).append(elapsed)
        properties["status_code"] = _text(response.get("code"))
        properties["response_time_ms"] = _text(response.get("responseTime"))
        for assertion in _list(execution.get("assertions")):
            entry = _dict(assertion)
            name = _text(entry.get("assertion")) or "(unnamed assertion)"
            run.assertions += 1
            case: dict[str, object] = {
                "id": f"{label}::{name}{suffix}",
                "name": name,
                "classname": label,
                "status": CaseStatus.PASSED,
                "properties": properties,
            }
            failure = _dict(entry.get("error"))
            if entry.get("skipped"):
                case["status"] = CaseStatus.SKIPPED
            elif failure:
                run.assertions_failed += 1
                case.update(
                    status=CaseStatus.FAILED,
                    message=_text(failure.get("message")),
                    details=_text(failure.get("stack")),
                )
            run.cases.append(case)

    def _failure(self, run: _Run, failure: dict[str, object]) -> None:
        """Script errors (not assertion failures, which the executions already carry)."""
        at = _text(failure.get("at"))
        if at.startswith("assertion:") or at in ("", "request"):  # the executions carry these
            return
        error = _dict(failure.get("error"))
        if _text(error.get("name")) == "AssertionError":
            return
        source = _dict(failure.get("source"))
        label = run.labels.get(_text(source.get("id"))) or _text(source.get("name")) or "(collection)"
        run.cases.append(
            {
                "id": f"{label}::({at})",
                "name": f"({at})",
                "classname": label,
                "status": CaseStatus.ERROR,
                "message": f"{_text(error.get('name'))}: {_text(error.get('message'))}",
                "details": _text(error.get("stack")),
            }
        )
