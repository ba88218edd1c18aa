"""Where a run history lives: a SQLite file (the embedded default) or a PostgreSQL database shared by machines.

One rule, the same for every command (``harness run``, ``history ...``, ``schedule ...``, ``scheduler run``):

1. ``--history PATH|URL`` when given;
2. else the profile's ``history:`` — ``{url: postgresql://...}``, or ``{path: ...}`` relative to the file
   that writes it (``{enabled: false}``: no history);
3. else ``<output dir>/history.sqlite``, the output dir being the profile's ``output.dir`` (relative to the
   file that writes it), by default ``reports`` in the working directory.

``harness run --out DIR`` moves the run directories only, never the history: the history commands find
the runs without being told where they went. Commands that are given no profile (``history list``) use
``reports/history.sqlite`` unless ``--profile FILE`` or ``--history`` says otherwise.

A location is shown by :attr:`HistoryLocation.display`, which never carries the password.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import HistoryError
from harness.profile.history_url import DatabaseUrl

if TYPE_CHECKING:
    from harness.profile import LoadedProfile

HISTORY_FILE = "history.sqlite"
DEFAULT_HISTORY = Path("reports") / HISTORY_FILE
RULE = (
    "default: the profile's history (its history: url or path), else <output.dir>/history.sqlite, "
    "i.e. reports/history.sqlite (harness run --out never moves it)"
)
"""The rule in one line, for ``--help`` texts (docs/history-and-scheduling.md has it in full)."""


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
    def key(self) -> str:
        """Equal for two locations naming the same database (a relative and an absolute path alike)."""
        return self.url.render() if self.url is not None else str(Path(self.path or "").resolve())

    @property
    def secrets(self) -> frozenset[str]:
        return self.url.secrets if self.url is not None else frozenset()

    def __str__(self) -> str:
        return self.display


def profile_history(loaded: LoadedProfile) -> HistoryLocation | None:
    """Where ``loaded`` records its runs by the rule above (steps 2 and 3); None when its history is off."""
    settings = loaded.profile.history
    if not settings.enabled:
        return None
    if settings.url is not None:
        return HistoryLocation(url=settings.url)
    if settings.path:
        return HistoryLocation(path=loaded.path_of(("history", "path"), settings.path))
    return HistoryLocation(path=loaded.output_dir / HISTORY_FILE)


def choose_history(
    override: HistoryLocation | Path | str | None, profiles: Sequence[LoadedProfile] = ()
) -> HistoryLocation:
    """The history a command uses: ``override`` (``--history``), else the one the profiles share, else
    ``reports/history.sqlite``.

    Raises:
        HistoryError: ``override`` is an unusable URL; the profiles keep their runs in different places, or
            one of them records no history (both: pass --history).
    """
    if override is not None:
        return HistoryLocation.of(override)
    found: dict[str, tuple[HistoryLocation, str]] = {}
    for loaded in profiles:
        where = profile_history(loaded)
        if where is None:
            raise HistoryError(
                f"profile {loaded.path} records no run history (history.enabled: false); pass --history PATH|URL"
            )
        found.setdefault(where.key, (where, str(loaded.path)))
    if len(found) > 1:
        shown = "; ".join(f"{profile}: {where.display}" for where, profile in found.values())
        raise HistoryError(f"the profiles keep their run histories in different places ({shown}); pass --history")
    if found:
        return next(iter(found.values()))[0]
    return HistoryLocation(path=DEFAULT_HISTORY)
