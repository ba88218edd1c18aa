"""The three empty signature fields of the sign-off page, created when the report is generated.

Field names are the contract between the report and ``harness sign``/``harness verify``: one field per
party, ``sig_<party>``. They are placed exactly over the boxes the sign-off section drew.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from harness.reports.pdf.context import BoxPosition
from harness.reports.pdf.i18n import Translator
from harness.results.model import PARTIES

FIELD_PREFIX = "sig_"


def field_name(party: str) -> str:
    return f"{FIELD_PREFIX}{party}"


def party_of(name: str) -> str | None:
    """The party whose field ``name`` is, or None for a field the report did not create."""
    party = name.removeprefix(FIELD_PREFIX)
    return party if name.startswith(FIELD_PREFIX) and party in PARTIES else None


def add_signature_fields(writer: BasePdfFileWriter, boxes: Mapping[str, BoxPosition], t: Translator) -> None:
    """Add one empty signature field per party over its box; parties without a drawn box get none."""
    for party in PARTIES:
        box = boxes.get(party)
        if box is None:
            continue
        spec = SigFieldSpec(
            sig_field_name=field_name(party),
            on_page=box.page,
            box=(round(box.x1), round(box.y1), round(box.x2), round(box.y2)),
            readable_field_name=f"{t('party_' + party)} — {t('signature')}",
        )
        append_signature_field(writer, spec)
