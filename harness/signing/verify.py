"""Verify a report: every party's signature (intact, trusted, what changed after it) and its evidence.

pyHanko does the cryptography and the difference analysis of the incremental updates after each
signature. Two things it does not treat as a problem are checked here as well, because for a sign-off
document they are one: bytes after the last signature that no signature covers, and a signature that
an earlier revision had and the final one no longer has (a removed signature).

Trust anchors are always passed in; nothing is fetched from the network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import ModificationInfo, SignatureCoverageLevel, SignatureStatus
from pyhanko_certvalidator import ValidationContext

from harness.errors import SigningError
from harness.reports.pdf.fields import field_name, party_of
from harness.results.model import PARTIES
from harness.signing.evidence import EvidenceReport, check_evidence
from harness.signing.sign import subject_part

ALLOWED_AFTER_SIGNING = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
_PAGE = re.compile(r"^\.Root\.Pages\.Kids\[(\d+)\]")
_COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire file",
    SignatureCoverageLevel.ENTIRE_REVISION: "its revision (later updates follow)",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "a block from the start of the file",
    SignatureCoverageLevel.UNCLEAR: "unclear",
}


@dataclass(frozen=True)
class SignatureReport:
    """One signature field: whether it is signed and, if so, everything the checks found."""

    field: str
    party: str | None  # None for a field the report did not create
    signed: bool
    signer: str = ""
    organisation: str = ""
    issuer: str = ""
    signing_time: datetime | None = None  # as claimed by the signer
    timestamp: datetime | None = None  # from a time-stamping authority (PAdES B-T)
    certification: bool = False  # the DocMDP signature that fixed what may change after it
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the signature value is mathematically valid
    trusted: bool = False  # the signer's certificate chains to a trust anchor
    coverage: str = ""
    modification: str = ""  # pyHanko's modification level of what came after it
    changes: tuple[str, ...] = ()  # what changed after it, in words
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.signed and not self.problems


@dataclass(frozen=True)
class VerificationReport:
    path: Path
    revisions: int
    signatures: tuple[SignatureReport, ...]
    evidence: EvidenceReport
    problems: tuple[str, ...] = ()  # about the document as a whole
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Every present signature intact and trusted, nothing outside form filling changed, evidence
        consistent, and (when required) every party signed."""
        present = [s for s in self.signatures if s.signed]
        return not self.problems and all(s.ok for s in present) and self.evidence.ok

    def party(self, party: str) -> SignatureReport:
        return next(s for s in self.signatures if s.party == party)


def load_trust(paths: Sequence[Path]) -> ValidationContext | None:
    """A validation context trusting exactly the certificates in ``paths`` (PEM or DER), or None."""
    if not paths:
        return None
    for path in paths:
        if not path.is_file():
            raise SigningError(f"trust anchor {path} does not exist")
    try:
        roots = list(load_certs_from_pemder([str(p) for p in paths]))
    except (ValueError, OSError) as exc:
        raise SigningError(f"cannot read trust anchors {', '.join(map(str, paths))}: {exc}") from None
    if not roots:
        raise SigningError(f"no certificate found in {', '.join(map(str, paths))}")
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _describe_changes(status: ModificationInfo, signed_after: list[str]) -> tuple[list[str], list[str]]:
    """(changes in words, problems) for what came after one signature."""
    if status.coverage is SignatureCoverageLevel.ENTIRE_FILE:
        return ["none: the signature covers the entire file"], []
    result = status.diff_result
    level = status.modification_level
    if isinstance(result, DiffResult):
        changes = [f"later signature: {party_of(name) or name}" for name in signed_after]
        fields = sorted(set(result.changed_form_fields) - set(signed_after))
        changes += [f"form field {name} filled" for name in fields]
        if level is ModificationLevel.LTA_UPDATES and not changes:
            changes.append("metadata or unreferenced objects only")
    elif result is not None:
        changes = [f"unexplained modification: {_suspicious(str(result))}"]
    else:
        changes = ["difference analysis unavailable"]
    problems = []
    if level is None or level not in ALLOWED_AFTER_SIGNING or status.docmdp_ok is False:
        problems.append(
            "the document was modified after this signature beyond signing and form filling "
            f"(modification level {level.name if level else 'unknown'})"
        )
    return changes, problems


def _suspicious(message: str) -> str:
    """pyHanko's SuspiciousModification in one line: its first sentence and where the objects it could
    not explain are used (e.g. ``.Root.Pages.Kids[0]``: the first page)."""
    lines = message.strip().splitlines()
    first = re.sub(r":\s*Reference\(.*$", "", lines[0]) if lines else "unexplained change"
    places = list(dict.fromkeys(re.findall(r"PathInRevision\('([^']+)'\)", message)))
    places = [_PAGE.sub(lambda m: f"page {int(m.group(1)) + 1}", place) for place in places]
    return f"{first} (objects used at {', '.join(places)})" if places else first


def _trust_problems(status: SignatureStatus, trust: ValidationContext | None) -> list[str]:
    problems = []
    if not status.intact:
        problems.append("integrity broken: the signed bytes were changed after signing")
    elif not status.valid:
        problems.append("the signature value does not verify")
    if trust is None:
        problems.append("not trusted: no trust anchor given (--trust CA.pem)")
    elif not status.trusted:
        problems.append("not trusted: the signer's certificate does not chain to the given trust anchors")
    return problems


