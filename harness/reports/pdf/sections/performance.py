"""The performance section: key figures, charts over test time, the per-endpoint table, top failures.

The same section serves Locust runs and imported JMeter/Locust results: it reads only the normalised
SuiteResult (metrics, endpoints, timeseries, failures, abort).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections.performance_charts import Series, time_chart
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import (
    AMBER,
    FRAME_WIDTH,
    GREY,
    HEADER_BG,
    NAVY,
    RED,
    RULE,
    ZEBRA,
    Styles,
    TableCommand,
    coloured,
    data_table,
    table_style,
    text,
)
from harness.results.metrics import format_metric
from harness.results.model import Endpoint, SuiteResult

MAX_ENDPOINTS = 60
MAX_FAILURES = 10
PERCENTILE_COLOURS = {
    "p50": colors.HexColor("#1F3A5F"),
    "p90": colors.HexColor("#3F8FBF"),
    "p95": colors.HexColor("#D08C1A"),
    "p99": colors.HexColor("#B3261E"),
}
RPS_COLOUR = colors.HexColor("#1F6F8B")
USERS_COLOUR = colors.HexColor("#7A8696")
CHART_HEIGHT = 54 * mm
_COLUMNS = ("requests", "failures", "rps", "avg", "p50", "p90", "p95", "p99", "max")


def _numbers(styles: Styles) -> tuple[ParagraphStyle, ParagraphStyle]:
    return (
        ParagraphStyle("number", parent=styles.cell, alignment=TA_RIGHT),
        ParagraphStyle("number_head", parent=styles.cell_head, alignment=TA_RIGHT),
    )


def _key_figures(suite: SuiteResult, ctx: ReportContext) -> Flowable:
    t, m = ctx.t, suite.metrics
    label = ParagraphStyle("kf_label", parent=ctx.styles.small, fontSize=7.5, leading=10)
    value = ParagraphStyle("kf_value", parent=ctx.styles.body, fontSize=12, leading=16, textColor=NAVY)
    error_rate = m.get("error_rate")
    error_colour = RED if error_rate else NAVY
    cells = [
        ("perf_requests", format_metric("requests", m.get("requests")), NAVY),
        ("perf_failures", format_metric("failures", m.get("failures")), error_colour),
        ("perf_error_rate", format_metric("error_rate", error_rate), error_colour),
        ("perf_rps", t("perf_per_second", value=f"{m['rps']:.1f}") if "rps" in m else "—", NAVY),
        ("perf_users", format_metric("users", m.get("users")), NAVY),
        ("perf_avg", format_metric("avg", m.get("avg")), NAVY),
        ("P50", format_metric("p50", m.get("p50")), NAVY),
        ("P90", format_metric("p90", m.get("p90")), NAVY),
        ("P95", format_metric("p95", m.get("p95")), NAVY),
        ("P99", format_metric("p99", m.get("p99")), NAVY),
    ]
    rows: list[list[object]] = []
    for start in (0, 5):
        row: list[object] = []
        for key, shown, colour in cells[start : start + 5]:
            caption = t(key) if key.startswith("perf_") else key
            row.append([Paragraph(text(caption), label), Paragraph(coloured(shown, colour), value)])
        rows.append(row)
    table = Table(rows, colWidths=[FRAME_WIDTH / 5] * 5)
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _series(suite: SuiteResult, name: str) -> list[tuple[float, float]]:
    return [(p.t, p.values[name]) for p in suite.timeseries if name in p.values]


def _charts(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    if not suite.timeseries:
        return [Paragraph(text(t("perf_no_timeseries")), s.small)]
    marker = (suite.abort.at, t("perf_abort_marker")) if suite.abort else None
    ms = [
        Series(name.upper(), colour, [(x, v * 1000) for x, v in _series(suite, name)])
        for name, colour in PERCENTILE_COLOURS.items()
    ]
    percentiles = time_chart(
        ms, width=FRAME_WIDTH, height=CHART_HEIGHT, x_title=t("perf_axis_time"), y_title=t("perf_axis_ms"),
        marker=marker,
    )  # fmt: skip
    throughput = time_chart(
        [
            Series(t("perf_series_rps"), RPS_COLOUR, _series(suite, "rps"), width=1.5),
            Series(t("perf_series_failures"), RED, _series(suite, "failures_per_s"), width=1.0),
        ],
        width=FRAME_WIDTH,
        height=CHART_HEIGHT,
        x_title=t("perf_axis_time"),
        y_title=t("perf_axis_rps"),
        right=Series(t("perf_series_users"), USERS_COLOUR, _series(suite, "users"), width=1.1, dash=(4, 2)),
        right_title=t("perf_axis_users"),
        marker=marker,
    )
    flowables: list[Flowable] = []
    for title, drawing in ((t("perf_chart_percentiles"), percentiles), (t("perf_chart_throughput"), throughput)):
        if drawing is not None:
            flowables.append(KeepTogether([Paragraph(text(title), _caption(s)), drawing, Spacer(1, 3 * mm)]))
    return flowables


def _caption(styles: Styles) -> ParagraphStyle:
    return ParagraphStyle(
        "chart_title", parent=styles.body, fontSize=9.5, leading=13, textColor=NAVY, spaceBefore=6, spaceAfter=2
    )


def _endpoint_row(name: str, metrics: dict[str, float], number: ParagraphStyle, styles: Styles) -> list[object]:
    row: list[object] = [Paragraph(text(name), styles.cell)]
    for column in _COLUMNS:
        value = metrics.get(column)
        shown = f"{value:.1f}" if column == "rps" and value is not None else format_metric(column, value)
        if column == "failures" and value:
            shown = coloured(f"{int(value)} ({format_metric('error_rate', metrics.get('error_rate'))})", RED)
        else:
            shown = text(shown)
        row.append(Paragraph(shown, number))
    return row


def _endpoint_table(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    if not suite.endpoints:
        return []
    number, number_head = _numbers(s)
    header = [Paragraph(text(t("perf_endpoint")), s.cell_head)]
    captions = [t("perf_requests"), t("perf_failures"), "RPS", t("perf_avg_short"), "P50", "P90", "P95", "P99"]
    captions.append(t("perf_max_short"))
    header += [Paragraph(text(c), number_head) for c in captions]
    ordered: list[Endpoint] = sorted(suite.endpoints, key=lambda e: (-e.metrics.get("requests", 0), e.name))
    rows: list[list[object]] = [header]
    rows += [_endpoint_row(e.name, e.metrics, number, s) for e in ordered[:MAX_ENDPOINTS]]
    total_style = ParagraphStyle("total", parent=number, textColor=NAVY)
    rows.append(_endpoint_row(t("perf_total"), suite.metrics, total_style, s))
    widths = [2.9, 0.95, 1.15, 0.75, 0.95, 0.85, 0.85, 0.85, 0.85, 0.85]
    table = Table(rows, colWidths=[w * FRAME_WIDTH / sum(widths) for w in widths], repeatRows=1)
    commands: list[TableCommand] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -2), 0.25, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY),
        ("BACKGROUND", (0, -1), (-1, -1), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(rows) - 1, 2)]
    table.setStyle(table_style(commands))
    caption = Paragraph(text(t("perf_endpoints")), _caption(s))
    # A table that fits on a page stays on one page (with its total row); longer ones split with a header.
    flowables: list[Flowable] = [KeepTogether([caption, table]) if len(rows) <= 25 else caption]
    if len(rows) > 25:
        flowables.append(table)
    if len(ordered) > MAX_ENDPOINTS:
        flowables.append(Paragraph(text(t("perf_more_endpoints", count=len(ordered) - MAX_ENDPOINTS)), s.small))
    return flowables


def _failures(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables: list[Flowable] = [CondPageBreak(25 * mm), Paragraph(text(t("perf_top_failures")), _caption(s))]
    if not suite.failures:
        return [*flowables, Paragraph(text(t("perf_no_failures")), s.body)]
    number, number_head = _numbers(s)
    header: list[object] = [
        t("perf_failure"),
        Paragraph(text(t("perf_occurrences")), number_head),
        t("perf_failure_endpoints"),
    ]
    rows: list[list[object]] = []
    for failure in suite.failures[:MAX_FAILURES]:
        message = text(failure.message[:500] if isinstance(failure.message, str) else t.text(failure.message))
        if failure.traceback:
            tail = "\n".join(failure.traceback.strip().splitlines()[-4:])
            message += f"<br/><font name='HarnessCJKMono' size='6.5' color='{GREY.hexval()}'>{text(tail)}</font>"
        rows.append(
            [message, Paragraph(text(str(failure.occurrences)), number), text(", ".join(failure.endpoints) or "—")]
        )
    table = data_table(header, rows, [5.6, 1.0, 3.4], s)
    flowables.append(table)
    if len(suite.failures) > MAX_FAILURES:
        flowables.append(Paragraph(text(t("perf_more_failures", count=len(suite.failures) - MAX_FAILURES)), s.small))
    return flowables


def _alerts(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables: list[Flowable] = []
    if suite.abort is not None:
        since = suite.abort.since if suite.abort.since is not None else suite.abort.at
        message = t("perf_aborted", criterion=suite.abort.criterion, since=since, at=suite.abort.at)
        flowables.append(Paragraph(coloured(message, RED), s.body))
    lost = int(suite.metrics.get("workers_lost", 0))
    if lost:
        expected = int(suite.metrics.get("workers", 0)) or lost
        flowables.append(Paragraph(coloured(t("perf_workers_lost", lost=lost, expected=expected), AMBER), s.body))
    return flowables


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    flowables = suite_heading(suite, ctx)
    if not suite.metrics.get("requests"):
        return flowables
    flowables += _alerts(suite, ctx)
    flowables += [Spacer(1, 2 * mm), _key_figures(suite, ctx), Spacer(1, 3 * mm)]
    flowables += _charts(suite, ctx)
    flowables += _endpoint_table(suite, ctx)
    flowables += _failures(suite, ctx)
    return [*flowables, Spacer(1, 4 * mm)]
