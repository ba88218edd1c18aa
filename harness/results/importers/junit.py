"""JUnit/xUnit XML -> TestCases, streaming (lxml iterparse) so file size does not bound memory.

Counts come from the ``<testcase>`` elements, never from a suite's declared ``tests=``/``failures=``
attributes, which many tools get wrong. DTDs and entity declarations are refused outright: result
files never need them and they are how XML bombs work.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from lxml import etree

from harness.errors import ImportFormatError
from harness.results.metrics import CASE_METRICS, case_metrics
from harness.results.model import CaseStatus, SuiteResult, SuiteStatus, TestCase, ToolInfo

_STATUS_TAGS = {"failure": CaseStatus.FAILED, "error": CaseStatus.ERROR, "skipped": CaseStatus.SKIPPED}
_MAX_TEXT = 64 * 1024  # keep failure details and captured output bounded per case


def _refuse_doctype(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        line = head[: max(head.find(b"<!DOCTYPE"), head.find(b"<!ENTITY"))].count(b"\n") + 1
        raise ImportFormatError(f"{path}:{line}: DTDs and entity declarations are refused in result files")


def iter_junit(path: Path) -> Iterator[TestCase]:
    """Yield one TestCase per ``<testcase>``, in file order.

    Raises:
        ImportFormatError: ``FILE:LINE: reason`` for malformed or truncated XML, or a wrong root element.
    """
    _refuse_doctype(path)
    seen: dict[str, int] = {}
    context = etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    suites: list[str] = []
    root_checked = False
    try:
        for event, element in context:
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if not root_checked:
                root_checked = True
                if tag not in ("testsuites", "testsuite", "testcase", "testrun"):
                    raise ImportFormatError(
                        f"{path}:{element.sourceline}: root element <{tag}> is not JUnit XML "
                        "(expected <testsuites> or <testsuite>)"
                    )
            if tag == "testsuite":
                if event == "start":
                    suites.append(element.get("name", ""))
                else:
                    suites.pop()
                    element.clear()
            elif tag == "testcase" and event == "end":
                # pytest writes a bare <testcase/> for the test a Ctrl-C interrupted: it names nothing.
                named = element.get("name") or element.get("classname")
                case = _case(element, suites[-1] if suites else "", seen) if named else None
                element.clear()
                while element.getprevious() is not None:  # drop finished siblings: bounded memory
                    del element.getparent()[0]
                if case is not None:
                    yield case
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise ImportFormatError(f"{path}:{line}: malformed XML: {exc.msg}") from None
    if not root_checked:
        raise ImportFormatError(f"{path}:1: empty file")


def parse_junit(path: Path) -> list[TestCase]:
    return list(iter_junit(path))


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    text = "".join(element.itertext())
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "\n… (truncated)"


def _case(element: etree._Element, suite_name: str, seen: dict[str, int]) -> TestCase:
    name = element.get("name", "") or "(unnamed)"
    classname = element.get("classname", "") or suite_name
    status = CaseStatus.PASSED
    message = ""
    details = ""
    stdout_parts: list[str] = []
    stderr_parts: list[str] = []
    properties: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag in _STATUS_TAGS and _worse(_STATUS_TAGS[tag], status):
            status = _STATUS_TAGS[tag]
            message = child.get("message", "") or child.get("type", "")
            details = _text(child)
        elif tag in ("rerunFailure", "flakyFailure", "rerunError", "flakyError"):
            continue  # Surefire reruns: the final status is what the testcase's other children say
        elif tag in ("system-out", "stdout"):
            stdout_parts.append(_text(child))
        elif tag in ("system-err", "stderr"):
            stderr_parts.append(_text(child))
        elif tag == "properties":
            for prop in child:
                if isinstance(prop.tag, str) and prop.get("name"):
                    properties[prop.get("name", "")] = prop.get("value", "") or (prop.text or "")
    base_id = f"{classname}::{name}" if classname else name
    count = seen.get(base_id, 0) + 1
    seen[base_id] = count
    return TestCase(
        id=base_id if count == 1 else f"{base_id}#{count}",
        name=name,
        classname=classname,
        file=element.get("file", ""),
        status=status,
        duration=_seconds(element.get("time")),
        message=message.strip()[:2000],
        details=details,
        stdout="\n".join(stdout_parts),
        stderr="\n".join(stderr_parts),
        properties=properties,
    )


_RANK = {CaseStatus.PASSED: 0, CaseStatus.SKIPPED: 1, CaseStatus.FAILED: 2, CaseStatus.ERROR: 3}


def _worse(new: CaseStatus, old: CaseStatus) -> bool:
    return _RANK[new] > _RANK[old]


def _seconds(value: str | None) -> float:
    if not value:
        return 0.0
    try:
        return max(float(value.replace(",", "")), 0.0)
    except ValueError:
        return 0.0


class JUnitImporter:
    """``format: junit`` — JUnit/xUnit XML from any tool; status from the test cases."""

    format: ClassVar[str] = "junit"
    default_kind: ClassVar[str] = "integration"
    metric_names: ClassVar[frozenset[str]] = CASE_METRICS

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        cases: list[TestCase] = []
        for path in files:
            cases.extend(iter_junit(path))
        failed = any(c.status in (CaseStatus.FAILED, CaseStatus.ERROR) for c in cases)
        return SuiteResult(
            name=suite,
            kind=kind,
            status=SuiteStatus.FAILED if failed else SuiteStatus.PASSED,
            tool=ToolInfo(name="JUnit XML"),
            cases=tuple(cases),
            metrics=case_metrics(cases),
        )
