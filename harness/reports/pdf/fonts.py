"""Find and register the CJK TrueType font the report is set in (embedded as a subset).

Every piece of text uses it, including Latin text, so no non-embedded standard font (Helvetica) is
left in the PDF. ``make setup`` installs WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``). Parsed faces
are cached on disk (``font_cache``): a process loads them in milliseconds instead of parsing the 16 MB
collection again.

A fallback face (DejaVu Sans, Debian ``fonts-dejavu-core``) draws what the CJK font lacks: Hebrew, Arabic,
many symbols and emoji outlines. Without it those characters are shown as escapes (see ``styles.text``).
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from harness.errors import ExportError
from harness.profile.environment import CJK_FONT, variable
from harness.reports.pdf.font_cache import load_font

FONT = "HarnessCJK"
MONO = "HarnessCJKMono"
FALLBACK = "HarnessFallback"

# (path, sub-font index of the proportional face, of the monospaced face)
_CANDIDATES: tuple[tuple[str, int, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, 1),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, 1),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0, 1),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, 2),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0, 0),
)

_FALLBACK_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


def _font_file() -> tuple[str, int, int]:
    override = variable(CJK_FONT)
    if override:
        return override, 0, 0
    for path, regular, mono in _CANDIDATES:
        if Path(path).is_file():
            return path, regular, mono
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn:fontformat=TrueType"], capture_output=True, text=True
        ).stdout.strip()
        if found and Path(found).is_file():
            return found, 0, 0
    raise ExportError(
        "no CJK TrueType font found for the PDF report: run `make setup` (installs fonts-wqy-zenhei) "
        "or set HARNESS_CJK_FONT to a .ttf/.ttc file"
    )


@cache
def register_fonts() -> str:
    """Register the report fonts once per process; returns the font file used."""
    path, regular, mono = _font_file()
    try:
        pdfmetrics.registerFont(load_font(FONT, path, regular))
        pdfmetrics.registerFont(load_font(MONO, path, mono))
    except Exception as exc:  # reportlab raises bare TTFError/ValueError for unusable files
        raise ExportError(f"cannot use font {path}: {exc}") from None
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)  # the CJK face has no bold: <b> keeps the same face
            addMapping(MONO, bold, italic, MONO)
    fallback = next((p for p in _FALLBACK_CANDIDATES if Path(p).is_file()), None)
    try:
        pdfmetrics.registerFont(load_font(FALLBACK, fallback or path, 0 if fallback else regular))
    except Exception as exc:
        raise ExportError(f"cannot use font {fallback}: {exc}") from None
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FALLBACK, bold, italic, FALLBACK)
    return path


@cache
def glyph_coverage() -> tuple[frozenset[int], frozenset[int]]:
    """Code points the report font can draw, and those only the fallback font can draw."""
    register_fonts()
    main = frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)
    fallback = frozenset(pdfmetrics.getFont(FALLBACK).face.charToGlyph) - main
    return main, fallback
