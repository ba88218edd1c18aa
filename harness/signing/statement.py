"""What the unsigned report states about each party's signature, and whether a certificate fits it.

The statement is read from the report's first revision (``reader.get_historical_root(0)``): every
signature covers that revision, so a later update cannot change what the signatures are judged
against. The format is ``results/signoff.py``'s; ``reports/pdf/fields.py`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.results import signoff
from harness.results.signoff import colon_hex, describe_rule, party_of, rule_mismatches

_SHORT_NAMES = {oid: short for short, oid in signoff.SUBJECT_OIDS.items()}
_SIGNING_USAGES = {"digital_signature", "non_repudiation"}


@dataclass(frozen=True)
class Expectation:
    """One party's field as the first revision states it."""

    party: str
    field_name: str
    name: str = ""
    organisation: str = ""
    title: str = ""
    sha256: tuple[str, ...] = ()
    subject: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    fonts: generic.DictionaryObject | None = None  # the visible signature's fonts (see appearance.py)

    @property
    def declared(self) -> bool:
        return bool(self.sha256 or self.subject)

    @property
    def signer(self) -> str:
        """The expected signer in words: ``陈明, 某市大数据中心``."""
        return ", ".join(part for part in (self.name, self.organisation) if part) or "—"

    @property
    def rule(self) -> str:
        return describe_rule(self.sha256, self.subject)


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate shows, in the terms the verification table uses."""

    subject: str  # "CN=陈明 (DEMO), OU=项目经理, O=某市大数据中心, C=CN"
    sha256: str  # hex of the DER certificate
    attributes: dict[str, tuple[str, ...]]  # short name -> values
    common_name: str
    organisation: str

    @property
    def display(self) -> str:
        return f"{self.subject} (SHA-256 {colon_hex(self.sha256, short=True)})"


def _name_pairs(name: asn1_x509.Name) -> list[tuple[str, str]]:
    pairs = []
    for rdn in name.chosen:
        for attribute in rdn:
            dotted = attribute["type"].dotted
            pairs.append((_SHORT_NAMES.get(dotted, dotted), str(attribute["value"].native)))
    return pairs


def name_text(name: asn1_x509.Name) -> str:
    """A certificate name most specific first: ``CN=…, O=…, C=CN``."""
    return ", ".join(f"{key}={value}" for key, value in reversed(_name_pairs(name)))


def facts(certificate: asn1_x509.Certificate) -> CertificateFacts:
    attributes: dict[str, tuple[str, ...]] = {}
    for key, value in _name_pairs(certificate.subject):
        attributes[key] = (*attributes.get(key, ()), value)
    return CertificateFacts(
        subject=name_text(certificate.subject),
        sha256=certificate.sha256.hex(),
        attributes=attributes,
        common_name=", ".join(attributes.get("CN", ())),
        organisation=", ".join(attributes.get("O", ())),
    )


def mismatches(expected: Expectation, certificate: asn1_x509.Certificate) -> list[str]:
    """What ``certificate`` lacks of the party's rule ([] when it fits)."""
    shown = facts(certificate)
    return rule_mismatches(expected.sha256, expected.subject, shown.sha256, shown.attributes)


def unusable(certificate: asn1_x509.Certificate, at: datetime | None = None) -> str | None:
    """Why ``certificate`` cannot make a signature now (expired, not yet valid, not for signing), or None."""
    now = at or datetime.now(UTC)
    if now < certificate.not_valid_before:
        return f"is not valid before {certificate.not_valid_before:%Y-%m-%d %H:%M UTC}"
    if now > certificate.not_valid_after:
        return f"expired on {certificate.not_valid_after:%Y-%m-%d %H:%M UTC}"
    usages = certificate.key_usage_value
    if usages is not None and not (set(usages.native) & _SIGNING_USAGES):
        return f"is not for signing (key usage: {', '.join(sorted(usages.native))})"
    return None


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _get(dictionary: generic.DictionaryObject, key: str) -> generic.PdfObject | None:
    # indexing (not .get) dereferences indirect objects
    return dictionary[key] if key in dictionary else None  # noqa: SIM401


def _expectation(field_name: str, statement: generic.DictionaryObject) -> Expectation | None:
    party = party_of(field_name)
    if party is None or _text(_get(statement, signoff.PARTY)) != party:
        return None
    subject = _get(statement, signoff.SUBJECT)
    labels = _get(statement, signoff.LABELS)
    pins = _get(statement, signoff.CERT_SHA256)
    fonts = _get(statement, signoff.FONTS)
    return Expectation(
        party=party,
        field_name=field_name,
        name=_text(_get(statement, signoff.NAME)),
        organisation=_text(_get(statement, signoff.ORGANISATION)),
        title=_text(_get(statement, signoff.TITLE)),
        sha256=tuple(_text(d).lower() for d in pins) if isinstance(pins, generic.ArrayObject) else (),
        subject=_strings(subject),
        labels=_strings(labels),
        fonts=fonts if isinstance(fonts, generic.DictionaryObject) else None,
    )


def _strings(value: generic.PdfObject | None) -> dict[str, str]:
    if not isinstance(value, generic.DictionaryObject):
        return {}
    return {str(key).lstrip("/"): _text(value[key]) for key in value}


def read_statements(reader: PdfFileReader) -> dict[str, Expectation]:
    """Party -> what the report's first revision states for its field; {} for a PDF the harness did not make."""
    root = reader.get_historical_root(0)
    # indexing (not .get) dereferences indirect objects
    if "/AcroForm" not in root or "/Fields" not in root["/AcroForm"]:
        return {}
    found: dict[str, Expectation] = {}
    for ref in root["/AcroForm"]["/Fields"]:
        entry = ref.get_object()
        if "/T" not in entry or signoff.SIGNOFF_KEY not in entry:
            continue
        statement = entry[signoff.SIGNOFF_KEY]
        if isinstance(statement, generic.DictionaryObject):
            expectation = _expectation(str(entry["/T"]), statement)
            if expectation is not None:
                found.setdefault(expectation.party, expectation)
    return found
