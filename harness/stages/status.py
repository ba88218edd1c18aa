"""Every stage of a project with its state (``harness stage status``): closed (by which report, signed by
whom and when), skipped, the current one (and what it still lacks), or later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.profile.stages import StagePlan, StageSpec
from harness.results.model import RunResult
from harness.stages.ledger import Closure
from harness.stages.standard import requirements


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"  # the current stage: the next one to close
    LATER = "later"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StageState:
    spec: StageSpec
    state: State
    closure: Closure | None = None
    missing: tuple[str, ...] = ()  # for the open stage: what its closing still needs


def _standard_text(spec: StageSpec) -> list[str]:
    standard = spec.standard
    items = ["a run with verdict PASS"]
    items += [f"suite {name} passed" for name in standard.suites]
    items += [f"a {kind} suite ran and passed" for kind in standard.kinds]
    items += [f"checklist {name}: every case recorded as passed" for name in standard.checklists]
    items += [f"{c.suite}: {c.expect}" for c in standard.criteria]
    return items


def _missing(spec: StageSpec, latest: RunResult | None) -> tuple[str, ...]:
    signed = "its report signed by project, business and supervision, then `harness stage close`"
    if latest is None or latest.stage is None or latest.stage.id != spec.id:
        return (*(f"{item} (no run of this stage yet)" for item in _standard_text(spec)), signed)
    unmet = [
        f"{r.kind} {r.subject}: {r.detail}" if r.detail else f"{r.kind} {r.subject}"
        for r in requirements(latest, spec.standard)
        if not r.met
    ]
    if latest.stage.previous is None and latest.stage.previous_stage:
        unmet.append(
            f"run {latest.run_id} started before {latest.stage.previous_stage} was closed: run the stage again"
        )
    return (*(f"{item} (latest run {latest.run_id})" for item in unmet), signed)


def stage_states(plan: StagePlan, closures: Sequence[Closure], latest: RunResult | None = None) -> list[StageState]:
    """The plan's stages in order; ``latest`` (the newest run of the open stage, if known) says what is missing."""
    closed = {c.stage: c for c in closures}
    states: list[StageState] = []
    open_found = False
    for spec in plan.stages:
        if spec.id in closed:
            states.append(StageState(spec, State.CLOSED, closed[spec.id]))
        elif spec.skip:
            states.append(StageState(spec, State.SKIPPED))
        elif not open_found:
            open_found = True
            states.append(StageState(spec, State.OPEN, missing=_missing(spec, latest)))
        else:
            states.append(StageState(spec, State.LATER))
    return states
