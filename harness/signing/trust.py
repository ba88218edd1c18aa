"""Trust anchors, validation contexts and the certificates around a signature, for ``harness verify``.

Nothing is fetched from the network: revocation data counts only when the report embeds it (its
Document Security Store, written by ``harness sign --with-revocation``). A signature with a trusted
time-stamp is judged at the time-stamp's time, with the revocation data embedded then; that is what lets
a PAdES B-LT report verify years later, after its certificates expired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.path import ValidationPath

from harness.errors import SigningError
from harness.results.signoff import colon_hex
from harness.signing.statement import name_text


@dataclass(frozen=True)
class Revocation:
    """The revocation data a report embeds (PAdES B-LT), as read from its DSS."""

    store: DocumentSecurityStore | None
    crls: int = 0
    ocsps: int = 0

    @property
    def embedded(self) -> bool:
        return bool(self.crls or self.ocsps)

    def describe(self) -> str:
        parts = [f"{self.crls} CRL" + ("s" if self.crls != 1 else "")] if self.crls else []
        parts += [f"{self.ocsps} OCSP response" + ("s" if self.ocsps != 1 else "")] if self.ocsps else []
        return " and ".join(parts)


def load_trust(paths: Sequence[Path]) -> list[asn1_x509.Certificate]:
    """The certificates in ``paths`` (PEM or DER).

    Raises:
        SigningError: a file is missing, unreadable or holds no certificate.
    """
    for path in paths:
        if not path.is_file():
            raise SigningError(f"trust anchor {path} does not exist")
    if not paths:
        return []
    try:
        roots = list(load_certs_from_pemder([str(p) for p in paths]))
    except (ValueError, OSError) as exc:
        raise SigningError(f"cannot read trust anchors {', '.join(map(str, paths))}: {exc}") from None
    if not roots:
        raise SigningError(f"no certificate found in {', '.join(map(str, paths))}")
    return roots


def read_revocation(reader: PdfFileReader) -> Revocation:
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except (PdfError, ValueError, KeyError):  # NoDSSFoundError is a ValueError
        return Revocation(None)
    return Revocation(store, len(store.crls), len(store.ocsps))


def timestamp_time(embedded: EmbeddedPdfSignature) -> datetime | None:
    """The time in the signature's RFC 3161 time-stamp token (not yet validated), or None."""
    attributes = embedded.signer_info["unsigned_attrs"]
    if not isinstance(attributes, cms.CMSAttributes):
        return None
    for attribute in attributes:
        if attribute["type"].native == "signature_time_stamp_token":
            content = attribute["values"][0]["content"]["encap_content_info"]["content"]
            when = content.parsed["gen_time"].native
            return when if isinstance(when, datetime) else None
    return None


def context(
    roots: Sequence[asn1_x509.Certificate], revocation: Revocation, moment: datetime | None, *, strict: bool
) -> ValidationContext | None:
    """A context trusting exactly ``roots`` at ``moment`` (None: now), holding the report's embedded
    certificates and revocation data. ``strict`` (a time-stamped signature with revocation data embedded):
    revocation must be established from that data (hard-fail); otherwise it is used where it applies."""
    if not roots:
        return None
    settings: dict[str, object] = {
        "trust_roots": list(roots),
        "allow_fetching": False,
        "revocation_mode": "hard-fail" if strict else "soft-fail",
        "moment": moment,
    }
    if revocation.store is not None:
        return revocation.store.as_validation_context(settings)
    return ValidationContext(**settings)  # type: ignore[arg-type]


def issuer_of(
    certificate: asn1_x509.Certificate, path: ValidationPath | None, embedded: Sequence[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    """The certificate that issued ``certificate``: from its validated path when it is trusted (so two
    CAs with the same name are told apart by which one verified), else one the signature carries."""
    if path is not None:
        chain = list(path.iter_certs(include_root=True))
        if len(chain) >= 2:
            return chain[-2]
    key_id = certificate.authority_key_identifier
    for candidate in embedded:
        if candidate.subject == certificate.issuer and (key_id is None or candidate.key_identifier == key_id):
            return candidate
    return None


def anchor_text(certificate: asn1_x509.Certificate) -> str:
    return f"{name_text(certificate.subject)} (SHA-256 {colon_hex(certificate.sha256.hex(), short=True)})"
