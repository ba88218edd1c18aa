"""The history database: refuses what it must not touch, migrates what it may, survives concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from history_builders import T0, make_run, perf_suite

from harness.errors import HistoryError
from harness.history import RunStore
from harness.history.database import Database
from harness.history.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION


def test_creates_a_fresh_database_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "history.sqlite"
    RunStore.open(path).record(make_run([perf_suite()]), tmp_path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


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


def test_a_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    RunStore.open(path).record(make_run([perf_suite()]), tmp_path)
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(HistoryError, match=f"schema version {SCHEMA_VERSION + 1}, newer than .* upgrade the harness"):
        RunStore.open(path)
    assert path.read_bytes() == before


def test_missing_database_is_not_created_for_reading(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="no run history at"):
        RunStore.open(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()


def test_an_old_schema_is_migrated_with_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with sqlite3.connect(path) as db:  # a history written by the first release: migration 1 only
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO runs (run_id, profile, verdict, started, finished, recorded) "
            "VALUES ('demo-old', 'demo', 'PASS', '2024-01-01T00:00:00.000000+00:00', "
            "'2024-01-01T00:05:00.000000+00:00', '2024-01-01T00:05:00.000000+00:00')"
        )
    store = RunStore.open(path)
    old = store.get("demo-old")
    assert old is not None and old.verdict.value == "PASS"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0


_WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import timedelta
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from history_builders import T0, make_run, perf_suite, security_suite, finding
    from harness.history import RunStore
    store = RunStore.open(Path({db!r}))
    Path({db!r} + "." + sys.argv[1] + ".ready").touch()
    deadline = time.monotonic() + 60
    while not Path({db!r} + ".go").exists() and time.monotonic() < deadline:  # start writing together
        time.sleep(0.01)
    for i in range(100):
        run = make_run(
            [perf_suite(p95=0.1 + i / 1000), security_suite(findings=[finding("1", "x", "high", f"fp-{{i}}")])],
            run_id=f"{{sys.argv[1]}}-{{i}}", started=T0 + timedelta(seconds=i),
        )
        store.record(run, Path("/runs") / run.run_id)
    """
)


@pytest.mark.slow
def test_two_processes_writing_at_once_do_not_corrupt_it(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    Database.open(path)
    script = _WRITER.format(tests=str(Path(__file__).resolve().parent.parent), db=str(path))
    writers = [
        subprocess.Popen([sys.executable, "-c", script, name], stderr=subprocess.PIPE, text=True) for name in "ab"
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{path}.{name}.ready").exists() for name in "ab") and time.monotonic() < deadline:
        time.sleep(0.01)
    Path(f"{path}.go").touch()
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 200
        assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 200
        assert db.execute("SELECT count(*) FROM metrics").fetchone()[0] == 200 * 5
    assert len(RunStore.open(path).list(limit=500)) == 200


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
