"""The shared history: a PostgreSQL database that CI runners and schedulers on several machines write to.

Tables live in the connection's current schema (``public`` unless the URL sets ``options=-csearch_path=...``).
The schema version and the application id are kept in the one-row table ``harness_meta`` (PostgreSQL has
no ``PRAGMA user_version``). Migrating takes a transaction-level advisory lock, so processes opening a
fresh database at once create the tables once; PostgreSQL's DDL is transactional, so a failed migration
leaves nothing behind. Connection problems become one-line messages that say what to do.
"""

from __future__ import annotations

import hashlib
import socket

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from harness.history.schema import APPLICATION_ID
from harness.profile.history_url import DatabaseUrl

CONNECT_TIMEOUT = 10  # seconds: an unreachable server fails the command quickly instead of hanging it
META = "harness_meta"

# SQLSTATEs of connection problems (PostgreSQL appendix A)
_WRONG_PASSWORD = "28P01"
_NOT_ALLOWED = "28000"  # no such role, or pg_hba.conf refuses the host/user/database
_NO_DATABASE = "3D000"
_NO_PRIVILEGE = "42501"


def advisory_key(name: str) -> int:
    """A 64-bit advisory lock key for ``name`` (e.g. ``profile/nightly``), the same on every machine."""
    digest = hashlib.blake2b(f"acceptance-harness/{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def engine(url: DatabaseUrl, purpose: str = "") -> Engine:
    """Connections are opened per operation (no pool): a long-running scheduler survives a server restart,
    and a run holds no connection while its suites run."""
    secret = url.password.get_secret_value() if url.password is not None else None
    return create_engine(
        URL.create(
            "postgresql+psycopg", username=url.username or None, password=secret, host=url.host or None,
            port=url.port, database=url.database or None, query=dict(url.query),
        ),
        poolclass=NullPool,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": f"acceptance-harness{f' {purpose}' if purpose else ''} on {socket.gethostname()}"[:63],
        },
        hide_parameters=True,
    )  # fmt: skip


def identity(connection: Connection) -> tuple[int, int, bool]:
    """(schema version, application id, whether the schema holds other tables), like SQLite's PRAGMAs."""
    schema = connection.execute(text("SELECT current_schema()")).scalar_one_or_none()
    if schema is None:
        raise _NoSchema()
    names = set(
        connection.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = :schema"), {"schema": schema}
        ).scalars()
    )
    if META not in names:
        return 0, 0, bool(names)
    row = connection.execute(text(f"SELECT application_id, schema_version FROM {META}")).first()
    if row is None:
        return 0, 0, True
    return int(row.schema_version), int(row.application_id), True


class _NoSchema(SQLAlchemyError):
    """search_path names no existing schema: there is nowhere to create the tables."""


def lock_migrations(connection: Connection) -> None:
    """Serialize migrations: whoever comes second finds the tables made (and decides again)."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key("schema")})


def stamp(connection: Connection, version: int) -> None:
    connection.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {META} (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "application_id INTEGER NOT NULL, schema_version INTEGER NOT NULL)"
        )
    )
    connection.execute(
        text(
            f"INSERT INTO {META} (id, application_id, schema_version) VALUES (1, :app, :version) "
            "ON CONFLICT (id) DO UPDATE SET application_id = excluded.application_id, "
            "schema_version = excluded.schema_version"
        ),
        {"app": APPLICATION_ID, "version": version},
    )


def describe(exc: SQLAlchemyError, url: DatabaseUrl) -> str:
    """One line that says what went wrong and what to do; never the password."""
    where = f"the run history {url.redacted}"
    if isinstance(exc, _NoSchema):
        return (
            f"{where}: its search_path names no existing schema to keep the tables in; "
            "create one (CREATE SCHEMA) or fix options=-csearch_path=... in the URL"
        )
    original = getattr(exc, "orig", None)
    message = str(original or exc).strip()
    code = getattr(original, "sqlstate", None) or _code_of(message)
    host = f"{url.host or 'localhost'}:{url.port or 5432}"
    user = url.username or "(your login name)"
    if code == _WRONG_PASSWORD:
        return (
            f"{where}: PostgreSQL at {host} refused the password of user {user!r}: fix the password "
            "(${PGPASSWORD} in the URL, or the PGPASSWORD variable or ~/.pgpass when the URL has none)"
        )
    if code == _NO_DATABASE:
        return (
            f"{where}: database {url.database or user!r} does not exist on {host}: create it first "
            f"(createdb -h {url.host or 'localhost'} -O {user} {url.database or user}, or CREATE DATABASE)"
        )
    if code == _NOT_ALLOWED:
        return f"{where}: PostgreSQL at {host} does not let user {user!r} in: {_first_line(message)}"
    if code == _NO_PRIVILEGE:
        return (
            f"{where}: user {user!r} may not create or change the history's tables ({_first_line(message)}); "
            "make it the database's owner or GRANT it CREATE on the schema"
        )
    if code is None and _unreachable(message):
        return (
            f"{where}: cannot reach the PostgreSQL server at {host} ({_first_line(message)}); check the host "
            "and port in the URL and that the server is running and accepts TCP connections"
        )
    return f"{where}: {_first_line(message)}"


def _code_of(message: str) -> str | None:
    """libpq reports a failed login as text only (no SQLSTATE): recognise the server's messages."""
    if "password authentication failed" in message:
        return _WRONG_PASSWORD
    if "database" in message and "does not exist" in message:
        return _NO_DATABASE
    if "no pg_hba.conf entry" in message or ("role" in message and "does not exist" in message):
        return _NOT_ALLOWED
    return None


def _unreachable(message: str) -> bool:
    lowered = message.lower()
    return any(
        hint in lowered
        for hint in ("connection refused", "timeout expired", "could not translate host name", "no route to host",
                     "connection failed", "network is unreachable", "name or service not known")
    )  # fmt: skip


def _first_line(message: str) -> str:
    """psycopg's messages carry the connection attempt and hints on further lines; keep the reason."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    reasons = [line for line in lines if not line.lower().startswith(("hint:", "is the server running"))]
    best = reasons[-1] if reasons else (lines[0] if lines else "unknown error")
    return best.removeprefix("connection failed: ").removeprefix("FATAL:  ").strip()
