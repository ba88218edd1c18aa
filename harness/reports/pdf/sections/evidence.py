"""The evidence manifest: every file of the run with size and sha256, and whether it is attached."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.evidence import Placement, bundle_folder
from harness.reports.pdf.fonts import MONO
from harness.reports.pdf.styles import (
    AMBER,
    GREEN,
    GREY,
    HEADER_BG,
    NAVY,
    RED,
    TableCommand,
    coloured,
    data_table,
    text,
)

_PLACEMENT_COLOURS = {
    Placement.ATTACHED: GREEN,
    Placement.TOO_LARGE: AMBER,
    Placement.NOT_EVIDENCE: GREY,
    Placement.CHANGED: RED,
    Placement.BUNDLED: GREY,
}
_COMPACT = [("TOPPADDING", (0, 1), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.2)]


def size_text(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _rows(ctx: ReportContext, compact: ParagraphStyle) -> tuple[list[list[object]], list[TableCommand]]:
    """One row per file, grouped under a spanning row per folder so file names fit on one line."""
    rows: list[list[object]] = []
    commands: list[TableCommand] = []
    folder_of_previous: str | None = None
    bundles = {b.folder: b for b in ctx.evidence.bundles()}
    for entry in ctx.evidence.files:
        if entry.placement is Placement.BUNDLED:
            bundle = bundles.pop(bundle_folder(entry.path) or "", None)
            if bundle is None:
                continue  # its bundle row is already in the table
            folder_of_previous = None
            label = ctx.t("evidence_bundle", folder=bundle.folder, files=bundle.files)
            mark = coloured(ctx.t("placement_bundled"), _PLACEMENT_COLOURS[Placement.BUNDLED])
            rows.append(
                [
                    Paragraph(f"<font color='{NAVY.hexval()}'>{text(label)}</font>", compact),
                    Paragraph(text(size_text(bundle.size)), compact),
                    Paragraph(f"<font name='{MONO}' size='6.5'>{text(bundle.sha256)}</font>", compact),
                    Paragraph(mark, compact),
                ]
            )
            continue
        folder, _, name = entry.path.rpartition("/")
        if folder != folder_of_previous:
            folder_of_previous = folder
            label = f"{folder}/" if folder else ctx.t("evidence_top_folder")
            rows.append([Paragraph(f"<font color='{NAVY.hexval()}'>{text(label)}</font>", compact), "", "", ""])
            row = len(rows)  # the header is row 0
            commands += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), HEADER_BG)]
        mark = coloured(ctx.t(f"placement_{entry.placement.value}"), _PLACEMENT_COLOURS[entry.placement])
        rows.append(
            [
                Paragraph(text(name), compact),
                Paragraph(text(size_text(entry.size)), compact),
                Paragraph(f"<font name='{MONO}' size='6.5'>{text(entry.sha256)}</font>", compact),
                Paragraph(mark, compact),
            ]
        )
    return rows, commands


def build(ctx: ReportContext) -> list[Flowable]:
    t, s, evidence = ctx.t, ctx.styles, ctx.evidence
    flowables: list[Flowable] = [PageBreak(), Paragraph(text(t("evidence_section")), s.h1)]
    if not evidence.files:
        flowables.append(Paragraph(text(t("evidence_none")), s.body))
        return flowables
    attached = len(evidence.attached)
    totals = t(
        "evidence_totals",
        files=len(evidence.files),
        size=size_text(sum(f.size for f in evidence.files)),
        attached=attached,
        hashed=len(evidence.files) - attached,
        limit=size_text(evidence.limit_bytes),
    )
    flowables += [
        Paragraph(text(t("evidence_intro")), s.body),
        Spacer(1, 2 * mm),
        Paragraph(text(totals), s.body),
        Paragraph(
            f"{text(t('manifest_sha256'))} <font name='{MONO}' size='8'>{text(evidence.manifest_sha256)}</font>", s.body
        ),
        Paragraph(text(t("evidence_legend")), s.small),
        Paragraph(text(t("verify_hint")), s.small),
        Spacer(1, 3 * mm),
    ]
    compact = ParagraphStyle("evidence_cell", parent=s.cell, fontSize=6.5, leading=8.4)
    rows, commands = _rows(ctx, compact)
    header = [t("file"), t("size"), "SHA-256", t("in_pdf")]
    flowables.append(data_table(header, rows, [186, 40, 222, 34], s, extra=_COMPACT + commands))
    return flowables
