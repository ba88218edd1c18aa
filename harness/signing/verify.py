"""Verify a report: every party's signature (intact, trusted, bound to its party, what changed after it),
the report's history, and its evidence.

pyHanko does the cryptography and the difference analysis of the incremental updates after each
signature. On top of it, for a sign-off document:

- each signature is judged against what the report's first revision states for its field: the
  expected signer and certificate rule (``statement.py``); one certificate signing for two parties fails;
- every party must have signed (``partial`` accepts fewer, for a party checking earlier signatures);
- removed signatures, content after the last signature, a copy cut back to an earlier revision
  (``revisions.py``) and the evidence set (``evidence.py``) are checked too.

Trust anchors are always passed in; nothing is fetched from the network (``trust.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import ModificationInfo, SignatureCoverageLevel, SignatureStatus
from pyhanko_certvalidator import ValidationContext

from harness.errors import SigningError
from harness.results.signoff import PARTIES, field_name, party_of
from harness.signing.evidence import EvidenceReport, check_evidence
from harness.signing.revisions import compare_with_run_copy, history_problems, uncovered_tail
from harness.signing.statement import Expectation, facts, mismatches, read_statements
from harness.signing.trust import (
    Revocation,
    anchor_text,
    context,
    issuer_of,
    load_trust,
    read_revocation,
    timestamp_time,
)

ALLOWED_AFTER_SIGNING = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
REPORT_COPY = "report.pdf"  # the run directory's own copy of the report
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
    """One signature field: what the report expects of it, whether it is signed and what the checks found."""

    field: str
    party: str | None  # None for a field the report did not create
    signed: bool
    expected_signer: str = ""  # as the report's first revision states it: "陈明, 某市大数据中心"
    expected_certificate: str = ""  # the rule: "subject CN=…, O=…; SHA-256 AB:CD:…"
    signer: str = ""  # the certificate's common name
    organisation: str = ""
    subject: str = ""  # the certificate's whole subject, most specific first
    certificate_sha256: str = ""
    issuer: str = ""  # the issuing CA's common name
    issuer_subject: str = ""
    issuer_sha256: str = ""  # "" when the issuing certificate is neither trusted nor in the signature
    signing_time: datetime | None = None  # in the signature (also drawn in the field)
    timestamp: datetime | None = None  # from a time-stamping authority (PAdES B-T)
    timestamp_authority: str = ""
    certification: bool = False  # the DocMDP signature that fixed what may change after it
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the signature value is mathematically valid
    trusted: bool = False  # the signer's certificate chains to a trust anchor
    bound: bool = False  # the certificate is the one the report expects for this party
    covers_whole_file: bool = False  # the whole file as signed, and after it only signatures and form filling
    coverage: str = ""
    revocation: str = ""  # how revocation was checked
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
    trust_anchors: tuple[str, ...] = ()  # each --trust certificate: subject and SHA-256
    partial: bool = False  # fewer than all parties may have signed

    @property
    def ok(self) -> bool:
        """Every present signature intact, trusted and bound to its party, nothing but signing and form
        filling after any of them, evidence consistent, and every party signed (unless ``partial``)."""
        present = [s for s in self.signatures if s.signed]
        return not self.problems and all(s.ok for s in present) and self.evidence.ok

    @property
    def signed_parties(self) -> tuple[str, ...]:
        return tuple(s.party for s in self.signatures if s.signed and s.party)

    @property
    def bottom_line(self) -> str:
        """One line a person can act on: all signed and unchanged, partly signed, or what failed."""
        count = f"{len(self.signed_parties)} of {len(PARTIES)} parties signed"
        if self.ok:
            matched = ", evidence matches the run directory" if self.evidence.checked_in_run_dir else ""
            if len(self.signed_parties) == len(PARTIES):
                return f"OK: {count}, nothing changed since{matched}"
            missing = [p for p in PARTIES if p not in self.signed_parties]
            return f"PARTIAL: {count}; not yet signed: {', '.join(missing)}; nothing changed since{matched}"
        reasons = [f"{s.party or s.field}: {s.problems[0]}" for s in self.signatures if s.signed and s.problems]
        reasons += list(self.problems[:3]) + ([f"… {len(self.problems) - 3} more"] if len(self.problems) > 3 else [])
        evidence = self.evidence
        bad_attachments = [a.name for a in evidence.attachments if not a.ok]
        if evidence.added or evidence.removed or evidence.changed:
            reasons.append(
                f"evidence: {len(evidence.added)} added, {len(evidence.removed)} removed, "
                f"{len(evidence.changed)} replaced or changed"
            )
        if bad_attachments:
            reasons.append(f"evidence: {len(bad_attachments)} attachment(s) differ from the manifest")
        other = [p for p in evidence.problems if ": added" not in p and ": removed" not in p and ": replaced" not in p]
        reasons += [f"evidence: {p}" for p in other]
        return f"FAILED ({count}): " + "; ".join(reasons)

    def party(self, party: str) -> SignatureReport:
        return next(s for s in self.signatures if s.party == party)


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
        if level is ModificationLevel.LTA_UPDATES:
            changes.append("long-term validation data or metadata")
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


def _trust_problems(status: SignatureStatus, has_roots: bool, issuer: str) -> list[str]:
    problems = []
    if not status.intact:
        problems.append("integrity broken: the signed bytes were changed after signing")
    elif not status.valid:
        problems.append("the signature value does not verify")
    if not has_roots:
        problems.append("not trusted: no trust anchor given (--trust CA.pem)")
    elif status.revoked:
        problems.append("revoked: the embedded revocation data says the signer's certificate was revoked")
    elif not status.trusted:
        problems.append(
            "not trusted: the signer's certificate does not chain to the given trust anchors"
            + (f" (issued by {issuer})" if issuer else "")
        )
    return problems


def _binding_problems(expected: Expectation | None, certificate: asn1_x509.Certificate, party: str | None) -> list[str]:
    if party is None:
        return []
    if expected is None:
        return [f"not bound: the report's first revision states no signer for the {party} field"]
    if not expected.declared:
        return [f"not bound: the report declares no certificate identity for the {party} party"]
    missing = mismatches(expected, certificate)
    if not missing:
        return []
    return [
        f"not bound to the {party} party: the report expects {expected.signer} with {expected.rule}; "
        f"signed with {facts(certificate).display}, which lacks {', '.join(missing)}"
    ]


def _revocation_text(revocation: Revocation, stamped: bool, status: SignatureStatus) -> str:
    if revocation.embedded and stamped:
        if status.revoked:
            return f"REVOKED according to the embedded {revocation.describe()}"
        return f"checked offline at the time-stamp against the embedded {revocation.describe()}"
    if revocation.embedded:
        return f"embedded {revocation.describe()} used where current (no time-stamp to check them at)"
    return "not checked: no revocation data embedded (sign with --timestamp-url and --with-revocation)"


def _signature_report(
    embedded: EmbeddedPdfSignature,
    roots: Sequence[asn1_x509.Certificate],
    revocation: Revocation,
    expected: Expectation | None,
    signed_after: list[str],
    certification: bool,
) -> SignatureReport:
    name = embedded.field_name
    party = party_of(name)
    certificate = embedded.signer_cert
    shown = facts(certificate)
    stamped_at = timestamp_time(embedded)
    strict = revocation.embedded and stamped_at is not None
    # a time-stamped signature is judged when it was made (its time-stamp is checked in its own right below)
    trust = context(roots, revocation, stamped_at, strict=strict)
    validation = trust or ValidationContext(trust_roots=[], allow_fetching=False)
    expected_signer = expected.signer if expected else ""
    expected_certificate = expected.rule if expected else ""
    if embedded.sig_object_type == "/DocTimeStamp":
        stamp = validate_pdf_timestamp(embedded, validation_context=validation)
        changes, change_problems = _describe_changes(stamp, signed_after)
        return SignatureReport(
            field=name, party=party, signed=True, signer=shown.common_name, subject=shown.subject,
            certificate_sha256=shown.sha256, timestamp=stamp.timestamp, intact=stamp.intact, valid=stamp.valid,
            trusted=stamp.trusted, coverage=_COVERAGE[stamp.coverage] if stamp.coverage else "",
            modification=stamp.modification_level.name if stamp.modification_level else "",
            changes=tuple(changes), problems=tuple(_trust_problems(stamp, bool(roots), "") + change_problems),
            expected_signer=expected_signer, expected_certificate=expected_certificate,
        )  # fmt: skip
    status = validate_pdf_signature(embedded, validation, key_usage_settings=_KEY_USAGE)
    issuer = issuer_of(certificate, status.validation_path, embedded.other_embedded_certs)
    issuer_text = anchor_text(issuer) if issuer is not None else ""
    changes, change_problems = _describe_changes(status, signed_after)
    problems = _trust_problems(status, bool(roots), issuer_text) + change_problems
    problems += _binding_problems(expected, certificate, party)
    timestamp = status.timestamp_validity
    if timestamp is not None and not (timestamp.intact and timestamp.valid and (not roots or timestamp.trusted)):
        problems.append("the signature time-stamp does not verify or its authority is not trusted (--trust TSA-CA.pem)")
    coverage = status.coverage
    return SignatureReport(
        field=name,
        party=party,
        signed=True,
        signer=shown.common_name,
        organisation=shown.organisation,
        subject=shown.subject,
        certificate_sha256=shown.sha256,
        issuer=facts(issuer).common_name if issuer is not None else "",
        issuer_subject=facts(issuer).subject if issuer is not None else "",
        issuer_sha256=issuer.sha256.hex() if issuer is not None else "",
        signing_time=status.signer_reported_dt,
        timestamp=timestamp.timestamp if timestamp is not None else None,
        timestamp_authority=facts(timestamp.signing_cert).subject if timestamp is not None else "",
        certification=certification,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        bound=party is not None and not _binding_problems(expected, certificate, party),
        covers_whole_file=coverage is SignatureCoverageLevel.ENTIRE_FILE
        or (coverage is SignatureCoverageLevel.ENTIRE_REVISION and not change_problems),
        coverage=_COVERAGE[coverage] if coverage is not None else "",
        revocation=_revocation_text(revocation, stamped_at is not None, status),
        modification=status.modification_level.name if status.modification_level else "",
        changes=tuple(changes),
        problems=tuple(problems),
        expected_signer=expected_signer,
        expected_certificate=expected_certificate,
    )


def _shared_certificates(reports: Sequence[SignatureReport]) -> list[str]:
    by_certificate: dict[str, list[SignatureReport]] = {}
    for entry in reports:
        if entry.signed and entry.party:
            by_certificate.setdefault(entry.certificate_sha256, []).append(entry)
    return [
        f"one certificate signed for {' and '.join(str(e.party) for e in entries)} ({entries[0].subject}): "
        "each party must sign with its own key"
        for entries in by_certificate.values()
        if len(entries) > 1
    ]


def _unsigned(entry: SignatureReport, last: SignatureReport | None) -> str:
    """Why a party's signature is missing, without guessing: not yet signed, or a copy cut back."""
    if last is None:
        return f"the {entry.party} party has not signed this file (no party has)"
    when = last.signing_time.isoformat(sep=" ") if last.signing_time else "?"
    return (
        f"the {entry.party} party has not signed this file: either it has not signed yet, or this copy was cut "
        f"back to an earlier revision (it ends with the {last.party or last.field} signature of {when}); "
        "get the latest file from the last signer"
    )


