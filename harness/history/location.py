"""Where a run history lives: a SQLite file (the embedded default) or a PostgreSQL database shared by machines.

``--history`` takes either; a profile says ``history: {path: ...}`` or ``history: {url: postgresql://...}``.
A location is shown by :attr:`HistoryLocation.display`, which never carries the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HistoryError
from harness.profile.history_url import DatabaseUrl


@dataclass(frozen=True)
class HistoryLocation:
    """Exactly one of ``path`` (SQLite) and ``url`` (PostgreSQL)."""

    path: Path | None = None
    url: DatabaseUrl | None = None

    @classmethod
    def parse(cls, text: str) -> HistoryLocation:
        """``postgresql://...`` (or ``sqlite:///PATH``) as a URL, anything else as a file path.

        Raises:
            HistoryError: a URL that is not a usable PostgreSQL URL (the message never quotes it).
        """
        if "://" not in text:
            return cls(path=Path(text))
        if text.startswith("sqlite:///"):
            return cls(path=Path(text.removeprefix("sqlite:///")))
        try:
            return cls(url=DatabaseUrl.parse(text))
        except ValueError as exc:
            raise HistoryError(f"--history: {exc}") from None

    @classmethod
    def of(cls, value: HistoryLocation | Path | str) -> HistoryLocation:
        if isinstance(value, HistoryLocation):
            return value
        return cls(path=value) if isinstance(value, Path) else cls.parse(value)

    @property
    def display(self) -> str:
        """For messages, logs and stored files: the path, or the URL with its password replaced by ***."""
        return self.url.redacted if self.url is not None else str(self.path)

    @property
    def secrets(self) -> frozenset[str]:
        return self.url.secrets if self.url is not None else frozenset()

    def __str__(self) -> str:
        return self.display
