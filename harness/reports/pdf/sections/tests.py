"""The generic per-suite section: status, error, and every failed or errored test case in full."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph

from harness.gates import is_partial
from harness.gates.verdict import suite_stop
from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import AMBER, RED, STATUS_COLOURS, coloured, data_table, text
from harness.results.messages import error_reason
from harness.results.metrics import format_metric
from harness.results.model import CaseStatus, SuiteResult, SuiteStatus

MAX_FAILURES = 200  # beyond this the PDF points to junit.xml / run.json instead of growing without end
MAX_DETAIL_LINES = 30
_COUNTED = frozenset({"tests", "passed", "failed", "errors", "skipped", "duration"})  # shown as counts already


def heading(ctx: ReportContext) -> list[Flowable]:
    return [PageBreak(), Paragraph(text(ctx.t("suite_results")), ctx.styles.h1)]


def suite_heading(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    status = coloured(ctx.suite_status(suite), STATUS_COLOURS.get(suite.status.value, STATUS_COLOURS["skipped"]))
    tool = f" — {text(suite.tool.name)} {text(suite.tool.version)}" if suite.tool else ""
    flowables: list[Flowable] = [
        CondPageBreak(40 * mm),
        Paragraph(f"{text(suite.name)} <font size='9'>({text(ctx.kind(suite.kind))}{tool})</font> · {status}", s.h2),
    ]
    notes = list(suite.notes)
    if suite.status is SuiteStatus.ERROR:
        # "could not run": nothing was measured; the harness's reason in words of this language if it left
        # one as a message, else the error as written (the harness's or the tool's own words)
        reason = error_reason(notes)
        why = t.text(reason) if reason is not None else t.foreign(suite.error)
        notes = [n for n in notes if n is not reason]
        flowables.append(Paragraph(coloured(t("suite_error"), AMBER) + text(why), s.body))
    elif is_partial(suite):
        # "ran, and was stopped early": what it gathered is shown and judged
        story = t.text(suite_stop(suite))
        flowables.append(Paragraph(coloured(t("suite_stopped") + story, AMBER), s.body))
        if suite.status is SuiteStatus.FAILED:
            flowables.append(Paragraph(coloured(t("suite_stopped_failed"), RED), s.body))
        detail = suite.stopped.detail if suite.stopped is not None else suite.error
        if detail and (suite.stopped is None or suite.stopped.cause != "cancelled"):
            flowables.append(Paragraph(text(t("tool_output")) + text(detail), s.small))
    elif suite.error:
        flowables.append(Paragraph(text(t("tool_output")) + text(suite.error), s.small))
    flowables += [Paragraph(text(t.text(note)), s.small) for note in notes]
    return flowables


def _detail(details: str) -> str:
    lines = details.strip().splitlines()
    if len(lines) > MAX_DETAIL_LINES:
        lines = [*lines[: MAX_DETAIL_LINES // 2], "…", *lines[-MAX_DETAIL_LINES // 2 :]]
    return text("\n".join(lines))


def _facts(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    """Counts, time window and key figures of a suite, one short line each."""
    t, m = ctx.t, suite.metrics
    lines = []
    if suite.cases:
        count = {status: sum(1 for c in suite.cases if c.status is status) for status in CaseStatus}
        if count[CaseStatus.FAILED] or count[CaseStatus.ERROR]:
            lines.append(
                t(
                    "suite_facts", tests=len(suite.cases), passed=count[CaseStatus.PASSED],
                    failed=count[CaseStatus.FAILED], errors=count[CaseStatus.ERROR],
                    skipped=count[CaseStatus.SKIPPED],
                )
            )  # fmt: skip
        else:
            skipped = count[CaseStatus.SKIPPED]
            lines.append(t("no_failures", count=len(suite.cases) - skipped, skipped=skipped))
    if suite.started and suite.finished:
        lines.append(
            t(
                "suite_window", started=f"{suite.started:%Y-%m-%d %H:%M:%S}", finished=f"{suite.finished:%H:%M:%S} UTC",
                duration=format_metric("duration", m.get("duration")),
            )
        )  # fmt: skip
    shown = [f"{name} {format_metric(name, value)}" for name, value in m.items() if name not in _COUNTED]
    if shown:
        lines.append(f"{t('key_metrics')}{t('label_sep')}{', '.join(shown)}")
    return [Paragraph(text(line), ctx.styles.body) for line in lines]


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables = suite_heading(suite, ctx)
    flowables += _facts(suite, ctx)
    if not suite.cases:
        return flowables
    bad = [c for c in suite.cases if c.status in (CaseStatus.FAILED, CaseStatus.ERROR)]
    if not bad:
        return flowables
    flowables.append(Paragraph(text(t("failures")), s.body))
    rows: list[list[object]] = []
    for case in bad[:MAX_FAILURES]:
        status = coloured(ctx.status(case.status.value), STATUS_COLOURS[case.status.value])
        message = f"<b>{text(case.message)}</b>" if case.message else ""
        detail = f"<font name='HarnessCJKMono' size='7'>{_detail(case.details)}</font>" if case.details else ""
        rows.append([f"{text(case.id)}<br/>{status}", "<br/>".join(p for p in (message, detail) if p) or "—"])
    flowables.append(data_table([t("case"), t("message")], rows, [3.2, 6.8], s))
    if len(bad) > MAX_FAILURES:
        flowables.append(Paragraph(text(t("more_failures", count=len(bad) - MAX_FAILURES)), s.small))
    return flowables
