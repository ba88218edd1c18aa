"""The page frame: A4, header with the report id, footer with "page X of Y", fonts set from the start."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from harness.reports.pdf.fonts import FONT
from harness.reports.pdf.styles import GREY, MARGIN, PAGE, RULE

PageDecorator = Callable[[Canvas, int, int], None]


class NumberedCanvas(Canvas):
    """Defers page decoration until the page count is known, so every page can say "X of Y"."""

    def __init__(self, *args: object, decorate: PageDecorator, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            super().showPage()
        super().save()


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
        canvas.drawCentredString(width / 2, bottom, footer(page, total))
        canvas.restoreState()

    return decorate


def build_pdf(
    path: Path, story: list[Flowable], decorate: PageDecorator, *, title: str, author: str, subject: str, language: str
) -> None:
    document = BaseDocTemplate(
        str(path),
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
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(story, canvasmaker=partial(NumberedCanvas, decorate=decorate))
