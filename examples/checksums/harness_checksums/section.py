"""The suite's part of report.pdf: one row per file. Pure layout: it reads the suite and ``ctx`` only."""

from __future__ import annotations

from reportlab.platypus import Flowable

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import data_table, text
from harness.results.model import SuiteResult

HEADER = {"zh-CN": ("文件", "结果", "说明"), "en": ("File", "Result", "Detail")}


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    flowables = suite_heading(suite, ctx)  # name, kind, status, notes: like every built-in section
    rows: list[list[object]] = [
        [text(case.name), ctx.status(case.status.value), text(case.message or case.properties.get("sha256", ""))]
        for case in suite.cases
    ]
    if rows:
        flowables.append(data_table(HEADER[ctx.t.language], rows, [5.0, 1.6, 6.4], ctx.styles))
    return flowables
