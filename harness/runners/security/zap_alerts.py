"""Reading ZAP's alerts exactly once each, whatever paging base the daemon uses.

``core/view/alerts`` pages by ``start``/``count``. ZAP 2.9.0 counts ``start`` from 1 when it is above 0
(``start=0`` and ``start=1`` both return the first alert), newer daemons from 0. Paging with
``start=len(collected)`` on 2.9.0 would read one alert twice per page boundary, so the pager detects the
base on the first page boundary — it asks for one alert at ``start=1`` and compares it with the first
two it holds — and, as a second line of defence, never keeps an alert id twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Fetch = Callable[[int, int], list[Any]]  # (start, count) -> alerts


class AlertPager:
    def __init__(self, fetch: Fetch, page_size: int) -> None:
        self.fetch = fetch
        self.page_size = page_size
        self.alerts: list[dict[str, Any]] = []  # every alert ZAP holds for the base URL, in its order
        self._ids: set[str] = set()
        self.offset: int | None = None  # added to start above 0: 1 on 2.9.0, 0 on 0-based daemons
        self.duplicates = 0  # alerts answered twice (should stay 0 once the base is known)

    def _key(self, alert: dict[str, Any]) -> str:
        return str(alert.get("id", "")) or repr(sorted(alert.items()))

    def _detect(self) -> int:
        """1 when ``start=1`` answers the first alert again (1-based above 0), else 0."""
        probe = [a for a in self.fetch(1, 1) if isinstance(a, dict)]
        if probe and self._key(probe[0]) == self._key(self.alerts[0]):
            return 1
        return 0

    def new_alerts(self) -> list[dict[str, Any]]:
        """The alerts raised since the last call, one page at a time (at most 100,000 pages)."""
        found: list[dict[str, Any]] = []
        for _ in range(100_000):
            position = len(self.alerts)
            if position and self.offset is None:
                self.offset = self._detect()
            start = position + (self.offset or 0) if position else 0
            page = self.fetch(start, self.page_size)
            for alert in page:
                if not isinstance(alert, dict):
                    continue
                key = self._key(alert)
                if key in self._ids:
                    self.duplicates += 1
                    continue
                self._ids.add(key)
                self.alerts.append(alert)
                found.append(alert)
            if len(page) < self.page_size:
                return found
        return found
