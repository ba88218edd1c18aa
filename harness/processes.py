"""Child processes that always stop: own process group, graceful signal, then SIGTERM, then SIGKILL.

Every tool the harness drives (pytest, locust, scanners, the demo target) runs through
:class:`ChildProcess`, so Ctrl-C, a time limit or an exception anywhere never leaves one behind.
And when the harness itself dies without a chance to stop them (SIGKILL, a crash, the machine's OOM
killer):

- each child gets the kernel's parent-death signal (Linux ``PR_SET_PDEATHSIG``, SIGTERM): it is told to
  stop the moment its parent dies, and stops the way it would on Ctrl-C (a scheduled run records itself as
  INCOMPLETE, Locust writes its results, the demo target closes its database);
- each child and everything it starts carries ``HARNESS_OWNER=<pid>:<start time>`` of the harness in its
  environment; :func:`reap_orphans` (called when a run starts) kills processes whose owner is gone —
  the grandchildren the death signal cannot reach (a test suite's own servers, a scanner's helpers) and
  any child that ignored it.

Children also run with umask 077: what a tool writes (logs that may hold a secret until the harness
redacts them) is readable by the run's user only.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

OWNER_VARIABLE = "HARNESS_OWNER"
CHILD_UMASK = 0o077
_PR_SET_PDEATHSIG = 1
GROUP_DRAIN_SECONDS = 2.0  # the most a stop waits for killed group members to be gone
log = logging.getLogger(__name__)


def _stat_fields(pid: int | str) -> list[str]:
    """/proc/PID/stat from field 3 on (state, ppid, process group, ...), [] for a process that is gone.
    Split after the command name, which may hold spaces and parentheses."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return []


def _start_ticks(pid: int) -> str:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), "" if unknown.
    With the pid it names one process: pids are reused, (pid, start time) pairs are not."""
    fields = _stat_fields(pid)
    return fields[19] if len(fields) > 19 else ""


def owner_token(pid: int | None = None) -> str:
    """``<pid>:<start ticks>`` of this process (or ``pid``): the value children carry in HARNESS_OWNER."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}:{_start_ticks(pid)}"


def _owner_alive(token: str) -> bool:
    pid, _, ticks = token.partition(":")
    if not pid.isdigit():
        return True  # not ours to judge
    return _start_ticks(int(pid)) == ticks


def _death_signal() -> Callable[[], None] | None:
    """A preexec function that has the kernel kill the child when the harness dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def die_with_parent() -> None:  # runs in the child between fork and exec: keep it to two system calls
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the harness died before the signal was armed
            os._exit(1)

    return die_with_parent


def reap_orphans(grace: float = 3.0) -> int:
    """Stop processes left behind by harness runs that died (their HARNESS_OWNER is gone); returns how many.

    They were sent SIGTERM when their parent died; one still stopping gets ``grace`` seconds more after
    another SIGTERM, then SIGKILL. Only processes this user may signal are looked at; a living harness's
    children are never touched.
    """
    orphans = _orphans()
    for pid, token in orphans:
        log.warning("stopping process %s left behind by a harness run that died (%s)", pid, token)
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while orphans and time.monotonic() < deadline:
        if not any(_running(pid) for pid, _ in orphans):
            break
        time.sleep(0.05)
    for pid, _ in orphans:
        if _running(pid):
            _signal(pid, signal.SIGKILL)
    return len(orphans)


def _orphans() -> list[tuple[int, str]]:
    marker = f"{OWNER_VARIABLE}=".encode()
    found: list[tuple[int, str]] = []
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        for variable in environ.split(b"\0"):
            if variable.startswith(marker):
                token = variable[len(marker) :].decode(errors="replace")
                if not _owner_alive(token) and _running(int(entry.name)):
                    found.append((int(entry.name), token))
                break
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its parent (which will never reap it: it is gone)."""
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


