"""``format: allure`` — an allure-results directory written by any Allure adapter (allure-pytest,
allure-junit5, allure-jest, ...): ``*-result.json``, ``*-container.json`` and attachment files.

- Status: passed, failed, broken (= error), skipped; ``unknown`` counts as an error (nothing proved it ran).
- Retries: results sharing a ``historyId`` are one test; the latest attempt decides, like Allure's report.
- A set-up or tear-down fixture (container ``befores``/``afters``) that failed or broke makes a passed
  child test an error: its environment was not what the test assumed.
- Steps (nested, with status) are written into the case details; labels, links, parameters and
  attachments (name, file, type) become case properties. The attachment files stay in the run
  directory's raw copy of the results, where the manifest hashes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import TypeAdapter

from harness.errors import ImportFormatError
from harness.results.importers.junit import suite_from_cases
from harness.results.importers.sources import examples
from harness.results.messages import message
from harness.results.metrics import CASE_METRICS
from harness.results.model import CaseStatus, Message, SuiteResult, TestCase, ToolInfo

_STATUS = {
    "passed": CaseStatus.PASSED,
    "failed": CaseStatus.FAILED,
    "broken": CaseStatus.ERROR,
    "skipped": CaseStatus.SKIPPED,
}
_MAX_FILE = 32 * 1024 * 1024  # one result file; Allure adapters write kilobytes
_MAX_DETAILS = 64 * 1024
_CASES = TypeAdapter(list[TestCase])


@dataclass
class _Fixture:
    name: str
    phase: str  # set-up or tear-down
    status: str
    message: str


@dataclass
class _Collected:
    results: list[tuple[Path, dict[str, object]]] = field(default_factory=list)
    fixtures: dict[str, list[_Fixture]] = field(default_factory=dict)  # child uuid -> broken fixtures
    attachments: set[str] = field(default_factory=set)  # file names present


def _load(path: Path) -> dict[str, object]:
    if path.stat().st_size > _MAX_FILE:
        raise ImportFormatError(f"{path}:1: larger than {_MAX_FILE >> 20} MB; not an Allure result file")
    raw = path.read_bytes()
    if not raw.strip():
        raise ImportFormatError(f"{path}:1: empty file (no JSON at all)")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}:1: not UTF-8 JSON: {exc.reason}") from None
    if not isinstance(data, dict):
        raise ImportFormatError(f"{path}:1: an Allure result is a JSON object, found {type(data).__name__}")
    return data


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():  # an allure-results directory, or one holding it (searched in and below)
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _dicts(value: object) -> list[dict[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _details(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _millis(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class AllureImporter:
    """Reads allure-results directories (or individual ``*-result.json``/``*-container.json`` files)."""

    format: ClassVar[str] = "allure"
    default_kind: ClassVar[str] = "integration"
    metric_names: ClassVar[frozenset[str]] = CASE_METRICS
    default_criteria: ClassVar[tuple[str, ...]] = ("failed + errors == 0",)

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        collected = self._collect(files)
        if not collected.results:
            where = ", ".join(str(p) for p in files)
            raise ImportFormatError(f"{where}:1: no Allure results (*-result.json) found")
        latest, retries = self._latest(collected.results)
        cases: list[dict[str, object]] = []
        missing: list[str] = []
        frameworks: set[str] = set()
        for key in sorted(latest, key=lambda k: (_millis(latest[k][1].get("start")) or 0, k)):
            _path, result = latest[key]
            case = self._case(result, collected, retries.get(key, 0), missing)
            cases.append(case)
            frameworks.update(
                _text(x.get("value")) for x in _dicts(result.get("labels")) if x.get("name") == "framework"
            )
        seen: dict[str, int] = {}
        for case in cases:
            base = _text(case["id"])
            seen[base] = seen.get(base, 0) + 1
            if seen[base] > 1:
                case["id"] = f"{base}#{seen[base]}"
        notes: list[Message] = []
        folded = sum(retries.values())
        if folded:
            notes.append(message("note.allure.retries_folded", count=folded))
        if missing:
            notes.append(message("note.allure.attachments_missing", count=len(missing), examples=examples(missing)))
        tool = ToolInfo(
            name="Allure results" + (f" ({', '.join(sorted(f for f in frameworks if f))})" if frameworks else "")
        )
        return suite_from_cases(_CASES.validate_python(cases), suite, kind, tool, notes)

    def _collect(self, files: Sequence[Path]) -> _Collected:
        collected = _Collected()
        for path in _files(files):
            name = path.name
            if name.endswith("-result.json"):
                collected.results.append((path, _load(path)))
            elif name.endswith("-container.json"):
                self._container(_load(path), collected)
            elif "-attachment" in name:
                collected.attachments.add(name)
            elif path.suffix == ".json" and name not in ("executor.json", "categories.json"):
                raise ImportFormatError(f"{path}:1: not an Allure file (expected *-result.json or *-container.json)")
        return collected

    @staticmethod
    def _container(container: dict[str, object], collected: _Collected) -> None:
        broken: list[_Fixture] = []
        for key, phase in (("befores", "set-up"), ("afters", "tear-down")):
            for fixture in _dicts(container.get(key)):
                status = _text(fixture.get("status"))
                if status in ("failed", "broken"):
                    message = _text(_details(fixture.get("statusDetails")).get("message"))
                    broken.append(_Fixture(_text(fixture.get("name")), phase, status, message))
        if broken:
            children = container.get("children")
            for child in children if isinstance(children, list) else []:
                collected.fixtures.setdefault(_text(child), []).extend(broken)

    @staticmethod
    def _latest(
        results: list[tuple[Path, dict[str, object]]],
    ) -> tuple[dict[str, tuple[Path, dict[str, object]]], dict[str, int]]:
        """One result per test (``historyId``): the attempt that finished last."""
        latest: dict[str, tuple[Path, dict[str, object]]] = {}
        retries: dict[str, int] = {}
        for path, result in results:
            key = _text(result.get("historyId")) or _text(result.get("uuid")) or str(path)
            if key in latest:
                retries[key] = retries.get(key, 0) + 1
                if (_millis(result.get("stop")) or 0) < (_millis(latest[key][1].get("stop")) or 0):
                    continue
            latest[key] = (path, result)
        return latest, retries

    def _case(
        self, result: dict[str, object], collected: _Collected, retries: int, missing: list[str]
    ) -> dict[str, object]:
        labels = _dicts(result.get("labels"))
        label: dict[str, str] = {}
        for entry in labels:
            name, value = _text(entry.get("name")), _text(entry.get("value"))
            if name and value:
                label[name] = f"{label[name]}, {value}" if name in label else value
        name = _text(result.get("name")) or "(unnamed)"
        classname = (
            label.get("testClass")
            or ".".join(label[k] for k in ("parentSuite", "suite", "subSuite") if k in label)
            or label.get("package", "")
        )
        parameters = [(_text(p.get("name")), _text(p.get("value"))) for p in _dicts(result.get("parameters"))]
        full = _text(result.get("fullName")) or (f"{classname}::{name}" if classname else name)
        if parameters:
            full += "[" + ", ".join(f"{k}={v}" for k, v in parameters) + "]"
        status_text = _text(result.get("status")) or "unknown"
        status = _STATUS.get(status_text, CaseStatus.ERROR)
        status_details = _details(result.get("statusDetails"))
        message = _text(status_details.get("message")).strip()
        if status_text not in _STATUS:
            message = message or f"Allure status {status_text!r}: the test's outcome is not known"
        properties: dict[str, str] = {f"label.{k}": v for k, v in label.items() if k not in ("host", "thread")}
        properties.update({f"parameter.{k}": v for k, v in parameters})
        for link in _dicts(result.get("links")):
            properties[f"link.{_text(link.get('name')) or _text(link.get('type'))}"] = _text(link.get("url"))
        if retries:
            properties["retries"] = str(retries)
        for index, attachment in enumerate(self._attachments(result), start=1):
            source = _text(attachment.get("source"))
            properties[f"attachment.{index}"] = (
                f"{_text(attachment.get('name'))}: {source} ({_text(attachment.get('type'))})"
            )
            if source and source not in collected.attachments:
                missing.append(source)
        fixtures = collected.fixtures.get(_text(result.get("uuid")), [])
        if fixtures and status is CaseStatus.PASSED:
            first = fixtures[0]
            status = CaseStatus.ERROR
            message = f"{first.phase} fixture {first.name!r} {first.status}: {first.message}".strip()
        lines = [_text(status_details.get("trace")).rstrip()]
        steps = list(self._step_lines(_dicts(result.get("steps")), 0))
        if steps:
            lines += ["", "Steps:", *steps]
        lines += [f"{f.phase} fixture {f.name!r} {f.status}: {f.message}" for f in fixtures]
        details = "\n".join(lines).strip()
        start, stop = _millis(result.get("start")), _millis(result.get("stop"))
        case: dict[str, object] = {
            "id": full,
            "name": name,
            "classname": classname,
            "status": status,
            "message": message[:2000],
            "details": details[:_MAX_DETAILS],
            "properties": properties,
        }
        if start is not None and stop is not None and stop >= start:
            case["duration"] = (stop - start) / 1000
        return case

    def _attachments(self, node: dict[str, object]) -> Iterator[dict[str, object]]:
        yield from _dicts(node.get("attachments"))
        for step in _dicts(node.get("steps")):
            yield from self._attachments(step)

    def _step_lines(self, steps: list[dict[str, object]], depth: int) -> Iterator[str]:
        for step in steps:
            status = _text(step.get("status")) or "unknown"
            message = _text(_details(step.get("statusDetails")).get("message")).strip().splitlines()
            suffix = f" — {message[0]}" if message and status != "passed" else ""
            yield f"{'  ' * depth}[{status}] {_text(step.get('name'))}{suffix}"
            yield from self._step_lines(_dicts(step.get("steps")), depth + 1)
