"""JUnit/xUnit XML -> TestCases, streaming (lxml iterparse) so file size does not bound memory.

One reader handles the dialects in the field: Maven Surefire and Gradle, pytest (xunit1/xunit2, with or
without ``<testsuites>``), jest-junit, mocha, newman ``-r junit``, SoapUI/ReadyAPI, gotestsum,
cargo-nextest, PHPUnit (nested suites, ``class=``), Karma. What differs between them is handled here:

- Counts come from the ``<testcase>`` elements, never from the declared ``tests=``/``failures=``
  attributes, which many tools get wrong; a mismatch is reported as a note.
- A failure's message is its ``message`` attribute, else the first line of its text (jest, PHPUnit and
  Karma write no attribute), else its ``type``.
- Surefire/nextest reruns (``flakyFailure``, ``rerunFailure``) do not decide the status; a case that
  passed on a rerun gets the property ``flaky``.
- Output and properties of a case are kept on the case. Those of the enclosing ``<testsuite>`` (Gradle
  writes the output per class) are given to its failed and errored cases that have none of their own;
  everything else stays in the raw file, which the run directory keeps as evidence.
- The encoding is the one the XML declaration names (GBK, Latin-1, ...); without one, UTF-8.
- DTDs and entity declarations are refused before parsing: result files never need them, and they are
  how XML bombs ("billion laughs") work.
- Test ids are ``classname::name``; repeats (also across files of one suite) become ``id#2``, ``id#3``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from lxml import etree
from pydantic import TypeAdapter

from harness.errors import ImportFormatError
from harness.results.metrics import CASE_METRICS, case_metrics
from harness.results.model import CaseStatus, SuiteResult, SuiteStatus, TestCase, ToolInfo

_STATUS_TAGS = {"failure": CaseStatus.FAILED, "error": CaseStatus.ERROR, "skipped": CaseStatus.SKIPPED}
_RERUN_TAGS = frozenset({"rerunFailure", "flakyFailure", "rerunError", "flakyError"})
_SKIPPED_STATUS = frozenset({"skipped", "skip", "notrun", "disabled", "ignored"})
_RANK = {CaseStatus.PASSED: 0, CaseStatus.SKIPPED: 1, CaseStatus.FAILED: 2, CaseStatus.ERROR: 3}
_ROOTS = ("testsuites", "testsuite")
_MAX_TEXT = 64 * 1024  # failure details and captured output are kept up to this size per case
_MAX_MESSAGE = 2000
_PROLOGUE = 64 * 1024  # a DOCTYPE must come before the root element, which starts within this
_NOTE_EXAMPLES = 3

_CASES = TypeAdapter(list[TestCase])
_ROOT_TAG = re.compile(rb"<([A-Za-z_][-.\w:]*)[^>]*")


@dataclass(frozen=True)
class _Root:
    name: str
    namespaced: bool  # SoapUI writes its results in a default namespace


def check_prologue(path: Path) -> _Root:
    """Refuse an empty file, a non-JUnit root element and any DTD or entity declaration, before the
    parser sees them (libxml2 expands entities in attributes even when told not to resolve them).

    Raises:
        ImportFormatError: ``FILE:LINE: reason``.
    """
    with path.open("rb") as handle:
        head = handle.read(_PROLOGUE)
    if not head.strip():
        raise ImportFormatError(f"{path}:1: empty file (no XML at all)")
    text = _decode_head(head)
    root = _ROOT_TAG.search(text)
    prologue = text[: root.start()] if root else text
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        at = prologue.find(marker)
        if at >= 0:
            line = prologue[:at].count(b"\n") + 1
            raise ImportFormatError(
                f"{path}:{line}: DTDs and entity declarations are refused in result files "
                "(they are how XML entity bombs work, and test results never need them)"
            )
    if root is None:
        return _Root("", namespaced=False)  # the parser will say what is wrong
    name = root.group(1).decode("utf-8", errors="replace").rpartition(":")[2]
    if name not in _ROOTS:
        line = text[: root.start()].count(b"\n") + 1
        raise ImportFormatError(
            f"{path}:{line}: root element <{name}> is not JUnit XML (expected <testsuites> or <testsuite>)"
        )
    return _Root(name, namespaced=b"xmlns" in root.group(0) or b":" in root.group(1))


def _decode_head(head: bytes) -> bytes:
    """The head as ASCII-compatible bytes (UTF-16 files are re-encoded), for finding markup."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return head


