"""Which suites of the profile a run left out: a run of some suites only (``--suite``) is a partial run,
and the report, ``summary.json`` and the console must say so next to the verdict."""

from __future__ import annotations

from dataclasses import dataclass

from harness.results.model import Message, RunResult, SuiteStatus

NOT_SELECTED = "note.not_selected"
DISABLED = "note.disabled"


@dataclass(frozen=True)
class Selection:
    not_selected: tuple[str, ...]  # enabled suites the run was told to leave out (--suite)
    disabled: tuple[str, ...]  # suites the profile disables (enabled: false)

    @property
    def partial(self) -> bool:
        """A verdict that does not cover every enabled suite of the profile."""
        return bool(self.not_selected)


def _has_note(notes: tuple[object, ...], key: str) -> bool:
    return any(isinstance(note, Message) and note.key == key for note in notes)


def partial_run(run: RunResult) -> Selection:
    skipped = [s for s in run.suites if s.status is SuiteStatus.SKIPPED]
    return Selection(
        not_selected=tuple(s.name for s in skipped if _has_note(s.notes, NOT_SELECTED)),
        disabled=tuple(s.name for s in skipped if _has_note(s.notes, DISABLED)),
    )
