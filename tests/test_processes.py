"""Child processes always stop, with their whole process group."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from harness.cancel import CancelToken
from harness.processes import ChildProcess

# A parent that ignores SIGINT and starts a grandchild: stop() must still get rid of both.
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_escalates_and_takes_the_grandchildren(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    child = ChildProcess([sys.executable, "-c", STUBBORN, str(pid_file)])
    deadline = time.monotonic() + 10
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    grandchild = int(pid_file.read_text())
    code = child.stop(grace=0.5)
    assert code == -signal.SIGTERM
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild)


def test_wait_returns_on_cancel_and_on_timeout() -> None:
    with ChildProcess([sys.executable, "-c", "import time; time.sleep(30)"]) as child:
        token = CancelToken()
        started = time.monotonic()
        assert child.wait(timeout=0.3) is None
        token.cancel("test")
        assert child.wait(cancel=token) is None
        assert time.monotonic() - started < 5
    assert child.returncode is not None


def test_wait_returns_the_exit_code() -> None:
    with ChildProcess([sys.executable, "-c", "raise SystemExit(7)"]) as child:
        assert child.wait(timeout=10) == 7
