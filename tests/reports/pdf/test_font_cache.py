"""A face taken from the font cache is the face reportlab parses: same fields, same embedded subset, and a
damaged or stale cache file is ignored. Run on the report's real fonts (WenQuanYi Zen Hei, DejaVu Sans)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from harness.reports.pdf import font_cache
from harness.reports.pdf.font_cache import load_font
from harness.reports.pdf.fonts import _FALLBACK_CANDIDATES, _font_file

CJK, REGULAR, MONO = _font_file()
DEJAVU = next((p for p in _FALLBACK_CANDIDATES if Path(p).is_file()), CJK)
SUBSET_CHARS = "Acceptance 验收报告 签字 ÄÖü ∑ →"


def _state(font: TTFont) -> dict[str, object]:
    face = font.face
    for lazy in ("hmetrics", "glyphToChar"):
        getattr(face, lazy)  # build what the cached face builds on first use
    return {k: v for k, v in vars(face).items() if k not in ("_pdfScale", "_pos", "_arrays")}


def _subset(font: TTFont) -> bytes:
    glyphs = sorted({font.face.charToGlyph.get(ord(c), 0) for c in SUBSET_CHARS})
    return bytes(font.face.makeSubset(glyphs))


@pytest.mark.parametrize(("path", "index"), [(CJK, REGULAR), (CJK, MONO), (DEJAVU, 0)])
def test_a_cached_face_is_the_parsed_face(tmp_path: Path, path: str, index: int) -> None:
    parsed = TTFont("Parsed", path, subfontIndex=index)
    first = load_font("Cached", path, index, tmp_path)  # parses and writes the cache
    assert len(list(tmp_path.glob("*.ttfcache"))) == 1
    cached = load_font("Cached", path, index, tmp_path)
    assert isinstance(cached.face, font_cache._CachedFace)  # really from the cache
    assert _state(cached) == _state(parsed) == _state(first)
    assert cached.face._pdfScale(1234) == pytest.approx(parsed.face._pdfScale(1234))
    assert {k: v for k, v in vars(cached).items() if k not in ("face", "state", "encoding")} == {
        k: v for k, v in vars(parsed).items() if k not in ("face", "state", "encoding") and k != "fontName"
    } | {"fontName": "Cached"}
    assert _subset(cached) == _subset(parsed)
    assert cached.stringWidth(SUBSET_CHARS, 10) == parsed.stringWidth(SUBSET_CHARS, 10)


def test_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    load_font("F", DEJAVU, 0, tmp_path)
    (cached,) = tmp_path.glob("*.ttfcache")
    for damage in (b"", b"garbage", cached.read_bytes()[:-100], cached.read_bytes()[:200]):
        cached.write_bytes(damage)
        font = load_font("F", DEJAVU, 0, tmp_path)
        assert not isinstance(font.face, font_cache._CachedFace)
        assert font.face.charToGlyph == TTFont("G", DEJAVU).face.charToGlyph
    assert isinstance(load_font("F", DEJAVU, 0, tmp_path).face, font_cache._CachedFace)


def test_a_changed_font_file_is_parsed_again(tmp_path: Path) -> None:
    copy = tmp_path / "font.ttf"
    copy.write_bytes(Path(DEJAVU).read_bytes())
    cache = tmp_path / "cache"
    load_font("F", str(copy), 0, cache)
    os.utime(copy, ns=(0, 1_000_000_000))  # same bytes, another modification time: another key
    assert not isinstance(load_font("F", str(copy), 0, cache).face, font_cache._CachedFace)
    assert len(list(cache.glob("*.ttfcache"))) == 2


def test_no_writable_cache_directory_still_gives_the_font(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    font = load_font("F", DEJAVU, 0, blocker / "fonts")
    assert font.face.charToGlyph[ord("A")] == TTFont("G", DEJAVU).face.charToGlyph[ord("A")]