@dataclass
class _Frame:
    """The innermost ``<testsuite>`` being read and its cases not yet yielded."""

    element: etree._Element | None  # None for cases outside any testsuite
    depth: int
    name: str
    pending: list[dict[str, object]] = field(default_factory=list)


def _depth(suite: etree._Element | None) -> int:
    """How many testsuites enclose ``suite`` (PHPUnit nests them)."""
    if suite is None:
        return -1
    return sum(1 for ancestor in suite.iterancestors() if _local(ancestor.tag) == "testsuite")


@dataclass
class JUnitReader:
    """Reads JUnit XML files into TestCases; ``notes`` collects what a reader of the report should know.

    One reader per suite: duplicate ids are detected across all files it reads.
    """

    notes: list[str] = field(default_factory=list)
    _seen: dict[str, int] = field(default_factory=dict)
    _duplicates: list[str] = field(default_factory=list)
    _mismatches: list[str] = field(default_factory=list)
    _strings: dict[str, str] = field(default_factory=dict)

    def read(self, path: Path) -> Iterator[TestCase]:
        """Yield one TestCase per ``<testcase>`` of ``path``, in file order.

        Raises:
            ImportFormatError: ``FILE:LINE: reason`` for an empty, malformed or truncated file, a wrong
                root element, or a DTD.
        """
        root = check_prologue(path)
        tags = ("{*}testsuite", "{*}testcase") if root.namespaced else ("testsuite", "testcase")
        context = etree.iterparse(
            str(path),
            events=("end",),  # only ends: a testcase's suite is its parent, already parsed
            tag=tags,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,  # long captured output is legitimate; bombs are refused by check_prologue
            remove_comments=True,
            remove_pis=True,
        )
        current: _Frame | None = None  # the suite whose cases are pending
        totals: dict[int, int] = {}  # test cases counted per suite nesting depth
        elements = 0
        try:
            for _event, element in context:
                elements += 1
                if element.tag == "testcase" or _local(element.tag) == "testcase":
                    parent = element.getparent()
                    if parent is None or _local(parent.tag) != "testsuite":
                        parent = None
                    if current is None or current.element is not parent:
                        if current is not None:
                            yield from self._flush(current, inherit=False)
                        current = _Frame(parent, _depth(parent), parent.get("name", "") if parent is not None else "")
                    current.pending.append(self._case(element, current.name))
                    totals[current.depth] = totals.get(current.depth, 0) + 1
                else:
                    depth = _depth(element)
                    if current is not None and current.element is element:
                        yield from self._flush(current, inherit=True)
                        current = None
                    counted = totals.pop(depth, 0)
                    self._check_count(element.get("name", ""), _declared(element.get("tests")), counted)
                    if depth > 0:
                        totals[depth - 1] = totals.get(depth - 1, 0) + counted
                _release(element)
        except etree.XMLSyntaxError as exc:
            raise ImportFormatError(f"{path}:{exc.lineno or 1}: {_syntax_reason(exc)}") from None
        except LookupError as exc:  # an encoding Python and libxml2 do not know
            raise ImportFormatError(f"{path}:1: {exc}") from None
        if current is not None:
            yield from self._flush(current, inherit=False)
        if not elements and root.name == "testsuite":
            self.notes.append(f"{path.name}: the testsuite has no test cases")

    def finish(self) -> list[str]:
        """The notes of everything read so far (declared-count mismatches, renamed duplicates)."""
        notes = list(self.notes)
        if self._mismatches:
            examples = "; ".join(self._mismatches[:_NOTE_EXAMPLES])
            more = (
                f" and {len(self._mismatches) - _NOTE_EXAMPLES} more" if len(self._mismatches) > _NOTE_EXAMPLES else ""
            )
            notes.append(
                f"declared test counts differ from the test cases in {len(self._mismatches)} testsuite(s) "
                f"({examples}{more}); the counts shown come from the test cases"
            )
        if self._duplicates:
            examples = ", ".join(self._duplicates[:_NOTE_EXAMPLES])
            more = (
                f" and {len(self._duplicates) - _NOTE_EXAMPLES} more" if len(self._duplicates) > _NOTE_EXAMPLES else ""
            )
            notes.append(
                f"{len(self._duplicates)} repeated test id(s) kept as separate cases with #N suffixes ({examples}{more})"
            )
        return notes

    def _check_count(self, name: str, declared: int | None, counted: int) -> None:
        if declared is not None and declared != counted:
            self._mismatches.append(f"{name or '(unnamed)'!r} declares tests={declared}, has {counted}")

    def _flush(self, frame: _Frame, *, inherit: bool) -> Iterator[TestCase]:
        if not frame.pending:
            return
        if inherit and frame.element is not None:
            _inherit(frame.pending, frame.element)
        batch = list(frame.pending)
        frame.pending.clear()
        yield from _CASES.validate_python(batch)  # one call per batch: much cheaper than one per case

    def _intern(self, value: str) -> str:
        """One string object per distinct class name or file: 100k cases share a handful of them."""
        return self._strings.setdefault(value, value)

    def _case(self, element: etree._Element, suite_name: str) -> dict[str, object]:
        name = element.get("name") or "(unnamed)"
        classname = self._intern(element.get("classname") or element.get("class") or suite_name)
        case: dict[str, object] = {"name": name, "classname": classname, "status": CaseStatus.PASSED}
        duration = _seconds(element.get("time"))
        if duration:
            case["duration"] = duration
        source_file = element.get("file")
        if source_file:
            case["file"] = self._intern(source_file)
        if len(element):
            _children(element, case)
        elif element.get("status", "").lower() in _SKIPPED_STATUS:
            case["status"] = CaseStatus.SKIPPED
        line = element.get("line")
        if line:
            case.setdefault("properties", {})["line"] = line  # type: ignore[index]
        case["id"] = self._unique(f"{classname}::{name}" if classname else name)
        return case

    def _unique(self, base: str) -> str:
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        if count == 1:
            return base
        if count == 2:
            self._duplicates.append(base)
        return f"{base}#{count}"


