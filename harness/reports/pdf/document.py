"""The page frame: A4, header with the report id, footer with "page X of Y", table of contents and PDF
outline from the headings, fonts set from the start.

The document is laid out in passes (reportlab's ``multiBuild``) until the table of contents and the page
total are stable, so every footer can say "X of Y" and every contents line has its final page number.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import IndexingFlowable

from harness.reports.pdf.fonts import FONT
from harness.reports.pdf.styles import GREY, MARGIN, PAGE, RULE

PageDecorator = Callable[[Canvas, int, int], None]

# paragraph style name -> contents/outline level; other styles are not listed
HEADING_LEVELS = {"h1": 0, "h2": 1}


def page_decorator(header_left: str, header_right: str, footer: Callable[[int, int], str]) -> PageDecorator:
    def decorate(canvas: Canvas, page: int, total: int) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = height - MARGIN + 6
        canvas.drawString(MARGIN, top + 4, header_left)
        canvas.drawRightString(width - MARGIN, top + 4, header_right)
        canvas.line(MARGIN, top, width - MARGIN, top)
        bottom = MARGIN - 10
        canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
        canvas.drawCentredString(width / 2, bottom, footer(page, max(total, page)))
        canvas.restoreState()

    return decorate


class PageTotal(IndexingFlowable):
    """Invisible marker that keeps ``multiBuild`` going until the page total of the last pass is the one
    the footers printed (an indexing flowable, like the table of contents)."""

    def __init__(self, document: ReportDocument) -> None:
        super().__init__()
        self.document = document
        self._printed = -1

    def isSatisfied(self) -> int:
        return int(self._printed == self.document.page)

    def beforeBuild(self) -> None:
        self._printed = self.document.page_total

    def afterBuild(self) -> None:
        self.document.page_total = self.document.page

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        """Nothing to draw: the marker only takes part in the layout passes."""


class ReportDocument(BaseDocTemplate):
    """Reports every h1/h2 heading to the table of contents and the PDF outline."""

    page_total = 0  # pages of the previous pass; the footers of the next pass print it

    def beforeDocument(self) -> None:
        self._heading_count = 0
        self._level = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Paragraph):
            return
        level = HEADING_LEVELS.get(flowable.style.name)
        if level is None:
            return
        level = min(level, self._level + 1)  # an outline may not skip a level
        self._level = level
        self._heading_count += 1
        key = f"heading-{self._heading_count}"
        title = flowable.getPlainText()
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, escape(title), self.page, key))


def build_pdf(
    story: list[Flowable], decorate: PageDecorator, *, title: str, author: str, subject: str, language: str
) -> bytes:
    """Lay out ``story`` (which may contain a TableOfContents) and return the PDF bytes."""
    out = BytesIO()
    document = ReportDocument(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8,
        bottomMargin=MARGIN + 8,
        title=title,
        author=author,
        subject=subject,
        creator="acceptance-harness",
        lang=language,
        initialFontName=FONT,  # no page may fall back to the unembedded Helvetica
        initialFontSize=10,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="body")

    def on_page(canvas: Canvas, doc: ReportDocument) -> None:
        decorate(canvas, doc.page, doc.page_total)

    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=on_page)])
    document.multiBuild([PageTotal(document), *story], maxPasses=6)
    return out.getvalue()
