"""Data consistency checks of a parallel run: the same SQL on the old and the new system's database
(SQLAlchemy URLs: SQLite, PostgreSQL, MySQL with its driver installed), compared per table.

Per table: the row count, aggregates (SQL expressions such as ``sum(fee)``) and a checksum of key
columns (SHA-256 over the rows in key order, values normalised so that 12.50 and 12.5 agree), with an
absolute/relative tolerance for the numbers. Everything runs in a transaction that is rolled back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from harness.runners.parallel.options import TableCheck, Tolerance

if TYPE_CHECKING:  # SQLAlchemy is imported when a suite checks data: `harness validate` stays light
    from sqlalchemy.engine import URL, Connection
    from sqlalchemy.exc import SQLAlchemyError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ROWS_COMPARED = 200_000  # beyond this many rows only the checksums are compared, not the rows behind them
KEYS_SHOWN = 5  # keys of differing rows named in the report


class DataError(Exception):
    """A database cannot be reached or a URL is not a database URL (the message holds no password)."""


@dataclass(frozen=True)
class Check:
    """One value compared: ``count``, an aggregate's name, or ``checksum(cols)``."""

    name: str
    primary: str
    candidate: str
    equal: bool


@dataclass(frozen=True)
class TableOutcome:
    table: str
    checks: tuple[Check, ...] = ()
    differing_keys: tuple[str, ...] = ()  # keys of rows whose checked columns differ (or exist on one side)
    error: str = ""  # the query failed: the database's own words (redacted by the caller)

    @property
    def consistent(self) -> bool:
        return not self.error and all(check.equal for check in self.checks)


def shown_url(url: str) -> str:
    """A database URL as it may be shown: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"//[^@/]*@", "//***@", url)


def url_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password or ""
    except ArgumentError:
        return ""


@contextmanager
def connect(url: str | URL, timeout: float) -> Iterator[Connection]:
    """A read-only use of a database: a connection whose transaction is always rolled back.

    Raises:
        DataError: the URL is not a database URL, its driver is not installed, or the database cannot be reached.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DataError("is not a SQLAlchemy database URL (e.g. postgresql+psycopg://user@host/db)") from None
    connect_args: dict[str, object] = {}
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver the harness ships (psycopg 3)
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = max(1, int(timeout))
    elif parsed.get_backend_name() == "sqlite":
        connect_args["timeout"] = timeout
        if parsed.database and parsed.database != ":memory:":
            # read-only: a missing file is an error, not a new empty database
            parsed = parsed.set(database=f"file:{parsed.database}", query={"mode": "ro", "uri": "true"})
    try:
        engine = create_engine(parsed, connect_args=connect_args, poolclass=NullPool)
    except NoSuchModuleError as exc:
        raise DataError(f"no SQLAlchemy driver for it ({exc}); install the database's driver") from None
    except (ArgumentError, ImportError) as exc:
        raise DataError(f"cannot be used: {type(exc).__name__}: {exc}") from None
    try:
        try:
            connection = engine.connect()
        except SQLAlchemyError as exc:
            raise DataError(f"cannot be reached: {_first_line(exc)}") from None
        with connection:
            try:
                yield connection  # transactions begin by themselves (SQLAlchemy 2) ...
            finally:
                connection.rollback()  # ... and none is ever committed
    finally:
        engine.dispose()


def _first_line(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def _quoted(connection: Connection, name: str) -> str:
    preparer = connection.dialect.identifier_preparer
    return ".".join(preparer.quote(part) for part in name.split("."))


def _columns(connection: Connection, names: Sequence[str]) -> str:
    for name in names:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"{name!r} is not a column name")
    return ", ".join(_quoted(connection, name) for name in names)


@dataclass
class _Values:
    count: object = None
    aggregates: dict[str, object] = field(default_factory=dict)
    digest: str = ""
    rows: int = 0
    row_digests: dict[str, str] | None = None


