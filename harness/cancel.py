"""Stopping a run from outside: a cancellation token, and SIGINT/SIGTERM handlers that set it.

A signal sets the token; whoever waits (a runner watching a tool, the scheduler between runs) sees it and
stops gracefully, keeping what was gathered. Nothing is interrupted mid-write by an exception.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class CancelToken:
    """Set once when the run must stop (Ctrl-C, SIGTERM); runners poll it or wait on it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str) -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds; True if cancelled meanwhile."""
        return self._event.wait(timeout)


@contextmanager
def cancel_on_signals(token: CancelToken, *, second_interrupt_aborts: bool = False) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM cancel ``token`` (reason "SIGINT received").

    With ``second_interrupt_aborts``, a second Ctrl-C raises KeyboardInterrupt for those who really want out
    now. Outside the main thread (where handlers cannot be installed) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        if second_interrupt_aborts and token.cancelled and signum == signal.SIGINT:
            raise KeyboardInterrupt
        token.cancel(f"{signal.Signals(signum).name} received")

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
