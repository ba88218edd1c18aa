"""The parallel-run section: how many requests were replayed and how many answers differ, each differing
field with the old and the new value (and the request that shows it), the noise fields left out, the
fields ignored by rules, and the data checks of each table."""

from __future__ import annotations

import re
from collections import Counter

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.fonts import MONO
from harness.reports.pdf.sections.tests import suite_heading
from harness.reports.pdf.styles import AMBER, GREEN, RED, coloured, data_table, text
from harness.results.metrics import format_metric
from harness.results.model import CaseStatus, SuiteResult, TestCase

MAX_ROWS = 120  # rows of one table; run.json and raw/<suite>/parallel-run.json have all of them
MAX_VALUE = 160  # characters of a value shown in a cell
REQUESTS_CLASS = "parallel-run.requests"
DATA_CLASS = "parallel-run.data"
_ELEMENT = re.compile(r"\[\d+\]")
_CUT = re.compile(r"… \((\d+) chars\)$")


def _fields(case: TestCase, prefix: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    number = 0
    while f"{prefix}.{number}.path" in case.properties:
        found.append({k: case.properties.get(f"{prefix}.{number}.{k}", "") for k in ("path", "old", "new", "rule")})
        number += 1
    return found


def _value(value: str) -> str:
    if len(value) > MAX_VALUE:
        cut = _CUT.search(value)  # already cut by the runner: keep the full length it noted
        full = int(cut.group(1)) if cut else len(value)
        value = value[:MAX_VALUE] + f"… ({full} chars)"
    return f"<font name='{MONO}' size='7'>{text(value)}</font>"


def _subheading(title: str, ctx: ReportContext) -> Flowable:
    return KeepTogether([Spacer(1, 2 * mm), Paragraph(f"<b>{text(title)}</b>", ctx.styles.body)])


def _more(rows: list[list[object]], ctx: ReportContext) -> list[Flowable]:
    if len(rows) <= MAX_ROWS:
        return []
    return [Paragraph(text(ctx.t("par_more", count=len(rows) - MAX_ROWS)), ctx.styles.small)]


def build(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables = suite_heading(suite, ctx)
    m = suite.metrics
    if "parallel.requests" not in m:
        return flowables
    flowables.append(
        Paragraph(
            text(
                t(
                    "par_summary",
                    requests=int(m["parallel.requests"]),
                    mismatches=int(m.get("parallel.mismatches", 0)),
                    rate=format_metric("parallel.mismatch_rate", m.get("parallel.mismatch_rate")),
                    fields=int(m.get("parallel.mismatched_fields", 0)),
                    noise=int(m.get("parallel.noise_fields", 0)),
                    ignored=int(m.get("parallel.ignored_fields", 0)),
                )
            ),
            s.body,
        )
    )
    requests = [c for c in suite.cases if c.classname == REQUESTS_CLASS]
    rows: list[list[object]] = []
    for case in requests:
        for diff in _fields(case, "diff"):
            rows.append([text(case.name), text(diff["path"]), _value(diff["old"]), _value(diff["new"])])
    flowables.append(_subheading(t("par_mismatches"), ctx))
    if rows:
        header = [t("par_request"), t("par_field"), t("par_old"), t("par_new")]
        flowables.append(data_table(header, rows[:MAX_ROWS], [3.2, 3.0, 4.4, 4.4], s))
        flowables += _more(rows, ctx)
    else:
        flowables.append(Paragraph(text(t("par_no_mismatch")), s.body))
    # noise by field, array positions folded ($.items[*].created_at): the same field in every element
    noise = Counter(path for c in requests for path in {_ELEMENT.sub("[*]", d["path"]) for d in _fields(c, "noise")})
    if noise:
        flowables.append(_subheading(t("par_noise"), ctx))
        noise_rows: list[list[object]] = [[text(path), str(count)] for path, count in sorted(noise.items())]
        flowables.append(data_table([t("par_field"), t("par_noise_requests")], noise_rows[:MAX_ROWS], [11.0, 4.0], s))
        flowables += _more(noise_rows, ctx)
    ignored_rows: list[list[object]] = []
    for case in requests:
        for diff in _fields(case, "ignored"):
            ignored_rows.append(
                [text(case.name), text(diff["path"]), _value(diff["old"]), _value(diff["new"]), text(diff["rule"])]
            )
    if ignored_rows:
        flowables.append(_subheading(t("par_ignored"), ctx))
        header = [t("par_request"), t("par_field"), t("par_old"), t("par_new"), t("par_rule")]
        flowables.append(data_table(header, ignored_rows[:MAX_ROWS], [2.6, 2.6, 3.3, 3.3, 3.2], s))
        flowables += _more(ignored_rows, ctx)
    flowables += _data(suite, ctx)
    if any("chars)" in v for c in requests for k, v in c.properties.items() if k.endswith((".old", ".new"))):
        flowables.append(Paragraph(text(t("par_cut_note")), s.small))
    return flowables


def _data(suite: SuiteResult, ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    tables = [c for c in suite.cases if c.classname == DATA_CLASS]
    if not tables:
        return []
    rows: list[list[object]] = []
    notes: list[Flowable] = []
    for case in tables:
        if case.status is CaseStatus.ERROR:
            rows.append([text(case.name), "—", "—", "—", coloured(t("par_query_failed"), AMBER)])
            notes.append(Paragraph(f"{text(case.name)}: {text(ctx.t.foreign(case.message))}", s.small))
            continue
        number = 0
        while f"check.{number}.name" in case.properties:
            p = {k: case.properties[f"check.{number}.{k}"] for k in ("name", "old", "new", "equal")}
            result = coloured(t("par_equal"), GREEN) if p["equal"] == "yes" else coloured(t("par_differs"), RED)
            rows.append([text(case.name), text(p["name"]), _value(p["old"]), _value(p["new"]), result])
            number += 1
        if case.properties.get("keys"):
            notes.append(Paragraph(f"{text(case.name)}: {text(t('par_keys', keys=case.properties['keys']))}", s.small))
    header = [t("par_table"), t("par_check"), t("par_old"), t("par_new"), t("par_result")]
    return [
        _subheading(t("par_data"), ctx),
        data_table(header, rows[:MAX_ROWS], [2.6, 3.6, 3.6, 3.6, 1.6], s),
        *_more(rows, ctx),
        *notes,
    ]
