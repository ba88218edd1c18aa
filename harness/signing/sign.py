"""Sign one party's field of a report (PAdES baseline B-B, or B-T with a time-stamping authority).

Each signature is an incremental update, so earlier signatures stay valid. The first signature of a
document certifies it with DocMDP "fill forms": the other parties can still sign their fields, and any
other change after it shows up in ``harness verify``. Whatever goes wrong, the report file is left
exactly as it was: the signed document is written to a temporary file and renamed over it at the end.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import requests
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper
from pyhanko.stamp import StaticStampStyle

from harness.errors import SigningError
from harness.reports.pdf.fields import field_name
from harness.reports.pdf.i18n import LANGUAGES, Translator
from harness.results.model import PARTIES
from harness.results.rundir import write_atomic
from harness.signing.appearance import appearance_pdf

TSA_TIMEOUT = 20.0  # seconds for the time-stamping authority to answer
# the appearance is drawn at the field's exact size: place it edge to edge, unscaled
_FILL_FIELD = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MIN,
    margins=layout.Margins.uniform(0),
    inner_content_scaling=layout.InnerScaling.NO_SCALING,
)


@dataclass(frozen=True)
class SignOutcome:
    party: str
    field: str
    signer: str
    certified: bool  # this signature certifies the document (it was the first one)
    timestamped: bool  # PAdES B-T: a TSA time-stamp is embedded
    path: Path


def subject_part(name: asn1_x509.Name, key: str) -> str:
    """One attribute of a certificate name (``common_name``, ``organization_name``), or ""."""
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value)


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


def _open(report: Path) -> tuple[bytes, IncrementalPdfFileWriter]:
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {report}: {exc.strerror or exc}") from None
    try:
        return data, IncrementalPdfFileWriter(BytesIO(data), strict=False)
    except (PdfError, ValueError) as exc:
        raise SigningError(f"{report} is not a readable PDF: {exc}") from None


def _field_box(writer: IncrementalPdfFileWriter, report: Path, party: str) -> tuple[float, float]:
    """Width and height of the party's empty field; raises SigningError when it is missing or signed."""
    name = field_name(party)
    found = list(enumerate_sig_fields(writer.prev, with_name=name))
    if not found:
        raise SigningError(
            f"{report} has no signature field for the {party} party ({name}); only reports made by this "
            "harness have the three party fields"
        )
    _, value, field_ref = found[0]
    if value is not None:
        raise SigningError(f"the {party} field of {report} is already signed; a field can be signed only once")
    field = field_ref.get_object()
    widget = field if "/Rect" in field else field["/Kids"][0].get_object()
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    return abs(x2 - x1), abs(y2 - y1)


def _language(writer: IncrementalPdfFileWriter) -> str:
    declared = writer.root.get("/Lang")
    return str(declared) if isinstance(declared, generic.TextStringObject) and str(declared) in LANGUAGES else "en"


def sign_report(
    report: Path,
    *,
    party: str,
    key: Path,
    password: str | None = None,
    tsa_url: str | None = None,
    out: Path | None = None,
) -> SignOutcome:
    """Sign ``party``'s field of ``report`` with the PKCS#12 ``key``; write to ``out`` (default: in place).

    Raises:
        SigningError: unknown party, no such field, field already signed, unusable key or password,
            unreadable PDF, TSA failure; the report is unchanged in every case.
    """
    if party not in PARTIES:
        raise SigningError(f"unknown party {party!r}; use one of {', '.join(PARTIES)}")
    signer, certificate = load_signer(key, password)
    _, writer = _open(report)
    width, height = _field_box(writer, report, party)
    certify = not writer.prev.embedded_signatures
    t = Translator(_language(writer))
    subject = certificate.subject
    common_name = subject_part(subject, "common_name") or key.stem
    now = datetime.now(UTC)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name(party),
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        reason=f"{t('party_' + party)}: {t('party_statement_' + party)}",
        name=common_name,
    )
    timestamper = HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT) if tsa_url else None
    output = BytesIO()
    with tempfile.TemporaryDirectory(prefix="harness-sign-") as scratch:
        picture = Path(scratch) / "appearance.pdf"
        picture.write_bytes(
            appearance_pdf(
                width, height, party=party, signer=common_name,
                organisation=subject_part(subject, "organization_name"), when=now, t=t,
            )
        )  # fmt: skip
        style = StaticStampStyle.from_pdf_file(
            str(picture), border_width=0, background_opacity=1.0, background_layout=_FILL_FIELD
        )
        try:
            signers.PdfSigner(meta, signer, timestamper=timestamper, stamp_style=style).sign_pdf(
                writer, existing_fields_only=True, output=output
            )
        except (TimestampRequestError, requests.RequestException) as exc:
            raise SigningError(f"the time-stamping authority {tsa_url} failed: {exc}") from None
        except (PyHankoSigningError, PdfError, ValueError, OSError) as exc:
            raise SigningError(f"cannot sign {report}: {exc}") from None
    target = out or report
    try:
        write_atomic(target, output.getvalue())
    except OSError as exc:
        raise SigningError(f"cannot write {target}: {exc.strerror or exc}") from None
    return SignOutcome(party, field_name(party), common_name, certify, timestamper is not None, target)
