"""Compare a suite with its baseline: new / fixed / unchanged findings by fingerprint, metric deltas.

Pure functions over snapshots, so the pipeline (baseline gate), ``harness history diff`` and the report
share one definition. Findings whose rule action is IGNORE take no part (the rule configuration says
nobody triages them); findings are compared only when both suites completed — a scan that errored
reported nothing, which must not read as "everything fixed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from harness.history.records import RunRecord, SuiteSnapshot
from harness.results.messages import message
from harness.results.metrics import Dimension, dimension_of, format_metric
from harness.results.model import FindingRef, MetricDelta, Risk, RuleAction, SuiteComparison, SuiteStatus, Text

RISK_ORDER: tuple[Risk, ...] = tuple(Risk)  # critical first
NOTICEABLE = 0.05  # a relative change below this is shown but not called better or worse

_WORSE_WHEN_HIGHER = re.compile(r"error|fail|alert|finding|critical|high|medium|incomplete")


def _triaged(suite: SuiteSnapshot) -> dict[str, FindingRef]:
    return {fp: ref for fp, ref in suite.findings.items() if ref.action is not RuleAction.IGNORE}


def _ordered(refs: Iterable[FindingRef]) -> tuple[FindingRef, ...]:
    return tuple(sorted(refs, key=lambda r: (RISK_ORDER.index(r.risk), r.name, r.fingerprint)))


def metric_deltas(current: SuiteSnapshot, baseline: SuiteSnapshot) -> tuple[MetricDelta, ...]:
    """Suite metrics then endpoint metrics, each sorted by name; a side that lacks a value has None."""
    deltas = [
        MetricDelta(name=name, baseline=baseline.metrics.get(name), current=current.metrics.get(name))
        for name in sorted(set(current.metrics) | set(baseline.metrics))
    ]
    for endpoint in sorted(set(current.endpoints) | set(baseline.endpoints)):
        now = current.endpoints.get(endpoint, {})
        before = baseline.endpoints.get(endpoint, {})
        deltas += [
            MetricDelta(name=name, endpoint=endpoint, baseline=before.get(name), current=now.get(name))
            for name in sorted(set(now) | set(before))
        ]
    return tuple(deltas)


def compare_suite(
    current: SuiteSnapshot, baseline: SuiteSnapshot | None, baseline_run: RunRecord | None, note: Text = ""
) -> SuiteComparison:
    """``current`` against ``baseline`` (the same-named suite of ``baseline_run``); without a baseline every
    triaged finding counts as new and ``note`` says why there is nothing to compare with."""
    if baseline is None or baseline_run is None:
        return SuiteComparison(suite=current.name, new=_ordered(_triaged(current).values()), note=note)
    base = {
        "suite": current.name,
        "baseline_run": baseline_run.run_id,
        "baseline_started": baseline_run.started,
        "baseline_verdict": baseline_run.verdict,
        "metrics": metric_deltas(current, baseline),
    }
    if not (current.completed and baseline.completed):
        key = "history.incomplete_baseline" if not baseline.completed else "history.incomplete_now"
        return SuiteComparison(**base, note=message(key, suite=current.name, run=baseline_run.run_id))
    now, before = _triaged(current), _triaged(baseline)
    return SuiteComparison(
        **base,
        new=_ordered(ref for fp, ref in now.items() if fp not in before),
        fixed=_ordered(ref for fp, ref in before.items() if fp not in now),
        unchanged=_ordered(ref for fp, ref in now.items() if fp in before),
        note=note,
    )


def compare_runs(earlier: RunRecord, later: RunRecord) -> tuple[SuiteComparison, ...]:
    """Every suite of ``later`` against the same-named suite of ``earlier`` (``harness history diff A B``)."""
    comparisons: list[SuiteComparison] = []
    ran_earlier = {s.name: s for s in earlier.suites if s.status is not SuiteStatus.SKIPPED}
    ran_later = {s.name: s for s in later.suites if s.status is not SuiteStatus.SKIPPED}
    for name, suite in ran_later.items():
        before = ran_earlier.get(name)
        if before is None:
            comparisons.append(
                SuiteComparison(suite=name, note=message("history.not_run", suite=name, run=earlier.run_id))
            )
        else:
            comparisons.append(compare_suite(suite, before, earlier))
    comparisons += [
        SuiteComparison(suite=name, note=message("history.not_run", suite=name, run=later.run_id))
        for name in ran_earlier
        if name not in ran_later
    ]
    return tuple(comparisons)


def count(refs: Iterable[FindingRef], risk: Risk | None = None) -> int:
    return sum(1 for ref in refs if risk is None or ref.risk is risk)


def direction(name: str) -> int:
    """+1 when a higher value is better (rps, pass_rate, coverage), -1 when worse (times, errors), else 0."""
    dimension = dimension_of(name)
    if dimension is Dimension.TIME or _WORSE_WHEN_HIGHER.search(name):
        return -1
    if dimension in (Dimension.RATE, Dimension.RATIO):
        return 1
    return 0


def assessment(delta: MetricDelta) -> int:
    """-1 noticeably worse, +1 noticeably better, 0 otherwise (unchanged, small, neutral or one-sided)."""
    change, sign = delta.change, direction(delta.name)
    if change is None or sign == 0 or change == 0:
        return 0
    relative = delta.relative
    if relative is not None and abs(relative) < NOTICEABLE:
        return 0
    return sign if change > 0 else -sign


def change_text(delta: MetricDelta) -> str:
    """``+12 ms (+5.0 %)``, ``±0``, or ``—`` when one side has no value (as ``history diff`` prints it)."""
    change = delta.change
    if change is None:
        return "—"
    if change == 0:
        return "±0"
    shown = ("+" if change > 0 else "-") + format_metric(delta.name, abs(change))
    if delta.relative is not None:
        shown += f" ({delta.relative * 100:+.1f} %)"
    return shown
