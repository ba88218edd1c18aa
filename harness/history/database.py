"""Open the history database safely: check what the file is, migrate it, and hand out connections.

Several processes may write at once (two runs finishing together, the scheduler, ``history import``):
the database runs in WAL mode, every write is one ``BEGIN IMMEDIATE`` transaction, and a writer waits
up to ``busy_timeout`` for another to finish instead of failing. A file that is not SQLite, belongs to
another application or was written by a newer harness is refused with a clear error and never touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import HistoryError
from harness.history.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another writer's transaction


def timestamp(moment: datetime) -> str:
    """A UTC timestamp whose text order is its time order (the database sorts by it)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_timestamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Database:
    """A checked, migrated history database file; connections are opened per operation."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Database:
        """Check ``path`` and bring its schema up to date (creating it when ``create``).

        Raises:
            HistoryError: the file is missing (and not ``create``), not SQLite, another application's
                database, from a newer harness, or unreadable. The file is left as it was.
        """
        path = path.resolve()
        if path.is_dir():
            raise HistoryError(f"history database {path} is a directory; give a file path")
        if not path.exists():
            if not create:
                raise HistoryError(
                    f"no run history at {path} yet: runs are recorded there when they finish "
                    "(or pass --history PATH, or backfill with `harness history import`)"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HistoryError(
                    f"cannot create the history database {path}: {exc.strerror or exc}; "
                    "pass --history with a file in a directory you can write to"
                ) from None
        else:
            _check_header(path)
        database = cls(path)
        try:
            database._prepare()
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"history database {path} cannot be used: {_explain(exc)}") from None
        return database

    def _prepare(self) -> None:
        with closing(self._raw()) as connection:
            version, application, tables = _identity(connection)
            _check_identity(self.path, version, application, tables)
            if version == SCHEMA_VERSION:
                return
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("BEGIN IMMEDIATE")
            try:
                # another process may have migrated while we looked: decide again inside the lock
                version, application, tables = _identity(connection)
                _check_identity(self.path, version, application, tables)
                for statements in MIGRATIONS[version:]:
                    for statement in statements:
                        connection.execute(statement)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise

    def _raw(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.row_factory = sqlite3.Row
        return connection

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for queries (WAL readers never block writers)."""
        try:
            with closing(self._raw()) as connection:
                yield connection
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"history database {self.path}: {_explain(exc)}") from None

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        try:
            with closing(self._raw()) as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                    connection.execute("COMMIT")
                except BaseException:
                    _rollback(connection)
                    raise
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"history database {self.path}: {_explain(exc)}") from None


def _rollback(connection: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already done so: it rolls back by itself on some
    errors (a full disk, I/O errors), and a second ROLLBACK would hide the real error behind
    "cannot rollback - no transaction is active"."""
    if connection.in_transaction:
        with suppress(sqlite3.Error):  # the error being handled is the one to report
            connection.execute("ROLLBACK")


def _explain(exc: sqlite3.Error) -> str:
    """SQLite's message with what to do about it."""
    message = str(exc)
    extended = getattr(exc, "sqlite_errorcode", None)
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
    if isinstance(exc, sqlite3.OperationalError) and "locked" in message:
        return f"{message}: another process kept the database busy for {BUSY_TIMEOUT:g} s; try again"
    return message


def _check_header(path: Path) -> None:
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


def _identity(connection: sqlite3.Connection) -> tuple[int, int, int]:
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    application = int(connection.execute("PRAGMA application_id").fetchone()[0])
    tables = int(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    return version, application, tables


def _check_identity(path: Path, version: int, application: int, tables: int) -> None:
    fresh = version == 0 and application == 0 and tables == 0
    if not fresh and application != APPLICATION_ID:
        raise HistoryError(
            f"{path} is a SQLite database of another application, not an acceptance-harness run history; "
            "it was left untouched (pass --history with another path)"
        )
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} has history schema version {version}, newer than this harness understands "
            f"({SCHEMA_VERSION}); upgrade the harness — the database was left untouched"
        )
