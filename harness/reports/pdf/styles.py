"""Paragraph and table styles of the report: one font family, a sober palette, A4 with 20 mm margins.

Also the two helpers every section builds its content with, made so that any valid run lays out:

- :func:`text` turns arbitrary text (test output, scanner evidence, file names) into safe Paragraph markup:
  control characters, lone surrogates and characters no report font can draw are shown as escapes
  (``\\x1b``, ``\\ud800``, ``\\u0e01``), right-to-left lines are put in visual order (Arabic shaped), and
  characters the CJK font lacks but the fallback font has (Hebrew, Arabic, many symbols) are set in it.
- :func:`data_table` rows may split across pages (a cell taller than a page continues on the next), and a
  cell taller than :data:`MAX_CELL_HEIGHT` is shortened with a note pointing to run.json and raw/.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from harness.reports.pdf.fonts import FALLBACK, FONT, MONO, glyph_coverage

PAGE = A4
MARGIN = 20 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - 2 * (MARGIN + 8)  # the body frame of document.py
CELL_PADDING = 4  # left and right padding of data_table cells
MAX_CELL_HEIGHT = FRAME_HEIGHT  # a cell taller than a page is shortened: the full text is in run.json and raw/
# Bounds on what one value may put into the layout at all. A page holds at most about 90 lines or 6,500
# characters, and content taller than a page is shortened with a note anyway (see bounded), so a value cut
# here always gets that note; laying out more would only cost time.
MAX_TEXT = 8_000
MAX_LINES = 200

# Shown where content was shortened or could not be laid out (styles know the language; i18n.py belongs to
# the sections).
NOTICES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "shortened": "……（内容过长，其余部分未在报告中显示；完整内容见运行目录中的 run.json 及 raw/ 下的原始文件）",
        "too_large": "（此处内容过大，无法在页面上排版；完整内容见运行目录中的 run.json 及 raw/ 下的原始文件）",
    },
    "en": {
        "shortened": "… (too long: the rest is not shown in the report; the full text is in run.json and the raw "
        "files under raw/ in the run directory)",
        "too_large": "(this content is too large to lay out on a page; the full text is in run.json and the raw "
        "files under raw/ in the run directory)",
    },
}

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
    language: str = "en"

    def notice(self, key: str) -> str:
        """A notice (``shortened``, ``too_large``) in the report's language."""
        return NOTICES.get(self.language, NOTICES["en"])[key]


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
        language=language,
    )


# C0 and C1 controls except tab and newline, DEL, and lone surrogates (JSON may carry "\\ud800").
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def escaped(char: str) -> str:
    """A character as a Python-style escape: ``\\x1b``, ``\\ud800``, ``\\U0001f600``."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _visual(line: str) -> str:
    """A line with right-to-left script in display order (Arabic joined into its presentation forms)."""
    if not _RTL.search(line):
        return line
    if _ARABIC.search(line):
        line = arabic_reshaper.reshape(line)
    return str(get_display(line))


def _printable(line: str) -> str:
    """Controls and lone surrogates as escapes, then NFC (so "e" + combining accent is one glyph)."""
    if line.isascii():
        return _UNPRINTABLE.sub(lambda m: escaped(m.group()), line)
    return unicodedata.normalize("NFC", _UNPRINTABLE.sub(lambda m: escaped(m.group()), line))


def _markup(value: str) -> str:
    """Escape one line for the Paragraph parser, switching to the fallback font or an escape per character."""
    if value.isascii():
        return escape(value)
    main, fallback = glyph_coverage()
    out: list[str] = []
    in_fallback = False
    for char in value:
        code = ord(char)
        wants_fallback = code > 0x7F and code not in main and code in fallback
        if wants_fallback != in_fallback:
            out.append(f'<font name="{FALLBACK}">' if wants_fallback else "</font>")
            in_fallback = wants_fallback
        out.append(escape(char) if code <= 0x7F or code in main or wants_fallback else escaped(char))
    if in_fallback:
        out.append("</font>")
    return "".join(out)


def text(value: object) -> str:
    """Arbitrary text as Paragraph markup that always lays out, keeping its line breaks.

    Markup characters are escaped; control characters, lone surrogates and characters that neither the
    report font nor the fallback font can draw become visible escapes (``\\x00``, ``\\U0001f600``) rather
    than vanishing or cutting the paragraph short; right-to-left lines are put in display order. Beyond
    :data:`MAX_TEXT` characters or :data:`MAX_LINES` lines the value is cut: no page could show more, and
    the layout shortens long content further, with a note that says where the full text is.
    """
    value = str(value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT] + " …"
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], "…"]
    return "<br/>".join(_markup(_visual(_printable(line))) for line in lines)


def plain(value: object, width: float | None = None, font: str = FONT, size: float = 8, limit: int = 300) -> str:
    """Text for a single line drawn directly on the canvas (page header, PDF metadata): no markup, no
    fallback font, so what the report font cannot draw is escaped; at most ``limit`` characters, and cut
    with "…" to fit ``width``."""
    main, _ = glyph_coverage()
    value = str(value)
    value = value[:limit] + "…" if len(value) > limit else value
    line = _visual(_printable(" ".join(value.splitlines())))
    line = "".join(c if ord(c) <= 0x7F or ord(c) in main else escaped(c) for c in line)
    if width is None or stringWidth(line, font, size) <= width:
        return line
    room = width - stringWidth("…", font, size)
    used = 0.0
    for end, char in enumerate(line):
        used += stringWidth(char, font, size)
        if used > room:
            return line[:end] + "…"
    return line


def coloured(value: str, colour: colors.Color) -> str:
    return f'<font color="{colour.hexval()}">{text(value)}</font>'


def table_style(commands: list[TableCommand]) -> TableStyle:
    """A TableStyle in the report font: reportlab otherwise selects Helvetica in every cell, which
    would leave an unembedded standard font in the PDF even when all cells hold Paragraphs."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


