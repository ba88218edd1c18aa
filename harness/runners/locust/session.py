"""One Locust run: the master (or single process) and local workers as child processes, bounded in time.

Every way a run can end is handled here and reported in :class:`SessionEnd`:
- Locust stops by itself at ``--run-time`` (or when its stages end, or when every worker is lost);
- the harness asks it to stop early (abort criterion triggered, Ctrl-C, a locustfile shape overrunning
  the run time) with SIGUSR1, which the plug-in turns into the same clean stop as ``--run-time``;
- the hard timeout passes: the whole process group is stopped (SIGINT, SIGTERM, SIGKILL).
Local workers that exit while the master still runs are recorded as lost.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.cancel import CancelToken
from harness.processes import ChildProcess
from harness.runners.locust.watch import LiveWatch

STOP_GRACE = 15.0
"""Seconds Locust gets to write its outputs after being asked to stop, before it is terminated."""


@dataclass
class WorkerExit:
    index: int
    pid: int
    code: int
    at: float  # seconds since the session started


@dataclass
class SessionEnd:
    code: int | None  # the master's exit code (None if it had to be killed and reported none)
    stopped: str = ""  # why the harness stopped the run early ("" when Locust ended by itself)
    killed: str = ""  # why Locust had to be killed (its outputs may be incomplete)
    cancelled: bool = False
    lost_workers: list[WorkerExit] = field(default_factory=list)
    elapsed: float = 0.0


WatchFactory = Callable[[int, Callable[[str], None]], LiveWatch]
"""Builds the LiveWatch on the pipe's read end, given how to ask Locust to stop (with a reason)."""


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 for the master's worker connections."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Launch:
    """What to start: the main process, the workers, their environment and log files."""

    main: list[str]
    workers: list[list[str]]
    env: Mapping[str, str]
    cwd: Path
    main_output: Path
    worker_outputs: list[Path]
    soft_deadline: float  # seconds of load after the test started before the harness asks Locust to stop
    hard_timeout: float  # seconds after launch before everything is killed


def run_session(launch: Launch, watch_factory: WatchFactory, cancel: CancelToken) -> tuple[SessionEnd, LiveWatch]:
    """Start Locust, follow it until it ends, and make sure every process it started has stopped."""
    read_end, write_end = os.pipe()
    env = {**launch.env, "HARNESS_LOCUST_FD": str(write_end)}
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(launch.main_output.open("wb"))
        try:
            main = ChildProcess(
                launch.main, cwd=launch.cwd, env=env, stdout=output, stderr=output, pass_fds=[write_end]
            )
        finally:
            os.close(write_end)
        stack.callback(main.stop, 5.0)
        requested = _Stop(main)
        watch = watch_factory(read_end, requested.request)
        watch.start()
        workers: list[ChildProcess] = []
        for argv, path in zip(launch.workers, launch.worker_outputs, strict=True):
            handle = stack.enter_context(path.open("wb"))
            worker = ChildProcess(argv, cwd=launch.cwd, env=launch.env, stdout=handle, stderr=handle)
            stack.callback(worker.stop, 5.0)
            workers.append(worker)
        end = _follow(main, workers, launch, watch, requested, cancel, started)
        _wait_workers(workers)
        watch.join(timeout=10.0)
    end.elapsed = time.monotonic() - started
    return end, watch


class _Stop:
    """Asks the main Locust process to stop cleanly, once, and remembers why."""

    def __init__(self, main: ChildProcess) -> None:
        self.main = main
        self.reason = ""
        self.at: float | None = None

    def request(self, reason: str) -> None:
        if self.at is not None:
            return
        self.reason = reason
        self.at = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.main.pid, signal.SIGUSR1)


def _follow(
    main: ChildProcess,
    workers: list[ChildProcess],
    launch: Launch,
    watch: LiveWatch,
    requested: _Stop,
    cancel: CancelToken,
    started: float,
) -> SessionEnd:
    end = SessionEnd(code=None)
    exited: set[int] = set()
    test_started: float | None = None
    while True:
        code = main.wait(timeout=0.2)
        now = time.monotonic()
        for index, worker in enumerate(workers, start=1):
            if index not in exited and worker.returncode is not None and code is None and not watch.state.finished:
                exited.add(index)
                end.lost_workers.append(WorkerExit(index, worker.pid, worker.returncode, now - started))
        if code is not None:
            end.code = code
            break
        if test_started is None and watch.state.started:
            test_started = now
        if cancel.cancelled and not end.cancelled:
            end.cancelled = True
            requested.request(cancel.reason or "cancelled")
        elif test_started is not None and now - test_started > launch.soft_deadline:
            requested.request("the run time is over")
        if requested.at is not None and now - requested.at > STOP_GRACE:
            end.killed = f"Locust did not stop within {STOP_GRACE:g}s of being asked to"
        elif now - started > launch.hard_timeout:
            end.killed = f"the hard time limit of {launch.hard_timeout:g}s was reached"
        if end.killed:
            main.stop(grace=5.0)
            end.code = main.returncode
            break
    end.stopped = requested.reason
    return end


def _wait_workers(workers: list[ChildProcess]) -> None:
    """Workers leave when the master tells them to quit; any still running after a grace period are stopped."""
    deadline = time.monotonic() + 10.0
    for worker in workers:
        worker.wait(timeout=max(0.0, deadline - time.monotonic()))
        if worker.returncode is None:
            worker.stop(grace=3.0)
