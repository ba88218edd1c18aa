"""Summary of every suite, and the acceptance criteria with expected and measured values."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import OUTCOME_COLOURS, STATUS_COLOURS, coloured, data_table, text
from harness.results.metrics import format_metric
from harness.results.model import SuiteResult

_KEY_METRICS = ("pass_rate", "coverage", "requests", "rps", "p95", "error_rate", "alerts.high", "alerts.medium")


def _key_metrics(suite: SuiteResult) -> str:
    shown = [f"{name} {format_metric(name, suite.metrics[name])}" for name in _KEY_METRICS if name in suite.metrics]
    return text(", ".join(shown) or "—")


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
                coloured(
                    ctx.status(suite.status.value), STATUS_COLOURS.get(suite.status.value, STATUS_COLOURS["skipped"])
                ),
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
        outcome = criterion.outcome.value
        label = coloured(t(f"outcome_{outcome}"), OUTCOME_COLOURS[outcome])
        if criterion.message and outcome == "error":
            label += f"<br/>{text(criterion.message)}"
        expression = text(criterion.expression) + (text(t("default_criterion")) if criterion.default else "")
        criteria_rows.append(
            [text(criterion.suite), expression, text(criterion.expected), text(criterion.measured_text or "—"), label]
        )
    header = [t("suite"), t("criterion"), t("expected"), t("measured"), t("outcome")]
    flowables.append(data_table(header, criteria_rows, [2, 3.6, 1.6, 1.6, 2.2], s))
    return flowables
