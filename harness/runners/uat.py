"""``kind: uat`` — user acceptance testing: a checklist, the results business staff recorded for it
(``harness uat record`` / ``harness uat import``) and, for cases that have one, an automated pytest check
run against the target.

A case's outcome:
- the recorded result (pass / fail / blocked), if it was recorded against the case's current text;
- a failing automated check turns a recorded pass into a failure (the two disagree);
- an ``automated: true`` case takes its outcome from the check alone;
- without a (current) result the case is pending;
- evidence that is missing or changed since it was recorded makes the result invalid.

The checklist, the results file and every evidence file are copied into ``raw/<suite>/``, so the run
directory and the signed report carry them, hashed in the manifest.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel

from harness.criteria.defaults import DEFAULTS
from harness.errors import HarnessError, ProfileError, RunnerSetupError
from harness.files import sha256_file
from harness.progress import QuietProgress
from harness.results.messages import message
from harness.results.metrics import CASE_METRICS, case_metrics
from harness.results.model import CaseStatus, SuiteResult, SuiteStatus, TestCase, Text, ToolInfo
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.pytest import PytestOptions, PytestRunner
from harness.uat.checklist import Checklist, ChecklistCase, load_checklist
from harness.uat.results import UatRecord, UatStatus, load_results
from harness.uat.suite import UatOptions, UatPaths


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    BLOCKED = "blocked"
    PENDING = "pending"
    INVALID = "invalid"  # recorded, but its evidence is missing or changed


_CASE_STATUS = {
    Outcome.PASSED: CaseStatus.PASSED,
    Outcome.FAILED: CaseStatus.FAILED,
    Outcome.BLOCKED: CaseStatus.ERROR,
    Outcome.PENDING: CaseStatus.SKIPPED,
    Outcome.INVALID: CaseStatus.ERROR,
}
_RECORDED = {UatStatus.PASS: Outcome.PASSED, UatStatus.FAIL: Outcome.FAILED, UatStatus.BLOCKED: Outcome.BLOCKED}

UAT_METRICS: frozenset[str] = frozenset(
    {f"uat.{o.value}" for o in Outcome} | {"uat.total", "uat.pass_rate", "uat.checks", "uat.checks_failed"}
)


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    message: str


class UatRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = UatOptions
    default_criteria: ClassVar[tuple[str, ...]] = DEFAULTS["uat"]

    def needs_target(self, options: BaseModel) -> bool:
        assert isinstance(options, UatOptions)
        return options.run_checks

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return CASE_METRICS | UAT_METRICS

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """``harness validate``: a checklist or results file the run could not read, and automated checks
        whose test file is missing (a missing checklist is reported by its PathSpec)."""
        assert isinstance(options, UatOptions)
        paths = UatPaths.from_options("", options, context.base_dir)
        if not paths.checklist.is_file():
            return []
        try:
            checklist = load_checklist(paths.checklist)
            load_results(paths.results)
        except HarnessError as exc:
            issues = exc.issues if isinstance(exc, ProfileError) else [exc]
            return [(("checklist",), f"the checklist cannot be used: {issue}") for issue in issues]
        found: list[OptionIssue] = []
        for case in checklist.cases:
            test_file = paths.checklist.parent / case.check.split("::", 1)[0] if case.check else None
            if test_file is not None and not test_file.exists() and (options.run_checks or case.automated):
                found.append(
                    (("checklist",), f"case {case.id} of {paths.checklist}: automated check file not found: {test_file}")
                )
        return found

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(UatOptions)
        paths = UatPaths.from_options(suite.name, options, ctx.base_dir)
        try:
            checklist = load_checklist(paths.checklist)
            results = load_results(paths.results)
        except HarnessError as exc:
            raise RunnerSetupError(message("setup.uat.unusable", detail=str(exc))) from None
        shutil.copyfile(paths.checklist, ctx.raw_dir / paths.checklist.name)
        if paths.results.is_file():
            shutil.copyfile(paths.results, ctx.raw_dir / paths.results.name)
        checks: dict[str, CheckOutcome] = {}
        notes: list[Text] = [
            message(
                "note.uat.checklist", file=paths.checklist.name, name=checklist.checklist, version=checklist.version
            )
        ]
        if options.run_checks:
            checks = self._run_checks(checklist, paths, options, ctx)
        elif any(c.check for c in checklist.cases):
            notes.append(message("note.uat.checks_off"))
        ctx.progress.update(total=len(checklist.cases), completed=0)
        cases: list[TestCase] = []
        outcomes: list[Outcome] = []
        for case in checklist.cases:
            outcome, test_case = self._case(case, checklist, results.results.get(case.id), checks, paths, ctx)
            outcomes.append(outcome)
            cases.append(test_case)
            ctx.progress.update(advance=1, detail=case.id)
        metrics = case_metrics(cases)
        total = len(outcomes)
        metrics.update({f"uat.{o.value}": float(outcomes.count(o)) for o in Outcome})
        metrics["uat.total"] = total
        metrics["uat.pass_rate"] = outcomes.count(Outcome.PASSED) / total
        metrics["uat.checks"] = len(checks)
        metrics["uat.checks_failed"] = sum(1 for c in checks.values() if not c.passed)
        cancelled = ctx.cancel.cancelled and len(checks) < sum(1 for c in checklist.cases if c.check)
        bad = any(o in (Outcome.FAILED, Outcome.BLOCKED, Outcome.INVALID) for o in outcomes)
        status = SuiteStatus.INCOMPLETE if cancelled else (SuiteStatus.FAILED if bad else SuiteStatus.PASSED)
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=ToolInfo(name="UAT checklist", version=checklist.version),
            cases=tuple(cases),
            metrics=metrics,
            notes=tuple(notes),
            error=f"stopped: {ctx.cancel.reason}" if cancelled else "",
        )

    def _run_checks(
        self, checklist: Checklist, paths: UatPaths, options: UatOptions, ctx: RunContext
    ) -> dict[str, CheckOutcome]:
        """One pytest run per automated check, against the target (a failing check is data)."""
        outcomes: dict[str, CheckOutcome] = {}
        runner = PytestRunner("integration")
        for case in checklist.cases:
            if not case.check or ctx.cancel.cancelled:
                continue
            ctx.progress.update(detail=f"check {case.id}")
            raw = ctx.raw_dir / "checks" / case.id
            raw.mkdir(parents=True, exist_ok=True)
            sub = dataclasses.replace(ctx, raw_dir=raw, base_dir=paths.checklist.parent, progress=QuietProgress())
            prepared = PreparedSuite(
                name=f"{ctx.raw_dir.name}-{case.id}",
                kind="integration",
                options=PytestOptions(paths=[case.check], allure=False, needs_target=True),
                timeout=options.check_timeout,
            )
            try:
                result = runner.run(prepared, sub)
            except RunnerSetupError as exc:
                outcomes[case.id] = CheckOutcome(False, f"automated check could not run: {exc}")
                continue
            outcomes[case.id] = _check_outcome(case, result)
        return outcomes

    def _case(
        self,
        case: ChecklistCase,
        checklist: Checklist,
        record: UatRecord | None,
        checks: dict[str, CheckOutcome],
        paths: UatPaths,
        ctx: RunContext,
    ) -> tuple[Outcome, TestCase]:
        properties: dict[str, str] = {}
        reasons: list[str] = []
        if case.check:
            properties["check"] = case.check
        check = checks.get(case.id)
        if check is not None:
            properties["check.outcome"] = "passed" if check.passed else "failed"
        outcome = Outcome.PENDING
        comment = ""
        if record is not None and record.case_fingerprint and record.case_fingerprint != case.fingerprint():
            reasons.append("the case changed after its result was recorded: record it again")
            record = None
        if record is not None:
            outcome = _RECORDED[record.status]
            comment = record.comment
            properties.update(tester=record.tester, date=record.date.isoformat(), recorded=record.source)
            problems = self._evidence(case.id, record, paths, ctx, properties)
            if problems:
                outcome = Outcome.INVALID
                reasons += problems
        if case.automated and check is not None:
            outcome = Outcome.PASSED if check.passed else Outcome.FAILED
        if check is not None and not check.passed:
            reasons.append(check.message)
            if outcome is Outcome.PASSED:
                outcome = Outcome.FAILED
        properties["uat.outcome"] = outcome.value
        message = "; ".join([*reasons, comment] if comment else reasons) or comment
        details = "\n".join(
            [
                *(["Preconditions:", *(f"  • {p}" for p in case.preconditions)] if case.preconditions else []),
                "Steps:",
                *(f"  {i}. {s}" for i, s in enumerate(case.steps, start=1)),
                f"Expected: {case.expected}",
            ]
        )
        return outcome, TestCase(
            id=case.id,
            name=case.title,
            classname=checklist.checklist,
            file=paths.checklist.name,
            status=_CASE_STATUS[outcome],
            message=message[:2000],
            details=details,
            properties=properties,
        )

    @staticmethod
    def _evidence(
        case_id: str, record: UatRecord, paths: UatPaths, ctx: RunContext, properties: dict[str, str]
    ) -> list[str]:
        """Copy each evidence file into raw/ and check its hash; returns what is wrong."""
        problems: list[str] = []
        for index, evidence in enumerate(record.evidence, start=1):
            source = paths.results.parent / evidence.file
            properties[f"evidence.{index}"] = f"{evidence.file} sha256:{evidence.sha256}"
            if not source.is_file():
                problems.append(f"evidence {evidence.file} is missing")
                continue
            target = ctx.raw_dir / "evidence" / case_id / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            if sha256_file(target) != evidence.sha256:
                problems.append(f"evidence {evidence.file} changed since it was recorded (sha256 differs)")
        return problems


def _check_outcome(case: ChecklistCase, result: SuiteResult) -> CheckOutcome:
    if result.status is SuiteStatus.PASSED:
        return CheckOutcome(True, "")
    if result.error:
        return CheckOutcome(False, f"automated check {case.check} did not run: {result.error.splitlines()[0]}")
    bad = next((c for c in result.cases if c.status in (CaseStatus.FAILED, CaseStatus.ERROR)), None)
    detail = f"{bad.name}: {bad.message}" if bad else result.status.value
    return CheckOutcome(False, f"automated check {case.check} failed ({detail})")
