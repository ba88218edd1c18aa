"""Child processes that always stop: own process group, graceful signal, then SIGTERM, then SIGKILL.

Every tool the harness drives (pytest, locust, scanners, the demo target) runs through
:class:`ChildProcess`, so Ctrl-C, a time limit or an exception anywhere never leaves one behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol


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
    ) -> None:
        self.argv = list(argv)
        self._popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            pass_fds=tuple(pass_fds),
            start_new_session=True,  # a terminal's Ctrl-C reaches only us; we decide how children stop
        )

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def returncode(self) -> int | None:
        return self._popen.poll()

    def wait(self, timeout: float | None = None, cancel: Cancellable | None = None, poll: float = 0.1) -> int | None:
        """Wait for exit; None if ``timeout`` passed or ``cancel`` was set first (the process still runs)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            code = self._popen.poll()
            if code is not None:
                return code
            if cancel is not None and cancel.cancelled:
                return None
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(poll)

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
        return code

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._popen.pid, sig)

    def __enter__(self) -> ChildProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(grace=3.0)
