"""The PostgreSQL test server does not outlive a test session killed hard: the next session reaps it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from pg_server import ADMIN, find_bindir, reap_orphans, start_server

pytestmark = pytest.mark.slow

_START_AND_HANG = """
import sys, threading
sys.path.insert(0, {tests!r})
from pg_server import start_server
server = start_server()
print(server.root, server.port, server.admin_password, flush=True)
threading.Event().wait()
"""


def test_a_server_whose_session_was_killed_is_stopped_and_removed_by_the_next_session() -> None:
    if find_bindir() is None:
        pytest.skip("PostgreSQL server binaries not installed")
    tests_dir = str(Path(__file__).parent)
    session = subprocess.Popen(
        [sys.executable, "-c", _START_AND_HANG.format(tests=tests_dir)], stdout=subprocess.PIPE, text=True
    )
    assert session.stdout is not None
    root_text, port_text, admin_password = session.stdout.readline().split()
    root, port = Path(root_text), int(port_text)
    os.kill(session.pid, signal.SIGKILL)
    session.wait(timeout=30)
    with psycopg.connect(host="127.0.0.1", port=port, user=ADMIN, password=admin_password, dbname="postgres"):
        pass  # the orphan is still serving: nothing stopped it

    live = start_server()  # what the next session does first
    try:
        assert not root.exists()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(host="127.0.0.1", port=port, user=ADMIN, password=admin_password, dbname="postgres",
                            connect_timeout=5)  # fmt: skip
        assert live.root.exists()
        assert reap_orphans(live.bindir, live.run_as) == []  # a live session's server is never taken
    finally:
        live.pg_ctl("stop", "-m", "fast", "-w")
        shutil.rmtree(live.root, ignore_errors=True)
