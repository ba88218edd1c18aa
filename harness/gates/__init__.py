"""The gate: how each criterion is judged on a suite's results (``evaluate.py``, baselines included), which
outcomes on partial results are final (``finality.py``), and the suite statuses and verdict
(``verdict.py``). The criteria language itself is :mod:`harness.criteria`."""

from harness.gates.evaluate import Baseline, Baselines, evaluate, is_partial, judge
from harness.gates.verdict import decide_verdict, judged_status, mark_judged, suite_stop

__all__ = [
    "Baseline",
    "Baselines",
    "decide_verdict",
    "evaluate",
    "is_partial",
    "judge",
    "judged_status",
    "mark_judged",
    "suite_stop",
]
