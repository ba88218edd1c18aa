"""The history database on SQLite and PostgreSQL: refuses what it must not touch, migrates what it may, says
in one line why it cannot connect, survives concurrent writers (four processes at once, on a fresh database)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from history_builders import T0, make_run, perf_suite
from pg_server import PASSWORD, PostgresServer
from sqlalchemy import event, func, select

from harness.errors import HistoryError
from harness.history import RunStore, sqlite
from harness.history.database import Database
from harness.history.schema import APPLICATION_ID, SCHEMA_VERSION, findings, metrics, runs, suites

# The first release's migration 1, exactly as it created SQLite histories (before SQLAlchemy).
RELEASED_V1 = (
    """CREATE TABLE runs (run_id TEXT PRIMARY KEY, profile TEXT NOT NULL, profile_path TEXT NOT NULL DEFAULT '',
        profile_sha256 TEXT NOT NULL DEFAULT '', project TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL DEFAULT '',
        target TEXT NOT NULL DEFAULT '', target_url TEXT NOT NULL DEFAULT '', target_version TEXT NOT NULL DEFAULT '',
        verdict TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, interrupted INTEGER NOT NULL DEFAULT 0,
        run_dir TEXT NOT NULL DEFAULT '', recorded TEXT NOT NULL)""",
    "CREATE INDEX runs_by_profile ON runs (profile, started)",
    "CREATE INDEX runs_by_start ON runs (started)",
    """CREATE TABLE suites (run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE, name TEXT NOT NULL,
        kind TEXT NOT NULL, status TEXT NOT NULL, started TEXT, finished TEXT, error TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (run_id, name))""",
    """CREATE TABLE metrics (run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE, suite TEXT NOT NULL,
        name TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, suite, name))""",
    """CREATE TABLE endpoint_metrics (run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        suite TEXT NOT NULL, endpoint TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL,
        PRIMARY KEY (run_id, suite, endpoint, name))""",
    """CREATE TABLE findings (run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE, suite TEXT NOT NULL,
        fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',
        risk TEXT NOT NULL, action TEXT NOT NULL, instances INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, suite, fingerprint))""",
    """CREATE TABLE tags (profile TEXT NOT NULL, tag TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE, created TEXT NOT NULL,
        PRIMARY KEY (profile, tag))""",
)


def _count(history: str, table: object) -> int:
    with Database.open(history, create=False).reading() as db:
        return int(db.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _pg(history_url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(history_url, autocommit=True)


def test_creates_a_fresh_database_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "history.sqlite"
    RunStore.open(path).record(make_run([perf_suite()]), tmp_path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_creates_the_same_tables_on_postgresql(postgres_server: PostgresServer) -> None:
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    RunStore.open(url).record(make_run([perf_suite()]), "/runs/x")
    with _pg(url) as db:
        meta = db.execute("SELECT application_id, schema_version FROM harness_meta").fetchall()
        tables = {
            r[0] for r in db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='public'")
        }
        value_type = db.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name='metrics' AND column_name='value'"
        ).fetchone()
    assert meta == [(APPLICATION_ID, SCHEMA_VERSION)]
    assert tables == {"harness_meta", "runs", "suites", "metrics", "endpoint_metrics", "findings", "tags", "schedules",
                      "schedule_state", "schedule_log", "stage_closures"}  # fmt: skip
    assert value_type == ("double precision",)  # FLOAT compiled for PostgreSQL: metrics keep every digit


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    content = b"run_id,verdict\ndemo-1,PASS\n" * 100
    path.write_bytes(content)
    with pytest.raises(HistoryError, match=r"is not a SQLite database.*left untouched"):
        RunStore.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite"]  # no -wal/-shm beside it


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
        db.commit()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="SQLite database of another application"):
        RunStore.open(path)
    assert path.read_bytes() == before


def test_another_applications_postgresql_database_is_refused(postgres_server: PostgresServer) -> None:
    url = postgres_server.url(postgres_server.create_database())
    with _pg(url) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(HistoryError, match=r"holds tables of another application.*left untouched") as caught:
        RunStore.open(url)
    assert PASSWORD not in str(caught.value) and "harness:***@127.0.0.1" in str(caught.value)
    with _pg(url) as db:
        tables = [
            r[0] for r in db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='public'")
        ]
    assert tables == ["customers"]


def test_a_newer_schema_is_refused_and_untouched(history_url: str, tmp_path: Path) -> None:
    RunStore.open(history_url).record(make_run([perf_suite()]), tmp_path)
    if history_url.startswith("postgresql"):
        with _pg(history_url) as db:
            db.execute("UPDATE harness_meta SET schema_version = %s", (SCHEMA_VERSION + 1,))
            snapshot = lambda: db.execute("SELECT * FROM runs").fetchall()  # noqa: E731
            before = snapshot()
            with pytest.raises(HistoryError, match=f"version {SCHEMA_VERSION + 1}, newer than .* upgrade the harness"):
                RunStore.open(history_url)
            assert snapshot() == before
            assert db.execute("SELECT schema_version FROM harness_meta").fetchone() == (SCHEMA_VERSION + 1,)
        return
    with closing(sqlite3.connect(history_url)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = Path(history_url).read_bytes()
    with pytest.raises(HistoryError, match=f"schema version {SCHEMA_VERSION + 1}, newer than .* upgrade the harness"):
        RunStore.open(history_url)
    assert Path(history_url).read_bytes() == before


def test_missing_database_is_not_created_for_reading(history_url: str) -> None:
    with pytest.raises(HistoryError, match=r"no run history (at|in) .* yet"):
        RunStore.open(history_url, create=False)
    if history_url.startswith("postgresql"):
        with _pg(history_url) as db:
            assert db.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema='public'"
            ).fetchone() == (0,)
    else:
        assert not Path(history_url).exists()


def test_an_old_schema_is_migrated_with_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with sqlite3.connect(path) as db:  # a history written by the first release: migration 1 only
        for statement in RELEASED_V1:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO runs (run_id, profile, verdict, started, finished, recorded) "
            "VALUES ('demo-old', 'demo', 'PASS', '2024-01-01T00:00:00.000000+00:00', "
            "'2024-01-01T00:05:00.000000+00:00', '2024-01-01T00:05:00.000000+00:00')"
        )
        for name in ("unit", "load", "api"):  # the order of a run's suites was their rowid order
            db.execute(
                f"INSERT INTO suites (run_id, name, kind, status) VALUES ('demo-old', '{name}', 'unit', 'passed')"
            )
    store = RunStore.open(path)
    old = store.get("demo-old")
    assert old is not None and old.verdict.value == "PASS"
    assert [s.name for s in old.suites] == ["unit", "load", "api"]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("unreachable", r"cannot reach the PostgreSQL server at 127\.0\.0\.1:\d+ \(.*refused.*\); check the host"),
        ("password", r"refused the password of user 'harness': fix the password"),
        ("database", r"database 'no_such_history' does not exist on 127\.0\.0\.1:\d+: create it first \(createdb"),
    ],
)
def test_connection_problems_are_one_line_and_keep_the_password_out(
    postgres_server: PostgresServer, problem: str, expected: str
) -> None:
    url = {
        "unreachable": postgres_server.url("history", port=_closed_port()),
        "password": postgres_server.url(postgres_server.create_database(), password="wrong-" + PASSWORD),
        "database": postgres_server.url("no_such_history"),
    }[problem]
    with pytest.raises(HistoryError, match=expected) as caught:
        RunStore.open(url)
    message = str(caught.value)
    assert "\n" not in message and PASSWORD not in message and "harness:***@127.0.0.1" in message
    assert "Traceback" not in message and "sqlalche.me" not in message


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:  # bound, never listening: connecting is refused
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import timedelta
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from history_builders import T0, make_run, perf_suite, security_suite, finding
    from harness.history import RunStore
    flags = Path({flags!r})
    (flags / ("ready-" + sys.argv[1])).touch()
    deadline = time.monotonic() + 60
    while not (flags / "go").exists() and time.monotonic() < deadline:  # start together: open, migrate, write
        time.sleep(0.01)
    store = RunStore.open({history!r})
    for i in range({runs}):
        run = make_run(
            [perf_suite(p95=0.1 + i / 1000), security_suite(findings=[finding("1", "x", "high", f"fp-{{i}}")])],
            run_id=f"{{sys.argv[1]}}-{{i}}", started=T0 + timedelta(seconds=i),
        )
        store.record(run, Path("/runs") / run.run_id)
        if i % 10 == 0:
            store.record(run, Path("/runs") / run.run_id)  # recording the same run again (start, then end)
            store.list(limit=5)
    """
)


