"""Changes since the baseline (``run.comparison``): new and fixed findings, metric deltas per suite and endpoint.

Present only when the profile names a baseline. Metrics are listed when both runs have them and they
changed; per endpoint only the figures a reader compares (percentiles, throughput, errors), to keep the
table short. Finding tables appear when either side had findings.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.colors import Color
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from harness.history.compare import assessment
from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import AMBER, GREEN, GREY, RED, VERDICT_COLOURS, coloured, data_table, text
from harness.results.metrics import format_metric
from harness.results.model import FindingRef, MetricDelta, Risk, SuiteComparison

ENDPOINT_METRICS = ("p50", "p95", "p99", "avg", "rps", "error_rate")
MAX_ROWS = 150  # per table; the full comparison is in run.json and summary.json
_RISK_COLOURS = {Risk.CRITICAL: RED, Risk.HIGH: RED, Risk.MEDIUM: AMBER, Risk.LOW: GREY, Risk.INFO: GREY}


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _risk(ref: FindingRef, ctx: ReportContext) -> str:
    return coloured(ctx.t(f"changes_risk_{ref.risk.value}"), _RISK_COLOURS[ref.risk])


def _counted(refs: tuple[FindingRef, ...], ctx: ReportContext, colour: Color) -> str:
    if not refs:
        return "0"
    counts = {risk: sum(1 for r in refs if r.risk is risk) for risk in Risk}
    detail = ", ".join(f"{n} {ctx.t(f'changes_risk_{risk.value}')}" for risk, n in counts.items() if n)
    return f"{coloured(str(len(refs)), colour)} ({text(detail)})"


def _baseline_cell(suite: SuiteComparison, ctx: ReportContext) -> str:
    if not suite.baseline_run:
        return "—"
    verdict = suite.baseline_verdict.value if suite.baseline_verdict else ""
    stamp = coloured(ctx.t(f"verdict_{verdict}"), VERDICT_COLOURS[verdict]) if verdict else ""
    return f"{text(suite.baseline_run)}<br/>{text(_when(suite.baseline_started))} {stamp}"


def _change(delta: MetricDelta) -> str:
    change = delta.change or 0.0
    shown = f"{'+' if change > 0 else '-'}{format_metric(delta.name, abs(change))}"
    if delta.relative is not None:
        shown += f" ({delta.relative * 100:+.1f} %)"
    colour = {-1: RED, 1: GREEN}.get(assessment(delta))
    return coloured(shown, colour) if colour else text(shown)


def _findings_table(rows: list[tuple[str, FindingRef]], ctx: ReportContext) -> Flowable:
    t = ctx.t
    body: list[list[object]] = [
        [_risk(ref, ctx), f"{text(ref.name)}<br/><font size='7'>{text(ref.rule_id)} · {text(ref.fingerprint)}</font>",
         text(suite)]
        for suite, ref in rows[:MAX_ROWS]
    ]  # fmt: skip
    return data_table([t("changes_risk"), t("changes_finding"), t("suite")], body, [1.3, 6.5, 2.2], ctx.styles)


def _metric_rows(suites: tuple[SuiteComparison, ...]) -> tuple[list[list[object]], int]:
    """Rows for the metrics that changed, and how many compared metrics did not."""
    rows: list[list[object]] = []
    unchanged = 0
    for suite in suites:
        for delta in suite.metrics:
            if delta.baseline is None or delta.current is None:
                continue
            if delta.endpoint and delta.name not in ENDPOINT_METRICS:
                continue
            if delta.change == 0:
                unchanged += 1
                continue
            metric = f"{text(delta.endpoint)} · {text(delta.name)}" if delta.endpoint else text(delta.name)
            rows.append(
                [text(suite.suite), metric, text(format_metric(delta.name, delta.baseline)),
                 text(format_metric(delta.name, delta.current)), _change(delta)]
            )  # fmt: skip
    return rows, unchanged


def build(ctx: ReportContext) -> list[Flowable]:
    comparison = ctx.run.comparison
    if comparison is None:
        return []
    t, s = ctx.t, ctx.styles
    spec = comparison.baseline
    meaning = t(f"changes_baseline_{spec}") if spec in ("last-pass", "previous") else t("changes_baseline_named")
    flowables: list[Flowable] = [
        CondPageBreak(60),
        Paragraph(text(t("changes")), s.h1),
        Paragraph(text(t("changes_intro", baseline=spec, meaning=meaning)), s.body),
    ]
    overview: list[list[object]] = []
    for suite in comparison.suites:
        overview.append(
            [text(suite.suite), _baseline_cell(suite, ctx), _counted(suite.new, ctx, RED),
             _counted(suite.fixed, ctx, GREEN), str(len(suite.unchanged)), text(t.text(suite.note))]
        )  # fmt: skip
    header = [t("suite"), t("changes_baseline_run"), t("changes_new"), t("changes_fixed"), t("changes_unchanged"),
              t("changes_note")]  # fmt: skip
    flowables.append(data_table(header, overview, [1.4, 3.5, 1.7, 1.6, 1.2, 2.1], s))
    if any(suite.new or suite.fixed or suite.unchanged for suite in comparison.suites):
        for key, attribute in (("changes_new_findings", "new"), ("changes_fixed_findings", "fixed")):
            rows = [(suite.suite, ref) for suite in comparison.suites for ref in getattr(suite, attribute)]
            flowables.append(Paragraph(text(t(key, count=len(rows))), s.h2))
            flowables.append(_findings_table(rows, ctx) if rows else Paragraph(text(t("changes_none")), s.body))
            if len(rows) > MAX_ROWS:
                flowables.append(Paragraph(text(t("changes_more", count=len(rows) - MAX_ROWS)), s.small))
    metric_rows, unchanged = _metric_rows(comparison.suites)
    if metric_rows or unchanged:
        flowables.append(Paragraph(text(t("changes_metrics")), s.h2))
    if metric_rows:
        header = [t("suite"), t("changes_metric"), t("changes_before"), t("changes_now"), t("changes_change")]
        flowables.append(data_table(header, metric_rows[:MAX_ROWS], [1.6, 3.4, 1.5, 1.5, 2.2], s))
        if len(metric_rows) > MAX_ROWS:
            flowables.append(Paragraph(text(t("changes_more", count=len(metric_rows) - MAX_ROWS)), s.small))
    if unchanged:
        flowables.append(Paragraph(text(t("changes_metrics_unchanged", count=unchanged)), s.small))
    return flowables