@contextlib.contextmanager
def _exit_watch(pid: int) -> Iterator[Callable[[float], None]]:
    """A function that sleeps up to N seconds or until process ``pid`` (a child not yet reaped) exits."""
    try:
        descriptor = os.pidfd_open(pid)
    except OSError:  # a kernel without pidfds: plain sleeps
        yield time.sleep
        return
    watch = select.poll()
    watch.register(descriptor, select.POLLIN)

    def sleep(seconds: float) -> None:
        watch.poll(seconds * 1000)

    try:
        yield sleep
    finally:
        os.close(descriptor)


def _group_alive(group: int) -> bool:
    """Whether a process of process group ``group`` is alive (not a zombie)."""
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        fields = _stat_fields(entry.name) if entry.name.isdigit() else []
        if len(fields) > 2 and fields[2] == str(group) and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


class Cancellable(Protocol):
    @property
    def cancelled(self) -> bool: ...


class ChildProcess:
    """A subprocess in a new session (its own process group), usable as a context manager."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stdout: IO[bytes] | int | None = None,
        stderr: IO[bytes] | int | None = None,
        pass_fds: Sequence[int] = (),
        stdin: IO[bytes] | int = subprocess.DEVNULL,
        reapable: bool = True,
    ) -> None:
        """``reapable=False`` for a child that ends itself when the harness dies (a scheduled run watching its
        scheduler): it keeps the owner of its parent's environment, so the next run leaves it alone."""
        self.argv = list(argv)
        environment = dict(os.environ if env is None else env)
        if reapable:
            environment[OWNER_VARIABLE] = owner_token()
        else:
            environment.pop(OWNER_VARIABLE, None)
        self._popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=environment,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            pass_fds=tuple(pass_fds),
            start_new_session=True,  # a terminal's Ctrl-C reaches only us; we decide how children stop
            umask=CHILD_UMASK,
            preexec_fn=_death_signal(),
        )

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def returncode(self) -> int | None:
        return self._popen.poll()

    def wait(self, timeout: float | None = None, cancel: Cancellable | None = None, poll: float = 0.1) -> int | None:
        """Wait for exit; None if ``timeout`` passed or ``cancel`` was set first (the process still runs).

        The exit itself wakes the wait (a pidfd, Linux 5.3+), so a tool's end is seen at once; ``cancel`` is
        looked at every ``poll`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        code = self._popen.poll()
        if code is not None:
            return code  # reaped: the pid may already be another process's
        with _exit_watch(self._popen.pid) as exited:
            while True:
                code = self._popen.poll()
                if code is not None:
                    return code
                if cancel is not None and cancel.cancelled:
                    return None
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                pause = poll if deadline is None else min(poll, max(0.0, deadline - time.monotonic()))
                exited(pause)

    def stop(self, grace: float = 5.0, first_signal: int = signal.SIGINT) -> int:
        """Stop the whole process group: ``first_signal``, then SIGTERM, then SIGKILL, each after ``grace``."""
        for sig in (first_signal, signal.SIGTERM, signal.SIGKILL):
            if self._popen.poll() is not None:
                break
            self._signal_group(sig)
            try:
                self._popen.wait(timeout=grace if sig != signal.SIGKILL else 10)
            except subprocess.TimeoutExpired:
                continue
        # Grandchildren that left the group early are not ours to chase; those still in it get the last word.
        self._signal_group(signal.SIGKILL)
        code = self._popen.wait()
        self._wait_for_group(GROUP_DRAIN_SECONDS)
        return code

    def _wait_for_group(self, timeout: float) -> None:
        """Until no member of the killed group is alive: SIGKILL is delivered, not awaited, so without this
        the run could end while a member is still exiting, and the next run to start would stop it as an
        orphan. Zombies count as gone (whoever inherited them reaps them in its own time)."""
        deadline = time.monotonic() + timeout
        while _group_alive(self._popen.pid) and time.monotonic() < deadline:
            time.sleep(0.01)

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._popen.pid, sig)

    def __enter__(self) -> ChildProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(grace=3.0)
