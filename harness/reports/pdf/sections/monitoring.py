"""The monitoring section: each SLI with its query as sent, the window, the value Prometheus gave (or why
there is none), the objectives the suite's criteria set on it and how each came out."""

from __future__ import annotations

import re

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import AMBER, GREY, OUTCOME_COLOURS, coloured, data_table, text
from harness.results.model import CaseStatus, CriterionResult, Message, SuiteResult, TestCase


def _objectives(suite: SuiteResult, case: TestCase, ctx: ReportContext) -> list[CriterionResult]:
    """The criteria of ``suite`` that read this SLI (``sli.<name>``, also as ``baseline.sli.<name>``)."""
    name = re.compile(rf"(?<![\w.])(baseline\.)?{re.escape(case.id)}(?![\w])")
    return [c for c in ctx.run.criteria if c.suite == suite.name and name.search(c.expression)]


def _reason(suite: SuiteResult, case: TestCase, ctx: ReportContext) -> str:
    for note in suite.notes:
        if (
            isinstance(note, Message)
            and note.key == "note.monitoring.not_measured"
            and note.params.get("name") == case.name
        ):
            reason = note.params.get("reason")
            return ctx.t.text(reason) if isinstance(reason, Message) else ctx.t.foreign(str(reason or ""))
    return ctx.t.foreign(case.message)


def _value(suite: SuiteResult, case: TestCase, ctx: ReportContext) -> str:
    if case.status is CaseStatus.PASSED:
        over = case.properties.get("sli.over")
        shown = text(case.properties.get("sli.value", "—"))
        return f"<b>{shown}</b>" + (f"<br/><font size='7'>{text(over)}</font>" if over else "")
    if case.status is CaseStatus.SKIPPED:
        return coloured(text(ctx.t.foreign(case.message) or "—"), GREY)
    return coloured(text(ctx.t("monitoring_not_measured")) + text(_reason(suite, case, ctx)), AMBER)


def _outcomes(criteria: list[CriterionResult], ctx: ReportContext) -> tuple[str, str]:
    if not criteria:
        return coloured(text(ctx.t("monitoring_no_objective")), GREY), "—"
    objectives = "<br/>".join(
        text(c.expression) + (text(ctx.t("default_criterion")) if c.default else "") for c in criteria
    )
    outcomes = "<br/>".join(
        coloured(text(ctx.t(f"outcome_{c.outcome.value}")), OUTCOME_COLOURS.get(c.outcome.value, GREY))
        + (f" <font size='7'>{text(c.measured_text)}</font>" if c.measured_text else "")
        for c in criteria
    )
    return objectives, outcomes


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables = suite_heading(suite, ctx)
    if not suite.cases:
        return flowables
    first = suite.cases[0].properties
    if first.get("window.start"):
        window = t(
            "monitoring_window",
            start=first.get("window.start", "")[:23],
            end=first.get("window.end", "")[:23],
            source=first.get("window.source", ""),
        )
        flowables.append(Paragraph(text(window), s.body))
    flowables.append(Paragraph(text(t("monitoring_intro")), s.small))
    rows: list[list[object]] = []
    for case in suite.cases:
        objectives, outcomes = _outcomes(_objectives(suite, case, ctx), ctx)
        query = case.properties.get("sli.sent") or case.properties.get("sli.query", "")
        rows.append(
            [
                f"<b>{text(case.name)}</b><br/><font size='7'>{text(case.id)}</font>",
                Paragraph(text(query), s.mono),
                _value(suite, case, ctx),
                objectives,
                outcomes,
            ]
        )
    header = [t("monitoring_sli"), t("monitoring_query"), t("monitoring_value"), t("monitoring_objective"),
              t("monitoring_outcome")]  # fmt: skip
    flowables.append(data_table(header, rows, [1.6, 4.2, 1.6, 2.2, 1.4], s))
    return flowables
