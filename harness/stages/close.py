"""Close a stage with its signed report (``harness stage close``): refuse with every reason, or record it.

A stage closes only in order (the stage before it in the plan is closed), only once, and only with a
report that passes :func:`check_stage_report` whose statement names this project and stage and links
exactly the report that closed the stage before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.profile.stages import StagePlan
from harness.stages.check import StageReportCheck, check_stage_report
from harness.stages.ledger import Closure, Ledger


@dataclass(frozen=True)
class CloseOutcome:
    stage: str
    check: StageReportCheck | None
    closure: Closure | None  # set when the stage was closed
    problems: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return self.closure is not None


def _order_problems(plan: StagePlan, stage: str, closed: dict[str, Closure]) -> list[str]:
    spec = plan.get(stage)
    if spec is None:
        return [f"{stage!r} is not a stage of this project ({', '.join(plan.ids)})"]
    if spec.skip:
        return [f"stage {stage} is skipped in the plan ({spec.reason}); there is nothing to close"]
    if stage in closed:
        done = closed[stage]
        return [f"stage {stage} is already closed (run {done.run_id}, {done.closed:%Y-%m-%d %H:%M} UTC)"]
    previous = plan.previous(stage)
    if previous is not None and previous.id not in closed:
        return [f"out of order: stage {previous.id} ({previous.names()['zh-CN']}) comes first and is not closed yet"]
    return []


def _link_problems(check: StageReportCheck, project: str, stage: str, previous: Closure | None) -> list[str]:
    statement = check.statement
    if statement is None:
        return []  # already a reason in check.problems
    problems = []
    if statement.project != project:
        problems.append(f"the report is about project {statement.project!r}, not {project!r}")
    if statement.stage.id != stage:
        problems.append(f"the report is for stage {statement.stage.id}, not {stage}")
    link = statement.stage.previous
    if previous is not None and link is not None and link.pdf_sha256 != previous.pdf_sha256:
        problems.append(
            f"the report links {link.stage} report {link.pdf_sha256[:16]}…, but {previous.stage} was closed by "
            f"{previous.pdf_sha256[:16]}… (run {previous.run_id}): run the stage again after closing {previous.stage}"
        )
    return problems


def close_stage(
    plan: StagePlan,
    project: str,
    stage: str,
    report: Path,
    trust: Sequence[Path],
    ledger: Ledger,
    *,
    evidence_dir: Path | None = None,
    now: datetime | None = None,
) -> CloseOutcome:
    """Check ``report`` as the closing report of ``stage`` and record it in the ledger when it qualifies.

    Raises:
        SigningError: the report or a trust anchor cannot be read.
        HistoryError: the ledger cannot be read or written.
    """
    closed = {c.stage: c for c in ledger.closures(project)}
    problems = _order_problems(plan, stage, closed)
    check = check_stage_report(report, trust, evidence_dir=evidence_dir)
    problems += check.problems
    previous_spec = plan.previous(stage)
    previous = closed.get(previous_spec.id) if previous_spec is not None else None
    problems += _link_problems(check, project, stage, previous)
    if problems:
        return CloseOutcome(stage=stage, check=check, closure=None, problems=tuple(problems))
    assert check.statement is not None
    closure = Closure(
        project=project,
        stage=stage,
        position=plan.position(stage),
        run_id=check.statement.run_id,
        pdf_sha256=check.sha256,
        signers=check.signers(),
        report_path=str(report.resolve()),
        closed=now or datetime.now(UTC),
    )
    ledger.record(closure)
    return CloseOutcome(stage=stage, check=check, closure=closure)