@pytest.mark.slow
def test_four_processes_recording_at_once_lose_nothing(history_url: str, tmp_path: Path) -> None:
    """Four processes open a fresh history together (one migrates, the others wait) and record 50 runs each."""
    writers, per_writer = "abcd", 50
    flags = tmp_path / "flags"
    flags.mkdir()
    script = _WRITER.format(
        tests=str(Path(__file__).resolve().parent.parent), flags=str(flags), history=history_url, runs=per_writer
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, name], stderr=subprocess.PIPE, text=True) for name in writers
    ]
    deadline = time.monotonic() + 60
    while not all((flags / f"ready-{name}").exists() for name in writers) and time.monotonic() < deadline:
        time.sleep(0.01)
    (flags / "go").touch()
    for process in processes:
        _, errors = process.communicate(timeout=180)
        assert process.returncode == 0, errors
    total = len(writers) * per_writer
    assert _count(history_url, runs) == total
    assert _count(history_url, suites) == total * 2
    assert _count(history_url, findings) == total
    assert _count(history_url, metrics) == total * 5
    assert len(RunStore.open(history_url).list(limit=500)) == total
    if not history_url.startswith("postgresql"):
        with sqlite3.connect(history_url) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_fresh_file_another_process_is_writing_is_switched_to_wal_once_it_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switching a fresh file to WAL takes an exclusive lock. While another connection holds a write lock,
    SQLite refuses the switch at once ("database is locked") instead of waiting: several processes opening one
    fresh history together met that (seen in a full test run). The switch is now tried again within
    BUSY_TIMEOUT; here the other writer finishes during the first back-off."""
    path = tmp_path / "history.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer of the fresh file (as a process that is creating it)
    backoffs: list[float] = []

    def back_off(seconds: float) -> None:
        if not backoffs:
            other.execute("COMMIT")
        backoffs.append(seconds)

    monkeypatch.setattr(sqlite, "time", SimpleNamespace(monotonic=time.monotonic, sleep=back_off))
    Database.open(path)
    assert backoffs, "the other writer's lock was never met"
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_a_fresh_file_locked_beyond_the_busy_timeout_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT", 0.2)
    with pytest.raises(HistoryError, match="database is locked: another process kept the database busy"):
        Database.open(path)
    other.close()


def test_a_full_disk_is_reported_as_such_not_as_a_failed_rollback(tmp_path: Path) -> None:
    """SQLite rolls a transaction back by itself when the disk fills; the harness must report the full
    disk, not the "cannot rollback - no transaction is active" of a second rollback."""
    point = tmp_path / "small"
    point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        store = RunStore.open(point / "history.sqlite")
        endpoints = {f"GET /api/item/{i}/{'x' * 200}": {"p95": 0.1, "rps": 1.0} for i in range(300)}
        with pytest.raises(HistoryError) as full:
            for number in range(200):  # bounded: 256 KiB fills long before
                started = T0 + timedelta(hours=number)
                store.record(make_run([perf_suite(endpoints=endpoints)], started=started), tmp_path)
        message = str(full.value)
        assert "cannot rollback" not in message
        assert "disk is full" in message or "disk may be full" in message
        assert "--history" in message
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_history_is_identified_in_one_read(tmp_path: Path) -> None:
    """Version, application id and whether tables exist come from one statement, so one snapshot: read
    apart, they could straddle another process's first migration (its tables seen, its stamp not yet) and
    a fresh history shared by two runs starting together was refused as another application's database."""
    path = tmp_path / "history.sqlite"
    RunStore.open(path)
    engine = sqlite.engine(path)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.connect().execution_options(**{sqlite.BEGIN: "none"}) as connection:  # as Database.open reads it
        assert sqlite.identity(connection) == (SCHEMA_VERSION, APPLICATION_ID, True)
    assert len(statements) == 1, statements
