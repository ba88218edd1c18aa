"""Open the history database safely: check what it is, migrate it, and hand out connections.

Two backends share one schema and one migration list (schema.py): a SQLite file (sqlite.py), the embedded
default, and a PostgreSQL database (postgres.py) that several machines write to. Several processes may
write at once (runs finishing together, the scheduler, ``history import``): on SQLite every write is one
``BEGIN IMMEDIATE`` transaction in WAL mode, on PostgreSQL one READ COMMITTED transaction whose upserts
make recording the same run twice harmless; reads see one snapshot (a deferred transaction on SQLite,
REPEATABLE READ on PostgreSQL). A database that belongs to another application or was written by a newer
harness is refused with a clear error and never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.base import ColumnCollection

from harness.errors import HistoryError
from harness.history import postgres, sqlite
from harness.history.location import HistoryLocation
from harness.history.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from harness.redaction import Redactor

BUSY_TIMEOUT = sqlite.BUSY_TIMEOUT


def timestamp(moment: datetime) -> str:
    """A UTC timestamp whose text order is its time order (the database sorts by it)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_timestamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Database:
    """A checked, migrated history database; connections are opened per operation."""

    def __init__(self, location: HistoryLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self._redactor = Redactor(location.secrets)

    @property
    def path(self) -> Path | None:
        """The SQLite file (its lock files sit beside it); None on PostgreSQL."""
        return self.location.path

    @property
    def display(self) -> str:
        """For messages: the path, or the URL without its password."""
        return self.location.display

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @classmethod
    def open(cls, where: HistoryLocation | Path | str, *, create: bool = True) -> Database:
        """Check the database and bring its schema up to date (creating it when ``create``).

        Raises:
            HistoryError: the database is missing (and not ``create``), not SQLite, another application's,
                from a newer harness, unreachable or refuses the login. It is left as it was.
        """
        location = HistoryLocation.of(where)
        if location.url is not None:
            database = cls(location, postgres.engine(location.url))
        else:
            assert location.path is not None
            path = location.path.resolve()
            sqlite.check_file(path, create=create)
            location = HistoryLocation(path=path)
            database = cls(location, sqlite.engine(path))
        try:
            database._prepare(create)
        except SQLAlchemyError as exc:
            raise database.problem(exc, "cannot be used") from None
        return database

    def problem(self, exc: SQLAlchemyError, what: str = "") -> HistoryError:
        """The database error as a one-line HistoryError, secrets redacted (no traceback, no SQL)."""
        if self.location.url is not None:
            message = postgres.describe(exc, self.location.url)
        else:
            reason = sqlite.explain(getattr(exc, "orig", None) or exc)
            message = f"history database {self.display}{f' {what}' if what else ''}: {reason}"
        return HistoryError(self._redactor.redact(message))

    def _prepare(self, create: bool) -> None:
        backend = sqlite if self.dialect == "sqlite" else postgres
        with self.engine.connect().execution_options(**{sqlite.BEGIN: "none"}) as connection:
            version, application, tables = backend.identity(connection)
            self._check_identity(version, application, tables)
            if version == SCHEMA_VERSION:
                return
            if version == 0 and not create and self.location.url is not None:
                raise HistoryError(
                    f"no run history in {self.display} yet: runs are recorded there when they finish "
                    "(or backfill it with `harness history import` or `harness history migrate`)"
                )
            if backend is sqlite:
                sqlite.enable_wal(connection)
            connection.commit()
        with self.engine.connect().execution_options(**{sqlite.BEGIN: "immediate"}) as connection, connection.begin():
            if backend is postgres:
                postgres.lock_migrations(connection)
            # another process may have migrated while we looked: decide again inside the lock
            version, application, tables = backend.identity(connection)
            self._check_identity(version, application, tables)
            for steps in MIGRATIONS[version:]:
                for step in steps:
                    if step.dialect in (None, self.dialect):
                        connection.execute(step.statement)
            if version != SCHEMA_VERSION:
                backend.stamp(connection, SCHEMA_VERSION)

    def _check_identity(self, version: int, application: int, tables: bool) -> None:
        fresh = version == 0 and application == 0 and not tables
        if not fresh and application != APPLICATION_ID:
            if self.dialect == "sqlite":
                raise HistoryError(
                    f"{self.display} is a SQLite database of another application, not an acceptance-harness run "
                    "history; it was left untouched (pass --history with another path)"
                )
            raise HistoryError(
                f"{self.display} holds tables of another application, not an acceptance-harness run history; "
                "it was left untouched (give the history an empty database, or a schema of its own with "
                "?options=-csearch_path%3DNAME in the URL)"
            )
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.display} has history schema version {version}, newer than this harness understands "
                f"({SCHEMA_VERSION}); upgrade the harness — the database was left untouched"
            )

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for queries, all of them seeing one snapshot (readers never block writers)."""
        options: dict[str, object] = {sqlite.BEGIN: "deferred"}
        if self.dialect == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        try:
            with self.engine.connect().execution_options(**options) as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise self.problem(exc) from None

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        try:
            immediate = {sqlite.BEGIN: "immediate"}
            with self.engine.connect().execution_options(**immediate) as connection, connection.begin():
                yield connection
        except SQLAlchemyError as exc:
            raise self.problem(exc) from None

    def connect_autocommit(self) -> Connection:
        """A connection of its own, outside any transaction (for session-level advisory locks).

        Raises:
            HistoryError: the server cannot be reached.
        """
        try:
            return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except SQLAlchemyError as exc:
            raise self.problem(exc) from None


def upsert(
    connection: Connection,
    table: Table,
    values: Mapping[str, object],
    keys: Sequence[str],
    update: Callable[[ColumnCollection[str, ColumnElement[Any]]], Mapping[str, object]] | None = None,
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, in the dialect at hand; ``update(excluded)`` gives the new
    values of a conflicting row (default: every non-key column from the inserted row)."""
    insert = sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert
    statement = insert(table).values(dict(values))
    excluded = statement.excluded
    changes = update(excluded) if update else {name: excluded[name] for name in values if name not in keys}
    connection.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=dict(changes)))