def _children(element: etree._Element, case: dict[str, object]) -> None:
    """Status, message, details, output and properties from a testcase's child elements."""
    status = CaseStatus.PASSED
    stdout: list[str] = []
    stderr: list[str] = []
    reruns = 0
    for child in element:
        tag = _local(child.tag)
        if tag in _STATUS_TAGS:
            new = _STATUS_TAGS[tag]
            if _RANK[new] > _RANK[status]:
                status = new
                details = _text(child)
                case["message"] = _message(child, details)
                if details:
                    case["details"] = details
        elif tag in _RERUN_TAGS:
            reruns += 1
        elif tag in ("system-out", "stdout"):
            stdout.append(_text(child))
        elif tag in ("system-err", "stderr"):
            stderr.append(_text(child))
        elif tag == "properties":
            properties = _properties(child)
            if properties:
                case.setdefault("properties", {}).update(properties)  # type: ignore[attr-defined]
    case["status"] = status
    if reruns and status is CaseStatus.PASSED:
        case.setdefault("properties", {})["flaky"] = f"passed after {reruns} failed attempt(s)"  # type: ignore[index]
    if any(stdout):
        case["stdout"] = "\n".join(s for s in stdout if s)
    if any(stderr):
        case["stderr"] = "\n".join(s for s in stderr if s)


