"""The scheduler's timing policy with a fake clock: on time, coalesced catch-up within the grace, missed
beyond it, no catch-up for a schedule that never fired, overlapping fires skipped, clean stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.cancel import CancelToken
from harness.profile.cron import CronSchedule
from harness.schedule.locks import FileLock
from harness.schedule.scheduler import JobOutcome, Scheduler
from harness.schedule.schedules import Schedule
from harness.schedule.store import ScheduleStore

SHANGHAI = timedelta(hours=8)


def local(text: str) -> datetime:
    """A Shanghai wall-clock time as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC) - SHANGHAI


class FakeClock:
    """Time moves only when the scheduler sleeps; ``until`` ends the test by setting the stop token."""

    def __init__(self, start: datetime, until: datetime) -> None:
        self.current = start
        self.until = until
        self.lock = threading.Lock()

    def now(self) -> datetime:
        with self.lock:
            return self.current

    def sleep(self, seconds: float, stop: CancelToken) -> None:
        with self.lock:
            self.current += timedelta(seconds=seconds)
            done = self.current >= self.until
        if done:
            stop.cancel("end of test")
        stop.wait(0.001)  # let job threads move


class RecordingLauncher:
    def __init__(self, hold: Callable[[str, datetime, CancelToken], None] | None = None) -> None:
        self.calls: list[tuple[str, datetime]] = []
        self.hold = hold

    def __call__(
        self, schedule: Schedule, due: datetime, lock: FileLock, stop: CancelToken, started: Callable[[int], None]
    ) -> JobOutcome:
        self.calls.append((schedule.key, due))
        started(4242)
        if self.hold:
            self.hold(schedule.key, due, stop)
        return JobOutcome(
            "finished", run_id=f"run-{len(self.calls)}", verdict="INCOMPLETE" if stop.cancelled else "PASS"
        )


def schedule(cron: str, key: str = "nightly", profile: str = "demo", grace: float = 3600) -> Schedule:
    return Schedule(
        key=key, source="added", name=key, profile_path=Path(f"/p/{profile}.yaml"), profile_name=profile,
        cron=CronSchedule.parse(cron, "Asia/Shanghai"), suites=(), misfire_grace=grace, notify=None, notify_scope=(),
    )  # fmt: skip


@pytest.fixture
def store(history_url: str) -> ScheduleStore:
    """On SQLite (file locks) and on PostgreSQL (advisory locks)."""
    return ScheduleStore.open(history_url)


def run(store: ScheduleStore, schedules: list[Schedule], clock: FakeClock, launcher: RecordingLauncher,
        max_runs: int | None = None) -> list[str]:  # fmt: skip
    messages: list[str] = []
    Scheduler(schedules, store, launcher, clock, report=messages.append, max_runs=max_runs).run(CancelToken())
    return messages


def test_fires_every_due_time_on_time(store: ScheduleStore) -> None:
    clock = FakeClock(local("2025-01-01T01:55:00"), until=local("2025-01-01T02:35:00"))
    launcher = RecordingLauncher()
    run(store, [schedule("*/10 * * * *")], clock, launcher)
    assert [due for _, due in launcher.calls] == [local(f"2025-01-01T02:{m}:00") for m in ("00", "10", "20", "30")]
    entries = store.entries()
    assert [e.outcome for e in entries] == ["finished"] * 4 and entries[0].pid == 4242
    assert entries[0].run_id == "run-4" and entries[0].verdict == "PASS"


def test_a_schedule_in_shanghai_fires_at_its_local_time(store: ScheduleStore) -> None:
    clock = FakeClock(datetime(2025, 1, 1, 17, 59, 58, tzinfo=UTC), until=datetime(2025, 1, 1, 18, 1, tzinfo=UTC))
    launcher = RecordingLauncher()
    messages = run(store, [schedule("0 2 * * *")], clock, launcher)
    assert launcher.calls == [("nightly", datetime(2025, 1, 1, 18, 0, tzinfo=UTC))]
    assert "nightly/nightly: next run 2025-01-02 02:00:00 Asia/Shanghai" in messages[0].replace("demo/", "nightly/")