def verify_report(
    report: Path,
    trust: Sequence[Path] = (),
    *,
    evidence_dir: Path | None = None,
    partial: bool = False,
    require_all: bool = True,
) -> VerificationReport:
    """Check every signature field of ``report``, its history and its attached evidence.

    Every party must have signed unless ``partial`` (``require_all=False`` is the same, kept for callers
    of the earlier API). ``evidence_dir`` (the run directory) adds the whole evidence set and the run's
    own report.pdf (is this file that report cut back?).

    Raises:
        SigningError: the report, a trust anchor or the run directory cannot be read.
    """
    partial = partial or not require_all
    roots = load_trust(trust)
    if evidence_dir is not None and not evidence_dir.is_dir():
        raise SigningError(f"run directory {evidence_dir} does not exist")
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {report}: {exc.strerror or exc}") from None
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = sorted(reader.embedded_signatures, key=lambda s: int(s.byte_range[2]))
        statements = read_statements(reader)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(f"{report} is not a readable PDF: {exc}") from None
    problems: list[str] = []
    notes: list[str] = []
    if not statements:
        problems.append("not an acceptance report made by this harness: it states no party signature fields")
    revocation = read_revocation(reader)
    reports: dict[str, SignatureReport] = {}
    for index, signature in enumerate(embedded):
        after = [s.field_name for s in embedded[index + 1 :]]
        expected = statements.get(party_of(signature.field_name) or "")
        certification = index == 0 and signature.docmdp_level is not None
        try:
            reports[signature.field_name] = _signature_report(
                signature, roots, revocation, expected, after, certification
            )
        except (PdfError, ValueError, KeyError) as exc:
            problems.append(f"signature {signature.field_name} cannot be checked: {exc}")
    problems += history_problems(reader)
    tail_problems, tail_notes = uncovered_tail(reader, data, embedded)
    problems += tail_problems
    notes += tail_notes
    signatures = [
        reports.get(field_name(p))
        or SignatureReport(
            field_name(p),
            p,
            signed=False,
            expected_signer=statements[p].signer if p in statements else "",
            expected_certificate=statements[p].rule if p in statements else "",
        )
        for p in PARTIES
    ]
    signatures += [r for name, r in reports.items() if party_of(name) is None]
    problems += _shared_certificates(signatures)
    last = reports.get(embedded[-1].field_name) if embedded else None
    for entry in signatures:
        if entry.party and not entry.signed:
            (notes if partial else problems).append(_unsigned(entry, last))
    if evidence_dir is not None:
        cut_problems, cut_notes = compare_with_run_copy(report, data, evidence_dir / REPORT_COPY)
        problems += cut_problems
        notes += cut_notes
    evidence = check_evidence(reader, evidence_dir, report)
    return VerificationReport(
        path=report,
        revisions=reader.xrefs.total_revisions,
        signatures=tuple(signatures),
        evidence=evidence,
        problems=tuple(problems),
        notes=tuple(notes),
        trust_anchors=tuple(anchor_text(root) for root in roots),
        partial=partial,
    )
