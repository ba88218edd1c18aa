"""A run judged against its stage's standard: every requirement listed, met or not, with what was found."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from harness.profile.stages import StageCriterion, StagePlan, StageSpec, Standard
from harness.results.model import (
    ChainLink,
    CriterionOutcome,
    CriterionResult,
    ProfileInfo,
    ProjectInfo,
    RunResult,
    StopRecord,
    SuiteResult,
    SuiteStatus,
    Verdict,
)
from harness.stages.standard import requirements, stage_record

STANDARD = Standard(
    suites=["unit"],
    kinds=["performance"],
    checklists=["training"],
    criteria=[StageCriterion(suite="training", expect="uat.pass_rate >= 90%")],
)


def _run(
    *suites: SuiteResult, verdict: Verdict = Verdict.PASS, criteria: tuple[CriterionResult, ...] = ()
) -> RunResult:
    return RunResult(
        run_id="r1", profile=ProfileInfo(name="p", path="p.yaml", sha256="0" * 64), project=ProjectInfo(name="x"),
        started=datetime(2026, 1, 1, tzinfo=UTC), suites=suites, verdict=verdict, criteria=criteria,
    )  # fmt: skip


def _training(passed: int, total: int, status: SuiteStatus = SuiteStatus.PASSED) -> SuiteResult:
    metrics = {"uat.passed": passed, "uat.total": total, "uat.pass_rate": passed / total, "uat.failed": total - passed}
    return SuiteResult(name="training", kind="uat", status=status, metrics=metrics)


def _table(run: RunResult) -> list[tuple[str, str, bool, str]]:
    return [(r.kind, r.subject, r.met, str(r.detail)) for r in requirements(run, STANDARD)]


def test_a_run_meeting_every_requirement() -> None:
    run = _run(
        SuiteResult(name="unit", kind="unit", status=SuiteStatus.PASSED),
        SuiteResult(name="load", kind="performance", status=SuiteStatus.PASSED),
        _training(10, 10),
    )
    assert _table(run) == [
        ("verdict", "PASS", True, "PASS"),
        ("suite", "unit", True, "passed"),
        ("kind", "performance", True, "passed: load"),
        ("checklist", "training", True, "10 of 10 cases recorded as passed; passed"),
        ("criterion", "training: uat.pass_rate >= 90%", True, "measured 100 %"),
    ]


def test_what_is_not_met_says_what_was_found() -> None:
    run = _run(
        SuiteResult(name="unit", kind="unit", status=SuiteStatus.ERROR, error="pytest not found"),
        SuiteResult(
            name="load", kind="performance", status=SuiteStatus.INCOMPLETE, stopped=StopRecord(cause="cancelled")
        ),
        _training(8, 10, SuiteStatus.FAILED),
        verdict=Verdict.FAIL,
    )
    assert _table(run) == [
        ("verdict", "PASS", False, "FAIL"),
        ("suite", "unit", False, "error"),
        ("kind", "performance", False, "not passed: load"),
        ("checklist", "training", False, "8 of 10 cases recorded as passed; failed"),
        ("criterion", "training: uat.pass_rate >= 90%", False, "measured 80 %"),
    ]
    assert [r.met for r in requirements(_run(), STANDARD)] == [True, False, False, False, False]
    assert str(requirements(_run(), STANDARD)[2].detail) == "no performance suite ran"


def test_failed_cases_tolerated_by_the_suites_own_criteria_meet_a_suite_requirement() -> None:
    tolerated = CriterionResult(suite="unit", expression="pass_rate >= 90%", outcome=CriterionOutcome.PASSED)
    broken = tolerated.model_copy(update={"outcome": CriterionOutcome.FAILED})
    failed_unit = SuiteResult(name="unit", kind="unit", status=SuiteStatus.FAILED)
    assert requirements(_run(failed_unit, criteria=(tolerated,)), Standard(suites=["unit"]))[1].met
    assert str(requirements(_run(failed_unit, criteria=(tolerated,)), Standard(suites=["unit"]))[1].detail) == (
        "failed cases tolerated by its criteria"
    )
    assert not requirements(_run(failed_unit, criteria=(broken,)), Standard(suites=["unit"]))[1].met
    assert not requirements(_run(failed_unit), Standard(suites=["unit"]))[1].met  # no criteria: nothing tolerates


def test_a_criterion_that_does_not_parse_is_refused_by_the_profile_and_never_met() -> None:
    with pytest.raises(ValidationError, match="expect"):
        StageCriterion(suite="training", expect="uat.pass_rate >=")  # harness validate says so first
    run = _run(_training(10, 10))
    unchecked = StageCriterion.model_construct(suite="training", expect="uat.pass_rate >=")  # e.g. an older plan
    found = requirements(run, Standard(criteria=[unchecked]))
    assert not found[1].met and str(found[1].detail).startswith("not a criterion:")


def test_the_record_links_the_previous_stage_or_says_it_was_not_closed() -> None:
    plan = StagePlan(
        stages=[StageSpec(id="testing"), StageSpec(id="training", standard=Standard(checklists=["training"]))]
    )
    run = _run(_training(10, 10))
    unlinked = stage_record(plan, "training", run, None)
    assert (unlinked.id, unlinked.position, unlinked.previous_stage) == ("training", 2, "testing")
    assert unlinked.names == {"zh-CN": "培训", "en": "Training"}
    assert unlinked.requirements[-1].kind == "previous" and not unlinked.met
    link = ChainLink(stage="testing", run_id="t1", pdf_sha256="ab" * 32)
    linked = stage_record(plan, "training", run, link)
    assert linked.met and linked.previous == link
    first = stage_record(plan, "testing", _run(), None)
    assert first.previous_stage == "" and first.met and [r.kind for r in first.requirements] == ["verdict"]
