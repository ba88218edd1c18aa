"""The run history: every run recorded in SQLite or a shared PostgreSQL, compared with a baseline, diffed, tagged.

See docs/history-and-scheduling.md. ``RunStore`` is the database of runs, ``RunHistory`` one run's link
to it (recording, baseline values for the gate, the comparison in run.json), ``compare_runs`` the diff.
Every name is imported on first use: ``harness validate`` needs only where the history is
(:mod:`harness.history.location`), not the comparison, the result model or SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.history.compare import compare_runs, compare_suite
    from harness.history.gate import RunHistory, history_location
    from harness.history.location import HistoryLocation
    from harness.history.records import RunRecord, SuiteSnapshot
    from harness.history.runs import RunStore

_HOMES = {
    "HistoryLocation": "location",
    "RunHistory": "gate",
    "RunRecord": "records",
    "RunStore": "runs",
    "SuiteSnapshot": "records",
    "compare_runs": "compare",
    "compare_suite": "compare",
    "history_location": "gate",
}

__all__ = [
    "HistoryLocation", "RunHistory", "RunRecord", "RunStore", "SuiteSnapshot", "compare_runs", "compare_suite",
    "history_location",
]  # fmt: skip


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'harness.history' has no attribute {name!r}")
    return getattr(import_module(f"harness.history.{home}"), name)
