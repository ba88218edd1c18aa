"""Judge a run against its stage's acceptance standard (pure: a RunResult in, requirements out).

Every requirement is listed with whether it was met and what was found, so the report shows the whole
standard, not only what failed: the verdict PASS, each named suite passed, each kind ran and passed,
each checklist fully recorded as passed, each extra criterion held, and the previous stage closed
(its report linked).
"""

from __future__ import annotations

from harness.criteria import CriterionSyntaxError, parse_criterion
from harness.gates.evaluate import evaluate
from harness.profile.stages import StagePlan, StageSpec, Standard
from harness.results.messages import message
from harness.results.model import (
    ChainLink,
    CriterionOutcome,
    Message,
    RunResult,
    StageRecord,
    StageRequirement,
    SuiteResult,
    SuiteStatus,
    Text,
    Verdict,
)

# the metrics a uat-kind checklist run reports (runners/uat.py)
_RECORDED_PASS, _TOTAL = "uat.passed", "uat.total"


def _verdict(run: RunResult) -> StageRequirement:
    return StageRequirement(
        kind="verdict",
        subject="PASS",
        met=run.verdict is Verdict.PASS,
        detail=message("stage.verdict", verdict=run.verdict.value),
    )


def _passed(run: RunResult, suite: SuiteResult) -> tuple[bool, Message]:
    """Whether ``suite`` passed as the verdict sees it: passed, or failed by its tool (a failed case) but
    judged by criteria of its own that all held (a tolerated failure, e.g. 9 of 10 trainees passed their
    exam against ``uat.pass_rate >= 90%``); never a suite cut short, in error or skipped."""
    if suite.status is SuiteStatus.PASSED:
        return True, message("stage.suite_status", status=suite.status.value)
    own = [c for c in run.criteria if c.suite == suite.name]
    judged = not any(c.outcome in (CriterionOutcome.FAILED, CriterionOutcome.ERROR) for c in own)
    if suite.status is SuiteStatus.FAILED and suite.stopped is None and own and judged:
        return True, message("stage.tolerated")
    return False, message("stage.suite_status", status=suite.status.value)


def _suite(run: RunResult, name: str) -> StageRequirement:
    suite = run.suite(name)
    if suite is None:
        return StageRequirement(kind="suite", subject=name, met=False, detail=message("stage.not_in_run"))
    met, detail = _passed(run, suite)
    return StageRequirement(kind="suite", subject=name, met=met, detail=detail)


def _kind(run: RunResult, kind: str) -> StageRequirement:
    ran = [s for s in run.suites if s.kind == kind and s.status is not SuiteStatus.SKIPPED]
    if not ran:
        return StageRequirement(kind="kind", subject=kind, met=False, detail=message("stage.no_kind", kind=kind))
    failed = [s.name for s in ran if not _passed(run, s)[0]]
    if failed:
        detail = message("stage.kind_not_passed", suites=", ".join(failed))
    else:
        detail = message("stage.kind_passed", suites=", ".join(s.name for s in ran))
    return StageRequirement(kind="kind", subject=kind, met=not failed, detail=detail)


def _checklist(run: RunResult, name: str) -> StageRequirement:
    suite = run.suite(name)
    if suite is None or suite.status is SuiteStatus.SKIPPED:
        return StageRequirement(kind="checklist", subject=name, met=False, detail=message("stage.not_in_run"))
    if suite.kind != "uat":
        return StageRequirement(
            kind="checklist", subject=name, met=False, detail=message("stage.not_a_checklist", kind=suite.kind)
        )
    total = int(suite.metrics.get(_TOTAL, 0))
    passed = int(suite.metrics.get(_RECORDED_PASS, 0))
    met = suite.status is SuiteStatus.PASSED and total > 0 and passed == total
    return StageRequirement(
        kind="checklist",
        subject=name,
        met=met,
        detail=message("stage.checklist_cases", passed=passed, total=total, status=suite.status.value),
    )


def _criterion(run: RunResult, suite_name: str, text: str) -> StageRequirement:
    subject = f"{suite_name}: {text}"
    suite = run.suite(suite_name)
    if suite is None:
        return StageRequirement(kind="criterion", subject=subject, met=False, detail=message("stage.not_in_run"))
    try:
        criterion = parse_criterion(text)
    except CriterionSyntaxError as exc:
        return StageRequirement(
            kind="criterion", subject=subject, met=False, detail=message("stage.not_a_criterion", error=str(exc))
        )
    result = evaluate(criterion, suite)
    measured = result.measured_text or (f"{result.measured:.6g}" if result.measured is not None else "")
    detail: Text = message("stage.measured", measured=measured) if measured else result.message or result.outcome.value
    return StageRequirement(
        kind="criterion", subject=subject, met=result.outcome is CriterionOutcome.PASSED, detail=detail
    )


def requirements(run: RunResult, standard: Standard) -> list[StageRequirement]:
    found = [_verdict(run)]
    found += [_suite(run, name) for name in standard.suites]
    found += [_kind(run, kind) for kind in standard.kinds]
    found += [_checklist(run, name) for name in standard.checklists]
    found += [_criterion(run, c.suite, c.expect) for c in standard.criteria]
    return found


def _previous(previous: StageSpec | None, link: ChainLink | None) -> list[StageRequirement]:
    if previous is None:
        return []
    if link is None:
        return [
            StageRequirement(kind="previous", subject=previous.id, met=False, detail=message("stage.previous_open"))
        ]
    return [StageRequirement(kind="previous", subject=previous.id, met=link.stage == previous.id, detail=link.run_id)]


def stage_record(plan: StagePlan, stage: str, run: RunResult | None, link: ChainLink | None) -> StageRecord:
    """The stage record of a run: with ``run`` None, only its identity and link (the run has not ended)."""
    spec = plan.get(stage) or StageSpec(id=stage)
    previous = plan.previous(stage)
    judged = requirements(run, spec.standard) if run is not None else []
    return StageRecord(
        id=stage,
        names=spec.names(),
        position=plan.position(stage),
        previous_stage=previous.id if previous else "",
        requirements=tuple(judged + _previous(previous, link)),
        previous=link,
    )
