"""The security section: engine and version, counts by risk, what the scan covered (and what it refused),
then findings by risk, each reproducible from the document: method, full URL, parameter, attack payload,
evidence, the HTTP request as sent (shortened, with a pointer to the raw report), CWE and the engine's rule
id. Alerts marked false positive are listed apart and not counted."""

from __future__ import annotations

from collections import defaultdict

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from harness.gates import is_partial
from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.fonts import MONO
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import AMBER, GREEN, GREY, RED, coloured, data_table, text
from harness.results.model import Finding, Instance, Message, Risk, RuleAction, ScanCoverage, SuiteResult

MAX_RULES = 60  # beyond this the PDF points to sarif.json / run.json
MAX_INSTANCES = 8  # places listed per rule
DETAILED = {Risk.CRITICAL: 3, Risk.HIGH: 3, Risk.MEDIUM: 2, Risk.LOW: 1, Risk.INFO: 1}  # places shown in full
MAX_FIELD = 300  # characters of a payload or evidence shown; the rest is in run.json and the raw report
MAX_REQUEST_LINES = 14
MAX_LISTED = 40  # rules run / refused, operations skipped
RISKS = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.INFO)
RISK_COLOURS = {
    Risk.CRITICAL: colors.HexColor("#7A0019"),
    Risk.HIGH: RED,
    Risk.MEDIUM: AMBER,
    Risk.LOW: colors.HexColor("#8A7A00"),
    Risk.INFO: GREY,
}
ACTION_COLOURS = {RuleAction.FAIL: RED, RuleAction.WARN: AMBER, RuleAction.INFO: GREY, RuleAction.IGNORE: GREY}
_REPORT_SUFFIXES = (".json", ".xml", ".nessus", ".html", ".jtl", ".csv")


def _grouped(findings: tuple[Finding, ...]) -> list[list[Finding]]:
    """Findings of one rule together (a rule may be found at many places), highest risk first."""
    groups: dict[tuple[Risk, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.risk, finding.rule_id)].append(finding)
    order = {risk: index for index, risk in enumerate(RISKS)}
    return [groups[key] for key in sorted(groups, key=lambda k: (order[k[0]], k[1]))]


def raw_reports(suite: SuiteResult) -> list[str]:
    """The scanner's own report files among the suite's raw files (where shortened fields are in full)."""
    files = [a.path for a in suite.artifacts if a.path.lower().endswith(_REPORT_SUFFIXES)]
    reports = [path for path in files if "report" in path.rsplit("/", 1)[-1].lower()]
    return (reports or files)[:3]


