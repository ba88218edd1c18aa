"""Child processes always stop, with their whole process group."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.cancel import CancelToken
from harness.processes import OWNER_VARIABLE, ChildProcess, owner_token, reap_orphans

# A parent that ignores SIGINT and starts a grandchild: stop() must still get rid of both.
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(60)
"""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


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


def test_the_exit_wakes_a_wait_without_waiting_for_the_next_look_at_cancel() -> None:
    with ChildProcess([sys.executable, "-c", "raise SystemExit(3)"]) as child:
        started = time.monotonic()
        assert child.wait(timeout=300, cancel=CancelToken(), poll=120) == 3
        assert time.monotonic() - started < 60  # the exit, not the 120 s between looks at the token


def test_without_pidfds_a_wait_still_sees_the_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pidfds(pid: int) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "pidfd_open", no_pidfds)
    with ChildProcess([sys.executable, "-c", "raise SystemExit(4)"]) as child:
        assert child.wait(timeout=60, poll=0.05) == 4


# A harness stand-in: starts a child through ChildProcess (which starts a grandchild of its own in a new
# session, out of the group), reports both pids, then waits to be killed.
DYING_PARENT = """
import subprocess, sys, time
from harness.processes import ChildProcess
grandchild = "import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True); print(p.pid, flush=True); time.sleep(120)"
child = ChildProcess([sys.executable, "-c", grandchild], stdout=subprocess.PIPE)
line = child._popen.stdout.readline().decode().strip()
print(child.pid, line, flush=True)
time.sleep(120)
"""


def test_children_die_with_the_harness_and_the_next_run_reaps_the_rest(tmp_path: Path) -> None:
    harness = subprocess.Popen([sys.executable, "-c", DYING_PARENT], stdout=subprocess.PIPE, text=True)
    assert harness.stdout is not None
    child, grandchild = map(int, harness.stdout.readline().split())  # waits for the event, not a timer
    try:
        assert alive(child) and alive(grandchild)
        environ = Path(f"/proc/{grandchild}/environ").read_bytes()
        assert f"{OWNER_VARIABLE}={owner_token(harness.pid)}".encode() in environ.split(b"\0")
        harness.kill()  # SIGKILL: the harness gets no chance to stop anything
        harness.wait()
        _wait_until(lambda: not alive(child))  # the kernel's parent-death signal
        # The grandchild left the child's group and session: only the next run can find it. (A harness run of
        # another test, running meanwhile, may be that next run: either way it must end.)
        reap_orphans()
        _wait_until(lambda: not alive(grandchild))
    finally:
        for pid in (child, grandchild):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_living_harness_keeps_its_children(tmp_path: Path) -> None:
    with ChildProcess([sys.executable, "-c", "import time; time.sleep(30)"]) as child:
        reap_orphans()
        assert child.returncode is None


def test_what_children_write_is_private(tmp_path: Path) -> None:
    with ChildProcess([sys.executable, "-c", f"open({str(tmp_path / 'out.log')!r}, 'w').write('x')"]) as child:
        assert child.wait(timeout=30) == 0
    assert (tmp_path / "out.log").stat().st_mode & 0o777 == 0o600


def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_orphan_that_ignores_sigterm_is_killed_by_the_next_run() -> None:
    stubborn = (
        "import signal, subprocess, sys, time\n"
        "code = 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(120)'\n"
        "from harness.processes import ChildProcess\n"
        "child = ChildProcess([sys.executable, '-c', code], stdout=subprocess.PIPE)\n"
        "child._popen.stdout.readline()\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    harness = subprocess.Popen([sys.executable, "-c", stubborn], stdout=subprocess.PIPE, text=True)
    assert harness.stdout is not None
    child = int(harness.stdout.readline())
    try:
        harness.kill()
        harness.wait()
        reap_orphans(grace=0.5)  # it ignored the parent-death SIGTERM: the next run kills it
        _wait_until(lambda: not alive(child))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def test_a_stopped_group_is_gone_when_stop_returns(tmp_path: Path) -> None:
    """The leader ended by itself and left members running: stop() kills them and returns once none is
    alive, so a run ends with nothing of its own running for the next run to reap as an orphan."""
    pid_file = tmp_path / "members.pid"
    child = ChildProcess(["bash", "-c", f"sleep 60 & echo $! > {pid_file}; sleep 60 & exit 0"])
    assert child.wait(timeout=30) == 0
    member = int(pid_file.read_text())
    assert alive(member)
    child.stop(grace=1.0)
    assert not alive(member)