def measure(connection: Connection, check: TableCheck) -> _Values:
    """The values of ``check`` in one database.

    Raises:
        SQLAlchemyError: a query failed (an unknown table or column, a bad expression).
    """
    from sqlalchemy import text

    where = f" WHERE {check.where}" if check.where else ""
    table = _quoted(connection, check.table)
    values = _Values()
    if check.count or check.aggregates:
        expressions = ["count(*)", *list(check.aggregates.values())]
        row = connection.execute(text(f"SELECT {', '.join(expressions)} FROM {table}{where}")).one()
        values.count = row[0]
        values.aggregates = dict(zip(check.aggregates, row[1:], strict=True))
    if check.checksum:
        key = check.key or check.checksum
        columns = _columns(connection, check.checksum)
        order = _columns(connection, key)
        key_positions = [list(check.checksum).index(k) if k in check.checksum else None for k in key]
        select = f"SELECT {columns}, {order} FROM {table}{where} ORDER BY {order}"
        total = hashlib.sha256()
        per_row: dict[str, str] | None = {}
        for row in connection.execution_options(stream_results=True).execute(text(select)):
            cells = [normalised(v) for v in row[: len(check.checksum)]]
            line = "\x1f".join(cells).encode("utf-8", "surrogatepass")
            total.update(line + b"\x1e")
            values.rows += 1
            if per_row is not None:
                if values.rows > ROWS_COMPARED:
                    per_row = None
                else:
                    shown_key = ", ".join(
                        cells[p] if p is not None else normalised(row[len(check.checksum) + i])
                        for i, p in enumerate(key_positions)
                    )
                    per_row[shown_key] = hashlib.sha256(line).hexdigest()
        values.digest = total.hexdigest()
        values.row_digests = per_row
    return values


def normalised(value: object) -> str:
    """A value as the checksum sees it, alike across drivers: numbers by value (12.50 == 12.5, 3 == 3.0),
    dates ISO, bytes hex, NULL distinct from every text."""
    if value is None:
        return "\x00NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
        return (
            format(number, "f") if number == number.to_integral_value() or abs(number.adjusted()) < 20 else str(number)
        )
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def compare_table(check: TableCheck, primary: _Values, candidate: _Values) -> TableOutcome:
    """Compare the values of one table measured in both databases."""
    checks: list[Check] = []
    if check.count:
        checks.append(_numbers("count", primary.count, candidate.count, check.tolerance))
    for name in check.aggregates:
        checks.append(_numbers(name, primary.aggregates.get(name), candidate.aggregates.get(name), check.tolerance))
    keys: tuple[str, ...] = ()
    if check.checksum:
        label = f"checksum({', '.join(check.checksum)})"
        checks.append(
            Check(
                label,
                f"{primary.digest[:16]} n={primary.rows}",
                f"{candidate.digest[:16]} n={candidate.rows}",
                primary.digest == candidate.digest,
            )
        )
        if primary.digest != candidate.digest and primary.row_digests is not None and candidate.row_digests is not None:
            left, right = primary.row_digests, candidate.row_digests
            differing = [k for k in left if right.get(k) != left[k]] + [k for k in right if k not in left]
            keys = tuple(differing[:KEYS_SHOWN]) + (
                (f"… {len(differing) - KEYS_SHOWN} more",) if len(differing) > KEYS_SHOWN else ()
            )
    return TableOutcome(check.table, tuple(checks), keys)


def _numbers(name: str, left: object, right: object, tolerance: Tolerance) -> Check:
    a, b = _number(left), _number(right)
    if a is None or b is None:
        equal = normalised(left) == normalised(right)
    else:
        difference = abs(a - b)
        equal = difference <= Decimal(str(tolerance.absolute)) or difference <= Decimal(str(tolerance.relative)) * max(
            abs(a), abs(b)
        )
    return Check(
        name,
        normalised(left) if left is not None else "NULL",
        normalised(right) if right is not None else "NULL",
        equal,
    )


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None
