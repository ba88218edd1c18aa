"""The canary section: the score, then per metric the baseline and the canary side by side (median, p95,
samples), the test's p-value and Cliff's delta, the effect against its thresholds, and the classification.

Pure layout over the suite's ``canary.*`` metrics and its per-metric cases (their properties carry the
classification, why, and the thresholds); wording comes from the message catalogue (harness/results/messages.py).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import AMBER, GREY, RED, coloured, data_table, text
from harness.results.messages import message
from harness.results.metrics import Dimension, format_value
from harness.results.model import SuiteResult, TestCase
from harness.runners.canary.options import METRIC_ORDER
from harness.runners.canary.verdicts import EFFECT_NAMES, effect_text, p_text

COLOURS = {"pass": None, "marginal": AMBER, "fail": RED, "not_judged": AMBER}


def _cases(suite: SuiteResult) -> dict[str, TestCase]:
    return {c.name: c for c in suite.cases if c.name in METRIC_ORDER}


def _side(metric: str, side: str, m: dict[str, float], ctx: ReportContext) -> str:
    prefix = f"canary.{metric}.{side}"
    n = m.get(f"{prefix}.samples")
    count = "—" if n is None else str(int(n))
    if metric == "error_rate":
        rate = format_value(m.get(f"{prefix}.error_rate"), Dimension.RATIO)
        return text(ctx.t.text(message("canary.pdf.rate", rate=rate, n=count)))
    if metric == "throughput":
        values = [m.get(f"{prefix}.median_rps"), m.get(f"{prefix}.p95_rps")]
        shown = ["—" if v is None else ctx.t.text(message("canary.pdf.per_second", value=f"{v:.1f}")) for v in values]
    else:
        shown = [
            format_value(m.get(f"{prefix}.median"), Dimension.TIME),
            format_value(m.get(f"{prefix}.p95"), Dimension.TIME),
        ]
    return text(f"{shown[0]} · {shown[1]} · n {count}")


def _effect(metric: str, case: TestCase | None, m: dict[str, float], ctx: ReportContext) -> str:
    value = effect_text(metric, m.get(f"canary.{metric}.{EFFECT_NAMES[metric]}"))
    if case is None or "threshold_marginal" not in case.properties:
        return text(value)
    p = case.properties
    params = {"marginal": p["threshold_marginal"], "fail": p.get("threshold_fail", "—")}
    if metric == "latency":
        params["difference"] = p.get("threshold_min_difference", "—")
    limits = ctx.t.text(message(f"canary.threshold.{metric}", **params))
    return f"{text(value)}<br/><font size='7'>{coloured(limits, GREY)}</font>"


def _classification(case: TestCase | None, m: dict[str, float], ctx: ReportContext) -> str:
    if case is None:
        return "—"
    kind = case.properties.get("classification", "")
    why = case.properties.get("why", "")
    label = ctx.t.text(message(f"canary.class.{kind}")) if kind in COLOURS else kind
    colour = COLOURS.get(kind)
    shown = f"<b>{text(label) if colour is None else coloured(label, colour)}</b>"
    if why == "too_few":
        counts = {side: int(m.get(f"canary.{case.name}.{side}.samples", 0)) for side in ("baseline", "canary")}
        needed = case.properties.get("min_samples", "?")
        reason = ctx.t.text(message("canary.why.too_few", needed=needed, **counts))
    else:
        reason = ctx.t.text(message(f"canary.why.{why}")) if why else ""
    return f"{shown}<br/><font size='7'>{text(reason)}</font>" if reason else shown


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s, m = ctx.t, ctx.styles, suite.metrics
    flowables = suite_heading(suite, ctx)
    cases = _cases(suite)
    if not cases:
        return flowables
    score = m.get("canary.score")
    counts = {k: int(m.get(f"canary.{k}_metrics", 0)) for k in ("passed", "marginal", "failed", "unjudged")}
    line = t.text(message("canary.pdf.score", score="—" if score is None else f"{score:g}", **counts))
    colour = RED if counts["failed"] else AMBER if counts["unjudged"] or counts["marginal"] else None
    flowables.append(Paragraph(coloured(line, colour) if colour else text(line), s.body))
    header = [
        t.text(message(f"canary.pdf.{key}"))
        for key in ("metric", "baseline", "canary", "test", "effect", "classification")
    ]
    rows: list[list[object]] = []
    for metric in METRIC_ORDER:
        case = cases.get(metric)
        if case is None:
            continue
        p_value, delta = m.get(f"canary.{metric}.p_value"), m.get(f"canary.{metric}.cliffs_delta")
        test = f"{p_text(p_value)} · {'—' if delta is None else f'{delta:+.2f}'}"
        rows.append(
            [
                text(t.text(message(f"canary.metric.{metric}"))),
                _side(metric, "baseline", m, ctx),
                _side(metric, "canary", m, ctx),
                text(test),
                _effect(metric, case, m, ctx),
                _classification(case, m, ctx),
            ]
        )
    flowables.append(data_table(header, rows, [1.4, 2.2, 2.2, 1.5, 2.2, 2.0], s))
    flowables.append(Paragraph(text(t.text(message("canary.pdf.legend"))), s.small))
    return flowables
