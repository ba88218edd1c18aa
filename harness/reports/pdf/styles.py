"""Paragraph and table styles of the report: one font family, a sober palette, A4 with 20 mm margins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from harness.reports.pdf.fonts import FONT, MONO

PAGE = A4
MARGIN = 20 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN

NAVY = colors.HexColor("#1F3A5F")
GREY = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#B0BCCB")
HEADER_BG = colors.HexColor("#E8EEF5")
ZEBRA = colors.HexColor("#F6F8FB")
GREEN = colors.HexColor("#1E7B34")
RED = colors.HexColor("#B3261E")
AMBER = colors.HexColor("#B26A00")

TableCommand = tuple[object, ...]

VERDICT_COLOURS = {"PASS": GREEN, "FAIL": RED, "INCOMPLETE": AMBER}
OUTCOME_COLOURS = {"passed": GREEN, "failed": RED, "warned": AMBER, "error": AMBER}
STATUS_COLOURS = {"passed": GREEN, "failed": RED, "error": AMBER, "incomplete": AMBER, "skipped": GREY}


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    mono: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    contents_title: ParagraphStyle  # like h1, but not itself listed in the contents
    contents: tuple[ParagraphStyle, ...]  # one per heading level of the contents


def make_styles(language: str) -> Styles:
    # CJK wrapping may break between any two characters; Latin text wraps at spaces, and words too long
    # for a cell (test ids, URLs) are split rather than overflowing.
    wrap = "CJK" if language == "zh-CN" else None
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap=wrap, splitLongWords=True)
    return Styles(
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=GREY),
        cell=ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        cell_head=ParagraphStyle("cell_head", parent=base, fontSize=8.5, leading=11.5, textColor=NAVY),
        mono=ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=7.5, leading=10, wordWrap="CJK"),
        h1=ParagraphStyle("h1", parent=base, fontSize=16, leading=22, spaceBefore=6, spaceAfter=8, textColor=NAVY),
        h2=ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=5, textColor=NAVY),
        title=ParagraphStyle("title", parent=base, fontSize=26, leading=36, alignment=TA_CENTER, textColor=NAVY),
        subtitle=ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, alignment=TA_CENTER, textColor=GREY),
        contents_title=ParagraphStyle(
            "contents_title", parent=base, fontSize=16, leading=22, spaceBefore=6, spaceAfter=12, textColor=NAVY
        ),
        contents=(
            ParagraphStyle("contents1", parent=base, fontSize=11, leading=17, spaceBefore=5, textColor=NAVY),
            ParagraphStyle("contents2", parent=base, fontSize=9.5, leading=14, leftIndent=14),
        ),
    )


def text(value: object) -> str:
    """Escape arbitrary text for a Paragraph and keep its line breaks."""
    return escape(str(value)).replace("\n", "<br/>")


def coloured(value: str, colour: colors.Color) -> str:
    return f'<font color="{colour.hexval()}">{text(value)}</font>'


def table_style(commands: list[TableCommand]) -> TableStyle:
    """A TableStyle in the report font: reportlab otherwise selects Helvetica in every cell, which
    would leave an unembedded standard font in the PDF even when all cells hold Paragraphs."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def data_table(
    header: Sequence[object],
    rows: list[list[object]],
    widths: list[float],
    styles: Styles,
    extra: list[TableCommand] | None = None,
) -> Table:
    """A table with a repeated header row, zebra rows, and Paragraph cells that wrap instead of overflowing.

    Header texts are escaped; a header given as a Flowable (e.g. a right-aligned Paragraph) is used as is.
    """

    def cell(value: object, style: ParagraphStyle) -> object:
        return value if not isinstance(value, str) else Paragraph(value, style)

    body = [[cell(text(h), styles.cell_head) if isinstance(h, str) else h for h in header]]
    body += [[cell(v, styles.cell) for v in row] for row in rows]
    total = sum(widths)
    table = Table(body, colWidths=[w * FRAME_WIDTH / total for w in widths], repeatRows=1)
    commands: list[TableCommand] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(body), 2)]
    table.setStyle(table_style(commands + (extra or [])))
    return table
