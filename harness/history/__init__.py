"""The run history: every run recorded in SQLite, compared with a baseline, diffed, tagged.

See docs/history-and-scheduling.md. ``RunStore`` is the database of runs, ``RunHistory`` one run's link
to it (recording, baseline values for the gate, the comparison in run.json), ``compare_runs`` the diff.
"""

from harness.history.compare import compare_runs, compare_suite
from harness.history.gate import RunHistory, history_path
from harness.history.records import RunRecord, SuiteSnapshot
from harness.history.runs import RunStore

__all__ = ["RunHistory", "RunRecord", "RunStore", "SuiteSnapshot", "compare_runs", "compare_suite", "history_path"]
