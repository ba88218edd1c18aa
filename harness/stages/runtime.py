"""A run's stage record: its link to the previous stage's closing report when the run starts (from the
ledger), its standard judged when the run ends (``pipeline.py`` calls both)."""

from __future__ import annotations

from harness.history.location import HistoryLocation
from harness.profile.model import Profile
from harness.profile.stages import StagePlan
from harness.results.model import ChainLink, RunResult, StageRecord
from harness.stages.ledger import Ledger
from harness.stages.standard import stage_record


def plan_of(profile: Profile) -> StagePlan:
    return StagePlan(stages=list(profile.stages))


def previous_link(profile: Profile, location: HistoryLocation | None) -> ChainLink | None:
    """The closing report of the stage before the profile's stage, or None (first stage, not closed yet,
    or no history).

    Raises:
        HistoryError: the history database cannot be used.
    """
    previous = plan_of(profile).previous(profile.project.stage)
    if previous is None or location is None:
        return None
    closure = Ledger.open(location).closure(profile.project.name, previous.id)
    return closure.link() if closure is not None else None


def opening_record(profile: Profile, location: HistoryLocation | None) -> StageRecord:
    """The record a run starts with: the stage and its link; requirements come when it ends."""
    link = previous_link(profile, location)
    return stage_record(plan_of(profile), profile.project.stage, None, link)


def judged_record(profile: Profile, run: RunResult) -> StageRecord:
    """The record with the standard judged on the finished ``run`` (its verdict decided)."""
    link = run.stage.previous if run.stage is not None else None
    return stage_record(plan_of(profile), profile.project.stage, run, link)
