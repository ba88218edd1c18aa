"""JUnit/xUnit XML -> TestCases, streaming (an lxml parser target fed 1 MB at a time, no tree), so file
size does not bound memory.

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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from lxml import etree
from pydantic import TypeAdapter

from harness.errors import ImportFormatError
from harness.results.bulk import collector_paused
from harness.results.importers.encoding import ends_mid_character
from harness.results.importers.prologue import check_prologue, declared_encoding
from harness.results.importers.sources import DirectoryContents, collect, examples, xml_roots
from harness.results.messages import message
from harness.results.metrics import CASE_METRICS, case_metrics
from harness.results.model import CaseStatus, Message, SuiteResult, SuiteStatus, TestCase, Text, ToolInfo

_STATUS_TAGS = {"failure": CaseStatus.FAILED, "error": CaseStatus.ERROR, "skipped": CaseStatus.SKIPPED}
_RERUN_TAGS = frozenset({"rerunFailure", "flakyFailure", "rerunError", "flakyError"})
_SKIPPED_STATUS = frozenset({"skipped", "skip", "notrun", "disabled", "ignored"})
_RANK = {CaseStatus.PASSED: 0, CaseStatus.SKIPPED: 1, CaseStatus.FAILED: 2, CaseStatus.ERROR: 3}
_ROOTS = ("testsuites", "testsuite")
_MAX_TEXT = 64 * 1024  # failure details and captured output are kept up to this size per case
_MAX_MESSAGE = 2000
_NOTE_EXAMPLES = 3
_INFINITY = float("inf")

_CASES = TypeAdapter(list[TestCase])


_CHUNK = 1 << 20  # bytes fed to the parser at a time
_TEXT_TAGS = frozenset({"failure", "error", "skipped", "system-out", "system-err", "stdout", "stderr", "property"})


@dataclass
class _Suite:
    """An open ``<testsuite>``: its cases not yet yielded and its own output and properties."""

    name: str
    declared: int | None
    counted: int = 0
    pending: list[dict[str, object]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    properties: dict[str, str] = field(default_factory=dict)


class _Text:
    """Character data of one element, kept up to the per-case limit."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, data: str) -> None:
        if self.size < _MAX_TEXT:
            self.parts.append(data)
        self.size += len(data)

    def value(self) -> str:
        text = "".join(self.parts)
        return text if self.size <= _MAX_TEXT else text[:_MAX_TEXT] + "\n… (truncated)"


