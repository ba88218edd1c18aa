"""`harness schedule ...` and `harness scheduler run` through the real console script: real worker processes,
real pytest suites, the history they record, notifications, SIGTERM and kill -9 — the last two with the
history in SQLite and in PostgreSQL (advisory locks, the URL passed to the worker on stdin)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from pg_server import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
HARNESS = str(Path(sys.executable).with_name("harness"))


@pytest.fixture
def profile(write_profile: Callable[..., Path], tmp_path: Path) -> Path:
    """A profile with one quick pytest suite; SLEEP_S / FAIL_IT in the environment slow it down or fail it."""
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "test_service.py").write_text(
        "import os, time\n\n"
        "def test_service():\n"
        "    time.sleep(float(os.environ.get('SLEEP_S', '0')))\n"
        "    assert os.environ.get('FAIL_IT') != '1'\n"
    )
    return write_profile(
        """
        project: {name: Permit service}
        target: {base_url: "http://127.0.0.1:9"}
        baseline: previous
        suites:
          - {name: unit, kind: unit, options: {paths: [suite]}}
          - {name: other, kind: unit, enabled: false, options: {paths: [suite]}}
        """,
        name="nightly.yaml",
    )


def _history(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "history.sqlite"


def _rows(db: Path | str, query: str) -> list[tuple[object, ...]]:
    if isinstance(db, str) and db.startswith("postgresql://"):
        with psycopg.connect(db, autocommit=True) as connection:
            try:
                return connection.execute(query).fetchall()  # type: ignore[arg-type]
            except psycopg.errors.UndefinedTable:
                return []  # the scheduler has not created its tables yet: nothing recorded yet
    db = Path(db)
    if not db.exists():
        return []
    with closing(sqlite3.connect(db, timeout=30)) as connection:
        try:
            return connection.execute(query).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []  # the scheduler created the file but not yet its tables: nothing recorded yet
            raise


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _wait_for_run(db: Path | str, scheduler: subprocess.Popen[str]) -> None:
    """Until the scheduled run is recorded as started; otherwise stop the scheduler and say what it did."""
    try:
        _wait_for(lambda: bool(_rows(db, "SELECT 1 FROM runs WHERE finished IS NULL")), 180, "the run to start")
    except AssertionError:
        scheduler.kill()
        _, errors = scheduler.communicate(timeout=30)
        log = _rows(db, "SELECT outcome, detail FROM schedule_log")
        raise AssertionError(f"no run started; scheduler log {log}; its stderr:\n{errors}") from None


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _start_scheduler(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, history: str | None = None, cwd: Path | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [HARNESS, "scheduler", "run", "--history", history or str(_history(tmp_path)), *args],
        cwd=cwd or tmp_path, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _next_minute_cron() -> tuple[str, datetime]:
    """A cron expression for the next whole minute in Shanghai, and that minute."""
    due = (datetime.now(SHANGHAI) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return f"{due.minute} {due.hour} * * *", due


@pytest.mark.slow
def test_add_list_remove_and_bad_input(profile: Path, run_cli: Callable[..., object]) -> None:
    bad = run_cli("schedule", "add", str(profile), "--cron", "0 2 * 13 *")
    assert bad.code == 2  # type: ignore[attr-defined]
    assert "field 4 (month) at column 7: 13 is out of range 1-12" in bad.stderr  # type: ignore[attr-defined]
    zone = run_cli("schedule", "add", str(profile), "--cron", "0 2 * * *", "--timezone", "China/Beijing")
    assert zone.code == 2 and "unknown time zone 'China/Beijing'" in zone.stderr  # type: ignore[attr-defined]
    suite = run_cli("schedule", "add", str(profile), "--cron", "0 2 * * *", "--suite", "zap")
    assert suite.code == 2 and "no suite named 'zap'" in suite.stderr  # type: ignore[attr-defined]

    added = run_cli("schedule", "add", str(profile), "--cron", "0 2 * * *", "--tz", "Asia/Shanghai", "--name", "n")
    assert added.code == 0, added.stderr  # type: ignore[attr-defined]
    assert "added schedule #1" in added.stdout and "(Asia/Shanghai), next run" in added.stdout  # type: ignore[attr-defined]
    listed = run_cli("schedule", "list", "--json").json()["schedules"]  # type: ignore[attr-defined]
    assert [(s["id"], s["cron"], s["timezone"], s["last"]) for s in listed] == [(1, "0 2 * * *", "Asia/Shanghai", "—")]
    assert listed[0]["next"].endswith("T02:00:00+08:00")
    table = run_cli("schedule", "list", env={"COLUMNS": ""}).stdout  # type: ignore[attr-defined]
    row = next(line for line in table.splitlines() if line.lstrip().startswith("#1 n"))  # piped: not cut at 80
    assert "0 2 * * *" in row and "Asia/Shanghai" in row and str(profile.name) in row
    assert [line for line in table.splitlines() if line.strip()][-1] == row  # one line per schedule
    assert len(row.split("│")[5].strip()) == len("2026-01-01 02:00")  # the next run, whole
    exported = run_cli("schedule", "export", "--format", "systemd")
    assert "OnCalendar=*-*-* 02:00:00 Asia/Shanghai" in exported.stdout  # type: ignore[attr-defined]
    removed = run_cli("schedule", "remove", "1")
    assert removed.code == 0 and "removed schedule #1" in removed.stdout  # type: ignore[attr-defined]
    again = run_cli("schedule", "remove", "1")
    assert again.code == 2 and "no schedule #1" in again.stderr  # type: ignore[attr-defined]
    nothing = run_cli("scheduler", "run")
    assert nothing.code == 2 and "nothing to schedule" in nothing.stderr  # type: ignore[attr-defined]


class _Hook:
    def __init__(self) -> None:
        self.bodies: list[dict[str, object]] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"


@pytest.fixture
def hook() -> Iterator[_Hook]:
    receiver = _Hook()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.mark.slow
def test_scheduler_fires_a_schedule_set_one_minute_ahead(
    profile: Path, tmp_path: Path, hook: _Hook, run_cli: Callable[..., object]
) -> None:
    """The schedule is one minute ahead in Asia/Shanghai; the scheduler's clock starts 3 s before it."""
    text = profile.read_text() + f"notify:\n  webhook: {hook.url}\n  command: [sh, -c, 'cat > notified.json']\n"
    profile.write_text(text)
    cron, due = _next_minute_cron()
    added = run_cli("schedule", "add", str(profile), "--cron", cron, "--tz", "Asia/Shanghai", "--suite", "unit")
    assert added.code == 0, added.stderr  # type: ignore[attr-defined]
    pretend = (due - timedelta(seconds=3)).isoformat()
    scheduler = _start_scheduler(tmp_path, "--pretend-now", pretend, "--max-runs", "1", env={"FAIL_IT": "1"})
    _, errors = scheduler.communicate(timeout=120)
    assert scheduler.returncode == 0, errors
    assert "nightly/#1: starting the run due" in errors and "finished run nightly-" in errors and " FAIL" in errors

    db = _history(tmp_path)
    ((run_id, verdict, run_dir),) = _rows(db, "SELECT run_id, verdict, run_dir FROM runs")
    assert verdict == "FAIL" and Path(str(run_dir), "report.pdf").is_file()
    ((key, due_text, outcome, logged_run),) = _rows(db, "SELECT key, due, outcome, run_id FROM schedule_log")
    assert (key, outcome, logged_run) == ("db:1", "finished", run_id)
    assert datetime.fromisoformat(str(due_text)) == due.astimezone(UTC)
    # the notification: a FAIL is worth telling, webhook on 127.0.0.1 and command both got the summary
    (body,) = hook.bodies
    assert body["run_id"] == run_id and body["verdict"] == "FAIL"
    assert body["schedule"]["timezone"] == "Asia/Shanghai" and body["schedule"]["suites"] == ["unit"]  # type: ignore[index]
    assert json.loads((tmp_path / "notified.json").read_text())["run_id"] == run_id
    assert "notified webhook http://127.0.0.1:" in errors
    listed = run_cli("schedule", "list", "--json").json()["schedules"]  # type: ignore[attr-defined]
    assert listed[0]["last"].endswith("finished FAIL")