def test_catches_up_once_within_the_grace_after_a_restart(store: ScheduleStore) -> None:
    store.log("hourly", "demo", local("2025-01-01T01:00:00"), "finished")  # the last run before the scheduler stopped
    clock = FakeClock(local("2025-01-01T04:35:00"), until=local("2025-01-01T05:30:00"))
    launcher = RecordingLauncher()
    run(store, [schedule("0 * * * *", key="hourly", grace=3600)], clock, launcher)
    # 02:00, 03:00 and 04:00 were missed: one run for the latest (35 min late, within the hour), then 05:00
    assert [due for _, due in launcher.calls] == [local("2025-01-01T04:00:00"), local("2025-01-01T05:00:00")]


def test_a_miss_beyond_the_grace_is_logged_not_run(store: ScheduleStore) -> None:
    store.log("hourly", "demo", local("2025-01-01T01:00:00"), "finished")
    clock = FakeClock(local("2025-01-01T04:35:00"), until=local("2025-01-01T05:30:00"))
    launcher = RecordingLauncher()
    messages = run(store, [schedule("0 * * * *", key="hourly", grace=600)], clock, launcher)
    assert [due for _, due in launcher.calls] == [local("2025-01-01T05:00:00")]
    missed = [e for e in store.entries() if e.outcome == "missed"]
    assert len(missed) == 1 and missed[0].due == local("2025-01-01T04:00:00")
    assert any("missed the run due 2025-01-01 04:00:00 Asia/Shanghai" in m for m in messages)
    # handled fire times are not caught up again by the next scheduler
    again = RecordingLauncher()
    run(store, [schedule("0 * * * *", key="hourly", grace=86400)], FakeClock(clock.now(), clock.now()), again)
    assert again.calls == []


def test_a_schedule_that_never_fired_does_not_catch_up(store: ScheduleStore) -> None:
    clock = FakeClock(local("2025-01-01T04:35:00"), until=local("2025-01-01T05:30:00"))
    launcher = RecordingLauncher()
    run(store, [schedule("0 * * * *", key="hourly")], clock, launcher)
    assert [due for _, due in launcher.calls] == [local("2025-01-01T05:00:00")]


def test_no_overlapping_runs_of_one_profile(store: ScheduleStore) -> None:
    clock = FakeClock(local("2025-01-01T01:59:30"), until=local("2025-01-01T02:06:30"))

    def hold(key: str, due: datetime, stop: CancelToken) -> None:  # demo's 02:00 run takes three and a half minutes
        while key == "nightly" and clock.now() < due + timedelta(seconds=210) and not stop.cancelled:
            stop.wait(0.001)

    launcher = RecordingLauncher(hold)
    other_profile = schedule("*/2 * * * *", key="other", profile="perf")
    run(store, [schedule("* * * * *"), other_profile], clock, launcher)
    demo = [due for key, due in launcher.calls if key == "nightly"]
    assert demo[:2] == [local("2025-01-01T02:00:00"), local("2025-01-01T02:04:00")]  # 02:01-02:03 overlapped
    skipped = [e.due for e in store.entries() if e.outcome == "skipped"]
    assert {local(f"2025-01-01T02:0{m}:00") for m in (1, 2, 3)} <= set(skipped)
    assert [due for key, due in launcher.calls if key == "other"][:2] == [
        local("2025-01-01T02:00:00"), local("2025-01-01T02:02:00")
    ]  # another profile runs meanwhile  # fmt: skip


def test_stop_ends_the_running_run_and_max_runs_exits(store: ScheduleStore) -> None:
    clock = FakeClock(local("2025-01-01T01:59:59"), until=local("2025-01-01T02:00:30"))

    def hold(key: str, due: datetime, stop: CancelToken) -> None:
        stop.wait(30)  # real seconds: only the stop token (set at 02:00:30) ends it

    launcher = RecordingLauncher(hold)
    run(store, [schedule("* * * * *")], clock, launcher)
    (entry,) = store.entries()
    assert entry.outcome == "finished" and entry.verdict == "INCOMPLETE"
    quick = RecordingLauncher()
    far = FakeClock(local("2025-01-01T02:59:59"), until=local("2025-01-02T00:00:00"))
    run(store, [schedule("* * * * *")], far, quick, max_runs=2)
    assert len(quick.calls) == 2 and far.now() < local("2025-01-01T03:05:00")
