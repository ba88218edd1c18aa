"""The embedded history: one SQLite file, safe for several writing processes on one machine.

WAL mode, every write one ``BEGIN IMMEDIATE`` transaction, and a writer waits up to ``BUSY_TIMEOUT`` for
another one instead of failing. The schema version and the application id are the file's own
``PRAGMA user_version`` and ``PRAGMA application_id``. pysqlite's implicit transactions are switched off:
the harness says where every transaction begins (SQLAlchemy's documented recipe for SQLite).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

from harness.errors import HistoryError
from harness.history.schema import APPLICATION_ID

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another writer's transaction
BEGIN = "harness_begin"  # execution option: "immediate" (writers), "deferred" (readers) or "none" (autocommit)


def check_file(path: Path, *, create: bool) -> None:
    """Refuse a path that cannot be a history before anything connects to it (connecting creates files).

    Raises:
        HistoryError: a directory, a missing file (and not ``create``), a file that is not SQLite.
    """
    if path.is_dir():
        raise HistoryError(f"history database {path} is a directory; give a file path")
    if not path.exists():
        if not create:
            raise HistoryError(
                f"no run history at {path} yet: runs are recorded there when they finish "
                "(a profile that keeps its history elsewhere: pass --profile FILE; or --history PATH|URL; or "
                "backfill with `harness history import`)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"cannot create the history database {path}: {exc.strerror or exc}; "
                "pass --history with a file in a directory you can write to"
            ) from None
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise HistoryError(f"history database {path} cannot be read: {exc.strerror}") from None
    if header and header != SQLITE_MAGIC:
        raise HistoryError(
            f"{path} is not a SQLite database, so it cannot be the run history; it was left untouched "
            "(move it away or pass --history with another path)"
        )


def _on_connect(connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    connection.isolation_level = None  # no implicit BEGIN from pysqlite: _on_begin decides
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    connection.execute("PRAGMA foreign_keys = ON")


def _on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(BEGIN, "deferred")
    if mode == "immediate":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif mode == "deferred":
        connection.exec_driver_sql("BEGIN")


def engine(path: Path) -> Engine:
    """Connections are opened per operation (no pool): nothing stays open between writes of a run."""
    created = create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        poolclass=NullPool,
        connect_args={"timeout": BUSY_TIMEOUT},
        hide_parameters=True,
    )
    event.listen(created, "connect", _on_connect)
    event.listen(created, "begin", _on_begin)
    return created


def identity(connection: Connection) -> tuple[int, int, bool]:
    """(schema version, application id, whether the file holds anything at all), read in one statement:
    three reads outside a transaction could straddle another process's migration and see its tables
    but not yet its stamp (a fresh history taken for another application's database)."""
    version, application, objects = connection.exec_driver_sql(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id),"
        " (SELECT count(*) FROM sqlite_master)"
    ).one()
    return int(version), int(application), int(objects) > 0


def enable_wal(connection: Connection) -> None:
    """Switch the file to WAL (outside a transaction: the mode cannot change inside one).

    The switch takes an exclusive lock. When several processes open one fresh file together, SQLite answers
    some of them "database is locked" at once instead of calling the busy handler (their lock upgrades
    would deadlock), so the switch is tried again, within ``BUSY_TIMEOUT``, until one of them has made it.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.005
    while True:
        try:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            return
        except OperationalError as exc:
            if not _locked(exc.orig) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)  # a retry's back-off: the lock is another process's, nothing here to wait on
        pause = min(pause * 2, 0.25)


def stamp(connection: Connection, version: int) -> None:
    connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.exec_driver_sql(f"PRAGMA user_version = {version}")


def explain(error: BaseException) -> str:
    """SQLite's message with what to do about it (a full disk, a read-only file, a busy database)."""
    message = str(error)
    extended = getattr(error, "sqlite_errorcode", None)
    code = extended & 0xFF if isinstance(extended, int) else None  # the primary result code
    if code == sqlite3.SQLITE_FULL or "disk is full" in message:
        return f"{message}: the disk is full; free space there, or pass --history with a path on another disk"
    if code == sqlite3.SQLITE_IOERR or "disk I/O error" in message:
        return (
            f"{message}: the disk may be full or failing; check the free space there, or pass --history with "
            "a path on another disk"
        )
    if code == sqlite3.SQLITE_READONLY or "readonly" in message:
        return f"{message}: the file or its directory is read-only; pass --history with a writable path"
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open" in message:
        return f"{message}: check that the directory exists and is writable, or pass --history with another path"
    if _locked(error):
        return f"{message}: another process kept the database busy for {BUSY_TIMEOUT:g} s; try again"
    return message


def _locked(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked"): another connection holds the lock."""
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
