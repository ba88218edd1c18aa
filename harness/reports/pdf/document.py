"""The page frame: A4, header with the report id, footer with "page X of Y", table of contents and PDF
outline from the headings, fonts set from the start.

The document is laid out in passes (reportlab's ``multiBuild``) until the table of contents and the page
total are stable, so every footer can say "X of Y" and every contents line has its final page number.

Any run that validates must give a PDF, whatever sections put in the story, so the document itself:

- lets the rows of every table split across pages (a cell taller than a page continues on the next);
- shortens a paragraph taller than a page (:data:`MAX_PARAGRAPH_HEIGHT`) with a note pointing to run.json and raw/;
- puts a note in place of anything that still cannot be laid out (a flowable taller than a page that
  cannot split), instead of failing the whole report with reportlab's ``LayoutError``.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.doctemplate import IndexingFlowable, LayoutError

from harness.reports.pdf.fonts import FONT
from harness.reports.pdf.styles import FRAME_HEIGHT, GREY, MARGIN, PAGE, RULE, Styles, bounded, plain, text

PageDecorator = Callable[[Canvas, int, int], None]

# paragraph style name -> contents/outline level; other styles are not listed
HEADING_LEVELS = {"h1": 0, "h2": 1}
MAX_PARAGRAPH_HEIGHT = FRAME_HEIGHT  # one paragraph (an error text, a note) fills at most a page


def page_decorator(header_left: str, header_right: str, footer: Callable[[int, int], str]) -> PageDecorator:
    width, height = PAGE
    right = plain(header_right, width - 2 * MARGIN, FONT, 8)
    left = plain(header_left, width - 2 * MARGIN - stringWidth(right, FONT, 8) - 12, FONT, 8)

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = height - MARGIN + 6
        canvas.drawString(MARGIN, top + 4, left)
        canvas.drawRightString(width - MARGIN, top + 4, right)
        canvas.line(MARGIN, top, width - MARGIN, top)
        bottom = MARGIN - 10
        canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
        canvas.drawCentredString(width / 2, bottom, plain(footer(page, max(total, page)), width, FONT, 8))
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
    """Reports every h1/h2 heading to the table of contents and the PDF outline; never fails on content
    too large for a page (see the module's docstring)."""

    page_total = 0  # pages of the previous pass; the footers of the next pass print it
    styles: Styles | None = None  # for the notes that replace content too large to lay out

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        head = flowables[0] if flowables else None
        if isinstance(head, Table):
            head.splitInRow = 1  # tables built by sections themselves split inside rows too
        elif isinstance(head, Paragraph) and self.styles is not None and head.style.name not in HEADING_LEVELS:
            shortened = bounded(head, self.width, MAX_PARAGRAPH_HEIGHT, self.styles)
            if shortened is not head:
                flowables[0:1] = shortened if isinstance(shortened, list) else [shortened]

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        try:
            super().handle_flowable(flowables)
        except LayoutError as exc:
            # reportlab has taken the flowable off the list: a note stands in for it, the report goes on
            if self.styles is None:
                raise
            note = Paragraph(text(self.styles.notice("too_large")), self.styles.small)
            note._harness_layout_error = str(exc)[:500]  # kept for the tests' and a debugger's eyes
            flowables.insert(0, note)

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
    story: list[Flowable],
    decorate: PageDecorator,
    *,
    title: str,
    author: str,
    subject: str,
    language: str,
    styles: Styles | None = None,
) -> bytes:
    """Lay out ``story`` (which may contain a TableOfContents) and return the PDF bytes.

    With ``styles``, content too large for a page is shortened or replaced by a note in their language
    instead of raising reportlab's ``LayoutError``.
    """
    out = BytesIO()
    document = ReportDocument(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8,
        bottomMargin=MARGIN + 8,
        title=plain(title),
        author=plain(author),
        subject=plain(subject),
        creator="acceptance-harness",
        lang=language,
        initialFontName=FONT,  # no page may fall back to the unembedded Helvetica
        initialFontSize=10,
    )
    document.styles = styles
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="body")

    def on_page(canvas: Canvas, doc: ReportDocument) -> None:
        decorate(canvas, doc.page, doc.page_total)

    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=on_page)])
    document.multiBuild([PageTotal(document), *story], maxPasses=6)
    return out.getvalue()
