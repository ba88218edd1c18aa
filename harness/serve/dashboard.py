"""What each page shows, gathered from the run history, the schedules and the reports folder.

Everything is read: through ``RunStore`` and ``ScheduleStore`` (each read one snapshot, never blocking a
run that is writing), run directories' files, and ``harness verify``'s API for sign-off. Nothing here knows
about HTTP or HTML; ``pages.py`` turns these views into pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import HarnessError
from harness.history import RunRecord, compare_runs
from harness.history.runs import RunStore
from harness.profile.cron import CronError, CronSchedule
from harness.results.model import CriterionResult, RunResult, SuiteResult
from harness.schedule.store import LogEntry, ScheduleStore
from harness.serve.charts import Chart, verdict_strip
from harness.serve.comparisons import SuiteDiff, suite_diffs
from harness.serve.rundirs import Reports, RunFile
from harness.serve.runview import (
    PerformanceView,
    SecurityView,
    SuiteRow,
    comparisons,
    history_rows,
    performance_views,
    security_views,
    suite_rows,
)
from harness.serve.signoff import SignOff, SignOffReader
from harness.serve.trends import Trends, trends
from harness.signing.verify import REPORT_COPY
from harness.stages.ledger import Closure, Ledger

if TYPE_CHECKING:
    from harness.schedule.schedules import Schedule

STRIP_RUNS = 20  # runs in an overview row's verdict strip


@dataclass(frozen=True)
class ProfileRow:
    project: str
    profile: str
    stage: str  # the project's stage label, as the latest run recorded it
    closed: tuple[Closure, ...]  # the project's stages closed with a signed report (the ledger), in order
    runs: int
    latest: RunRecord
    signed_run: RunRecord | None  # the newest run whose directory here holds a report.pdf
    signoff: SignOff | None  # that report's sign-off; None without such a run
    strip: Chart


@dataclass(frozen=True)
class ProfilePage:
    profile: str
    project: str
    stage: str
    records: tuple[RunRecord, ...]  # newest first
    trends: Trends


@dataclass(frozen=True)
class RunPage:
    record: RunRecord
    run_dir: Path | None
    run: RunResult | None
    problem: str  # why run.json could not be read, if it could not
    suites: tuple[SuiteRow, ...]
    criteria: tuple[CriterionResult, ...]
    compared_with: str
    security: tuple[SecurityView, ...]
    performance: tuple[PerformanceView, ...]
    files: tuple[RunFile, ...]
    files_truncated: bool
    signoff: SignOff | None
    previous: RunRecord | None  # the profile's run before this one, for a diff link


@dataclass(frozen=True)
class DiffPage:
    earlier: RunRecord
    later: RunRecord
    suites: tuple[SuiteDiff, ...]


@dataclass(frozen=True)
class ScheduleRow:
    key: str
    source: str  # added | profile
    name: str
    profile: str
    cron: str
    timezone: str
    suites: tuple[str, ...]
    next_fire: datetime | None
    problem: str
    last: LogEntry | None  # the latest fire time handled (ran, skipped, missed)
    last_run: LogEntry | None  # the latest fire time that started a run


@dataclass(frozen=True)
class SchedulesPage:
    schedules: tuple[ScheduleRow, ...]
    log: tuple[LogEntry, ...]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


class Dashboard:
    def __init__(
        self,
        store: RunStore,
        reports: Reports,
        signoff: SignOffReader,
        declared: Sequence[Schedule] = (),
        trend_runs: int = 50,
    ) -> None:
        self.store = store
        self.schedule_store = ScheduleStore(store.database)
        self.ledger = Ledger(store.database)
        self.reports = reports
        self.signoff_reader = signoff
        self.declared = tuple(declared)
        self.trend_runs = trend_runs

    @property
    def history_display(self) -> str:
        return self.store.database.display

    def run_dir(self, record: RunRecord) -> Path | None:
        return self.reports.run_dir(record.run_id, record.run_dir)

    def signoff(self, record: RunRecord) -> SignOff | None:
        run_dir = self.run_dir(record)
        return self.signoff_reader.of(run_dir) if run_dir is not None else None

    def _has_report(self, record: RunRecord) -> bool:
        run_dir = self.run_dir(record)
        return run_dir is not None and (run_dir / REPORT_COPY).is_file()

    def overview(self, link: Callable[[str], str]) -> list[ProfileRow]:
        rows = []
        for summary in self.store.profiles():
            records = self.store.list(summary.profile, STRIP_RUNS)
            if not records:
                continue
            latest = records[0]
            strip = verdict_strip(
                f"last {len(records)} runs of {summary.profile}",
                [(r.verdict.value, f"{r.run_id}: {r.verdict.value}", link(r.run_id)) for r in reversed(records)],
                width=16 * len(records) + 8,
            )
            reported = next((r for r in records if self._has_report(r)), None)
            rows.append(
                ProfileRow(latest.project, summary.profile, latest.stage, tuple(self.ledger.closures(latest.project)),
                           summary.runs, latest, reported, self.signoff(reported) if reported else None, strip)
            )  # fmt: skip
        rows.sort(key=lambda r: (r.project, r.profile))
        return rows

    def recent(self, profile: str | None = None, limit: int = 50) -> list[RunRecord]:
        return self.store.list(profile, limit)

    def profile(self, name: str, link: Callable[[str], str]) -> ProfilePage | None:
        records = self.store.list(name, self.trend_runs)
        if not records:
            return None
        latest = records[0]
        return ProfilePage(name, latest.project, latest.stage, tuple(records), trends(list(reversed(records)), link))

    def run(self, run_id: str) -> RunPage | None:
        record = self.store.get(run_id)
        if record is None:
            return None
        run_dir = self.run_dir(record)
        run: RunResult | None = None
        problem = ""
        if run_dir is None:
            problem = (
                "the run directory is not in the reports folder (made on another machine, or removed): "
                "only what the history keeps is shown"
            )
        else:
            try:
                run = self.reports.read_run(run_dir)
            except HarnessError as exc:
                problem = str(exc)
        earlier = [r for r in self.store.list(record.profile, 200) if r.started < record.started]
        if run is None:
            return RunPage(
                record, run_dir, None, problem, tuple(history_rows(record)), (), "", (), (),
                *self._files(run_dir), self.signoff(record) if run_dir else None, earlier[0] if earlier else None,
            )  # fmt: skip

        def previous(suite: SuiteResult) -> RunRecord | None:
            return self.store.latest_with_suite(
                record.profile, suite.name, record.started, verdict=None, exclude=record.run_id
            )

        compared, compared_with = comparisons(run, previous)
        return RunPage(
            record, run_dir, run, problem, tuple(suite_rows(run)), run.criteria, compared_with,
            tuple(security_views(run, compared)), tuple(performance_views(run)), *self._files(run_dir),
            self.signoff(record), earlier[0] if earlier else None,
        )  # fmt: skip

    def _files(self, run_dir: Path | None) -> tuple[tuple[RunFile, ...], bool]:
        if run_dir is None:
            return (), False
        files, truncated = self.reports.files(run_dir)
        return tuple(files), truncated

    def diff(self, run_a: str, run_b: str, *, all_metrics: bool = False) -> DiffPage:
        """Raises HistoryError for an unknown or ambiguous run."""
        earlier, later = self.store.resolve(run_a), self.store.resolve(run_b)
        return DiffPage(earlier, later, tuple(suite_diffs(compare_runs(earlier, later), all_metrics=all_metrics)))

    def schedules(self) -> SchedulesPage:
        now = datetime.now(UTC)
        entries = self.schedule_store.entries(limit=500)
        last: dict[str, LogEntry] = {}
        last_run: dict[str, LogEntry] = {}
        for entry in entries:
            if entry.key not in last or entry.due > last[entry.key].due:
                last[entry.key] = entry
            if entry.run_id and (entry.key not in last_run or entry.due > last_run[entry.key].due):
                last_run[entry.key] = entry
        rows = []
        for stored in self.schedule_store.schedules():
            key = f"db:{stored.id}"
            rows.append(
                _row(key, "added", stored.name or f"#{stored.id}", stored.profile_path, stored.cron, stored.timezone,
                     stored.suites, now, last.get(key), last_run.get(key))
            )  # fmt: skip
        for schedule in self.declared:
            rows.append(
                _row(schedule.key, "profile", schedule.name, str(schedule.profile_path), schedule.cron.expression,
                     schedule.cron.timezone, schedule.suites, now, last.get(schedule.key), last_run.get(schedule.key))
            )  # fmt: skip
        return SchedulesPage(tuple(rows), tuple(entries[:100]), now)


def _row(
    key: str, source: str, name: str, profile: str, cron: str, timezone: str, suites: Sequence[str], now: datetime,
    last: LogEntry | None, last_run: LogEntry | None,
) -> ScheduleRow:  # fmt: skip
    try:
        schedule = CronSchedule(cron, timezone)
        next_fire: datetime | None = schedule.next_after(now).astimezone(schedule.zone)
        problem = ""
    except (CronError, ValueError, KeyError) as exc:
        next_fire, problem = None, f"cannot compute the next fire time: {exc}"
    return ScheduleRow(key, source, name, profile, cron, timezone, tuple(suites), next_fire, problem, last, last_run)
