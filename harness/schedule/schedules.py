"""The schedules a scheduler runs: declared in profiles (``schedule:``) or added with ``harness schedule add``.

Each is checked when collected (the profile loads, its suites exist, the cron expression and time zone are
valid), so a broken schedule stops ``harness scheduler run`` at start rather than at 2 a.m.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError, ScheduleError
from harness.plan import make_plan, select
from harness.profile import LoadedProfile, load_profile
from harness.profile.cron import CronError, CronSchedule
from harness.profile.schedule import NotifySpec, schedules_of
from harness.runners.registry import load_runners
from harness.schedule.store import ScheduleStore


@dataclass(frozen=True)
class Schedule:
    key: str  # stable identity in the scheduler's log: "db:<id>" or "<profile path>#<name>"
    source: str  # "profile" or "added"
    name: str
    profile_path: Path
    profile_name: str
    cron: CronSchedule
    suites: tuple[str, ...]  # empty: every enabled suite
    misfire_grace: float
    notify: NotifySpec | None
    notify_scope: tuple[str, ...]  # notify.scope, or the target's scope

    @property
    def label(self) -> str:
        return f"{self.profile_name}/{self.name}"


def _load(path: Path, suites: tuple[str, ...] = ()) -> LoadedProfile:
    """Load and plan a profile (the checks of `harness validate`), and check the named suites exist."""
    loaded = load_profile(path)
    plan = make_plan(loaded, load_runners())
    select(plan, list(suites))
    return loaded


def _schedule(
    loaded: LoadedProfile, key: str, source: str, name: str, cron: CronSchedule, suites: tuple[str, ...], grace: float
) -> Schedule:
    profile = loaded.profile
    notify = profile.notify
    scope = tuple(notify.scope if notify and notify.scope else profile.target.effective_scope())
    return Schedule(key, source, name, loaded.path, loaded.name, cron, suites, grace, notify, scope)


def declared(path: Path) -> list[Schedule]:
    """The schedules a profile declares. Raises ProfileError for an invalid profile."""
    loaded = _load(path)
    found = []
    for index, spec in enumerate(schedules_of(loaded.profile.schedule)):
        name = spec.name or str(index + 1)
        cron = CronSchedule.parse(spec.cron, spec.timezone)  # already validated by the profile model
        found.append(
            _schedule(loaded, f"{loaded.path}#{name}", "profile", name, cron, tuple(spec.suites), spec.misfire_grace)
        )
    return found


def added(store: ScheduleStore) -> list[Schedule]:
    """The schedules added with ``harness schedule add``. Raises HarnessError naming the schedule at fault."""
    found = []
    for stored in store.schedules():
        try:
            loaded = _load(Path(stored.profile_path), stored.suites)
            cron = CronSchedule.parse(stored.cron, stored.timezone)
        except (HarnessError, CronError, ValueError) as exc:
            raise ScheduleError(f"schedule #{stored.id} ({stored.profile_path}): {exc}") from None
        name = stored.name or f"#{stored.id}"
        found.append(_schedule(loaded, f"db:{stored.id}", "added", name, cron, stored.suites, stored.misfire_grace))
    return found


def collect(store: ScheduleStore | None, profiles: list[Path]) -> list[Schedule]:
    """Stored schedules (none without a store) plus those declared in ``profiles``. Raises HarnessError for
    the first invalid one."""
    found = {schedule.key: schedule for schedule in added(store)} if store is not None else {}
    for path in profiles:
        for schedule in declared(path):
            found.setdefault(schedule.key, schedule)  # a profile named twice is scheduled once
    return list(found.values())
