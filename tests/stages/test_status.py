"""``stage status``: each stage's state and, for the open one, what its closing still needs."""

from __future__ import annotations

from datetime import UTC, datetime

from harness.profile.stages import StagePlan, StageSpec, Standard
from harness.results.model import ProfileInfo, ProjectInfo, RunResult, SuiteResult, SuiteStatus, Verdict
from harness.stages.ledger import Closure
from harness.stages.standard import stage_record
from harness.stages.status import State, stage_states

PLAN = StagePlan(
    stages=[
        StageSpec(id="design", skip=True, reason="线下验收"),
        StageSpec(id="testing"),
        StageSpec(id="training", standard=Standard(suites=["training"])),
        StageSpec(id="go-live"),
    ]
)
CLOSED = Closure(
    project="p", stage="testing", position=2, run_id="t1", pdf_sha256="ab" * 32, signers=(),
    report_path="/r/t1/report.pdf", closed=datetime(2026, 11, 30, tzinfo=UTC),
)  # fmt: skip


def _run(stage: str, status: SuiteStatus, *, linked: bool) -> RunResult:
    run = RunResult(
        run_id="r9", profile=ProfileInfo(name="p", path="p.yaml", sha256="0" * 64), project=ProjectInfo(name="p"),
        started=datetime(2026, 11, 30, tzinfo=UTC), verdict=Verdict.PASS,
        suites=(SuiteResult(name="training", kind="uat", status=status),),
    )  # fmt: skip
    return run.model_copy(update={"stage": stage_record(PLAN, stage, run, CLOSED.link() if linked else None)})


def test_states_in_plan_order() -> None:
    states = stage_states(PLAN, [CLOSED])
    assert [(s.spec.id, s.state) for s in states] == [
        ("design", State.SKIPPED), ("testing", State.CLOSED), ("training", State.OPEN), ("go-live", State.LATER),
    ]  # fmt: skip
    assert states[1].closure == CLOSED
    assert states[2].missing == (
        "a run with verdict PASS (no run of this stage yet)",
        "suite training passed (no run of this stage yet)",
        "its report signed by project, business and supervision, then `harness stage close`",
    )
    assert stage_states(PLAN, [])[1].state is State.OPEN  # nothing closed: the first stage not skipped


def test_the_newest_run_of_the_open_stage_says_what_it_lacks() -> None:
    failed = stage_states(PLAN, [CLOSED], _run("training", SuiteStatus.FAILED, linked=True))[2]
    assert failed.missing[:-1] == ("suite training: failed (latest run r9)",)
    early = stage_states(PLAN, [CLOSED], _run("training", SuiteStatus.PASSED, linked=False))[2]
    assert early.missing[:-1] == ("run r9 started before testing was closed: run the stage again (latest run r9)",)
    ready = stage_states(PLAN, [CLOSED], _run("training", SuiteStatus.PASSED, linked=True))[2]
    assert ready.missing == ("its report signed by project, business and supervision, then `harness stage close`",)
