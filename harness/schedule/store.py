"""Schedules added with ``harness schedule add`` and the scheduler's log, in the history database.

Keeping them next to the runs means one file to back up, one ``--history`` to point at, and WAL
transactions for the scheduler's job threads and the CLI alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import ScheduleError
from harness.history.database import Database, parse_timestamp, timestamp


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
    def open(cls, path: Path, *, create: bool = True) -> ScheduleStore:
        """Raises HistoryError when the database cannot be used."""
        return cls(Database.open(path, create=create))

    def add(self, profile: Path, name: str, cron: str, timezone: str, suites: list[str], misfire_grace: float) -> int:
        with self.database.writing() as db:
            cursor = db.execute(
                "INSERT INTO schedules (profile_path, name, cron, timezone, suites, misfire_grace, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(profile), name, cron, timezone, json.dumps(suites), misfire_grace, timestamp(datetime.now(UTC))),
            )
            return int(cursor.lastrowid or 0)

    def remove(self, schedule_id: int) -> StoredSchedule:
        """Raises ScheduleError for an unknown id."""
        found = next((s for s in self.schedules() if s.id == schedule_id), None)
        if found is None:
            raise ScheduleError(f"no schedule #{schedule_id} (`harness schedule list` shows them)")
        with self.database.writing() as db:
            db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))
        return found

    def schedules(self) -> list[StoredSchedule]:
        with self.database.reading() as db:
            rows = db.execute("SELECT * FROM schedules ORDER BY id").fetchall()
        return [
            StoredSchedule(
                id=r["id"],
                profile_path=r["profile_path"],
                name=r["name"],
                cron=r["cron"],
                timezone=r["timezone"],
                suites=tuple(json.loads(r["suites"])),
                misfire_grace=r["misfire_grace"],
            )
            for r in rows
        ]

    def last_due(self, key: str) -> datetime | None:
        """The last fire time the scheduler handled for ``key`` (ran, skipped or missed)."""
        with self.database.reading() as db:
            row = db.execute("SELECT last_due FROM schedule_state WHERE key = ?", (key,)).fetchone()
        return parse_timestamp(row[0]) if row else None

    def log(self, key: str, profile: str, due: datetime, outcome: str, detail: str = "") -> int:
        """Record that the fire time ``due`` of ``key`` was handled; it is not caught up again."""
        fired = timestamp(datetime.now(UTC)) if outcome == "started" else None
        with self.database.writing() as db:
            db.execute(
                "INSERT INTO schedule_state (key, last_due) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET last_due = max(last_due, excluded.last_due)",
                (key, timestamp(due)),
            )
            cursor = db.execute(
                "INSERT INTO schedule_log (key, profile, due, fired, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                (key, profile, timestamp(due), fired, outcome, detail),
            )
            return int(cursor.lastrowid or 0)

    def started(self, entry: int, pid: int) -> None:
        with self.database.writing() as db:
            db.execute("UPDATE schedule_log SET pid = ? WHERE id = ?", (pid, entry))

    def finished(self, entry: int, outcome: str, run_id: str, verdict: str, detail: str) -> None:
        with self.database.writing() as db:
            db.execute(
                "UPDATE schedule_log SET finished = ?, outcome = ?, run_id = ?, verdict = ?, detail = ? WHERE id = ?",
                (timestamp(datetime.now(UTC)), outcome, run_id, verdict, detail, entry),
            )

    def abandon_unfinished(self) -> int:
        """Mark log entries of runs a previous scheduler started and never saw end (it was killed)."""
        with self.database.writing() as db:
            cursor = db.execute(
                "UPDATE schedule_log SET outcome = 'abandoned', "
                "detail = 'the scheduler stopped before the run ended; the run records its own verdict' "
                "WHERE outcome = 'started' AND finished IS NULL"
            )
            return cursor.rowcount

    def entries(self, key: str | None = None, limit: int = 50) -> list[LogEntry]:
        """The newest first."""
        query = "SELECT * FROM schedule_log" + (" WHERE key = ?" if key else "") + " ORDER BY id DESC LIMIT ?"
        with self.database.reading() as db:
            rows = db.execute(query, (key, limit) if key else (limit,)).fetchall()
        return [
            LogEntry(
                key=r["key"],
                profile=r["profile"],
                due=parse_timestamp(r["due"]) or datetime.min.replace(tzinfo=UTC),
                fired=parse_timestamp(r["fired"]),
                finished=parse_timestamp(r["finished"]),
                outcome=r["outcome"],
                run_id=r["run_id"],
                verdict=r["verdict"],
                pid=r["pid"],
                detail=r["detail"],
            )
            for r in rows
        ]