class PageTable(Table):
    """A Table whose rows split inside only when a row cannot fit on a page of its own.

    reportlab's in-row splitting would also cut a row that fits on the next page into the space left at the
    bottom of this one (repeating the header mid-page); here such a row moves to the next page whole, and
    only a row taller than a page continues from one page to the next.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if not self.splitInRow:
            return super().split(availWidth, availHeight)  # type: ignore[no-any-return]
        self._calc(availWidth, availHeight)
        parts = self._splitRows(availHeight, doInRowSplit=False)
        if parts:
            return parts  # type: ignore[no-any-return]
        repeat = self.repeatRows if isinstance(self.repeatRows, int) else max(self.repeatRows) + 1
        heights = self._rowHeights
        needed = sum(heights[: repeat + 1])
        if needed < FRAME_HEIGHT and availHeight < needed:
            return []  # the row fits on a page: it goes to the next one, whole
        return self._splitRows(availHeight, doInRowSplit=True)  # type: ignore[no-any-return]


def data_table(
    header: Sequence[object],
    rows: list[list[object]],
    widths: list[float],
    styles: Styles,
    extra: list[TableCommand] | None = None,
) -> Table:
    """A table with a repeated header row, zebra rows, and Paragraph cells that wrap instead of overflowing.

    Header texts are escaped; a header given as a Flowable (e.g. a right-aligned Paragraph) is used as is.
    Row cells given as strings are Paragraph markup (see :func:`text`). A row may split across pages, and a
    cell taller than :data:`MAX_CELL_HEIGHT` is shortened with a note (see :func:`bounded`).
    """
    total = sum(widths)
    columns = [w * FRAME_WIDTH / total for w in widths]

    def cell(value: object, style: ParagraphStyle, width: float) -> object:
        if not isinstance(value, str):
            return value
        return bounded(Paragraph(value, style), width - 2 * CELL_PADDING, MAX_CELL_HEIGHT, styles)

    body = [[Paragraph(text(h), styles.cell_head) if isinstance(h, str) else h for h in header]]
    body += [
        [cell(v, styles.cell, columns[i] if i < len(columns) else FRAME_WIDTH) for i, v in enumerate(row)]
        for row in rows
    ]
    table = PageTable(body, colWidths=columns, repeatRows=1, splitInRow=1)
    commands: list[TableCommand] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(body), 2)]
    table.setStyle(table_style(commands + (extra or [])))
    return table


def bounded(paragraph: Paragraph, width: float, height: float, styles: Styles) -> Flowable | list[Flowable]:
    """``paragraph`` if it is at most ``height`` tall at ``width``, else its first part and a note that the
    rest is in run.json and raw/ (the note in the report's language).

    Cheap for the common case: a paragraph whose text cannot reach ``height`` is not laid out here.
    """
    style = paragraph.style
    source = getattr(paragraph, "text", None)
    if isinstance(source, str):  # paragraphs split off by reportlab carry no text: measure those
        lines = source.count("<br/>") + 1 + len(source) * style.fontSize / max(width, 1.0)
        if lines * style.leading <= height:
            return paragraph
    note = Paragraph(text(styles.notice("shortened")), styles.small)
    _, note_height = note.wrap(width, height)
    _, full = paragraph.wrap(width, 1e9)
    if full <= height:
        return paragraph
    parts = paragraph.split(width, max(height - note_height, style.leading))
    return [parts[0], note] if parts else [note]