def _inherit(cases: list[dict[str, object]], suite: etree._Element) -> None:
    """Give a testsuite's own output and properties to its failed/errored cases that have none."""
    bad = [c for c in cases if c["status"] in (CaseStatus.FAILED, CaseStatus.ERROR)]
    if not bad:
        return
    stdout = stderr = ""
    properties: dict[str, str] = {}
    for child in suite:
        tag = _local(child.tag)
        if tag == "system-out":
            stdout = _text(child)
        elif tag == "system-err":
            stderr = _text(child)
        elif tag == "properties":
            properties = _properties(child)
    for case in bad:
        if stdout and "stdout" not in case:
            case["stdout"] = stdout
        if stderr and "stderr" not in case:
            case["stderr"] = stderr
        if properties:
            case["properties"] = {**properties, **case.get("properties", {})}  # type: ignore[dict-item]


def _properties(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in element:
        name = prop.get("name")
        if name:
            found[name] = prop.get("value") or (prop.text or "")
    return found


def _release(element: etree._Element) -> None:
    """Free a finished element and the finished testcase/testsuite before it: memory stays bounded by
    one case. A suite's own <properties>/<system-out> stay until the suite ends (they are small)."""
    element.clear()
    previous = element.getprevious()
    if previous is not None and _local(previous.tag) in ("testcase", "testsuite"):
        parent = element.getparent()
        if parent is not None:
            parent.remove(previous)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


def _text(element: etree._Element) -> str:
    text = "".join(element.itertext())
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "\n… (truncated)"


def _message(element: etree._Element, details: str) -> str:
    message = element.get("message") or ""
    if not message:
        first = next((line.strip() for line in details.splitlines() if line.strip()), "")
        message = first or element.get("type") or ""
    return message.strip()[:_MAX_MESSAGE]


def _declared(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _seconds(value: str | None) -> float:
    """Seconds from a ``time`` attribute, tolerating "1,234.5" (grouping) and "0,25" (decimal comma)."""
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        text = value.replace(",", "") if "." in value else value.replace(",", ".")
        try:
            seconds = float(text)
        except ValueError:
            return 0.0
    return seconds if seconds > 0 and seconds != float("inf") else 0.0


def _syntax_reason(exc: etree.XMLSyntaxError) -> str:
    message = (exc.msg or str(exc)).split(", line ")[0].splitlines()[0]
    if "premature end" in message.lower() or "EndTag" in message or "not finished" in message.lower():
        return f"truncated or malformed XML: {message}"
    if "encoding" in message.lower() or "utf-8" in message.lower():
        return f'{message} (declare the file\'s encoding, e.g. <?xml version="1.0" encoding="GBK"?>)'
    return f"malformed XML: {message}"


def parse_junit(path: Path) -> list[TestCase]:
    """Every test case of one file (the pytest runner's own results)."""
    return list(JUnitReader().read(path))


def suite_from_cases(
    cases: Sequence[TestCase], suite: str, kind: str, tool: ToolInfo, notes: Sequence[str] = ()
) -> SuiteResult:
    """A test-case suite: failed if any case failed or errored, metrics from the cases."""
    failed = any(c.status in (CaseStatus.FAILED, CaseStatus.ERROR) for c in cases)
    return SuiteResult(
        name=suite,
        kind=kind,
        status=SuiteStatus.FAILED if failed else SuiteStatus.PASSED,
        tool=tool,
        cases=tuple(cases),
        metrics=case_metrics(cases),
        notes=tuple(notes),
    )


class JUnitImporter:
    """``format: junit`` — JUnit/xUnit XML from any tool; status from the test cases."""

    format: ClassVar[str] = "junit"
    default_kind: ClassVar[str] = "integration"
    metric_names: ClassVar[frozenset[str]] = CASE_METRICS
    default_criteria: ClassVar[tuple[str, ...]] = ("failed + errors == 0",)

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        reader = JUnitReader()
        cases: list[TestCase] = []
        for path in files:
            if path.is_dir():
                raise ImportFormatError(f"{path}:1: is a directory; give JUnit XML files or a glob such as dir/*.xml")
            cases.extend(reader.read(path))
        return suite_from_cases(cases, suite, kind, ToolInfo(name="JUnit XML"), reader.finish())
