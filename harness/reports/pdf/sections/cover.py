"""Cover page: title, project facts, the verdict stamp and the reasons behind it."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import (
    AMBER,
    FRAME_WIDTH,
    HEADER_BG,
    NAVY,
    RULE,
    VERDICT_COLOURS,
    coloured,
    table_style,
    text,
)
from harness.results.model import Verdict
from harness.results.selection import partial_run

MAX_REASONS = 12


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if hasattr(value, "strftime") else "—"


def build(ctx: ReportContext) -> list[Flowable]:
    run, t, s = ctx.run, ctx.t, ctx.styles
    title = run.report.title or t("report_title")
    facts = [
        (t("project"), run.project.name),
        (t("system"), run.project.system or "—"),
        (t("version"), run.project.version or "—"),
        (t("stage"), ctx.stage()),
        (t("environment"), run.report.environment or "—"),
        (t("target"), run.target.base_url or "—"),
        (t("target_version"), run.target.version or "—"),
        (t("run_id"), run.run_id),
        (t("started"), _when(run.started)),
        (t("finished"), _when(run.finished)),
    ]
    table = Table(
        [[Paragraph(text(k), s.cell_head), Paragraph(text(v), s.body)] for k, v in facts],
        colWidths=[FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7],
    )
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (0, -1), HEADER_BG),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    gap = 0.4 if len(run.verdict_reasons) > 4 else 1.0  # room for the reasons: the cover stays one page
    flowables: list[Flowable] = [
        Spacer(1, 28 * mm * gap),
        Paragraph(text(title), s.title),
        Spacer(1, 4 * mm),
        Paragraph(text(run.project.name), s.subtitle),
        Spacer(1, 14 * mm * gap),
        table,
        Spacer(1, 12 * mm * gap),
        verdict_stamp(ctx),
        Spacer(1, 8 * mm * gap),
    ]
    if run.verdict is Verdict.INCOMPLETE:
        flowables.append(Paragraph(coloured(t("incomplete_banner"), AMBER), s.body))
        flowables.append(Spacer(1, 3 * mm))
    elif any(suite.stopped is not None for suite in run.suites):
        flowables.append(Paragraph(coloured(t("cut_short_banner"), AMBER), s.body))
        flowables.append(Spacer(1, 3 * mm))
    selection = partial_run(run)
    if selection.partial:  # a verdict on some suites only must never read as the whole acceptance
        banner = t("partial_banner", suites=", ".join(selection.not_selected))
        flowables.append(Paragraph(coloured(banner, AMBER), s.body))
        flowables.append(Spacer(1, 3 * mm))
    # the cover's own heading style: not listed in the contents
    flowables.append(Paragraph(text(t("verdict_reasons")), ParagraphStyle("cover_h2", parent=s.h2)))
    reasons = [t.text(reason) for reason in run.verdict_reasons]
    if run.verdict is Verdict.PASS:  # the notes of a PASS explain failures its criteria accept
        flowables.append(Paragraph(text(t("all_criteria_met")), s.body))
    # many reasons in a smaller hand, so the cover stays one page
    style = s.body if len(reasons) <= 6 else ParagraphStyle("cover_reasons", parent=s.body, fontSize=8.5, leading=11.5)
    flowables += [
        Paragraph(f"{number}. {text(reason)}", style) for number, reason in enumerate(reasons[:MAX_REASONS], 1)
    ]
    if len(reasons) > MAX_REASONS:
        flowables.append(Paragraph(text(f"… (+{len(reasons) - MAX_REASONS})"), style))
    flowables.append(PageBreak())
    return flowables


def verdict_stamp(ctx: ReportContext) -> Table:
    verdict = ctx.run.verdict.value
    colour = VERDICT_COLOURS[verdict]
    label = ParagraphStyle("stamp_label", parent=ctx.styles.subtitle, fontSize=10.5, leading=14, textColor=NAVY)
    word = ParagraphStyle("stamp_verdict", parent=ctx.styles.subtitle, fontSize=26, leading=32, textColor=colour)
    stamp = Table(
        [[Paragraph(text(ctx.t("verdict")), label)], [Paragraph(text(ctx.t("verdict_" + verdict)), word)]],
        colWidths=[70 * mm],
        rowHeights=[9 * mm, 15 * mm],
    )
    stamp.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 2.0, colour),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("VALIGN", (0, 1), (-1, 1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    stamp.hAlign = "CENTER"
    return stamp
