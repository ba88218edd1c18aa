"""The scheduler's clock: the real one, or one that pretends to start at a given moment.

``ShiftedClock`` lets a person (or a test) check a schedule without waiting for it: started as if it
were 01:59:55, a ``0 2 * * *`` schedule fires five seconds later. Time still passes at its real pace.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from harness.cancel import CancelToken


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def sleep(self, seconds: float, stop: CancelToken) -> None:
        """Wait ``seconds`` or until ``stop`` is set, whichever comes first."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float, stop: CancelToken) -> None:
        stop.wait(max(seconds, 0.0))


class ShiftedClock(SystemClock):
    """The real clock moved so that it read ``start`` when it was created."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset
