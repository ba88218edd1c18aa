"""Sign one party's field of a report: PAdES B-B, B-T with a time-stamp, B-LT with revocation data.

Each signature is an incremental update, so earlier signatures stay valid. The first signature of a
document certifies it with DocMDP "fill forms": the other parties can still sign their fields, and any
other change after it shows up in ``harness verify``.

Only the certificate the report expects for the party may sign its field (``statement.py``); a key that
does not fit is refused before anything is written, with what was expected and what the certificate
shows. The time drawn in the field is the signature's own signing time: pyHanko is given the same
moment the appearance shows. Whatever goes wrong, the report file is left exactly as it was: the
signed document is written to a temporary file and renamed over it at the end.

Only pyHanko and the report's own statement are loaded here: no report layer, no fonts (see
appearance.py), no pydantic — ``harness sign`` should cost little more than pyHanko itself.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from harness.errors import SigningError
from harness.results.signoff import PARTIES, colon_hex, field_name
from harness.signing.appearance import GREEN, GREY, NAVY, Line, Palette, appearance
from harness.signing.statement import Expectation, facts, mismatches, read_statements, unusable

if TYPE_CHECKING:
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession
    from pyhanko.sign.timestamps.api import TimeStamper

TSA_TIMEOUT = 20.0  # seconds for the time-stamping authority to answer
# the appearance is drawn at the field's exact size: place it edge to edge, unscaled
_FILL_FIELD = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MIN,
    margins=layout.Margins.uniform(0),
    inner_content_scaling=layout.InnerScaling.NO_SCALING,
)
_ENGLISH = {
    "Signer": "Signer",
    "Organisation": "Organisation",
    "Time": "Time",
    "Certificate": "Certificate",
    "Timestamped": "with TSA time-stamp",
}


@dataclass(frozen=True)
class SignOutcome:
    party: str
    field: str
    signer: str  # the certificate's subject
    certified: bool  # this signature certifies the document (it was the first one)
    timestamped: bool  # PAdES B-T: a TSA time-stamp is embedded
    revocation_embedded: bool  # PAdES B-LT: the chain's CRLs/OCSP responses are in the document
    signing_time: datetime  # in the signature and drawn in the field
    path: Path


class _PinnedTimeSigner(signers.PdfSigner):
    """A PdfSigner whose signature carries a given signing time (the one drawn in the appearance)."""

    def __init__(self, *args: object, signing_time: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.signing_time = signing_time

    def init_signing_session(self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.signing_time
        return session


def load_signer(key: Path, password: str | None) -> tuple[signers.SimpleSigner, asn1_x509.Certificate]:
    """Raises SigningError for a missing key file, a wrong password or a file that is not PKCS#12."""
    if not key.is_file():
        raise SigningError(f"key file {key} does not exist")
    passphrase = password.encode() if password is not None else None
    # pyHanko logs the reason and returns None rather than raising
    signer = signers.SimpleSigner.load_pkcs12(str(key), passphrase=passphrase)
    certificate = signer.signing_cert if signer is not None else None
    if signer is None or certificate is None:
        hint = "the password is wrong" if password is not None else "no password was given (--password-env)"
        raise SigningError(f"cannot open {key}: {hint}, or it is not a PKCS#12 (.p12/.pfx) file")
    return signer, certificate


def _open(report: Path) -> IncrementalPdfFileWriter:
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {report}: {exc.strerror or exc}") from None
    try:
        return IncrementalPdfFileWriter(BytesIO(data), strict=False)
    except (PdfError, ValueError) as exc:
        raise SigningError(f"{report} is not a readable PDF: {exc}") from None


def expectation_for(writer: IncrementalPdfFileWriter, report: Path, party: str) -> Expectation:
    """The party's field as the report states it; raises SigningError when it has none or it is signed."""
    try:
        statements = read_statements(writer.prev)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(f"{report} is not a readable PDF: {exc}") from None
    if not statements:
        raise SigningError(
            f"{report} is not an acceptance report made by this harness: it states no party signature fields "
            "(only harness reports can be signed; a report made by an older harness must be generated again)"
        )
    expected = statements.get(party)
    if expected is None:
        raise SigningError(f"{report} has no signature field for the {party} party ({field_name(party)})")
    found = list(enumerate_sig_fields(writer.prev, with_name=expected.field_name))
    if found and found[0][1] is not None:
        raise SigningError(f"the {party} field of {report} is already signed; a field can be signed only once")
    return expected


def _check_binding(expected: Expectation, certificate: asn1_x509.Certificate, key: Path) -> None:
    if not expected.declared:
        raise SigningError(
            f"refused: the report does not say which certificate may sign for the {expected.party} party (its "
            f"profile declares no report.signatories.{expected.party}.certificate); declare one and run again"
        )
    missing = mismatches(expected, certificate)
    if missing:
        raise SigningError(
            f"refused: the {expected.party} field must be signed by {expected.signer} with a certificate showing "
            f"{expected.rule}; {key.name} holds {facts(certificate).display}, which lacks {', '.join(missing)}: "
            f"use the {expected.party} party's own key"
        )


def _when(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return f"{moment:%Y-%m-%d %H:%M:%S} UTC"
    zone = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC{zone[:3]}:{zone[3:]}"


def _lines(expected: Expectation, certificate: asn1_x509.Certificate, moment: datetime, stamped: bool) -> list[Line]:
    label = {**_ENGLISH, **expected.labels}
    shown = facts(certificate)
    time = _when(moment) + (f" · {label['Timestamped']}" if stamped else "")
    return [
        Line(expected.labels.get("Heading", f"{expected.party} · digitally signed"), 9.5, GREEN),
        Line(f"{label['Signer']}: {shown.common_name or shown.subject}", 8.5, NAVY),
        Line(f"{label['Organisation']}: {shown.organisation or '—'}", 8.0, NAVY),
        Line(f"{label['Time']}: {time}", 8.0, GREY),
        Line(f"{label['Certificate']}: SHA-256 {colon_hex(shown.sha256, short=True)}", 7.0, GREY),
    ]


def _field_size(writer: IncrementalPdfFileWriter, expected: Expectation) -> tuple[float, float]:
    _, _, field_ref = next(iter(enumerate_sig_fields(writer.prev, with_name=expected.field_name)))
    field = field_ref.get_object()
    widget = field if "/Rect" in field else field["/Kids"][0].get_object()
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    return abs(x2 - x1), abs(y2 - y1)


def _revocation_context(
    signer: signers.SimpleSigner, certificate: asn1_x509.Certificate, key: Path, trust: Sequence[Path]
) -> ValidationContext:
    """The context pyHanko fetches CRLs/OCSP responses with (over the network, at signing time only)."""
    if not certificate.crl_distribution_points and not certificate.ocsp_urls:
        raise SigningError(
            f"--with-revocation: the certificate in {key} names no CRL distribution point or OCSP responder, so "
            "there is no revocation data to embed; sign without --with-revocation"
        )
    chain = list(signer.cert_registry)
    roots = [c for c in chain if c.self_signed != "no"]
    try:
        roots += list(load_certs_from_pemder([str(p) for p in trust]))
    except (ValueError, OSError) as exc:
        raise SigningError(f"cannot read trust anchors {', '.join(map(str, trust))}: {exc}") from None
    if not roots:
        raise SigningError(f"--with-revocation: {key} holds no root certificate; pass the issuing CA with --trust")
    return ValidationContext(trust_roots=roots, other_certs=chain, allow_fetching=True, revocation_mode="hard-fail")


def _timestamper(url: str) -> TimeStamper:
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper  # requests loads only when used

    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT)


def sign_report(
    report: Path,
    *,
    party: str,
    key: Path,
    password: str | None = None,
    timestamp_url: str | None = None,
    with_revocation: bool = False,
    trust: Sequence[Path] = (),
    out: Path | None = None,
) -> SignOutcome:
    """Sign ``party``'s field of ``report`` with the PKCS#12 ``key``; write to ``out`` (default: in place).

    ``timestamp_url`` adds an RFC 3161 time-stamp (PAdES B-T); ``with_revocation`` fetches and embeds the
    CRLs/OCSP responses of the signer's and the time-stamping authority's chains (PAdES B-LT; ``trust``
    adds the roots those chains end in, e.g. the TSA's).

    Raises:
        SigningError: unknown party, not a harness report, no such field, field already signed, a key
            that is not the party's, unusable key, certificate or password, unreadable PDF, TSA or
            revocation failure; the report is unchanged in every case.
    """
    if party not in PARTIES:
        raise SigningError(f"unknown party {party!r}; use one of {', '.join(PARTIES)}")
    if with_revocation and not timestamp_url:
        raise SigningError(
            "--with-revocation needs --timestamp-url: long-term validation (PAdES B-LT) rests on a trusted time-stamp"
        )
    signer, certificate = load_signer(key, password)
    problem = unusable(certificate)
    if problem:
        raise SigningError(f"the certificate in {key} {problem}; sign with a valid signing certificate")
    writer = _open(report)
    expected = expectation_for(writer, report, party)
    _check_binding(expected, certificate, key)
    context = _revocation_context(signer, certificate, key, trust) if with_revocation else None
    certify = not writer.prev.embedded_signatures
    moment = datetime.now().astimezone().replace(microsecond=0)
    width, height = _field_size(writer, expected)
    lines = _lines(expected, certificate, moment, stamped=timestamp_url is not None)
    style = StaticStampStyle(
        background=appearance(width, height, lines, Palette(expected.fonts), writer),
        border_width=0,
        background_opacity=1.0,
        background_layout=_FILL_FIELD,
    )
    usages = set(certificate.key_usage_value.native) if certificate.key_usage_value else {"digital_signature"}
    meta = signers.PdfSignatureMetadata(
        field_name=expected.field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        reason=expected.labels.get("Reason") or f"{party} sign-off",
        name=facts(certificate).common_name or None,
        embed_validation_info=context is not None,
        validation_context=context,
        signer_key_usage=usages & {"digital_signature", "non_repudiation"},
    )
    timestamper = _timestamper(timestamp_url) if timestamp_url else None
    output = BytesIO()
    pdf_signer = _PinnedTimeSigner(meta, signer, timestamper=timestamper, stamp_style=style, signing_time=moment)
    try:
        pdf_signer.sign_pdf(writer, existing_fields_only=True, output=output)
    except TimestampRequestError as exc:
        raise SigningError(f"the time-stamping authority {timestamp_url} failed: {exc}") from None
    except (PyHankoSigningError, PdfError, ValueError, OSError) as exc:
        raise SigningError(f"cannot sign {report}: {_reason(exc, certificate, timestamp_url)}") from None
    except Exception as exc:  # the HTTP clients raise their own errors for an unreachable TSA or CRL server
        if type(exc).__module__.split(".")[0] in {"requests", "aiohttp", "urllib3", "pyhanko_certvalidator"}:
            raise SigningError(f"cannot sign {report}: {_reason(exc, certificate, timestamp_url)}") from None
        raise
    target = out or report
    _write_atomic(target, output.getvalue())
    return SignOutcome(
        party=party,
        field=expected.field_name,
        signer=facts(certificate).subject,
        certified=certify,
        timestamped=timestamper is not None,
        revocation_embedded=context is not None,
        signing_time=moment,
        path=target,
    )


def _reason(exc: BaseException, certificate: asn1_x509.Certificate, timestamp_url: str | None) -> str:
    """One line for a failure inside pyHanko: its message, the cause's, and what to check."""
    parts = [str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__]
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause).strip() and str(cause).strip() not in parts[0]:
        parts.append(str(cause).strip().splitlines()[0])
    text = ": ".join(parts)
    if "no revocation information" in text:
        urls = [point.url for point in certificate.crl_distribution_points if point.url] + certificate.ocsp_urls
        text += f" (is {', '.join(urls)} reachable from here?)"
    elif "validation path" in text and timestamp_url:
        text += " (pass the root of the time-stamping authority's certificate with --trust)"
    return text


def _write_atomic(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename: the report is never half written."""
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise SigningError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise SigningError(f"cannot write {target}: {exc.strerror or exc}") from None
