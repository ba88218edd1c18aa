"""The run history: every run recorded in SQLite or a shared PostgreSQL, compared with a baseline, diffed, tagged.

See docs/history-and-scheduling.md. ``RunStore`` is the database of runs, ``RunHistory`` one run's link
to it (recording, baseline values for the gate, the comparison in run.json), ``compare_runs`` the diff.
``RunStore`` (and with it SQLAlchemy) is imported on first use, so commands that never open a history
(``harness validate``, ``report``, ``verify``) start without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.history.compare import compare_runs, compare_suite
from harness.history.gate import RunHistory, history_location
from harness.history.location import HistoryLocation
from harness.history.records import RunRecord, SuiteSnapshot

if TYPE_CHECKING:
    from harness.history.runs import RunStore

__all__ = [
    "HistoryLocation", "RunHistory", "RunRecord", "RunStore", "SuiteSnapshot", "compare_runs", "compare_suite",
    "history_location",
]  # fmt: skip


def __getattr__(name: str) -> object:
    if name == "RunStore":
        from harness.history.runs import RunStore

        return RunStore
    raise AttributeError(f"module 'harness.history' has no attribute {name!r}")
