"""The stage section: which project stage this report is for, its acceptance standard with each
requirement met or not, and the link to the report that closed the previous stage (which the parties
sign along with everything else)."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import GREEN, RED, coloured, data_table, text
from harness.results.model import ChainLink, StageRecord, StageRequirement, Verdict


def _requirement(requirement: StageRequirement, ctx: ReportContext) -> str:
    subject = requirement.subject
    if requirement.kind == "kind":
        subject = ctx.kind(subject)
    elif requirement.kind == "previous":
        subject = ctx.stage_name(subject)
    key = f"stage_req_{requirement.kind}"
    if not ctx.t.optional(key, ""):  # a kind this harness does not know (a newer run.json): shown as stated
        return text(f"{requirement.kind} {subject}")
    return text(ctx.t(key, subject=subject))


def _rows(record: StageRecord, ctx: ReportContext) -> tuple[list[list[object]], int]:
    rows: list[list[object]] = []
    unmet = 0
    for requirement in record.requirements:
        met = requirement.met
        detail = text(ctx.t.text(requirement.detail))  # what the run showed, in the report's language
        if requirement.kind == "verdict":  # the verdict as the run ended (a failed export makes it INCOMPLETE)
            met = ctx.run.verdict is Verdict.PASS
            detail = text(ctx.t(f"verdict_{ctx.run.verdict.value}"))
        elif requirement.kind == "previous":
            detail = text(str(requirement.detail))  # the run id of the closing report
        unmet += not met
        mark = coloured(ctx.t("stage_met"), GREEN) if met else coloured(ctx.t("stage_not_met"), RED)
        rows.append([_requirement(requirement, ctx), detail or "—", mark])
    return rows, unmet


def _link_rows(link: ChainLink, ctx: ReportContext) -> list[list[object]]:
    t = ctx.t
    rows: list[list[object]] = [
        [text(t("chain_stage")), text(ctx.stage_name(link.stage))],
        [text(t("chain_run")), text(link.run_id)],
        [text(t("chain_sha256")), text(link.pdf_sha256)],
    ]
    if link.closed_at is not None:
        rows.append([text(t("chain_closed")), text(f"{link.closed_at:%Y-%m-%d %H:%M:%S} UTC")])
    for signer in link.signers:
        when = f" · {signer.signed_at:%Y-%m-%d %H:%M:%S %Z}" if signer.signed_at else ""
        rows.append(
            [
                text(t("chain_signer", party=t.optional(f"party_{signer.party}", signer.party))),
                f"{text(signer.signer)}{text(when)}<br/><font size='6.5'>{text(signer.certificate_sha256)}</font>",
            ]
        )
    return rows


def build(ctx: ReportContext) -> list[Flowable]:
    record = ctx.run.stage
    if record is None:
        return []
    t, s = ctx.t, ctx.styles
    flowables: list[Flowable] = [
        PageBreak(),
        Paragraph(text(t("stage_section")), s.h1),
        Paragraph(text(t("stage_intro", stage=ctx.stage(), position=record.position)), s.body),
    ]
    rows, unmet = _rows(record, ctx)
    header = [t("stage_requirement"), t("stage_found"), t("stage_met")]
    flowables.append(data_table(header, rows, [4.6, 4.2, 1.2], s))
    verdict = t("stage_all_met") if not unmet else t("stage_some_unmet", count=unmet)
    flowables.append(Paragraph(coloured(text(verdict), GREEN if not unmet else RED), s.body))
    flowables.append(Paragraph(text(t("chain_heading")), s.h2))
    if record.previous is not None:
        flowables.append(data_table([t("item"), t("value")], _link_rows(record.previous, ctx), [3, 7], s))
        flowables.append(Paragraph(text(t("chain_note")), s.small))
    elif record.previous_stage:
        message = t("chain_missing", stage=ctx.stage_name(record.previous_stage))
        flowables.append(Paragraph(coloured(text(message), RED), s.body))
    else:
        flowables.append(Paragraph(text(t("chain_none_first")), s.body))
    return flowables
