"""Locks that keep one scheduler per history and one run per profile at a time.

- SQLite history: file locks (``flock``) beside the database file. A lock belongs to the open file, so it
  is released when every process holding it is gone — however it ended, even ``kill -9``. The scheduler
  hands a profile's lock to the run's process (``pass_fds``), so a run outliving a killed scheduler still
  holds it until it ends.
- PostgreSQL history: session-level advisory locks in the history database, so schedulers on different
  machines exclude each other. Each lock is held on a connection of its own and released when that
  connection ends (even when its process is killed). A profile lock is taken exclusively (``try``) and then
  held in shared mode, which the run's process joins: anyone else's exclusive ``try`` fails while the
  scheduler or its run holds it.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from harness.errors import HistoryError
from harness.history.database import Database
from harness.history.postgres import advisory_key

JOIN_TIMEOUT_MS = 60_000  # a run joining its profile's lock waits this long at most for a momentary exclusive hold


class Lock(Protocol):
    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        """Descriptors a child process inherits to hold the lock too (none for advisory locks: it joins)."""
        ...

    def release(self) -> None: ...


class FileLock:
    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def try_acquire(cls, path: Path) -> FileLock | None:
        """The lock, or None when another process holds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return cls(fd, path)

    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        return (self.fd,) if self.fd >= 0 else ()

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing our descriptor; a child that inherited it keeps the lock until it exits
            self.fd = -1


class AdvisoryLock:
    """A PostgreSQL advisory lock held by a connection of its own (autocommit: never idle in a transaction)."""

    def __init__(self, connection: Connection, key: int, database: Database) -> None:
        self.connection: Connection | None = connection
        self.key = key
        self.database = database

    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        return ()

    @classmethod
    def try_acquire(cls, database: Database, name: str, *, shared_after: bool) -> AdvisoryLock | None:
        """The lock ``name``, or None when someone holds it; with ``shared_after``, held in shared mode once
        won (so the run's process can join it). Raises HistoryError when the server cannot be reached."""
        key = advisory_key(name)
        connection = _connection(database, name)
        try:
            won = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one()
            if won and shared_after:
                connection.execute(text("SELECT pg_advisory_lock_shared(:key)"), {"key": key})
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        except SQLAlchemyError as exc:
            connection.close()
            raise database.problem(exc) from None
        if not won:
            connection.close()
            return None
        return cls(connection, key, database)

    @classmethod
    def join(cls, database: Database, name: str) -> AdvisoryLock:
        """Hold ``name`` in shared mode alongside the scheduler that won it (in the run's process).

        Raises:
            HistoryError: the server cannot be reached, or the lock stayed exclusively held.
        """
        key = advisory_key(name)
        connection = _connection(database, name)
        try:
            connection.execute(text(f"SET lock_timeout = {JOIN_TIMEOUT_MS}"))
            connection.execute(text("SELECT pg_advisory_lock_shared(:key)"), {"key": key})
        except SQLAlchemyError as exc:
            connection.close()
            raise database.problem(exc) from None
        return cls(connection, key, database)

    def release(self) -> None:
        if self.connection is not None:
            self.connection.close()  # ends the session: every hold of the lock by it goes
            self.connection = None


def _connection(database: Database, name: str) -> Connection:
    connection = database.connect_autocommit()
    label = f"acceptance-harness {name} pid {os.getpid()} on {socket.gethostname()}"[:63]
    try:
        connection.execute(text("SELECT set_config('application_name', :label, false)"), {"label": label})
    except SQLAlchemyError as exc:
        connection.close()
        raise database.problem(exc) from None
    return connection


def try_profile_lock(database: Database, profile: str) -> Lock | None:
    """The lock that keeps one run of ``profile`` at a time, or None when a run of it is going."""
    if database.path is not None:
        return FileLock.try_acquire(profile_lock_path(database.path, profile))
    return AdvisoryLock.try_acquire(database, f"profile/{profile}", shared_after=True)


def join_profile_lock(database: Database, profile: str) -> Lock:
    """In a scheduled run's process on a PostgreSQL history: hold its profile's lock too (a file lock
    arrives as an inherited descriptor instead)."""
    return AdvisoryLock.join(database, f"profile/{profile}")


def try_scheduler_lock(database: Database) -> Lock | None:
    """One scheduler per history database; None when another one runs."""
    if database.path is not None:
        return FileLock.try_acquire(scheduler_lock_path(database.path))
    return AdvisoryLock.try_acquire(database, "scheduler", shared_after=False)


def scheduler_holder(database: Database) -> str:
    """Who holds the scheduler lock, for messages ("" when unknown)."""
    if database.path is not None:
        return holder(scheduler_lock_path(database.path))
    key = advisory_key("scheduler") & 0xFFFFFFFFFFFFFFFF
    query = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :high AND l.objid = :low AND l.objsubid = 1 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    try:
        with database.reading() as db:
            names = db.execute(query, {"high": key >> 32, "low": key & 0xFFFFFFFF}).scalars().all()
    except HistoryError:
        return ""
    return ", ".join(str(n) for n in names if n)


def holder(path: Path) -> str:
    """The pid written by the lock's holder, for messages ("" when unknown)."""
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def lock_directory(history: Path) -> Path:
    return history.with_name(history.name + ".locks")


def profile_lock_path(history: Path, profile: str) -> Path:
    return lock_directory(history) / f"profile-{re.sub(r'[^A-Za-z0-9_.-]', '_', profile)}.lock"


def scheduler_lock_path(history: Path) -> Path:
    return lock_directory(history) / "scheduler.lock"
