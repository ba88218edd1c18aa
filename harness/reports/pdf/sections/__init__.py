"""Report sections, in document order. A suite's section is the one registered for the kind of its results
(entry-point group ``harness.report_sections``: performance, security and uat are built in, a plug-in adds
its own); a kind without one gets the generic test-case section (``tests.py``)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections import (
    changes,
    contents,
    cover,
    environment,
    evidence,
    overview,
    signatures,
    stage,
    tests,
)


def story(ctx: ReportContext) -> list[Flowable]:
    flowables: list[Flowable] = []
    flowables += cover.build(ctx)
    flowables += contents.build(ctx)
    flowables += overview.build(ctx)
    flowables += stage.build(ctx)
    flowables += changes.build(ctx)
    ran = [s for s in ctx.run.suites if s.status.value != "skipped"]
    if ran:
        flowables += tests.heading(ctx)
        for suite in ran:
            flowables += (ctx.suite_section(suite) or tests.build)(suite, ctx)
    flowables += environment.build(ctx)
    flowables += evidence.build(ctx)
    flowables += signatures.build(ctx)
    return flowables
