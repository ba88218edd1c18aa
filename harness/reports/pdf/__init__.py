"""The PDF acceptance report (reportlab platypus), zh-CN or en, fonts embedded."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.document import build_pdf, page_decorator
from harness.reports.pdf.fonts import register_fonts
from harness.reports.pdf.i18n import Translator
from harness.reports.pdf.sections import story
from harness.reports.pdf.styles import make_styles
from harness.results.model import RunResult
from harness.results.rundir import RunDirectory, write_atomic

REPORT_FILE = "report.pdf"


def render_report(run: RunResult, path: Path) -> ReportContext:
    """Write the report for ``run`` to ``path``; returns the context (with signature box positions)."""
    register_fonts()
    t = Translator(run.report.language)
    ctx = ReportContext(run=run, t=t, styles=make_styles(run.report.language))
    title = run.report.title or t("report_title")
    decorate = page_decorator(
        header_left=f"{title} · {run.project.name}",
        header_right=f"{t('report_id')}: {run.run_id}",
        footer=lambda page, total: t("page_of", page=page, total=total),
    )
    temporary = path.with_name(f".{path.name}.tmp")
    build_pdf(
        temporary, story(ctx), decorate,
        title=f"{title} — {run.project.name}", author=run.project.name, subject=run.run_id,
        language=run.report.language,
    )  # fmt: skip
    write_atomic(path, temporary.read_bytes())
    temporary.unlink()
    return ctx


class PdfExporter:
    name: ClassVar[str] = "pdf"
    needs_manifest: ClassVar[bool] = True

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        path = rundir.path / REPORT_FILE
        render_report(run, path)
        return [path]