def _summary(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    counted = [f for f in suite.findings if f.action is not RuleAction.IGNORE]
    header = [t(f"risk_{risk.value}") for risk in RISKS] + [t("sec_fail"), t("sec_ignored"), t("sec_false_positive")]
    row: list[object] = []
    for risk in RISKS:
        count = sum(1 for f in counted if f.risk is risk)
        bad = risk in (Risk.CRITICAL, Risk.HIGH) and count
        row.append(f"<b>{coloured(str(count), RED)}</b>" if bad else str(count))
    fails = sum(1 for f in counted if f.action is RuleAction.FAIL)
    row += [
        f"<b>{coloured(str(fails), RED)}</b>" if fails else "0",
        str(sum(1 for f in suite.findings if f.action is RuleAction.IGNORE)),
        str(len(suite.false_positives)),
    ]
    engine = f"{suite.tool.name} {suite.tool.version}".strip() if suite.tool else "—"
    flowables: list[Flowable] = [
        Paragraph(text(t("sec_engine", engine=engine)), s.body),
        Paragraph(text(t("sec_counts_note")), s.small),
        data_table(header, [row], [1] * len(header), s),
    ]
    reports = raw_reports(suite)
    if reports:
        flowables.append(Paragraph(text(t("sec_raw_report", files=", ".join(reports))), s.small))
    return [*flowables, Spacer(1, 3 * mm)]


def _count(value: int | None, ctx: ReportContext) -> str:
    return str(value) if value is not None else ctx.t("sec_cov_unknown")


def _items(items: tuple[str, ...]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" … (+{len(items) - MAX_LISTED})" if len(items) > MAX_LISTED else "")


def coverage_section(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    """What the scan covered: URLs, requests, modules run and refused (why), API operations, spec servers."""
    t, s = ctx.t, ctx.styles
    heading = Paragraph(text(t("sec_coverage")), s.body)
    cov: ScanCoverage | None = suite.coverage
    if cov is None:
        return [heading, Paragraph(coloured(t("sec_cov_none"), AMBER), s.small), Spacer(1, 2 * mm)]
    rows: list[list[object]] = [
        [text(t("sec_cov_urls_found")), text(_count(cov.urls_found, ctx))],
        [text(t("sec_cov_urls_scanned")), text(_count(cov.urls_scanned, ctx))],
        [text(t("sec_cov_requests")), text(_count(cov.requests, ctx))],
    ]
    if cov.rules_run:
        rows.append([text(f"{t('sec_cov_rules_run')} ({len(cov.rules_run)})"), text(_items(cov.rules_run))])
    if cov.rules_refused:
        refused = "<br/>".join(
            f"{text(item.name)}: {text(t.text(item.reason))}" for item in cov.rules_refused[:MAX_LISTED]
        )
        rows.append([text(t("sec_cov_rules_refused")), refused])
    if cov.operations_imported is not None or cov.operations_scanned is not None:
        figures = f"{_count(cov.operations_imported, ctx)} / {_count(cov.operations_scanned, ctx)}"
        cell = text(figures)
        if cov.operations_scanned == 0:
            cell = f"<b>{coloured(figures, RED)}</b><br/>{coloured(t('sec_cov_zero_operations'), RED)}"
        rows.append([text(t("sec_cov_operations")), cell])
    if cov.operations_skipped:
        skipped = "<br/>".join(
            f"{text(item.name)}: {text(t.text(item.reason))}" for item in cov.operations_skipped[:MAX_LISTED]
        )
        more = len(cov.operations_skipped) - MAX_LISTED
        rows.append([text(t("sec_cov_operations_skipped")), skipped + (f"<br/>… (+{more})" if more > 0 else "")])
    if cov.spec_servers_replaced:
        rows.append([text(t("sec_cov_servers")), text(", ".join(cov.spec_servers_replaced))])
    return [heading, data_table([t("item"), t("value")], rows, [3, 7], s), Spacer(1, 3 * mm)]


def _shortened(value: str, limit: int, where: str, ctx: ReportContext) -> str:
    if len(value) <= limit:
        return text(value)
    return text(value[:limit]) + f" <font color='{GREY.hexval()}'>{text(ctx.t('sec_truncated', where=where))}</font>"


def _request_text(request: str, where: str, ctx: ReportContext) -> str:
    lines = request.strip().splitlines()
    shown = "\n".join(line[:160] for line in lines[:MAX_REQUEST_LINES])
    cut = len(lines) > MAX_REQUEST_LINES or any(len(line) > 160 for line in lines[:MAX_REQUEST_LINES])
    body = f"<font name='{MONO}' size='6.5'>{text(shown)}</font>"
    if cut:
        body += f" <font color='{GREY.hexval()}'>{text(ctx.t('sec_truncated', where=where))}</font>"
    return body


def _mono(value: str) -> str:
    return f"<font name='{MONO}' size='7'>{value}</font>"


def _instance_table(finding: Finding, instance: Instance, index: int, where: str, ctx: ReportContext) -> Flowable:
    """One place in full: enough to send the same request again and see the same evidence."""
    t = ctx.t
    request_line = f"{instance.method} {instance.url}".strip() or "—"
    label = t("sec_request_line") if instance.method else t("sec_url")  # Nessus: host:port/protocol
    rows: list[list[object]] = [[text(label), _mono(text(request_line))]]
    if instance.param:
        rows.append([text(t("sec_param")), _mono(text(instance.param))])
    if instance.attack:
        rows.append([text(t("sec_attack")), _mono(_shortened(instance.attack, MAX_FIELD, where, ctx))])
    if instance.evidence:
        rows.append([text(t("sec_evidence")), _mono(_shortened(instance.evidence, MAX_FIELD, where, ctx))])
    if instance.other:
        rows.append([text(t("sec_other")), _shortened(t.foreign(instance.other), MAX_FIELD // 2 * 3, where, ctx)])
    if instance.request:
        rows.append([text(t("sec_http_request")), _request_text(instance.request, where, ctx)])
    rows.append([text(t("sec_fingerprint")), f"<font size='6.5'>{text(finding.fingerprint or '—')}</font>"])
    return data_table([t("sec_instance", index=index), ""], rows, [1.6, 8.4], ctx.styles)


def _rule_block(group: list[Finding], suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    first = group[0]
    risk = coloured(t(f"risk_{first.risk.value}"), RISK_COLOURS[first.risk])
    action = coloured(t(f"action_{first.action.value}"), ACTION_COLOURS[first.action])
    common = t.cwe_title(first.cwe)
    title = text(common) if common and ctx.run.report.language != "en" else text(t.foreign(first.name))
    facts = []
    if common and ctx.run.report.language != "en":  # the engine's own title first, where it wraps least
        facts.append(f"{text(t('sec_engine_title'))}: {text(t.foreign(first.name))}")
    facts.append(f"{text(t('sec_rule'))}: {text(first.rule_id)}")
    if first.cwe:
        english = f" {text(common)}" if common and ctx.run.report.language == "en" else ""
        facts.append(f"CWE-{first.cwe}{english}")
    if first.source:
        facts.append(text(first.source))
    facts.append(f"{text(t('sec_action'))}: {action}")
    flowables: list[Flowable] = [
        Paragraph(f"<b>[{risk}] {title}</b>", s.body),
        Paragraph(" · ".join(facts), s.small),
    ]
    if first.description:
        flowables.append(Paragraph(f"<b>{text(t('sec_description'))}</b> {text(first.description)}", s.cell))
    if first.solution:
        flowables.append(Paragraph(f"<b>{text(t('sec_solution'))}</b> {text(first.solution)}", s.cell))
    instances = [(f, i) for f in group for i in f.instances]
    occurrences = sum(f.occurrences for f in group)
    if occurrences and occurrences != len(instances):
        flowables.append(Paragraph(text(t("sec_occurrences", total=occurrences, shown=len(instances))), s.small))
    where = ", ".join(["run.json", *raw_reports(suite)[:1]])
    detailed = DETAILED[first.risk]
    for index, (finding, instance) in enumerate(instances[:detailed], start=1):
        flowables += [_instance_table(finding, instance, index, where, ctx), Spacer(1, 1.5 * mm)]
    rest = instances[detailed:MAX_INSTANCES]
    if rest:
        rows: list[list[object]] = [
            [
                text(instance.method or "—"),
                _mono(text(instance.url or "—")),
                text(instance.param or "—"),
                _mono(_shortened(instance.attack or instance.evidence, 120, where, ctx)) if instance.attack or instance.evidence else "—",
            ]
            for _, instance in rest
        ]  # fmt: skip
        header = [t("sec_method"), t("sec_url"), t("sec_param"), f"{t('sec_attack')} / {t('sec_evidence')}"]
        flowables.append(data_table(header, rows, [1.0, 4.6, 1.4, 3.0], s))
    if len(instances) > MAX_INSTANCES:
        flowables.append(Paragraph(text(t("sec_more_instances", count=len(instances) - MAX_INSTANCES)), s.small))
    return [KeepTogether(flowables[:4]), *flowables[4:], Spacer(1, 3 * mm)]


def _false_positives(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    if not suite.false_positives:
        return []
    rows: list[list[object]] = []
    for finding in suite.false_positives:
        place = finding.instances[0] if finding.instances else Instance()
        label = t.cwe_title(finding.cwe) if ctx.run.report.language != "en" else ""
        name = text(t.foreign(finding.name)) + (f"<br/>{text(label)}" if label else "")
        rows.append(
            [
                coloured(t(f"risk_{finding.risk.value}"), RISK_COLOURS[finding.risk]),
                f"{name}<br/><font size='7'>{text(finding.rule_id)}</font>",
                _mono(text(f"{place.method} {place.url}".strip() or "—")),
                text(place.param or "—"),
            ]
        )
    header = [t("changes_risk"), t("sec_rule"), t("sec_url"), t("sec_param")]
    return [
        Paragraph(text(t("sec_false_positives")), s.body),
        data_table(header, rows, [1.1, 3.4, 4.3, 1.2], s),
        Spacer(1, 3 * mm),
    ]


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables = suite_heading(suite, ctx)
    if suite.status.value == "error" and not suite.findings:
        return flowables
    flowables += _summary(suite, ctx)
    imported = any(isinstance(n, Message) and n.key == "note.import.sources" for n in suite.notes)
    if suite.coverage is not None or not imported:  # an imported report says nothing of coverage
        flowables += coverage_section(suite, ctx)
    if not suite.findings:
        clean = t("sec_no_findings_partial") if is_partial(suite) else t("sec_no_findings")
        flowables.append(Paragraph(coloured(clean, AMBER if is_partial(suite) else GREEN), s.body))
        return flowables + _false_positives(suite, ctx)
    groups = _grouped(suite.findings)
    shown = [g for g in groups if g[0].action is not RuleAction.IGNORE]
    ignored = [g for g in groups if g[0].action is RuleAction.IGNORE]
    flowables.append(CondPageBreak(30 * mm))
    flowables.append(Paragraph(text(t("sec_findings")), s.h2))
    for group in shown[:MAX_RULES]:
        flowables += _rule_block(group, suite, ctx)
    if len(shown) > MAX_RULES:
        flowables.append(Paragraph(text(t("sec_more_rules", count=len(shown) - MAX_RULES)), s.small))
    flowables += _false_positives(suite, ctx)
    if ignored:
        names = ", ".join(f"{t.foreign(g[0].name)} ({g[0].rule_id})" for g in ignored)
        flowables.append(Paragraph(text(t("sec_ignored_list", names=names)), s.small))
    return flowables
