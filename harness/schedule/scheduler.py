"""The scheduler loop: fire each schedule on time, never two runs of one profile at once.

Missed fire times (the scheduler was down, the machine slept, a run of the profile overran) follow one
policy, documented in docs/history-and-scheduling.md:

- **coalesce**: however many fire times of a schedule passed, at most one run starts for them, for the latest;
- **grace**: it starts only when at most ``misfire_grace`` late (default one hour, per schedule);
  later than that the fire time is logged as ``missed`` and the schedule waits for its next one;
- **on start**: a schedule that fired before catches up the latest fire time it missed while no scheduler
  ran (within the grace); a schedule that never fired starts from the next fire time;
- **overlap**: a fire time that comes while a run of the same profile is going is logged as ``skipped``.

Every fire time handled (run, skipped, missed) is stored, so a restarted scheduler neither repeats nor
forgets one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from harness.cancel import CancelToken
from harness.errors import HarnessError
from harness.schedule.clock import Clock
from harness.schedule.locks import Lock, try_profile_lock
from harness.schedule.schedules import Schedule
from harness.schedule.store import ScheduleStore

LATE_TOLERANCE = timedelta(seconds=60)  # this late is still on time, whatever misfire_grace says
MAX_NAP = 30.0  # seconds between checks when nothing is due: notices clock changes and suspend/resume


@dataclass(frozen=True)
class JobOutcome:
    outcome: str  # "finished" (the run ended, whatever its verdict) or "error" (no run could be made)
    run_id: str = ""
    verdict: str = ""
    detail: str = ""


class Launcher(Protocol):
    def __call__(
        self, schedule: Schedule, due: datetime, lock: Lock, stop: CancelToken, started: Callable[[int], None]
    ) -> JobOutcome:
        """Run one scheduled run to its end (stopping it early when ``stop`` is set); ``started(pid)``
        is called once its process exists."""
        ...


class Scheduler:
    def __init__(
        self,
        schedules: Sequence[Schedule],
        store: ScheduleStore,
        launch: Launcher,
        clock: Clock,
        *,
        report: Callable[[str], None],
        max_runs: int | None = None,
    ) -> None:
        self.schedules = list(schedules)
        self.store = store
        self.launch = launch
        self.clock = clock
        self.report = report
        self.max_runs = max_runs
        self.started = 0
        self._jobs: list[threading.Thread] = []

    def run(self, stop: CancelToken) -> int:
        """Fire schedules until ``stop`` is set (or ``max_runs`` runs have started and ended); returns
        the number of runs started. Running runs are stopped (they record INCOMPLETE) before it returns."""
        due = {s.key: self._first_due(s) for s in self.schedules}
        for schedule in self.schedules:
            self.report(f"{schedule.label}: next run {self._local(schedule, due[schedule.key])}")
        try:
            while not stop.cancelled:
                self._jobs = [job for job in self._jobs if job.is_alive()]
                if self._exhausted():
                    if not self._jobs:
                        break
                else:
                    now = self.clock.now()
                    for schedule in self.schedules:
                        if due[schedule.key] <= now:
                            try:
                                self._handle(schedule, schedule.cron.latest_at_or_before(now), now, stop)
                            except HarnessError as exc:  # e.g. the history stayed locked: this fire time is lost
                                self.report(f"{schedule.label}: could not start the run due now: {exc}")
                            due[schedule.key] = schedule.cron.next_after(now)
                nap = min((d - self.clock.now()).total_seconds() for d in due.values()) if due else MAX_NAP
                self.clock.sleep(min(max(nap, 0.05), MAX_NAP, 1.0 if self._jobs else MAX_NAP), stop)
        finally:
            for job in self._jobs:
                job.join()  # the launcher sees ``stop`` and stops its run; the run records itself INCOMPLETE
        return self.started

    def _exhausted(self) -> bool:
        return self.max_runs is not None and self.started >= self.max_runs

    def _first_due(self, schedule: Schedule) -> datetime:
        now = self.clock.now()
        last = self.store.last_due(schedule.key)
        latest = schedule.cron.latest_at_or_before(now)
        if last is not None and latest > last:
            return latest  # missed while no scheduler ran: _handle decides by the grace
        return schedule.cron.next_after(now)

    def _local(self, schedule: Schedule, moment: datetime) -> str:
        return moment.astimezone(schedule.cron.zone).strftime(f"%Y-%m-%d %H:%M:%S {schedule.cron.timezone}")

    def _handle(self, schedule: Schedule, due: datetime, now: datetime, stop: CancelToken) -> None:
        when = self._local(schedule, due)
        late = now - due
        if late > max(LATE_TOLERANCE, timedelta(seconds=schedule.misfire_grace)):
            detail = f"{int(late.total_seconds())} s late, beyond misfire_grace ({schedule.misfire_grace:g} s)"
            self.store.log(schedule.key, schedule.profile_name, due, "missed", detail)
            self.report(f"{schedule.label}: missed the run due {when} ({detail})")
            return
        lock = try_profile_lock(self.store.database, schedule.profile_name)  # a file lock, or advisory on PostgreSQL
        if lock is None:
            detail = f"a run of profile {schedule.profile_name} is still going"
            self.store.log(schedule.key, schedule.profile_name, due, "skipped", detail)
            self.report(f"{schedule.label}: skipped the run due {when}: {detail}")
            return
        try:
            entry = self.store.log(schedule.key, schedule.profile_name, due, "started")
        except BaseException:
            lock.release()
            raise
        self.started += 1
        self.report(f"{schedule.label}: starting the run due {when}")
        job = threading.Thread(
            target=self._job, args=(schedule, due, lock, entry, stop), name=f"run {schedule.label}", daemon=False
        )
        self._jobs.append(job)
        job.start()

    def _job(self, schedule: Schedule, due: datetime, lock: Lock, entry: int, stop: CancelToken) -> None:
        try:
            outcome = self.launch(schedule, due, lock, stop, lambda pid: self.store.started(entry, pid))
        except Exception as exc:  # a launcher bug must not kill the scheduler
            outcome = JobOutcome("error", detail=f"launching the run failed: {exc!r}")
        finally:
            lock.release()
        try:
            self.store.finished(entry, outcome.outcome, outcome.run_id, outcome.verdict, outcome.detail)
        except HarnessError as exc:
            self.report(f"{schedule.label}: could not log the run's end: {exc}")
        verdict = f" {outcome.verdict}" if outcome.verdict else ""
        run = f" run {outcome.run_id}" if outcome.run_id else ""
        detail = f" — {outcome.detail}" if outcome.detail else ""
        self.report(f"{schedule.label}: {outcome.outcome}{run}{verdict}{detail}")