class _Target:
    """lxml parser target: builds case dicts from start/end/data events without building a tree, so
    memory holds only the current case and the cases of the open suite."""

    def __init__(self, reader: JUnitReader) -> None:
        self.reader = reader
        self.stack: list[str] = []  # local names of the open elements
        self.suites: list[_Suite] = []
        self.outside: list[dict[str, object]] = []  # cases not inside any testsuite
        self.ready: list[dict[str, object]] = []  # cases whose suite is complete, in file order
        self.case: dict[str, object] | None = None
        self.stdout: list[str] | None = None  # the current case's output, once it has some
        self.stderr: list[str] | None = None
        self.problem: tuple[CaseStatus, dict[str, str]] | None = None
        self.reruns = 0
        self.text: _Text | None = None
        self.text_attrib: dict[str, str] = {}
        self.skip_depth = 0  # > 0 inside a rerun element, whose output is not the case's
        self.nested = False  # an element inside the root was seen
        self.wrong_root = ""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.rpartition("}")[2] if tag[0] == "{" else tag
        stack = self.stack
        if not stack:
            if name not in _ROOTS:
                self.wrong_root = name  # only when the prologue check could not see the root (64 KB of comments)
        elif not self.nested:
            self.nested = True
        stack.append(name)
        if self.skip_depth:
            self.skip_depth += 1
        elif name == "testcase":
            self.case = self.reader._case(attrib, self.suites[-1].name if self.suites else "")
        elif name == "testsuite":
            if self.suites and self.suites[-1].pending:  # keep file order across nested suites
                self.ready.extend(self.suites[-1].pending)
                self.suites[-1].pending.clear()
            self.suites.append(_Suite(attrib.get("name", ""), _declared(attrib.get("tests"))))
        elif name in _RERUN_TAGS and len(stack) > 1 and stack[-2] == "testcase":
            self.reruns += 1
            self.skip_depth = 1
        elif name in _TEXT_TAGS and len(stack) > 1 and stack[-2] in ("testcase", "testsuite", "properties"):
            self.text = _Text()
            self.text_attrib = dict(attrib)

    def end(self, tag: str) -> None:
        name = self.stack.pop()
        if self.skip_depth:
            self.skip_depth -= 1
        elif name == "testcase":
            self._end_case()
        elif name == "testsuite":
            self._end_suite()
        elif self.text is not None and name in _TEXT_TAGS:
            self._end_text(name, self.stack[-1] if self.stack else "")

    def data(self, data: str) -> None:
        if self.text is not None and not self.skip_depth:
            self.text.add(data)

    def close(self) -> None:
        if self.outside:
            self.ready.extend(self.outside)
            self.outside = []

    def _end_text(self, name: str, parent: str) -> None:
        assert self.text is not None
        text, attrib, self.text = self.text.value(), self.text_attrib, None
        grandparent = self.stack[-2] if len(self.stack) > 1 else ""
        if name == "property":
            owner = grandparent
            if attrib.get("name"):
                properties = self._properties(owner)
                if properties is not None:
                    properties[attrib["name"]] = attrib.get("value") or text
        elif parent == "testcase" and self.case is not None:
            if name in _STATUS_TAGS:
                status = _STATUS_TAGS[name]
                if self.problem is None or _RANK[status] > _RANK[self.problem[0]]:
                    self.problem = (
                        status,
                        {"text": text, "message": attrib.get("message", ""), "type": attrib.get("type", "")},
                    )
            elif name in ("system-out", "stdout") and text:
                if self.stdout is None:
                    self.stdout = []
                self.stdout.append(text)
            elif name in ("system-err", "stderr") and text:
                if self.stderr is None:
                    self.stderr = []
                self.stderr.append(text)
        elif parent == "testsuite" and self.suites:
            if name == "system-out":
                self.suites[-1].stdout = text
            elif name == "system-err":
                self.suites[-1].stderr = text

    def _properties(self, owner: str) -> dict[str, str] | None:
        if owner == "testcase" and self.case is not None:
            return self.case.setdefault("properties", {})  # type: ignore[return-value]
        if owner == "testsuite" and self.suites:
            return self.suites[-1].properties
        return None

    def _end_case(self) -> None:
        case, self.case = self.case, None
        if case is not None:
            if self.problem is not None or self.reruns or self.stdout or self.stderr:
                self._give_outcome(case)
            suites = self.suites
            if suites:
                suites[-1].pending.append(case)
                suites[-1].counted += 1
            else:
                self.outside.append(case)
        self.stdout = self.stderr = self.problem = None  # the next case starts without any
        self.reruns = 0

    def _give_outcome(self, case: dict[str, object]) -> None:
        """The case's failure, error or skip (the worst one), rerun count and output."""
        if self.problem is not None:
            status, problem = self.problem
            case["status"] = status
            details = problem["text"]
            case["message"] = _message(problem["message"], details, problem["type"])
            if details:
                case["details"] = details
        elif self.reruns:
            case.setdefault("properties", {})["flaky"] = f"passed after {self.reruns} failed attempt(s)"  # type: ignore[index]
        if self.stdout:
            case["stdout"] = "\n".join(self.stdout)
        if self.stderr:
            case["stderr"] = "\n".join(self.stderr)

    def _end_suite(self) -> None:
        suite = self.suites.pop()
        _inherit(suite)
        self.ready.extend(suite.pending)
        self.reader._check_count(suite.name, suite.declared, suite.counted)
        if self.suites:
            self.suites[-1].counted += suite.counted


