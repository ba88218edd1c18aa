"""Report sections, in document order. Per-suite sections are chosen by suite kind (``SUITE_SECTIONS``);
a kind without an entry gets the generic test-case section."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections import (
    changes,
    contents,
    cover,
    environment,
    evidence,
    overview,
    performance,
    security,
    signatures,
    stage,
    tests,
    uat,
)
from harness.results.model import SuiteResult

SuiteSection = Callable[[SuiteResult, ReportContext], list[Flowable]]

SUITE_SECTIONS: dict[str, SuiteSection] = {
    "performance": performance.build,
    "security": security.build,
    "uat": uat.build,
}


def suite_section(suite: SuiteResult) -> SuiteSection:
    return SUITE_SECTIONS.get(suite.kind, tests.build)


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
            flowables += suite_section(suite)(suite, ctx)
    flowables += environment.build(ctx)
    flowables += evidence.build(ctx)
    flowables += signatures.build(ctx)
    return flowables
