"""The security section: engine and version, counts by risk, then findings by risk, each with its rule
action, description, solution and the places it was seen."""

from __future__ import annotations

from collections import defaultdict

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import AMBER, GREEN, GREY, RED, coloured, data_table, text
from harness.results.model import Finding, Risk, RuleAction, SuiteResult

MAX_RULES = 60  # beyond this the PDF points to sarif.json / run.json
MAX_INSTANCES = 8
RISKS = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.INFO)
RISK_COLOURS = {
    Risk.CRITICAL: colors.HexColor("#7A0019"),
    Risk.HIGH: RED,
    Risk.MEDIUM: AMBER,
    Risk.LOW: colors.HexColor("#8A7A00"),
    Risk.INFO: GREY,
}
ACTION_COLOURS = {RuleAction.FAIL: RED, RuleAction.WARN: AMBER, RuleAction.INFO: GREY, RuleAction.IGNORE: GREY}


def _grouped(findings: tuple[Finding, ...]) -> list[list[Finding]]:
    """Findings of one rule together (a rule may be found at many places), highest risk first."""
    groups: dict[tuple[Risk, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.risk, finding.rule_id)].append(finding)
    order = {risk: index for index, risk in enumerate(RISKS)}
    return [groups[key] for key in sorted(groups, key=lambda k: (order[k[0]], k[1]))]


def _summary(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    counted = [f for f in suite.findings if f.action is not RuleAction.IGNORE]
    header = [t(f"risk_{risk.value}") for risk in RISKS] + [t("sec_fail"), t("sec_ignored")]
    row: list[object] = [str(sum(1 for f in counted if f.risk is risk)) for risk in RISKS]
    row += [
        str(sum(1 for f in counted if f.action is RuleAction.FAIL)),
        str(sum(1 for f in suite.findings if f.action is RuleAction.IGNORE)),
    ]
    engine = f"{suite.tool.name} {suite.tool.version}".strip() if suite.tool else "—"
    return [
        Paragraph(text(t("sec_engine", engine=engine)), s.body),
        Paragraph(text(t("sec_counts_note")), s.small),
        data_table(header, [row], [1] * len(header), s),
        Spacer(1, 3 * mm),
    ]


def _rule_block(group: list[Finding], ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    first = group[0]
    risk = coloured(t(f"risk_{first.risk.value}"), RISK_COLOURS[first.risk])
    action = coloured(t(f"action_{first.action.value}"), ACTION_COLOURS[first.action])
    cwe = f" · CWE-{first.cwe}" if first.cwe else ""
    title = (
        f"<b>[{risk}] {text(first.name)}</b> <font size='8'>({text(first.rule_id)}{cwe} · {text(first.source)})</font>"
        f" · {text(t('sec_action'))}: {action}"
    )
    flowables: list[Flowable] = [Paragraph(title, s.body)]
    if first.description:
        flowables.append(Paragraph(f"<b>{text(t('sec_description'))}</b> {text(first.description)}", s.cell))
    if first.solution:
        flowables.append(Paragraph(f"<b>{text(t('sec_solution'))}</b> {text(first.solution)}", s.cell))
    instances = [(f, i) for f in group for i in f.instances]
    rows: list[list[object]] = []
    for finding, instance in instances[:MAX_INSTANCES]:
        detail = instance.evidence or instance.attack or instance.other
        rows.append(
            [
                text(instance.method or "—"),
                text(instance.url or "—"),
                text(instance.param or "—"),
                f"<font size='7'>{text(detail[:300])}</font>" if detail else "—",
                f"<font size='6.5'>{text(finding.fingerprint[:12])}</font>",
            ]
        )
    if rows:
        flowables.append(
            data_table(
                [t("sec_method"), t("sec_url"), t("sec_param"), t("sec_evidence"), t("sec_fingerprint")],
                rows,
                [1.0, 4.2, 1.3, 3.0, 1.4],
                s,
            )
        )
    if len(instances) > MAX_INSTANCES:
        flowables.append(Paragraph(text(t("sec_more_instances", count=len(instances) - MAX_INSTANCES)), s.small))
    return [KeepTogether(flowables[:3]), *flowables[3:], Spacer(1, 3 * mm)]


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables = suite_heading(suite, ctx)
    if suite.status.value == "error" and not suite.findings:
        return flowables
    flowables += _summary(suite, ctx)
    if suite.false_positives:  # shown, never counted
        names = ", ".join(f"{f.name} ({f.rule_id})" for f in suite.false_positives)
        flowables.append(Paragraph(text(t("sec_false_positives", names=names)), s.small))
    if not suite.findings:
        flowables.append(Paragraph(coloured(t("sec_no_findings"), GREEN), s.body))
        return flowables
    groups = _grouped(suite.findings)
    shown = [g for g in groups if g[0].action is not RuleAction.IGNORE]
    ignored = [g for g in groups if g[0].action is RuleAction.IGNORE]
    flowables.append(CondPageBreak(30 * mm))
    flowables.append(Paragraph(text(t("sec_findings")), s.h2))
    for group in shown[:MAX_RULES]:
        flowables += _rule_block(group, ctx)
    if len(shown) > MAX_RULES:
        flowables.append(Paragraph(text(t("sec_more_rules", count=len(shown) - MAX_RULES)), s.small))
    if ignored:
        names = ", ".join(f"{g[0].name} ({g[0].rule_id})" for g in ignored)
        flowables.append(Paragraph(text(t("sec_ignored_list", names=names)), s.small))
    return flowables
