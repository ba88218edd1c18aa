"""The UAT section: every checklist case with its result, tester, date, comment and hashed evidence,
so the business owner signs what was actually checked."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import AMBER, GREEN, GREY, RED, coloured, data_table, text
from harness.results.model import SuiteResult, TestCase

_OUTCOME_COLOURS = {"passed": GREEN, "failed": RED, "blocked": AMBER, "pending": GREY, "invalid": RED}
_HASH_SHOWN = 12  # leading hex digits of an evidence hash shown in the table; run.json has all of them


def _evidence(case: TestCase) -> str:
    lines = []
    for key in sorted(k for k in case.properties if k.startswith("evidence.")):
        file, _, digest = case.properties[key].partition(" sha256:")
        name = file.rsplit("/", 1)[-1]
        lines.append(
            f"{text(name)}<br/><font size='6.5' color='{GREY.hexval()}'>sha256 {text(digest[:_HASH_SHOWN])}…</font>"
        )
    return "<br/>".join(lines) or "—"


def _result(case: TestCase, ctx: ReportContext) -> str:
    outcome = case.properties.get("uat.outcome", "pending")
    cell = coloured(ctx.t(f"uat_{outcome}"), _OUTCOME_COLOURS.get(outcome, GREY))
    check = case.properties.get("check.outcome")
    if check:
        cell += f"<br/><font size='7'>{text(ctx.t('uat_check'))}: {text(ctx.t(f'uat_check_{check}'))}</font>"
    return cell


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables = suite_heading(suite, ctx)
    if not suite.cases:
        return flowables
    m = suite.metrics
    counts = {key: int(m.get(f"uat.{key}", 0)) for key in ("passed", "failed", "blocked", "pending", "invalid")}
    flowables.append(
        Paragraph(text(t("uat_summary", total=int(m.get("uat.total", len(suite.cases))), **counts)), s.body)
    )
    rows: list[list[object]] = []
    for case in suite.cases:
        who = "<br/>".join(text(p) for p in (case.properties.get("tester", ""), case.properties.get("date", "")) if p)
        rows.append(
            [
                f"<b>{text(case.id)}</b><br/>{text(case.name)}",
                _result(case, ctx),
                who or "—",
                text(case.message) or "—",
                _evidence(case),
            ]
        )
    header = [t("uat_case"), t("uat_result"), t("uat_tester"), t("uat_comment"), t("uat_evidence")]
    flowables.append(data_table(header, rows, [3.0, 1.4, 1.5, 3.4, 2.4], s))
    flowables.append(Paragraph(text(t("uat_note")), s.small))
    return flowables