def _signature_report(
    embedded: EmbeddedPdfSignature, trust: ValidationContext | None, signed_after: list[str], certification: bool
) -> SignatureReport:
    name = embedded.field_name
    cert = embedded.signer_cert
    context = trust or ValidationContext(trust_roots=[], allow_fetching=False)
    if embedded.sig_object_type == "/DocTimeStamp":
        stamp = validate_pdf_timestamp(embedded, validation_context=context)
        changes, change_problems = _describe_changes(stamp, signed_after)
        return SignatureReport(
            field=name, party=party_of(name), signed=True, signer=subject_part(cert.subject, "common_name"),
            issuer=subject_part(cert.issuer, "common_name"), timestamp=stamp.timestamp, intact=stamp.intact,
            valid=stamp.valid, trusted=stamp.trusted, coverage=_COVERAGE[stamp.coverage] if stamp.coverage else "",
            modification=stamp.modification_level.name if stamp.modification_level else "",
            changes=tuple(changes), problems=tuple(_trust_problems(stamp, trust) + change_problems),
        )  # fmt: skip
    status = validate_pdf_signature(embedded, context, key_usage_settings=_KEY_USAGE)
    changes, change_problems = _describe_changes(status, signed_after)
    problems = _trust_problems(status, trust) + change_problems
    timestamp = status.timestamp_validity
    if timestamp is not None and not (timestamp.intact and timestamp.valid and (trust is None or timestamp.trusted)):
        problems.append("the signature time-stamp does not verify or is not trusted")
    return SignatureReport(
        field=name,
        party=party_of(name),
        signed=True,
        signer=subject_part(cert.subject, "common_name"),
        organisation=subject_part(cert.subject, "organization_name"),
        issuer=subject_part(cert.issuer, "common_name"),
        signing_time=status.signer_reported_dt,
        timestamp=timestamp.timestamp if timestamp is not None else None,
        certification=certification,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=_COVERAGE[status.coverage] if status.coverage is not None else "",
        modification=status.modification_level.name if status.modification_level else "",
        changes=tuple(changes),
        problems=tuple(problems),
    )


def _signed_fields_by_revision(reader: PdfFileReader) -> list[dict[str, bool]]:
    """For every revision, each signature field's name and whether it holds a signature."""
    history = []
    for revision in range(reader.xrefs.total_revisions):
        root = reader.get_historical_root(revision)
        fields: dict[str, bool] = {}
        # indexing (not .get) dereferences indirect objects
        if "/AcroForm" in root and "/Fields" in root["/AcroForm"]:
            for ref in root["/AcroForm"]["/Fields"]:
                entry = ref.get_object()
                if "/FT" in entry and entry["/FT"] == "/Sig" and "/T" in entry:
                    fields[str(entry["/T"])] = "/V" in entry and entry.raw_get("/V") is not None
        history.append(fields)
    return history


def _history_problems(reader: PdfFileReader) -> list[str]:
    history = _signed_fields_by_revision(reader)
    final = history[-1] if history else {}
    problems = []
    ever_signed = {name for fields in history for name, signed in fields.items() if signed}
    for name in sorted(ever_signed):
        if not final.get(name):
            problems.append(f"signature removed: field {name} was signed in an earlier revision and no longer is")
    original = history[0] if history else {}
    for name in sorted(set(original) - set(final)):
        problems.append(f"signature field {name} was removed after the report was generated")
    return problems


def _uncovered_tail(data: bytes, signatures: list[EmbeddedPdfSignature]) -> list[str]:
    """Bytes after the last signature that no signature covers (pyHanko accepts some of them)."""
    if not signatures:
        return []
    last = max(signatures, key=lambda s: int(s.byte_range[2]) + int(s.byte_range[3]))
    end = int(last.byte_range[2]) + int(last.byte_range[3])
    tail = data[end:]
    if not tail.strip():
        return []
    return [
        f"unsigned content appended after the last signature ({last.field_name}): {len(tail)} bytes that no "
        "signature covers"
    ]


def verify_report(
    report: Path, trust: Sequence[Path] = (), *, evidence_dir: Path | None = None, require_all: bool = False
) -> VerificationReport:
    """Check every signature field of ``report`` and its attached evidence.

    Raises:
        SigningError: the report or a trust anchor cannot be read.
    """
    context = load_trust(trust)
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {report}: {exc.strerror or exc}") from None
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = sorted(reader.embedded_signatures, key=lambda s: int(s.byte_range[2]))
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(f"{report} is not a readable PDF: {exc}") from None
    problems: list[str] = []
    reports: dict[str, SignatureReport] = {}
    for index, signature in enumerate(embedded):
        after = [s.field_name for s in embedded[index + 1 :]]
        try:
            reports[signature.field_name] = _signature_report(signature, context, after, certification=index == 0
                                                              and signature.docmdp_level is not None)  # fmt: skip
        except (PdfError, ValueError, KeyError) as exc:
            problems.append(f"signature {signature.field_name} cannot be checked: {exc}")
    problems += _history_problems(reader)
    problems += _uncovered_tail(data, embedded)
    signatures = [reports.get(field_name(p)) or SignatureReport(field_name(p), p, signed=False) for p in PARTIES]
    signatures += [r for name, r in reports.items() if party_of(name) is None]
    if require_all:
        problems += [f"the {s.party} party has not signed" for s in signatures if s.party and not s.signed]
    if evidence_dir is not None and not evidence_dir.is_dir():
        raise SigningError(f"run directory {evidence_dir} does not exist")
    evidence = check_evidence(reader, evidence_dir)
    return VerificationReport(report, reader.xrefs.total_revisions, tuple(signatures), evidence, tuple(problems))
