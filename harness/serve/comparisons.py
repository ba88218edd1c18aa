"""Comparisons as the dashboard shows them: what ``harness history diff`` prints, as rows for a table.

Findings NEW (in the later run only) and FIXED (in the earlier only) by fingerprint, then every metric
with its change, suite-level and per endpoint; a change of at least 5 % is called better or worse
(``history.compare.assessment``), exactly as the command colours it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.history.compare import assessment, change_text
from harness.results.metrics import format_metric
from harness.results.model import FindingRef, MetricDelta, SuiteComparison


@dataclass(frozen=True)
class MetricRow:
    name: str
    endpoint: str
    before: str
    after: str
    change: str
    assessment: str  # better | worse | "" (unchanged, small, neutral or one-sided)


@dataclass(frozen=True)
class SuiteDiff:
    suite: str
    baseline_run: str
    note: str
    new: tuple[FindingRef, ...]
    fixed: tuple[FindingRef, ...]
    unchanged: tuple[FindingRef, ...]
    metrics: tuple[MetricRow, ...]
    hidden_metrics: int  # unchanged metrics left out (shown with "all")


def metric_row(delta: MetricDelta) -> MetricRow:
    judged = {-1: "worse", 1: "better"}.get(assessment(delta), "")
    return MetricRow(
        delta.name, delta.endpoint, format_metric(delta.name, delta.baseline), format_metric(delta.name, delta.current),
        change_text(delta), judged,
    )  # fmt: skip


def suite_diffs(comparisons: Sequence[SuiteComparison], *, all_metrics: bool = False) -> list[SuiteDiff]:
    """One entry per suite; metrics that did not change are left out unless ``all_metrics``."""
    shown = []
    for comparison in comparisons:
        changed = [d for d in comparison.metrics if all_metrics or (d.change is not None and d.change != 0)]
        shown.append(
            SuiteDiff(
                suite=comparison.suite, baseline_run=comparison.baseline_run, note=str(comparison.note),
                new=comparison.new, fixed=comparison.fixed, unchanged=comparison.unchanged,
                metrics=tuple(metric_row(d) for d in changed), hidden_metrics=len(comparison.metrics) - len(changed),
            )
        )  # fmt: skip
    return shown
