"""``allure-results/``: every suite of the run as Allure results, built with allure-python-commons' model.

- pytest suites that produced their own allure-results (raw/<suite>/allure-results) contribute those
  files as they are: they carry the steps and attachments allure-pytest recorded.
- Other test-case suites (imports, UAT): one result per case, with its output attached.
- Suites without cases (performance, security): a summary result carrying the suite's metrics as
  parameters, one step per endpoint, and the suite's raw artifacts (Locust CSV/HTML, ZAP reports) as
  attachments; security findings are one result each, failed when their rule action is FAIL.
- The acceptance criteria are a suite of their own, as in junit.xml.

``harness report`` regenerates the directory from run.json (it is cleared first).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from allure_commons.model2 import (
    Attachment,
    Label,
    Parameter,
    Status,
    StatusDetails,
    TestResult,
    TestStepResult,
)
from attr import asdict

from harness.gates.verdict import suite_stop
from harness.results.metrics import format_metric
from harness.results.model import (
    Artifact,
    CaseStatus,
    CriterionOutcome,
    Finding,
    RuleAction,
    RunResult,
    SuiteResult,
    SuiteStatus,
    TestCase,
)
from harness.results.rundir import RunDirectory

DIRECTORY = "allure-results"
CRITERIA_SUITE = "acceptance-criteria"
MAX_RESULTS_PER_SUITE = 10_000  # beyond this, passed cases are counted in one summary result
MAX_ATTACHMENT = 20 * 1024 * 1024
_CASE_STATUS = {
    CaseStatus.PASSED: Status.PASSED,
    CaseStatus.FAILED: Status.FAILED,
    CaseStatus.ERROR: Status.BROKEN,
    CaseStatus.SKIPPED: Status.SKIPPED,
}
_SEVERITY = {"critical": "blocker", "high": "critical", "medium": "normal", "low": "minor", "info": "trivial"}


class _ResultFiles:
    """Writes results and attachments into ``allure-results/`` in the layout of allure-python-commons'
    ``AllureFileLogger`` (``<random uuid>-result.json``, the fields that are set, attachments beside them).

    The library's logger streams every result through json's pure-Python encoder into a temporary file,
    then renames it: with one result per test case, that was most of what a run added per test. Here a
    result is encoded by json's C encoder and written at once; no temporary file is needed, since the
    directory is the run's own and is read only once the run has ended.
    """

    def __init__(self, directory: Path) -> None:
        shutil.rmtree(directory, ignore_errors=True)  # `harness report` regenerates it from run.json
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory

    def report_result(self, result: TestResult) -> None:
        fields = asdict(result, filter=lambda _, value: value or value is False)
        name = result.file_pattern.format(prefix=uuid.uuid4())
        (self.directory / name).write_bytes(json.dumps(fields, ensure_ascii=False).encode())

    def report_attached_data(self, body: str, file_name: str) -> None:
        (self.directory / file_name).write_bytes(body.encode())

    def report_attached_file(self, source: Path, file_name: str) -> None:
        shutil.copy2(source, self.directory / file_name)


def _millis(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


class _Writer:
    """Builds results for one run with stable uuids (re-exporting the same run gives the same results)."""

    def __init__(self, run: RunResult, rundir: RunDirectory, logger: _ResultFiles) -> None:
        self.run = run
        self.rundir = rundir
        self.logger = logger

    def uuid(self, *parts: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join((self.run.run_id, *parts))))

    def result(self, suite: str, key: str, name: str, status: str, **fields: object) -> TestResult:
        labels = [
            Label(name="parentSuite", value=self.run.project.name),
            Label(name="suite", value=suite),
            *fields.pop("labels", []),  # type: ignore[misc]
        ]
        return TestResult(
            uuid=self.uuid(suite, key),
            historyId=hashlib.md5(f"{suite}/{key}".encode(), usedforsecurity=False).hexdigest(),
            testCaseId=hashlib.md5(f"{suite}/{key}".encode(), usedforsecurity=False).hexdigest(),
            fullName=f"{suite}.{key}",
            name=name,
            status=status,
            labels=labels,
            **fields,
        )

    def attach_text(self, owner: str, name: str, body: str) -> Attachment:
        source = f"{self.uuid(owner, 'text', name)}-attachment.txt"
        self.logger.report_attached_data(body=body, file_name=source)
        return Attachment(name=name, source=source, type="text/plain")

    def attach_artifact(self, owner: str, artifact: Artifact) -> Attachment | None:
        path = self.rundir.path / artifact.path
        if not path.is_file() or artifact.size > MAX_ATTACHMENT:
            return None
        suffix = path.suffix or ".bin"
        source = f"{self.uuid(owner, 'file', artifact.path)}-attachment{suffix}"
        self.logger.report_attached_file(source=path, file_name=source)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Attachment(name=artifact.path.split("/", 2)[-1], source=source, type=kind)

    # --- suites -------------------------------------------------------------------------------------

    def suite(self, suite: SuiteResult) -> int:
        native = self.rundir.path / "raw" / suite.name / "allure-results"
        if native.is_dir() and any(native.glob("*-result.json")):
            return self._native(native)
        written = 0
        if suite.status in (SuiteStatus.ERROR, SuiteStatus.INCOMPLETE) or suite.stopped is not None:
            cut_short = suite.status is not SuiteStatus.ERROR
            first = suite.error.splitlines()[0] if suite.error else suite.status.value
            self.logger.report_result(
                self.result(
                    suite.name,
                    "(suite)",
                    f"{suite.name} ({'stopped early' if cut_short else suite.status.value})",
                    Status.BROKEN,
                    statusDetails=StatusDetails(
                        message=str(suite_stop(suite)) if cut_short else first, trace=suite.error
                    ),
                    start=_millis(suite.started),
                    stop=_millis(suite.finished),
                )
            )
            written += 1
        if suite.cases:
            written += self._cases(suite)
        else:
            written += self._summary(suite)
        for finding in suite.findings:
            if finding.action is not RuleAction.IGNORE:
                self.logger.report_result(self._finding(suite, finding))
                written += 1
        return written

    def _native(self, directory: Path) -> int:
        """allure-pytest's own results, hard-linked into allure-results/ (copied across file systems).

        Thousands of per-test files would otherwise be copied a second time: the links cost nothing and
        the files are never written again, so the two names can safely share their content.
        """
        target = self.rundir.path / DIRECTORY
        count = 0
        for path in sorted(directory.iterdir()):
            if path.is_file():
                try:
                    os.link(path, target / path.name)
                except OSError:
                    self.logger.report_attached_file(source=path, file_name=path.name)
                count += path.name.endswith("-result.json")
        return count

    def _cases(self, suite: SuiteResult) -> int:
        chosen, omitted = _select(suite.cases)
        start = _millis(suite.started) or 0
        for case in chosen:
            attachments = [
                self.attach_text(f"{suite.name}/{case.id}", name, body)
                for name, body in (("stdout", case.stdout), ("stderr", case.stderr))
                if body
            ]
            evidence = f"raw/{suite.name}/evidence/{case.id}/"  # UAT evidence, kept per case by the uat runner
            attachments += [
                a
                for a in (
                    self.attach_artifact(case.id, art) for art in suite.artifacts if art.path.startswith(evidence)
                )
                if a
            ]
            labels = [Label(name="subSuite", value=case.classname)] if case.classname else []
            labels.append(Label(name="feature", value=suite.kind))
            self.logger.report_result(
                self.result(
                    suite.name,
                    case.id,
                    case.name,
                    _CASE_STATUS[case.status],
                    statusDetails=StatusDetails(message=case.message, trace=case.details)
                    if case.message or case.details
                    else None,
                    parameters=[Parameter(name=k, value=v) for k, v in sorted(case.properties.items())],
                    attachments=attachments,
                    labels=labels,
                    start=start,
                    stop=start + int(case.duration * 1000),
                )
            )
        if omitted:
            self.logger.report_result(
                self.result(
                    suite.name,
                    "(more passed cases)",
                    f"{omitted} more passed cases (listed in junit.xml and run.json)",
                    Status.PASSED,
                    start=start,
                    stop=start,
                )
            )
        return len(chosen) + bool(omitted)

    def _summary(self, suite: SuiteResult) -> int:
        criteria = [c for c in self.run.criteria if c.suite == suite.name]
        status = Status.PASSED
        if any(c.outcome is CriterionOutcome.FAILED for c in criteria):
            status = Status.FAILED
        elif suite.status in (SuiteStatus.ERROR, SuiteStatus.INCOMPLETE):
            return 0  # the broken result above already says it
        steps = [
            TestStepResult(
                name=endpoint.name,
                status=Status.PASSED,
                parameters=[Parameter(name=k, value=format_metric(k, v)) for k, v in endpoint.metrics.items()],
            )
            for endpoint in suite.endpoints
        ]
        attachments = [a for a in (self.attach_artifact(suite.name, art) for art in suite.artifacts) if a]
        failed = [
            f"{c.expression} (measured {c.measured_text or '—'})"
            for c in criteria
            if c.outcome is CriterionOutcome.FAILED
        ]
        self.logger.report_result(
            self.result(
                suite.name,
                "(summary)",
                f"{suite.name}: {suite.kind} summary",
                status,
                statusDetails=StatusDetails(message="; ".join(failed)) if failed else None,
                parameters=[Parameter(name=k, value=format_metric(k, v)) for k, v in suite.metrics.items()],
                steps=steps,
                attachments=attachments,
                labels=[Label(name="feature", value=suite.kind)],
                start=_millis(suite.started),
                stop=_millis(suite.finished),
            )
        )
        return 1

    def _finding(self, suite: SuiteResult, finding: Finding) -> TestResult:
        instances = "\n".join(f"{i.method} {i.url} {i.param}".strip() for i in finding.instances)
        message = f"{finding.risk.value} risk, rule action {finding.action.value}"
        return self.result(
            suite.name,
            f"finding/{finding.fingerprint or finding.rule_id}/{finding.name}",
            f"[{finding.risk.value}] {finding.rule_id} {finding.name}",
            Status.FAILED if finding.action is RuleAction.FAIL else Status.PASSED,
            description=finding.description,
            statusDetails=StatusDetails(
                message=message, trace="\n\n".join(p for p in (instances, finding.solution) if p)
            ),
            labels=[
                Label(name="subSuite", value="findings"),
                Label(name="severity", value=_SEVERITY.get(finding.risk.value, "normal")),
                Label(name="tag", value=f"action:{finding.action.value}"),
                *([Label(name="tag", value=f"CWE-{finding.cwe}")] if finding.cwe else []),
            ],
            start=_millis(suite.started),
            stop=_millis(suite.finished),
        )

    def criteria(self) -> int:
        start = _millis(self.run.finished or self.run.started)
        for index, criterion in enumerate(self.run.criteria):
            status = {
                CriterionOutcome.PASSED: Status.PASSED,
                CriterionOutcome.WARNED: Status.PASSED,
                CriterionOutcome.FAILED: Status.FAILED,
                CriterionOutcome.ERROR: Status.BROKEN,
            }[criterion.outcome]
            detail = f"expected {criterion.expression}; measured {criterion.measured_text or '—'}"
            if criterion.message:
                detail += f"; {criterion.message}"
            if criterion.partial:
                detail += "; judged on partial results (the suite was cut short)"
            self.logger.report_result(
                self.result(
                    CRITERIA_SUITE,
                    f"{index}/{criterion.suite}/{criterion.expression}",
                    f"[{criterion.suite}] {criterion.expression}",
                    status,
                    statusDetails=StatusDetails(message=detail),
                    labels=[
                        Label(name="subSuite", value=criterion.suite),
                        Label(name="tag", value=criterion.outcome.value),
                    ],
                    start=start,
                    stop=start,
                )
            )
        return len(self.run.criteria)

    def environment(self) -> None:
        run = self.run
        values = {
            "project": run.project.name,
            "system": run.project.system,
            "version": run.project.version,
            "stage": run.project.stage,
            "target": run.target.base_url,
            "run_id": run.run_id,
            "verdict": run.verdict.value,
        }
        lines = "".join(f"{key}={_escape(value)}\n" for key, value in values.items() if value)
        self.logger.report_attached_data(body=lines, file_name="environment.properties")


def _escape(value: str) -> str:
    """A Java properties value: non-ASCII as \\uXXXX, so any Allure version reads it."""
    return "".join(ch if 32 <= ord(ch) < 127 else f"\\u{ord(ch):04x}" for ch in value.replace("\\", "\\\\"))


def _select(cases: tuple[TestCase, ...]) -> tuple[list[TestCase], int]:
    """Every case, or every non-passed case plus passed ones up to the per-suite limit."""
    if len(cases) <= MAX_RESULTS_PER_SUITE:
        return list(cases), 0
    bad = [c for c in cases if c.status is not CaseStatus.PASSED]
    room = max(MAX_RESULTS_PER_SUITE - len(bad), 0)
    passed = [c for c in cases if c.status is CaseStatus.PASSED]
    return bad + passed[:room], len(passed) - min(room, len(passed))


class AllureExporter:
    name: ClassVar[str] = "allure"
    needs_manifest: ClassVar[bool] = False

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        directory = rundir.path / DIRECTORY
        logger = _ResultFiles(directory)
        writer = _Writer(run, rundir, logger)
        for suite in run.suites:
            if suite.status is not SuiteStatus.SKIPPED:
                writer.suite(suite)
        writer.criteria()
        writer.environment()
        return [directory]
