"""The visible appearance of a signature: party, signer name and organisation, date — drawn with
reportlab in the report's own font (embedded as a subset, like every other font of the report) and
handed to pyHanko as the field's static appearance."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from harness.reports.pdf.fonts import FONT, register_fonts
from harness.reports.pdf.i18n import Translator

_NAVY = HexColor("#1F3A5F")
_GREEN = HexColor("#1E7B34")
_GREY = HexColor("#5F6B7A")


def _fit(canvas: Canvas, value: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``value`` fits ``width``."""
    measured = canvas.stringWidth(value, FONT, size)
    return size if measured <= width else max(4.0, size * width / measured)


def appearance_pdf(
    width: float, height: float, *, party: str, signer: str, organisation: str, when: datetime, t: Translator
) -> bytes:
    """A one-page PDF exactly ``width`` x ``height`` points showing who signed for ``party`` and when."""
    register_fonts()
    out = BytesIO()
    canvas = Canvas(out, pagesize=(width, height), initialFontName=FONT, initialFontSize=8)
    pad = 5.0
    inner = width - 2 * pad
    canvas.setStrokeColor(_GREEN)
    canvas.setLineWidth(1.2)
    canvas.rect(1, 1, width - 2, height - 2)
    lines = [
        (f"{t('party_' + party)} · {t('appearance_signed')}", 9.5, _GREEN),
        (f"{t('appearance_signer')}: {signer}", 8.5, _NAVY),
        (f"{t('organisation')}: {organisation or '—'}", 8.0, _NAVY),
        (f"{t('appearance_time')}: {when:%Y-%m-%d %H:%M:%S %Z}", 8.0, _GREY),
    ]
    step = (height - 2 * pad) / len(lines)
    y = height - pad - step * 0.75
    for value, size, colour in lines:
        canvas.setFillColor(colour)
        canvas.setFont(FONT, _fit(canvas, value, size, inner))
        canvas.drawString(pad, y, value)
        y -= step
    canvas.showPage()
    canvas.save()
    return out.getvalue()
