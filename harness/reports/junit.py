"""``junit.xml`` for CI: one <testsuite> per suite, plus the acceptance criteria as a suite of their own,
so any CI that shows JUnit shows why the gate failed.

- Every test case keeps its status, message and details; failed and errored cases keep their output.
- Security findings whose rule action is FAIL are failed test cases of their suite (one per finding,
  classname ``<suite>.findings``), with risk, CWE, the affected URLs and the solution.
- A suite that could not run is one errored test case, so CI does not show it green; a suite cut short is
  one errored case saying how (and its other results stay).
- A suite that is ``failed`` only because a blocking criterion failed (a load test over its p95) gets one
  failed case naming those criteria, so no suite shows green in CI where the report says failed.

The output validates against tests/data/schemas/junit.xsd (the Jenkins/Ant JUnit format that GitHub,
GitLab and Jenkins read).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from lxml import etree

from harness.gates.verdict import suite_stop
from harness.results.model import (
    CaseStatus,
    CriterionAction,
    CriterionOutcome,
    CriterionResult,
    Finding,
    RuleAction,
    RunResult,
    SuiteResult,
    SuiteStatus,
)
from harness.results.rundir import RunDirectory, write_atomic

CRITERIA_SUITE = "acceptance-criteria"
_MAX_OUTPUT = 16 * 1024  # captured output per failed case; the full text is in run.json
_MAX_INSTANCES = 20


def _clean(value: str) -> str:
    """Text XML 1.0 can carry: control characters (ANSI colours, NULs in captured output) are dropped."""
    return "".join(ch for ch in value if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))


def _finding_case(parent: etree._Element, suite: SuiteResult, finding: Finding) -> None:
    case = etree.SubElement(
        parent,
        "testcase",
        classname=f"{suite.name}.findings",
        name=_clean(f"[{finding.risk.value}] {finding.rule_id} {finding.name}"),
    )
    count = len(finding.instances)
    message = (
        f"{finding.risk.value} risk: {finding.name} ({count} instance{'s' if count != 1 else ''}; rule action FAIL)"
    )
    lines = [finding.description.strip()]
    if finding.cwe:
        lines.append(f"CWE-{finding.cwe}")
    lines += [f"{i.method} {i.url} {i.param}".strip() for i in finding.instances[:_MAX_INSTANCES]]
    if count > _MAX_INSTANCES:
        lines.append(f"… and {count - _MAX_INSTANCES} more instances")
    if finding.solution:
        lines.append(f"Solution: {finding.solution.strip()}")
    etree.SubElement(case, "failure", message=_clean(message), type="security-finding").text = _clean(
        "\n".join(line for line in lines if line)
    )


def _suite_element(parent: etree._Element, suite: SuiteResult, criteria: list[CriterionResult]) -> None:
    cases = suite.cases
    element = etree.SubElement(parent, "testsuite", name=suite.name)
    measured = sorted(name for name in suite.metrics if name.startswith("sli."))  # a monitoring suite's SLIs
    if measured:
        properties = etree.SubElement(element, "properties")
        for name in measured:
            etree.SubElement(properties, "property", name=name, value=f"{suite.metrics[name]:.6g}")
    counts = {status: sum(1 for c in cases if c.status is status) for status in CaseStatus}
    if suite.status is SuiteStatus.ERROR:
        # A suite that could not run shows as one errored case, so CI does not report it as green.
        case = etree.SubElement(element, "testcase", classname=suite.name, name=f"{suite.name} (error)")
        etree.SubElement(
            case, "error", message=_clean((suite.error.splitlines() or [suite.status.value])[0])
        ).text = _clean(suite.error)
        counts[CaseStatus.ERROR] += 1
    elif suite.status is SuiteStatus.INCOMPLETE or suite.stopped is not None:
        case = etree.SubElement(element, "testcase", classname=suite.name, name=f"{suite.name} (stopped early)")
        story = str(suite_stop(suite))
        etree.SubElement(case, "error", message=_clean(story), type="stopped-early").text = _clean(
            "\n".join(part for part in (story, suite.error) if part)
        )
        counts[CaseStatus.ERROR] += 1
    for test in cases:
        case = etree.SubElement(
            element,
            "testcase",
            classname=_clean(test.classname or suite.name),
            name=_clean(test.name),
            time=f"{test.duration:.3f}",
        )
        if test.file:
            case.set("file", test.file)
        if test.status in (CaseStatus.FAILED, CaseStatus.ERROR):
            tag = "failure" if test.status is CaseStatus.FAILED else "error"
            etree.SubElement(case, tag, message=_clean(test.message[:1000])).text = _clean(test.details)
            for name, output in (("system-out", test.stdout), ("system-err", test.stderr)):
                if output:
                    etree.SubElement(case, name).text = _clean(output[:_MAX_OUTPUT])
        elif test.status is CaseStatus.SKIPPED:
            etree.SubElement(case, "skipped", message=_clean(test.message[:1000]))
    for finding in suite.findings:
        if finding.action is RuleAction.FAIL:
            _finding_case(element, suite, finding)
            counts[CaseStatus.FAILED] += 1
    blocking = [c for c in criteria if c.outcome is CriterionOutcome.FAILED and c.action is not CriterionAction.WARN]
    if suite.status is SuiteStatus.FAILED and not (counts[CaseStatus.FAILED] or counts[CaseStatus.ERROR]):
        _failed_without_cases(element, suite, blocking)
        counts[CaseStatus.FAILED] += 1
    element.set("tests", str(sum(counts.values())))  # cases + FAIL findings + a could-not-run case
    element.set("failures", str(counts[CaseStatus.FAILED]))
    element.set("errors", str(counts[CaseStatus.ERROR]))
    element.set("skipped", str(counts[CaseStatus.SKIPPED]))
    element.set("time", f"{suite.metrics.get('duration', 0.0):.3f}")
    if suite.started:
        element.set("timestamp", suite.started.replace(tzinfo=None).isoformat(timespec="seconds"))


def _failed_without_cases(element: etree._Element, suite: SuiteResult, blocking: list[CriterionResult]) -> None:
    """A failed suite without failed cases (a load test over its p95, failed requests its criteria accept)
    gets one failed case saying why, so CI never shows it green."""
    if blocking:
        name, message = (
            f"{suite.name} (acceptance criteria)",
            f"failed criteria: {'; '.join(c.expression for c in blocking)}",
        )
        lines = [f"{c.expression}: measured {c.measured_text or '—'}" for c in blocking]
        kind = "acceptance-criteria"
    else:
        failures, requests = int(suite.metrics.get("failures", 0)), int(suite.metrics.get("requests", 0))
        name, message = f"{suite.name} (failures)", f"{failures} of {requests} requests failed"
        lines = [message + "; the suite's acceptance criteria accept this (see the acceptance-criteria suite)"]
        kind = "tolerated-failures"
    case = etree.SubElement(element, "testcase", classname=suite.name, name=name)
    etree.SubElement(case, "failure", message=_clean(message), type=kind).text = _clean("\n".join(lines))


def _criteria_element(parent: etree._Element, run: RunResult) -> None:
    element = etree.SubElement(parent, "testsuite", name=CRITERIA_SUITE)
    failures = errors = 0
    for criterion in run.criteria:
        case = etree.SubElement(
            element, "testcase", classname=f"{CRITERIA_SUITE}.{criterion.suite}", name=criterion.expression
        )
        detail = f"expected {criterion.expression}; measured {criterion.measured_text or '—'}"
        if criterion.partial:
            detail += " (on partial results: the suite was cut short)"
        note = str(criterion.message)
        if criterion.outcome is CriterionOutcome.FAILED:
            failures += 1
            etree.SubElement(case, "failure", message=detail).text = note or detail
        elif criterion.outcome is CriterionOutcome.ERROR:
            errors += 1
            etree.SubElement(case, "error", message=_clean(note or "not evaluated")).text = _clean(f"{detail}\n{note}")
        elif criterion.outcome is CriterionOutcome.WARNED:
            etree.SubElement(case, "system-out").text = f"warning: {detail}"
    element.set("tests", str(len(run.criteria)))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    element.set("skipped", "0")


def render_junit(run: RunResult) -> bytes:
    root = etree.Element("testsuites", name=run.run_id)
    for suite in run.suites:
        if suite.status is not SuiteStatus.SKIPPED:
            _suite_element(root, suite, [c for c in run.criteria if c.suite == suite.name])
    _criteria_element(root, run)
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in root)))
    rendered: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return rendered


class JUnitExporter:
    name: ClassVar[str] = "junit"
    needs_manifest: ClassVar[bool] = False

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        path = rundir.path / "junit.xml"
        write_atomic(path, render_junit(run))
        return [path]
