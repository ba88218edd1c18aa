"""The three empty signature fields of the sign-off page, created when the report is generated.

Field names are the contract between the report and ``harness sign``/``harness verify``: one field per
party, ``sig_<party>``, placed exactly over the boxes the sign-off section drew. Each field also carries
the report's statement of who must sign it (``results/signoff.py``): the expected signer and the
certificate rule from the profile, in this first revision so that no later update can change what the
signatures are judged against. The same rule goes into the field's standard seed value (``/SV``,
subject DN) so that other signing tools keep to it too.

For the visible signature the statement also carries its words in the report's language and a small
set of fonts holding every glyph of them and of the expected names: ``harness sign`` draws with these
instead of loading the 16 MB CJK font.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign.fields import (
    SigCertConstraintFlags,
    SigCertConstraints,
    SigFieldSpec,
    SigSeedValueSpec,
    append_signature_field,
)
from reportlab.pdfgen.canvas import Canvas

from harness.reports.pdf.context import BoxPosition
from harness.reports.pdf.fonts import FONT
from harness.reports.pdf.i18n import Translator
from harness.results import signoff
from harness.results.model import PARTIES, Signatory
from harness.results.signoff import field_name, party_of

__all__ = ["add_signature_fields", "field_name", "party_of"]

# what a certificate name or a time may need besides the report's own words
_EXTRA_GLYPHS = "".join(chr(code) for code in range(0x20, 0x7F)) + "·：（）【】—…，、。年月日时分秒"


def _text(value: str) -> generic.TextStringObject:
    return generic.TextStringObject(value)


def labels(party: str, t: Translator) -> dict[str, str]:
    """The visible signature's words for ``party`` (keys: ``signoff.LABEL_KEYS``)."""
    return {
        "Heading": f"{t('party_' + party)} · {t('appearance_signed')}",
        "Signer": t("appearance_signer"),
        "Organisation": t("organisation"),
        "Time": t("appearance_time"),
        "Certificate": t("appearance_certificate"),
        "Timestamped": t("appearance_timestamped"),
        "Reason": f"{t('party_' + party)}: {t('party_statement_' + party)}",
    }


def _palette_fonts(writer: BasePdfFileWriter, text: str) -> generic.DictionaryObject:
    """Fonts holding a glyph for every character of ``text``: the report font's subsets that reportlab
    makes when it draws ``text`` on a scratch page, copied into ``writer``."""
    scratch = BytesIO()
    canvas = Canvas(scratch, pagesize=(100, 100), initialFontName=FONT, initialFontSize=8)
    canvas.drawString(0, 50, text)
    canvas.showPage()
    canvas.save()
    page = PdfFileReader(BytesIO(scratch.getvalue())).root["/Pages"]["/Kids"][0]
    fonts = page["/Resources"]["/Font"]
    palette = generic.DictionaryObject()
    for index, name in enumerate(sorted(fonts)):
        palette[generic.NameObject(f"/H{index}")] = writer.add_object(writer.import_object(fonts[name]))
    return palette


def _statement(party: str, who: Signatory, t: Translator, fonts: generic.DictionaryObject) -> generic.DictionaryObject:
    rule = who.certificate
    return generic.DictionaryObject(
        {
            generic.NameObject(signoff.PARTY): _text(party),
            generic.NameObject(signoff.NAME): _text(who.name),
            generic.NameObject(signoff.ORGANISATION): _text(who.organisation),
            generic.NameObject(signoff.TITLE): _text(who.title),
            generic.NameObject(signoff.CERT_SHA256): generic.ArrayObject(_text(d) for d in rule.sha256),
            generic.NameObject(signoff.SUBJECT): generic.DictionaryObject(
                {generic.NameObject(f"/{key}"): _text(value) for key, value in rule.subject.items()}
            ),
            generic.NameObject(signoff.LABELS): generic.DictionaryObject(
                {generic.NameObject(f"/{key}"): _text(value) for key, value in labels(party, t).items()}
            ),
            generic.NameObject(signoff.FONTS): fonts,
        }
    )


def _seed_value(who: Signatory) -> SigSeedValueSpec | None:
    """The subject rule as the field's standard certificate seed value (Acrobat and pyHanko enforce it)."""
    subject = who.certificate.subject
    if not subject:
        return None
    name = asn1_x509.Name.build(
        {asn1_x509.NameType.map(signoff.SUBJECT_OIDS[key]): value for key, value in subject.items()}
    )
    return SigSeedValueSpec(cert=SigCertConstraints(flags=SigCertConstraintFlags.SUBJECT_DN, subject_dn=name))


def _glyphs(signatories: Iterable[Signatory], t: Translator) -> str:
    words = [value for party in PARTIES for value in labels(party, t).values()]
    for who in signatories:
        words += [who.name, who.organisation, who.title, *who.certificate.subject.values()]
    return "".join(sorted(set("".join(words) + _EXTRA_GLYPHS)))


def _field(writer: BasePdfFileWriter, name: str) -> generic.DictionaryObject:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if isinstance(field, generic.DictionaryObject) and str(field.get("/T", "")) == name:
            return field
    raise AssertionError(f"pyHanko did not add the signature field {name}")


def add_signature_fields(
    writer: BasePdfFileWriter,
    boxes: Mapping[str, BoxPosition],
    t: Translator,
    signatories: Mapping[str, Signatory] | None = None,
) -> None:
    """Add one empty signature field per party over its box (parties without a drawn box get none), each
    stating who must sign it."""
    chosen = {party: (signatories or {}).get(party, Signatory()) for party in PARTIES}
    fonts = _palette_fonts(writer, _glyphs(chosen.values(), t))
    for party in PARTIES:
        box = boxes.get(party)
        if box is None:
            continue
        spec = SigFieldSpec(
            sig_field_name=field_name(party),
            on_page=box.page,
            box=(round(box.x1), round(box.y1), round(box.x2), round(box.y2)),
            readable_field_name=f"{t('party_' + party)} — {t('signature')}",
            seed_value_dict=_seed_value(chosen[party]),
        )
        append_signature_field(writer, spec)
        field = _field(writer, field_name(party))
        field[generic.NameObject(signoff.SIGNOFF_KEY)] = _statement(party, chosen[party], t, fonts)
