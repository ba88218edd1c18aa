"""Scheduling locks on both backends: one scheduler per history, one run per profile — held by the run's
own process too, so a run outliving its scheduler still keeps others out (file descriptors on SQLite, a
joined advisory lock on PostgreSQL, where the lock spans machines)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from pg_server import PostgresServer

from harness.history.database import Database
from harness.schedule.locks import scheduler_holder, try_profile_lock, try_scheduler_lock


def test_one_holder_per_profile_and_per_history(history_url: str) -> None:
    database, elsewhere = Database.open(history_url), Database.open(history_url)  # two "machines"
    nightly = try_profile_lock(database, "nightly")
    assert nightly is not None
    assert try_profile_lock(elsewhere, "nightly") is None
    other = try_profile_lock(elsewhere, "weekly")  # another profile may run meanwhile
    assert other is not None
    scheduler = try_scheduler_lock(database)
    assert scheduler is not None and try_scheduler_lock(elsewhere) is None
    who = scheduler_holder(elsewhere)
    assert who == str(os.getpid()) or f"scheduler pid {os.getpid()} on " in who
    for lock in (nightly, other, scheduler):
        lock.release()
    again = try_profile_lock(elsewhere, "nightly")
    assert again is not None
    again.release()


_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from harness.history.database import Database
    from harness.schedule.locks import join_profile_lock
    lock = join_profile_lock(Database.open(sys.argv[1]), "nightly")
    Path(sys.argv[2]).touch()
    while not Path(sys.argv[3]).exists():
        time.sleep(0.02)
    """
)


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the run process did not take the lock"
        time.sleep(0.02)


def test_a_run_keeps_its_profile_locked_after_its_scheduler_let_go(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.url(postgres_server.create_database())
    scheduler, other_machine = Database.open(url), Database.open(url)
    lock = try_profile_lock(scheduler, "nightly")
    assert lock is not None
    joined, done = tmp_path / "joined", tmp_path / "done"
    run = subprocess.Popen([sys.executable, "-c", _RUN, url, str(joined), str(done)], stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(joined, run)
        lock.release()  # the scheduler is gone (killed: its connection ended)
        assert try_profile_lock(other_machine, "nightly") is None  # its run still holds the profile
    finally:
        done.touch()
        run.communicate(timeout=60)
    assert run.returncode == 0
    after = try_profile_lock(other_machine, "nightly")
    assert after is not None
    after.release()