@dataclass
class JUnitReader:
    """Reads JUnit XML files into TestCases; ``notes`` collects what a reader of the report should know.

    One reader per suite: duplicate ids are detected across all files it reads.
    """

    notes: list[Message] = field(default_factory=list)
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
        root = check_prologue(path, _ROOTS, "JUnit XML")
        target = _Target(self)
        parser = etree.XMLParser(
            target=target,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,  # long captured output is legitimate; bombs are refused by check_prologue
            remove_comments=True,
            remove_pis=True,
        )
        try:
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(_CHUNK), b""):
                    parser.feed(chunk)
                    if target.wrong_root:
                        raise ImportFormatError(
                            f"{path}:1: root element <{target.wrong_root}> is not JUnit XML "
                            "(expected <testsuites> or <testsuite>)"
                        )
                    if target.ready:
                        yield from self._validated(target)
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise ImportFormatError(f"{path}:{exc.lineno or 1}: {_syntax_reason(exc, path)}") from None
        except LookupError as exc:  # an encoding Python and libxml2 do not know
            raise ImportFormatError(f"{path}:1: {exc}") from None
        yield from self._validated(target)
        if not target.nested and root.name == "testsuite":
            self.notes.append(message("note.junit.empty_suite", file=path.name))

    def _validated(self, target: _Target) -> list[TestCase]:
        batch, target.ready = target.ready, []
        return _CASES.validate_python(batch) if batch else []  # one call per batch: cheaper than per case

    def finish(self) -> list[Message]:
        """The notes of everything read so far (declared-count mismatches, renamed duplicates)."""
        notes = list(self.notes)
        if self._mismatches:
            notes.append(
                message(
                    "note.junit.count_mismatch", count=len(self._mismatches), examples=examples(self._mismatches, "; ")
                )
            )
        if self._duplicates:
            notes.append(
                message("note.junit.duplicates", count=len(self._duplicates), examples=examples(self._duplicates))
            )
        return notes

    def _check_count(self, name: str, declared: int | None, counted: int) -> None:
        if declared is not None and declared != counted:
            self._mismatches.append(f"{name or '(unnamed)'!r}: tests={declared} ≠ {counted}")

    def _case(self, attrib: dict[str, str], suite_name: str) -> dict[str, object] | None:
        """One case's fields from its attributes, None for a case that names nothing (pytest writes a bare
        ``<testcase/>`` for the test a Ctrl-C interrupted). The hot path of a 100k-case import, so written
        flat: the attributes most tools write are read first, the rarer ones only when there are more."""
        get = attrib.get
        strings = self._strings
        given_name = get("name")
        given_classname = get("classname")
        time = get("time")
        found = (given_name is not None) + (given_classname is not None) + (time is not None)
        extra = len(attrib) > found  # class=, file=, line=, status= (or anything else)
        classname = given_classname or (get("class") if extra else None)
        if not (given_name or classname):
            return None
        name = given_name or "(unnamed)"
        classname = classname or suite_name
        classname = strings.setdefault(classname, classname)  # 100k cases share a handful of class names
        case: dict[str, object] = {"name": name, "classname": classname, "status": CaseStatus.PASSED}
        if time:
            try:
                duration = float(time)
            except ValueError:
                duration = _seconds(time)
            if 0 < duration < _INFINITY:  # neither negative, nan nor inf
                case["duration"] = duration
        if extra:
            source_file = get("file")
            if source_file:
                case["file"] = strings.setdefault(source_file, source_file)
            status = get("status")
            if status and status.lower() in _SKIPPED_STATUS:
                case["status"] = CaseStatus.SKIPPED
            line = get("line")
            if line:
                case["properties"] = {"line": line}
        base = f"{classname}::{name}" if classname else name
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        if count == 1:
            case["id"] = base
        else:
            if count == 2:
                self._duplicates.append(base)
            case["id"] = f"{base}#{count}"  # repeats, also across the files of one suite
        return case


def _inherit(suite: _Suite) -> None:
    """Give a testsuite's own output and properties to its failed/errored cases that have none."""
    if not (suite.stdout or suite.stderr or suite.properties):
        return
    for case in suite.pending:
        if case["status"] not in (CaseStatus.FAILED, CaseStatus.ERROR):
            continue
        if suite.stdout and "stdout" not in case:
            case["stdout"] = suite.stdout
        if suite.stderr and "stderr" not in case:
            case["stderr"] = suite.stderr
        if suite.properties:
            case["properties"] = {**suite.properties, **case.get("properties", {})}  # type: ignore[dict-item]


def _message(message: str, details: str, kind: str) -> str:
    if not message:
        first = next((line.strip() for line in details.splitlines() if line.strip()), "")
        message = first or kind
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


def _syntax_reason(exc: etree.XMLSyntaxError, path: Path) -> str:
    message = (exc.msg or str(exc)).split(", line ")[0].splitlines()[0]
    if "premature end" in message.lower() or "EndTag" in message or "not finished" in message.lower():
        return f"truncated or malformed XML: {message}"
    if "encoding" in message.lower() or "utf-8" in message.lower():
        declared = declared_encoding(path)
        if ends_mid_character(path, declared or "utf-8"):
            return (
                f"truncated: the file ends in the middle of a {(declared or 'UTF-8').upper()} character "
                "(it was cut off while being written or copied)"
            )
        if declared:
            return f"{message}: the file declares {declared} but holds bytes that are not valid {declared} (damaged?)"
        return f'{message} (declare the file\'s encoding, e.g. <?xml version="1.0" encoding="GBK"?>)'
    return f"malformed XML: {message}"


def parse_junit(path: Path) -> list[TestCase]:
    """Every test case of one file (the pytest runner's own results)."""
    with collector_paused():
        return list(JUnitReader().read(path))


def suite_from_cases(
    cases: Sequence[TestCase], suite: str, kind: str, tool: ToolInfo, notes: Sequence[Text] = ()
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

    contents: ClassVar[DirectoryContents] = DirectoryContents(("*.xml",), xml_roots(*_ROOTS))

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        paths, notes = collect(files, self.contents, "JUnit XML")
        reader = JUnitReader()
        cases: list[TestCase] = []
        with collector_paused():
            for path in paths:
                cases.extend(reader.read(path))
        return suite_from_cases(cases, suite, kind, ToolInfo(name="JUnit XML"), [*notes, *reader.finish()])
