"""Data consistency checks against real databases: SQLite files and a real PostgreSQL (tests/pg_server.py),
the same table on both engines, tolerances, the rows behind a differing checksum, and the bad inputs
(an unknown column, a wrong password, a missing file) — never with the password in a message."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_server import PASSWORD, PostgresServer

from harness.runners.parallel.data import DataError, compare_table, connect, measure, shown_url
from harness.runners.parallel.options import TableCheck, Tolerance

ROWS = [(1, "construction", "3250.00", "submitted"), (2, "business_license", "0.00", "draft"), (3, "food_service", "12.50", "approved")]  # fmt: skip
CHECK = TableCheck(
    table="applications",
    aggregates={"total_fee": "sum(fee)", "approved": "sum(CASE WHEN status = 'approved' THEN 1 ELSE 0 END)"},
    checksum=("id", "permit_type", "fee"),
    key=("id",),
)


def sqlite_db(path: Path, rows: list[tuple[int, str, str, str]]) -> str:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE applications (id INTEGER PRIMARY KEY, permit_type TEXT, fee REAL, status TEXT)")
        db.executemany("INSERT INTO applications VALUES (?, ?, ?, ?)", rows)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    with psycopg.connect(url.replace("postgresql://", "postgresql://", 1)) as db:
        db.execute("CREATE TABLE applications (id integer PRIMARY KEY, permit_type text, fee numeric(10, 2), status text)")
        with db.cursor() as cursor:
            cursor.executemany("INSERT INTO applications VALUES (%s, %s, %s, %s)", ROWS)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


def measured(url: str, check: TableCheck = CHECK):  # type: ignore[no-untyped-def]
    with connect(url, 10) as connection:
        return measure(connection, check)


def test_the_same_data_in_postgresql_and_sqlite_is_consistent(pg_url: str, tmp_path: Path) -> None:
    lite = sqlite_db(tmp_path / "new.sqlite", ROWS)
    outcome = compare_table(CHECK, measured(pg_url), measured(lite))
    assert outcome.consistent, outcome
    assert [(c.name, c.primary, c.candidate) for c in outcome.checks][:3] == [
        ("count", "3", "3"),
        ("total_fee", "3262.5", "3262.5"),  # numeric(10,2) 3262.50 and REAL 3262.5 are one value
        ("approved", "1", "1"),
    ]


def test_a_changed_fee_differs_in_the_aggregate_and_the_checksum_names_the_row(pg_url: str, tmp_path: Path) -> None:
    changed = [(1, "construction", "3500.00", "submitted"), *ROWS[1:]]
    lite = sqlite_db(tmp_path / "old.sqlite", changed)
    outcome = compare_table(CHECK, measured(lite), measured(pg_url))
    assert not outcome.consistent
    differing = {c.name: (c.primary, c.candidate) for c in outcome.checks if not c.equal}
    assert differing["total_fee"] == ("3512.5", "3262.5")
    assert "checksum(id, permit_type, fee)" in differing and outcome.differing_keys == ("1",)
    # within an absolute tolerance of 250 the totals agree; the checksum still sees the row
    tolerant = CHECK.model_copy(update={"tolerance": Tolerance(absolute=250)})
    outcome = compare_table(tolerant, measured(lite, tolerant), measured(pg_url, tolerant))
    assert [c.name for c in outcome.checks if not c.equal] == ["checksum(id, permit_type, fee)"]


def test_rows_present_on_one_side_only_are_named_by_key(tmp_path: Path) -> None:
    old = sqlite_db(tmp_path / "old.sqlite", ROWS)
    new = sqlite_db(tmp_path / "new.sqlite", [*ROWS[:2], (4, "food_service", "12.50", "approved")])
    check = TableCheck(table="applications", checksum=("id", "fee"), where="status <> 'draft'")
    outcome = compare_table(check, measured(old, check), measured(new, check))
    assert [c.name for c in outcome.checks if not c.equal] == ["checksum(id, fee)"]
    assert outcome.differing_keys == ("3, 12.5", "4, 12.5")  # the key defaults to the checksum's columns


def test_a_query_that_fails_raises_for_its_table_and_the_connection_goes_on(pg_url: str) -> None:
    bad = TableCheck(table="applications", aggregates={"x": "sum(no_such_column)"})
    with connect(pg_url, 10) as connection:
        with pytest.raises(Exception, match="no_such_column"):
            measure(connection, bad)
        connection.rollback()
        assert measure(connection, CHECK).count == 3
    with pytest.raises(ValueError, match="is not a column name"), connect(pg_url, 10) as connection:
        measure(connection, TableCheck(table="applications", checksum=("id; DROP TABLE x",)))


def test_an_unreachable_database_says_so_without_the_password(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    wrong = postgres_server.url("postgres", password="wrong-Pa55-x1")
    with pytest.raises(DataError) as caught, connect(wrong, 5):
        pass
    assert "cannot be reached" in str(caught.value) and "wrong-Pa55-x1" not in str(caught.value)
    assert shown_url(wrong) == f"postgresql://harness:***@127.0.0.1:{postgres_server.port}/postgres"
    assert PASSWORD not in shown_url(postgres_server.url("postgres"))
    with pytest.raises(DataError, match="cannot be reached"), connect(f"sqlite:///{tmp_path}/missing.sqlite", 5):
        pass
    assert not (tmp_path / "missing.sqlite").exists()  # read-only: never created
    with pytest.raises(DataError, match="no SQLAlchemy driver"), connect("nosuchdb://x/y", 5):
        pass
    with pytest.raises(DataError, match="is not a SQLAlchemy database URL"), connect("not a url", 5):
        pass
