"""The sign-off page: one block per party (项目组 / 业务方 / 监理单位) with a box for its signature field.

The boxes record where they were drawn (``ctx.signature_boxes``) so that signature fields can be placed
exactly over them.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from harness.reports.pdf.context import BoxPosition, ReportContext
from harness.reports.pdf.fonts import FONT
from harness.reports.pdf.styles import FRAME_WIDTH, GREY, HEADER_BG, NAVY, RED, RULE, table_style, text
from harness.results.model import PARTIES, Signatory

BOX_WIDTH = 72 * mm
BOX_HEIGHT = 30 * mm
LABEL_HEIGHT = 11  # points at the top of the box for its label; the signature field is the rest
INSET = 3


class SignatureBox(Flowable):
    """An empty, labelled rectangle that remembers its absolute position on the page."""

    def __init__(self, party: str, label: str, ctx: ReportContext) -> None:
        super().__init__()
        self.party = party
        self.label = label
        self.ctx = ctx
        self.width = BOX_WIDTH
        self.height = BOX_HEIGHT

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setDash(3, 2)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setFont(FONT, 7)
        canvas.setFillColor(GREY)
        canvas.drawString(3, self.height - 9, self.label)
        canvas.restoreState()
        x, y = canvas.absolutePosition(0, 0)
        # the signature field (and so the signer's visible appearance) fills the box below its label
        self.ctx.signature_boxes[self.party] = BoxPosition(
            canvas.getPageNumber() - 1, x + INSET, y + INSET, x + self.width - INSET, y + self.height - LABEL_HEIGHT
        )


def _certificate_rule(who: Signatory, ctx: ReportContext) -> list[Flowable]:
    """Which certificate may sign this field, as the field itself states it (so it cannot change later)."""
    t, s = ctx.t, ctx.styles
    head = f"<font color='{NAVY.hexval()}'>{text(t('expected_certificate'))}</font>{text(t('label_sep'))}"
    rule = who.certificate
    if not rule.declared:
        return [Paragraph(f"{head}<font color='{RED.hexval()}'>{text(t('certificate_not_declared'))}</font>", s.small)]
    lines = []
    if rule.subject:
        subject = ", ".join(f"{key}={value}" for key, value in rule.subject.items())
        lines.append(Paragraph(f"{head}{text(t('certificate_subject'))} {text(subject)}", s.small))
        head = ""
    for digest in rule.sha256:
        pairs = [digest[i : i + 2].upper() for i in range(0, len(digest), 2)]
        halves = ":".join(pairs[:16]) + ":<br/>" + ":".join(pairs[16:])  # two whole lines, never split mid-pair
        lines.append(Paragraph(f"{head}{text(t('certificate_fingerprint'))}", s.small))
        lines.append(Paragraph(halves, s.mono))
        head = ""
    return lines


def _party_block(party: str, who: Signatory, ctx: ReportContext) -> Flowable:
    t, s = ctx.t, ctx.styles
    details = [
        Paragraph(f"<font color='{NAVY.hexval()}' size='12'>{text(t('party_' + party))}</font>", s.body),
        Spacer(1, 2 * mm),
        Paragraph(text(t(f"party_statement_{party}")), s.small),
        Spacer(1, 2 * mm),
        *[
            Paragraph(f"{text(t(key))}{text(t('label_sep'))}{text(value or '')}", s.body)
            for key, value in (("name", who.name), ("organisation", who.organisation), ("title", who.title))
        ],
        Paragraph(
            f"{text(t('date'))}{text(t('label_sep'))}<font color='{GREY.hexval()}' size='8.5'>{text(t('date_by_signature'))}</font>",
            s.body,
        ),
        Spacer(1, 1.5 * mm),
        *_certificate_rule(who, ctx),
    ]
    table = Table(
        [[details, SignatureBox(party, f"{t('sign_here')} · {t('party_' + party)}", ctx)]],
        colWidths=[FRAME_WIDTH - BOX_WIDTH - 8 * mm, BOX_WIDTH + 8 * mm],
    )
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("BACKGROUND", (0, 0), (0, 0), HEADER_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, 6 * mm)])


def build(ctx: ReportContext) -> list[Flowable]:
    t, s = ctx.t, ctx.styles
    flowables: list[Flowable] = [PageBreak(), Paragraph(text(t("signatures")), s.h1)]
    flowables.append(Paragraph(text(t("signature_statement")), s.body))
    flowables.append(Spacer(1, 2 * mm))
    flowables.append(Paragraph(text(t("signature_fields_note")), s.small))
    flowables.append(Spacer(1, 5 * mm))
    for party in PARTIES:
        flowables.append(_party_block(party, ctx.run.report.signatories.get(party, Signatory()), ctx))
    return flowables
