"""Start a scheduled run as a worker process, wait for it (or stop it), then notify if it needs attention."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from harness.cancel import CancelToken
from harness.history.location import HistoryLocation
from harness.processes import ChildProcess
from harness.schedule.locks import Lock
from harness.schedule.notify import notify
from harness.schedule.scheduler import JobOutcome
from harness.schedule.schedules import Schedule

STOP_GRACE = 60.0  # seconds a stopping run gets to finish its report before it is killed


class WorkerLauncher:
    """Runs each scheduled run in ``python -m harness.schedule.worker``, recorded in ``history``.

    A PostgreSQL URL reaches the worker on its standard input, not its command line: a password in it
    would be visible to every user of the machine in the process list.
    """

    def __init__(self, history: HistoryLocation) -> None:
        self.history = history

    def __call__(
        self, schedule: Schedule, due: datetime, lock: Lock, stop: CancelToken, started: Callable[[int], None]
    ) -> JobOutcome:
        with tempfile.TemporaryDirectory(prefix="harness-scheduled-") as scratch:
            summary_path = Path(scratch) / "summary.json"
            url = self.history.url
            argv = [
                sys.executable, "-m", "harness.schedule.worker", str(schedule.profile_path),
                "--history", "-" if url is not None else str(self.history.path), "--summary", str(summary_path),
                "--parent", str(os.getpid()), *(part for suite in schedule.suites for part in ("--suite", suite)),
            ]  # fmt: skip
            # the run holds the profile's lock too; it records itself INCOMPLETE if the scheduler dies, so the
            # next run must not reap it (harness/processes.py)
            child = _start(argv, lock, url.render() if url is not None else None)
            started(child.pid)
            code = child.wait(cancel=stop)
            if code is None:  # the scheduler is stopping: the run stops gracefully and records INCOMPLETE
                code = child.stop(grace=STOP_GRACE, first_signal=signal.SIGTERM)
            summary = _read(summary_path)
        if summary is None or "error" in summary:
            problem = summary["error"] if summary else f"the run process ended with code {code} and no summary"
            payload: dict[str, object] = {"schedule": _describe(schedule, due), "verdict": None, "error": problem}
            notes = self._notify(schedule, payload)
            return JobOutcome("error", detail="; ".join([str(problem), *notes]))
        notes = self._notify(schedule, {"schedule": _describe(schedule, due), **summary})
        return JobOutcome("finished", str(summary.get("run_id", "")), str(summary.get("verdict", "")), "; ".join(notes))

    def _notify(self, schedule: Schedule, payload: dict[str, object]) -> list[str]:
        if schedule.notify is None:
            return []
        return notify(payload, schedule.notify, list(schedule.notify_scope), schedule.profile_path.parent)


def _start(argv: list[str], lock: Lock, stdin_text: str | None) -> ChildProcess:
    """The worker, holding the profile's lock too (an inherited file lock; it joins an advisory one)."""
    if stdin_text is None:
        return ChildProcess(argv, pass_fds=lock.inheritable_fds, reapable=False)
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, stdin_text.encode() + b"\n")  # far below a pipe's buffer: never blocks
        os.close(write_end)
        return ChildProcess(argv, pass_fds=lock.inheritable_fds, stdin=read_end, reapable=False)
    finally:
        os.close(read_end)


def _read(path: Path) -> dict[str, object] | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _describe(schedule: Schedule, due: datetime) -> dict[str, object]:
    return {
        "key": schedule.key,
        "name": schedule.name,
        "profile": str(schedule.profile_path),
        "cron": schedule.cron.expression,
        "timezone": schedule.cron.timezone,
        "suites": list(schedule.suites),
        "due": due.isoformat(),
    }
