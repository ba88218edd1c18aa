"""The visible signature drawn with the fonts the report carries: CMaps read right, text in runs per font,
and the full font only for a character the report's fonts lack."""

from __future__ import annotations

from io import BytesIO
from itertools import pairwise
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader

from harness.signing.appearance import GREY, Line, Palette, _to_unicode, appearance
from harness.signing.statement import read_statements

CMAP = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfchar
<01> <9879>
<02> <D83DDE00>
endbfchar
1 beginbfrange
<41> <43> <0061>
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""


def test_tounicode_cmaps_with_chars_and_ranges() -> None:
    assert _to_unicode(CMAP) == {"项": 1, "\U0001f600": 2, "a": 0x41, "b": 0x42, "c": 0x43}


def test_the_reports_fonts_draw_the_expected_words(unsigned_report: Path) -> None:
    reader = PdfFileReader(BytesIO(unsigned_report.read_bytes()))
    expected = read_statements(reader)["business"]
    palette = Palette(expected.fonts)
    line = f"{expected.labels['Signer']}: 刘芳 (DEMO) 2026-11-30 09:30:00 UTC+08:00"
    assert palette.covers(line) and palette.covers(expected.labels["Heading"])
    assert not palette.covers("Þór 鑫淼燚")  # nobody expected these
    runs = palette.runs(line)
    assert all(codes for _, codes in runs) and all(a != b for (a, _), (b, _) in pairwise(runs))  # merged runs
    assert sum(len(codes) for _, codes in runs) == len(line)
    assert 0 < palette.width(line, 8) < palette.width(line, 16)
    content = appearance(200, 70, [Line(line, 8, GREY)], palette, reader)
    drawn = content.render()
    assert drawn.count(b" Tj") == len(runs) and b"re S" in drawn  # text in the report's fonts, and the frame
    assert set(content.resources.font) == {name for name, _ in runs}
