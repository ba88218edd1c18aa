"""The generic layout every section uses (styles.text, data_table, the document): hostile text is shown or
escaped, content taller than a page is split or shortened with a pointer, nothing aborts the report."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.document import build_pdf, page_decorator
from harness.reports.pdf.fonts import FALLBACK, register_fonts
from harness.reports.pdf.styles import FRAME_WIDTH, NOTICES, data_table, make_styles, plain, text


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _build(story: list[Flowable], language: str = "en") -> bytes:
    register_fonts()
    decorate = page_decorator("header " * 200, "id", lambda page, total: f"{page}/{total}")
    return build_pdf(story, decorate, title="t\ud800", author="a", subject="s", language=language,
                     styles=make_styles(language))  # fmt: skip


def test_text_escapes_what_would_vanish_or_break_the_paragraph() -> None:
    markup = text("a\x00b\x1b[31m <tag> & \ud800 \x85 tab\tend\r\nnext")
    assert "\\x00" in markup and "\\x1b[31m" in markup and "\\ud800" in markup and "\\x85" in markup
    assert "&lt;tag&gt; &amp;" in markup and "<br/>next" in markup
    assert text("ภาษาไทย").startswith("\\u0e20")  # no report font has Thai: shown as escapes


def test_text_draws_hebrew_and_arabic_with_the_fallback_font_in_display_order() -> None:
    hebrew = text("error: שלום")
    assert f'<font name="{FALLBACK}">' in hebrew and "םולש" in hebrew  # right to left: stored reversed for drawing
    arabic = text("خطأ")  # joined: every letter in its presentation form (U+FE70..U+FEFF)
    assert any("\ufe70" <= c <= "\ufeff" for c in arabic) and not any("\u0600" <= c <= "\u06ff" for c in arabic)


def test_a_nul_no_longer_cuts_the_rest_of_a_paragraph_off(tmp_path: Path) -> None:
    styles = make_styles("en")
    pdf = _build([Paragraph(text("before\x00after שלום 中文"), styles.body)])
    shown = pdftotext(pdf, tmp_path)
    assert "before\\x00after" in shown and "中文" in shown


def test_a_cell_taller_than_a_page_is_shortened_with_a_pointer_and_rows_split(tmp_path: Path) -> None:
    styles = make_styles("en")
    trace = "\n".join(f"\tat gov.permits.Service.method{i}(Service.java:{i})" for i in range(3000))
    rows: list[list[object]] = [[text(f"case {i}"), text(trace if i == 1 else "short")] for i in range(3)]
    pdf = _build([data_table(["Test", "Message"], rows, [3, 7], styles)])
    shown = pdftotext(pdf, tmp_path)
    assert "method0(" in shown and "case 2" in shown
    assert "method2999(" not in shown and "the full text is in run.json" in " ".join(shown.split())
    assert shown.count("\f") <= 3  # one page of the trace, not sixty


def test_a_word_longer_than_a_line_wraps_inside_the_frame(tmp_path: Path) -> None:
    styles = make_styles("zh-CN")
    pdf = _build([Paragraph(text("https://127.0.0.1/" + "x" * 3000), styles.body)], "zh-CN")
    assert "https://127.0.0.1/" in pdftotext(pdf, tmp_path)


class _Unsplittable(Flowable):  # type: ignore[misc]
    """Taller than any page and cannot split: reportlab raises LayoutError for such a flowable."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return FRAME_WIDTH, 2000

    def draw(self) -> None:
        """Draws nothing."""


def test_what_cannot_be_laid_out_becomes_a_note_and_the_report_goes_on(tmp_path: Path) -> None:
    styles = make_styles("zh-CN")
    pdf = _build([Paragraph(text("前"), styles.body), _Unsplittable(), Paragraph(text("后"), styles.body)], "zh-CN")
    shown = " ".join(pdftotext(pdf, tmp_path).split())
    assert "前" in shown and "后" in shown and NOTICES["zh-CN"]["too_large"][:8] in shown


def test_plain_lines_fit_their_width_and_escape_what_the_font_lacks() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    line = plain("项目" * 500 + "\x00", 200, "HarnessCJK", 8)
    assert line.endswith("…") and stringWidth(line, "HarnessCJK", 8) <= 200
    assert plain("a\x00\ud800b") == "a\\x00\\ud800b"
