"""The PDF acceptance report (reportlab platypus), zh-CN or en, fonts embedded, evidence attached, with
an empty signature field per party (pyHanko)."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import ClassVar, TypeGuard

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.errors import ExportError
from harness.plugins import REPORT_SECTIONS, PluginsByName
from harness.reports.pdf.context import ReportContext, SuiteSection
from harness.reports.pdf.document import build_pdf, page_decorator
from harness.reports.pdf.embedding import finish_pdf
from harness.reports.pdf.evidence import NO_EVIDENCE, Evidence, collect_evidence
from harness.reports.pdf.fonts import register_fonts
from harness.reports.pdf.i18n import Translator
from harness.reports.pdf.sections import story
from harness.reports.pdf.styles import make_styles
from harness.results.model import RunResult
from harness.results.rundir import RunDirectory, write_atomic

REPORT_FILE = "report.pdf"


def load_sections() -> Mapping[str, SuiteSection]:
    """The suite sections registered under ``harness.report_sections``, by the kind of results they draw
    (each imported when a suite of its kind is drawn)."""
    return PluginsByName(REPORT_SECTIONS, lambda _, build: build, _is_section, "a section (suite, ctx) -> flowables")


def _is_section(plugin: object) -> TypeGuard[SuiteSection]:
    return callable(plugin)


def render_report(
    run: RunResult, path: Path, evidence: Evidence = NO_EVIDENCE, sections: Mapping[str, SuiteSection] | None = None
) -> ReportContext:
    """Write the report for ``run`` to ``path``; returns the context (with signature box positions).

    ``evidence`` (see :func:`collect_evidence`) adds the manifest section's rows and the attachments;
    ``sections`` are the suite sections by kind (default: those registered, :func:`load_sections`).
    """
    register_fonts()
    t = Translator(run.report.language)
    ctx = ReportContext(
        run=run, t=t, styles=make_styles(run.report.language), evidence=evidence,
        sections=load_sections() if sections is None else sections,
    )  # fmt: skip
    title = run.report.title or t("report_title")
    decorate = page_decorator(
        header_left=f"{title} · {run.project.name}",
        header_right=f"{t('report_id')}: {run.run_id}",
        footer=lambda page, total: t("page_of", page=page, total=total),
    )
    pdf = build_pdf(
        story(ctx), decorate,
        title=f"{title} — {run.project.name}", author=run.project.name, subject=run.run_id,
        language=run.report.language, styles=ctx.styles,
    )  # fmt: skip
    write_atomic(path, finish_pdf(pdf, ctx))
    return ctx


SIGNATURE_MARKER = b"/ByteRange"
"""Every PDF signature dictionary has one, readable or not."""


def is_signed(path: Path) -> bool:
    """True when ``path`` carries a signature: one pyHanko reads, or a signature dictionary it cannot (a
    damaged signed report is still signed: nothing may overwrite it). A file that cannot be read at all
    counts as unsigned."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if SIGNATURE_MARKER in data:
        return True
    try:
        return bool(PdfFileReader(BytesIO(data), strict=False).embedded_signatures)
    except (PdfError, ValueError, KeyError):
        return False


class PdfExporter:
    name: ClassVar[str] = "pdf"
    needs_manifest: ClassVar[bool] = True

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        """Raises ExportError rather than overwrite a report that already carries signatures."""
        path = rundir.path / REPORT_FILE
        if path.is_file() and is_signed(path):
            raise ExportError(
                f"{path} is signed; rebuilding it would destroy the signatures. Move it away first if a new, "
                "unsigned report is really wanted"
            )
        render_report(run, path, collect_evidence(rundir, run.report.attachment_limit_mb))
        return [path]