@pytest.mark.slow
def test_killed_scheduler_leaves_an_incomplete_run_and_the_next_schedule_fires(
    profile: Path, tmp_path: Path, history_url: str
) -> None:
    profile.write_text(
        profile.read_text() + 'schedule: {name: every-minute, cron: "* * * * *", timezone: Asia/Shanghai}\n'
    )
    start = datetime(2025, 1, 1, 1, 59, 56, tzinfo=SHANGHAI)
    db = history_url
    first = _start_scheduler(
        tmp_path, str(profile), "--pretend-now", start.isoformat(), env={"SLEEP_S": "120"}, history=db
    )
    _wait_for_run(db, first)
    _wait_for(lambda: bool(_rows(db, "SELECT pid FROM schedule_log WHERE pid IS NOT NULL")), 10, "the worker pid")
    ((worker,),) = _rows(db, "SELECT pid FROM schedule_log")
    first.kill()  # kill -9: no chance to clean up
    first.communicate(timeout=30)
    _wait_for(lambda: _gone(int(worker)), 60, "the orphaned run to stop")  # type: ignore[call-overload]
    ((verdict, finished, interrupted),) = _rows(db, "SELECT verdict, finished, interrupted FROM runs")
    assert verdict == "INCOMPLETE" and finished is not None and interrupted == 1

    restart = (start + timedelta(minutes=1)).isoformat()  # 3 s before the next fire time
    second = _start_scheduler(tmp_path, str(profile), "--pretend-now", restart, "--max-runs", "1", history=db)
    _, errors = second.communicate(timeout=120)
    assert second.returncode == 0, errors
    assert PASSWORD not in errors
    assert "1 run(s) of a previous scheduler ended without it" in errors
    verdicts = _rows(db, "SELECT verdict FROM runs ORDER BY started")
    assert verdicts == [("INCOMPLETE",), ("PASS",)]
    outcomes = _rows(db, "SELECT outcome FROM schedule_log ORDER BY id")
    assert outcomes == [("abandoned",), ("finished",)]


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_one_scheduler_per_history(profile: Path, tmp_path: Path, history_url: str) -> None:
    profile.write_text(profile.read_text() + 'schedule: {cron: "0 2 * * *", timezone: Asia/Shanghai}\n')
    start = datetime(2025, 1, 1, 1, 59, 56, tzinfo=SHANGHAI)
    db = history_url
    scheduler = _start_scheduler(
        tmp_path, str(profile), "--pretend-now", start.isoformat(), env={"SLEEP_S": "120"}, history=db
    )
    _wait_for_run(db, scheduler)
    elsewhere = tmp_path / "another-machine"  # same history, another working directory
    elsewhere.mkdir()
    twin = _start_scheduler(tmp_path, str(profile), history=db, cwd=elsewhere)
    _, twin_errors = twin.communicate(timeout=60)
    assert twin.returncode == 2 and "another scheduler (" in twin_errors, twin_errors
    assert f"pid {scheduler.pid}" in twin_errors and PASSWORD not in twin_errors
    scheduler.send_signal(signal.SIGTERM)
    _, errors = scheduler.communicate(timeout=120)
    assert scheduler.returncode == 0, errors
    assert "scheduler stopped (SIGTERM received)" in errors
    assert _rows(db, "SELECT verdict, interrupted FROM runs") == [("INCOMPLETE", 1)]
    ((outcome, verdict),) = _rows(db, "SELECT outcome, verdict FROM schedule_log")
    assert (outcome, verdict) == ("finished", "INCOMPLETE")
