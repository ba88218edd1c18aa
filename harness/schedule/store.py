"""Schedules added with ``harness schedule add`` and the scheduler's log, in the history database.

Keeping them next to the runs means one database to back up, one ``--history`` to point at, and the same
transactions for the scheduler's job threads and the CLI alike, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import case, delete, insert, select, update

from harness.errors import ScheduleError
from harness.history.database import Database, parse_timestamp, timestamp, upsert
from harness.history.location import HistoryLocation
from harness.history.schema import schedule_log, schedule_state, schedules


@dataclass(frozen=True)
class StoredSchedule:
    id: int
    profile_path: str
    name: str
    cron: str
    timezone: str
    suites: tuple[str, ...]
    misfire_grace: float


@dataclass(frozen=True)
class LogEntry:
    key: str
    profile: str
    due: datetime
    fired: datetime | None
    finished: datetime | None
    outcome: str  # started | finished | skipped | missed | error
    run_id: str
    verdict: str
    pid: int | None
    detail: str


class ScheduleStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    @classmethod
    def open(cls, where: HistoryLocation | Path | str, *, create: bool = True) -> ScheduleStore:
        """Raises HistoryError when the database cannot be used."""
        return cls(Database.open(where, create=create))

    def add(self, profile: Path, name: str, cron: str, timezone: str, suites: list[str], misfire_grace: float) -> int:
        values = {
            "profile_path": str(profile), "name": name, "cron": cron, "timezone": timezone,
            "suites": json.dumps(suites), "misfire_grace": misfire_grace, "created": timestamp(datetime.now(UTC)),
        }  # fmt: skip
        with self.database.writing() as db:
            return int(db.execute(insert(schedules).values(values).returning(schedules.c.id)).scalar_one())

    def remove(self, schedule_id: int) -> StoredSchedule:
        """Raises ScheduleError for an unknown id."""
        found = next((s for s in self.schedules() if s.id == schedule_id), None)
        if found is None:
            raise ScheduleError(f"no schedule #{schedule_id} (`harness schedule list` shows them)")
        with self.database.writing() as db:
            db.execute(delete(schedules).where(schedules.c.id == schedule_id))
        return found

    def schedules(self) -> list[StoredSchedule]:
        with self.database.reading() as db:
            rows = db.execute(select(schedules).order_by(schedules.c.id)).all()
        return [
            StoredSchedule(
                id=r.id,
                profile_path=r.profile_path,
                name=r.name,
                cron=r.cron,
                timezone=r.timezone,
                suites=tuple(json.loads(r.suites)),
                misfire_grace=r.misfire_grace,
            )
            for r in rows
        ]

    def last_due(self, key: str) -> datetime | None:
        """The last fire time the scheduler handled for ``key`` (ran, skipped or missed)."""
        with self.database.reading() as db:
            found = db.execute(
                select(schedule_state.c.last_due).where(schedule_state.c.key == key)
            ).scalar_one_or_none()
        return parse_timestamp(found)

    def log(self, key: str, profile: str, due: datetime, outcome: str, detail: str = "") -> int:
        """Record that the fire time ``due`` of ``key`` was handled; it is not caught up again."""
        fired = timestamp(datetime.now(UTC)) if outcome == "started" else None
        with self.database.writing() as db:
            upsert(
                db, schedule_state, {"key": key, "last_due": timestamp(due)}, ("key",),
                lambda excluded: {
                    "last_due": case(
                        (excluded.last_due > schedule_state.c.last_due, excluded.last_due),
                        else_=schedule_state.c.last_due,
                    )
                },
            )  # fmt: skip
            values = {"key": key, "profile": profile, "due": timestamp(due), "fired": fired, "outcome": outcome,
                      "detail": detail}  # fmt: skip
            return int(db.execute(insert(schedule_log).values(values).returning(schedule_log.c.id)).scalar_one())

    def started(self, entry: int, pid: int) -> None:
        with self.database.writing() as db:
            db.execute(update(schedule_log).where(schedule_log.c.id == entry).values(pid=pid))

    def finished(self, entry: int, outcome: str, run_id: str, verdict: str, detail: str) -> None:
        with self.database.writing() as db:
            db.execute(
                update(schedule_log)
                .where(schedule_log.c.id == entry)
                .values(finished=timestamp(datetime.now(UTC)), outcome=outcome, run_id=run_id, verdict=verdict,
                        detail=detail)
            )  # fmt: skip

    def abandon_unfinished(self) -> int:
        """Mark log entries of runs a previous scheduler started and never saw end (it was killed)."""
        with self.database.writing() as db:
            result = db.execute(
                update(schedule_log)
                .where(schedule_log.c.outcome == "started", schedule_log.c.finished.is_(None))
                .values(
                    outcome="abandoned",
                    detail="the scheduler stopped before the run ended; the run records its own verdict",
                )
            )
            return int(result.rowcount)

    def entries(self, key: str | None = None, limit: int = 50) -> list[LogEntry]:
        """The newest first."""
        query = select(schedule_log).order_by(schedule_log.c.id.desc()).limit(limit)
        if key:
            query = query.where(schedule_log.c.key == key)
        with self.database.reading() as db:
            rows = db.execute(query).all()
        return [
            LogEntry(
                key=r.key,
                profile=r.profile,
                due=parse_timestamp(r.due) or datetime.min.replace(tzinfo=UTC),
                fired=parse_timestamp(r.fired),
                finished=parse_timestamp(r.finished),
                outcome=r.outcome,
                run_id=r.run_id,
                verdict=r.verdict,
                pid=r.pid,
                detail=r.detail,
            )
            for r in rows
        ]
