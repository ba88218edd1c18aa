"""Summary of every suite, and the acceptance criteria with expected and measured values."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import AMBER, OUTCOME_COLOURS, RED, STATUS_COLOURS, coloured, data_table, text
from harness.results.metrics import format_metric
from harness.results.model import CriterionOutcome, CriterionResult, Message, SuiteResult

_KEY_METRICS = ("pass_rate", "coverage", "requests", "rps", "p95", "error_rate")
# a security suite always shows critical and high, zero included: the figures a reader looks for first
_SECURITY_METRICS = ("alerts.critical", "alerts.high", "alerts.medium", "alerts.fail", "scan.urls_scanned")


def _key_metrics(suite: SuiteResult) -> str:
    names = _SECURITY_METRICS if suite.kind == "security" or "alerts.fail" in suite.metrics else _KEY_METRICS
    shown = []
    for name in names:
        value = suite.metrics.get(name)
        if value is None and not name.startswith("alerts."):
            continue
        part = text(f"{name} {format_metric(name, value) if value is not None else '—'}")
        if name in ("alerts.critical", "alerts.high", "alerts.fail") and value:
            part = f"<b>{coloured(f'{name} {format_metric(name, value)}', RED)}</b>"
        shown.append(part)
    return ", ".join(shown) or "—"


def _outcome(criterion: CriterionResult, ctx: ReportContext) -> str:
    outcome = criterion.outcome.value
    if criterion.outcome is CriterionOutcome.ERROR and criterion.partial and criterion.measured is not None:
        label = coloured(ctx.t("outcome_open"), AMBER)
    else:
        label = coloured(ctx.t(f"outcome_{outcome}"), OUTCOME_COLOURS[outcome])
    shown = outcome == "error" or (
        isinstance(criterion.message, Message) and (outcome == "failed" or criterion.partial)
    )
    if criterion.message and shown:
        label += f"<br/><font size='7'>{text(ctx.t.text(criterion.message))}</font>"
    return label


def build(ctx: ReportContext) -> list[Flowable]:
    run, t, s = ctx.run, ctx.t, ctx.styles
    flowables: list[Flowable] = [Paragraph(text(t("summary")), s.h1)]
    rows: list[list[object]] = []
    for suite in run.suites:
        m = suite.metrics
        tests = (
            f"{int(m['tests'])} / {int(m.get('passed', 0))} / {int(m.get('failed', 0)) + int(m.get('errors', 0))}"
            f" / {int(m.get('skipped', 0))}"
            if "tests" in m
            else "—"
        )
        rows.append(
            [
                text(suite.name),
                text(ctx.kind(suite.kind)),
                coloured(ctx.suite_status(suite), STATUS_COLOURS.get(suite.status.value, STATUS_COLOURS["skipped"])),
                text(tests),
                text(format_metric("duration", m.get("duration"))),
                _key_metrics(suite),
            ]
        )
    tests_header = f"{t('tests')} / {t('passed')} / {t('failed')} / {t('skipped')}"
    header = [t("suite"), t("kind"), t("status"), tests_header, t("duration"), t("key_metrics")]
    flowables.append(data_table(header, rows, [2.2, 1.6, 1.3, 2.2, 1.3, 3.4], s))
    flowables.append(Paragraph(text(t("criteria")), s.h2))
    if not run.criteria:
        flowables.append(Paragraph(text(t("no_criteria")), s.body))
        return flowables
    criteria_rows: list[list[object]] = []
    for criterion in run.criteria:
        expression = text(criterion.expression) + (text(t("default_criterion")) if criterion.default else "")
        measured = text(criterion.measured_text or "—")
        if criterion.partial and criterion.measured_text:
            measured += f"<br/><font size='7'>{text(t('partial_value'))}</font>"
        criteria_rows.append(
            [text(criterion.suite), expression, text(criterion.expected), measured, _outcome(criterion, ctx)]
        )
    header = [t("suite"), t("criterion"), t("expected"), t("measured"), t("outcome")]
    flowables.append(data_table(header, criteria_rows, [1.8, 3.4, 1.5, 1.6, 2.7], s))
    if any(c.default for c in run.criteria):
        flowables.append(Paragraph(text(t("criteria_default_note")), s.small))
    if any(c.partial for c in run.criteria):
        flowables.append(Paragraph(text(t("criteria_partial_note")), s.small))
    return flowables
