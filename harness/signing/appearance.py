"""The visible appearance of a signature: party, signer, organisation, time and certificate fingerprint.

The report carries, with each field's statement, fonts holding every glyph of the appearance's words
and of the expected names (``reports/pdf/fields.py``): the appearance is a few lines of PDF text in
those fonts, referenced where they are, so signing neither loads the 16 MB CJK font nor adds a font.
A line with a character the fonts lack (a certificate name nobody expected) is drawn instead with
reportlab in the report's full font, embedded as a subset: slower, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfContent, PdfResources, RawContent
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.rw_common import PdfHandler

NAVY = (0.122, 0.227, 0.373)
GREEN = (0.118, 0.482, 0.204)
GREY = (0.373, 0.420, 0.478)
PAD = 5.0
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)


@dataclass(frozen=True)
class Line:
    text: str
    size: float
    colour: tuple[float, float, float]


@dataclass(frozen=True)
class _Font:
    resource: str  # e.g. /H0
    ref: generic.IndirectObject
    widths: dict[int, float]  # code -> width in 1/1000 em
    missing_width: float


def _unicode(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", errors="replace")


def _to_unicode(cmap: bytes) -> dict[str, int]:
    """Character -> code of a simple font's ToUnicode CMap (bfchar and bfrange sections)."""
    codes: dict[str, int] = {}
    for kind, body in _SECTION.findall(cmap):
        if kind == b"bfchar":
            for code, text in _BFCHAR.findall(body):
                codes.setdefault(_unicode(text), int(code, 16))
        else:
            for low, high, start in _BFRANGE.findall(body):
                first = ord(_unicode(start)[0])
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    codes.setdefault(chr(first + offset), int(low, 16) + offset)
    codes.pop("\x00", None)
    return codes


class Palette:
    """The report's appearance fonts: which font and code draw each character, and how wide it is."""

    def __init__(self, fonts: generic.DictionaryObject | None) -> None:
        self._fonts: list[_Font] = []
        self._codes: dict[str, tuple[int, int]] = {}  # character -> (font index, code)
        for resource in sorted(fonts or {}):
            ref = fonts.raw_get(resource) if fonts is not None else None
            if not isinstance(ref, generic.IndirectObject):
                continue
            font = ref.get_object()
            if "/ToUnicode" not in font or "/Widths" not in font:
                continue
            first = int(font["/FirstChar"]) if "/FirstChar" in font else 0
            widths = {first + i: float(w) for i, w in enumerate(font["/Widths"])}
            descriptor = font["/FontDescriptor"] if "/FontDescriptor" in font else generic.DictionaryObject()
            missing = float(descriptor["/MissingWidth"]) if "/MissingWidth" in descriptor else 500.0
            index = len(self._fonts)
            self._fonts.append(_Font(str(resource), ref, widths, missing))
            for char, code in _to_unicode(font["/ToUnicode"].data).items():
                self._codes.setdefault(char, (index, code))

    def covers(self, text: str) -> bool:
        return all(char in self._codes for char in text)

    def width(self, text: str, size: float) -> float:
        total = 0.0
        for char in text:
            index, code = self._codes[char]
            font = self._fonts[index]
            total += font.widths.get(code, font.missing_width)
        return total * size / 1000

    def runs(self, text: str) -> list[tuple[str, bytes]]:
        """``text`` as (font resource, codes) runs."""
        runs: list[tuple[str, bytes]] = []
        for char in text:
            index, code = self._codes[char]
            resource = self._fonts[index].resource
            if runs and runs[-1][0] == resource:
                runs[-1] = (resource, runs[-1][1] + bytes([code]))
            else:
                runs.append((resource, bytes([code])))
        return runs

    def resources(self, handler: PdfHandler) -> PdfResources:
        """The fonts as a resource dictionary whose references belong to ``handler`` (the signing writer)."""
        resources = PdfResources()
        for font in self._fonts:
            resources.font[generic.NameObject(font.resource)] = generic.IndirectObject(
                font.ref.idnum, font.ref.generation, handler
            )
        return resources


def _fit(width: float, size: float, available: float) -> float:
    return size if width <= available else max(4.0, size * available / width)


def _rgb(colour: tuple[float, float, float]) -> str:
    return " ".join(f"{c:.3f}" for c in colour)


def _frame(width: float, height: float) -> list[str]:
    return ["q", f"{_rgb(GREEN)} RG 1.2 w", f"1 1 {width - 2:.2f} {height - 2:.2f} re S", "Q"]


def appearance(width: float, height: float, lines: Sequence[Line], palette: Palette, handler: PdfHandler) -> PdfContent:
    """The field's appearance, ``width`` x ``height`` points: in the report's appearance fonts when they
    hold every character, else drawn by reportlab in the full font."""
    if not all(palette.covers(line.text) for line in lines):
        return _drawn_with_full_font(width, height, lines)
    operators = _frame(width, height)
    step = (height - 2 * PAD) / len(lines)
    y = height - PAD - step * 0.75
    operators.append("BT")
    for line in lines:
        size = _fit(palette.width(line.text, line.size), line.size, width - 2 * PAD)
        operators.append(f"{_rgb(line.colour)} rg 1 0 0 1 {PAD:.2f} {y:.2f} Tm")
        for resource, codes in palette.runs(line.text):
            operators.append(f"{resource} {size:.2f} Tf <{codes.hex()}> Tj")
        y -= step
    operators.append("ET")
    return RawContent(
        "\n".join(operators).encode("ascii"),
        resources=palette.resources(handler),
        box=BoxConstraints(width=width, height=height),
    )


def _drawn_with_full_font(width: float, height: float, lines: Sequence[Line]) -> PdfContent:
    # reportlab and the report's font load only here: most signatures never need them
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas

    from harness.reports.pdf.fonts import FONT, register_fonts

    register_fonts()
    out = BytesIO()
    canvas = Canvas(out, pagesize=(width, height), initialFontName=FONT, initialFontSize=8)
    canvas.setStrokeColor(Color(*GREEN))
    canvas.setLineWidth(1.2)
    canvas.rect(1, 1, width - 2, height - 2)
    step = (height - 2 * PAD) / len(lines)
    y = height - PAD - step * 0.75
    for line in lines:
        canvas.setFillColor(Color(*line.colour))
        measured = canvas.stringWidth(line.text, FONT, line.size)
        canvas.setFont(FONT, _fit(measured, line.size, width - 2 * PAD))
        canvas.drawString(PAD, y, line.text)
        y -= step
    canvas.showPage()
    canvas.save()
    return _ImportedBytes(out.getvalue())


class _ImportedBytes(PdfContent):
    """The first page of an in-memory PDF as a form XObject (pyHanko's ImportedPdfPage reads files)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self.pdf = pdf

    def render(self) -> bytes:
        from pyhanko.pdf_utils.reader import PdfFileReader

        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(BytesIO(self.pdf)), page_ix=0)
        self.resources.xobject[generic.NameObject("/Appearance")] = xobject
        page = xobject.get_object()
        self.box = BoxConstraints(width=float(page["/BBox"][2]), height=float(page["/BBox"][3]))
        return b"q /Appearance Do Q"
