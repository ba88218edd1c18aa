"""The table of contents, filled from the h1/h2 headings by the document's layout passes."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import table_style, text


def build(ctx: ReportContext) -> list[Flowable]:
    contents = TableOfContents(
        levelStyles=list(ctx.styles.contents),
        dotsMinLevel=0,
        tableStyle=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return [Paragraph(text(ctx.t("contents")), ctx.styles.contents_title), contents, PageBreak()]
