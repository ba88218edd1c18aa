"""Every kind of tampering with or misuse of a signed report is caught, with a message saying what it was.

Wrong-key signatures are made here the way another tool would: pyHanko directly, after stripping the
field's seed value (which pyHanko and Acrobat would otherwise enforce) — ``harness sign`` refuses them
before that (test_sign.py).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from conftest import Pki
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pki import certificate_of
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation.dss import DocumentSecurityStore

from harness.signing import DEMO_PASSWORD, VerificationReport, sign_report, verify_report
from harness.signing.keys import Authority, issue, pkcs12_bytes

CopyOf = Callable[[Path], Path]


def all_problems(result: VerificationReport) -> str:
    found = [*result.problems, *result.evidence.problems]
    found += [p for s in result.signatures for p in s.problems]
    found += [p for a in result.evidence.attachments for p in a.problems]
    return "\n".join(found)


def update(report: Path, change: Callable[[IncrementalPdfFileWriter], None]) -> None:
    """Append an incremental update made by ``change`` (what an editing tool does after signing)."""
    writer = IncrementalPdfFileWriter(BytesIO(report.read_bytes()))
    change(writer)
    out = BytesIO()
    writer.write(out)
    report.write_bytes(out.getvalue())


def _field(writer: IncrementalPdfFileWriter, name: str) -> generic.DictionaryObject:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field["/T"] == name:
            return field
    raise AssertionError(name)


def forge(report: Path, party: str, key: Path, change: Callable[[generic.DictionaryObject], None] | None = None) -> None:
    """Sign ``party``'s field with ``key`` using pyHanko alone, told to ignore the field's seed value (as a
    tool that does not know seed values would); ``change`` edits the field in the same update."""
    writer = IncrementalPdfFileWriter(BytesIO(report.read_bytes()))
    if change is not None:
        field = _field(writer, f"sig_{party}")
        change(field)
        writer.update_container(field)
    signer = signers.SimpleSigner.load_pkcs12(str(key), passphrase=DEMO_PASSWORD.encode())
    assert signer is not None
    meta = signers.PdfSignatureMetadata(field_name=f"sig_{party}", md_algorithm="sha256",
                                        subfilter=SigSeedSubFilter.PADES, certify=not writer.prev.embedded_signatures)  # fmt: skip
    pdf_signer = signers.PdfSigner(meta, signer)
    pdf_signer._ignore_sv = True  # pyHanko's own switch for testing (it enforces the subject rule otherwise)
    report.write_bytes(pdf_signer.sign_pdf(writer, existing_fields_only=True).getvalue())


def _fingerprint(pem: Path) -> str:
    return x509.load_pem_x509_certificate(pem.read_bytes()).fingerprint(hashes.SHA256()).hex()


def test_the_untampered_report_verifies(signed_report: Path, keys: dict[str, Path]) -> None:
    result = verify_report(signed_report, [keys["ca"]])
    assert result.ok, all_problems(result)
    assert result.bottom_line == "OK: 3 of 3 parties signed, nothing changed since"
    ca = _fingerprint(keys["ca"])
    for entry in result.signatures:
        assert entry.signed and entry.intact and entry.trusted and entry.bound and entry.covers_whole_file
        assert entry.issuer_sha256 == ca and "DEMO Acceptance Root CA" in entry.issuer_subject
        assert entry.expected_certificate.startswith("subject CN=") and entry.expected_signer
        assert len(entry.certificate_sha256) == 64
    assert result.trust_anchors == (f"{result.signatures[0].issuer_subject} (SHA-256 "
                                    f"{':'.join(ca[i:i + 2].upper() for i in (0, 2, 4, 6))}…"
                                    f"{':'.join(ca[i:i + 2].upper() for i in (56, 58, 60, 62))})",)  # fmt: skip


def test_another_partys_key_in_a_field_fails(unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(unsigned_report)
    sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD)
    sign_report(report, party="business", key=keys["business"], password=DEMO_PASSWORD)
    forge(report, "supervision", keys["business"])  # the business owner's key in the supervision field
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    supervision = result.party("supervision")
    assert supervision.intact and supervision.trusted and not supervision.bound
    assert ("not bound to the supervision party: the report expects 赵强, 某某工程监理有限公司 with subject "
            "CN=赵强 (DEMO), O=某某工程监理有限公司; signed with CN=刘芳 (DEMO)") in "\n".join(supervision.problems)  # fmt: skip
    assert "one certificate signed for business and supervision" in all_problems(result)
    assert result.bottom_line.startswith("FAILED (3 of 3 parties signed): supervision: not bound to the supervision")


def test_swapped_keys_fail_both_fields(unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(unsigned_report)
    sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD)
    forge(report, "business", keys["supervision"])
    forge(report, "supervision", keys["business"])
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert [s.bound for s in result.signatures] == [True, False, False]
    assert "one certificate signed" not in all_problems(result)  # three certificates, two in the wrong fields


def test_one_key_signing_all_three_fields_fails(unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(unsigned_report)
    for party in ("supervision", "project", "business"):
        forge(report, party, keys["supervision"])
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert [s.bound for s in result.signatures] == [False, False, True]
    assert ("one certificate signed for project and business and supervision (CN=赵强 (DEMO), OU=总监理工程师, "
            "O=某某工程监理有限公司, C=CN): each party must sign with its own key") in result.problems  # fmt: skip


def test_an_expectation_edited_after_generation_does_not_count(
    unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    """The statement is read from the first revision: rewriting it in a later update changes nothing."""
    report = copy_of(unsigned_report)
    sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD)
    sign_report(report, party="business", key=keys["business"], password=DEMO_PASSWORD)

    def expect_the_business_owner(field: generic.DictionaryObject) -> None:
        statement = field["/HarnessSignOff"]
        statement["/Subject"] = generic.DictionaryObject({generic.NameObject("/CN"): generic.TextStringObject("刘芳 (DEMO)")})
        statement["/Name"] = generic.TextStringObject("刘芳")

    forge(report, "supervision", keys["business"], expect_the_business_owner)
    supervision = verify_report(report, [keys["ca"]]).party("supervision")
    assert not supervision.bound and supervision.expected_signer == "赵强, 某某工程监理有限公司"


def test_a_same_named_ca_is_told_apart_by_its_fingerprint(
    unsigned_report: Path, keys: dict[str, Path], impostor: Path, copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    sign_report(report, party="supervision", key=keys["supervision"], password=DEMO_PASSWORD)
    sign_report(report, party="project", key=impostor, password=DEMO_PASSWORD)  # its subject fits the project rule
    sign_report(report, party="business", key=keys["business"], password=DEMO_PASSWORD)
    demo, rogue = _fingerprint(keys["ca"]), _fingerprint(impostor.with_name("ca.pem"))
    result = verify_report(report, [keys["ca"]])
    project = result.party("project")
    assert project.bound and project.intact and not project.trusted and not result.ok
    assert project.issuer_subject == result.party("business").issuer_subject  # the same name...
    assert project.issuer_sha256 == rogue != demo == result.party("business").issuer_sha256  # ...not the same CA
    assert f"issued by {project.issuer_subject} (SHA-256 {rogue[:2].upper()}:" in "\n".join(project.problems)
    # trusting both, both chains are trusted; the table still says which CA issued which certificate
    both = verify_report(report, [keys["ca"], impostor.with_name("ca.pem")])
    assert both.ok and len(set(both.trust_anchors)) == 2
    assert [s.issuer_sha256 for s in both.signatures] == [rogue, demo, demo]


def _cut_after(report: Path, signatures: int) -> bytes:
    """The report as it was right after its first ``signatures`` signatures."""
    reader = PdfFileReader(BytesIO(report.read_bytes()))
    ordered = sorted(reader.embedded_signatures, key=lambda s: int(s.byte_range[2]))
    end = int(ordered[signatures - 1].byte_range[2]) + int(ordered[signatures - 1].byte_range[3])
    return report.read_bytes()[:end]


def test_a_copy_cut_back_to_an_earlier_revision(signed_report: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(_cut_after(signed_report, 2))  # supervision and project signed; business's signature gone
    result = verify_report(cut, [keys["ca"]])
    assert not result.ok and result.signed_parties == ("project", "supervision")
    assert ("the business party has not signed this file: either it has not signed yet, or this copy was cut back "
            "to an earlier revision (it ends with the project signature of") in result.problems[0]  # fmt: skip
    # for a party checking earlier signatures before signing, the same file is a partly signed report
    partial = verify_report(cut, [keys["ca"]], partial=True)
    assert partial.ok
    assert partial.bottom_line == "PARTIAL: 2 of 3 parties signed; not yet signed: business; nothing changed since"
    # beside the run directory's own copy, the cut is proven, not only possible
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(signed_report, run / "report.pdf")
    proven = verify_report(cut, [keys["ca"]], evidence_dir=run, partial=True)
    assert not proven.ok
    assert any(f"cut back to an earlier revision: {run / 'report.pdf'} continues this file" in p
               and "(signed there by business)" in p for p in proven.problems)  # fmt: skip


def test_byte_flip_inside_a_signed_range(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(signed_report)
    data = bytearray(report.read_bytes())
    position = data.index(b"stream", 2000) + 40  # inside a stream of the generated revision
    data[position] ^= 0x20
    report.write_bytes(bytes(data))
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert all(not s.intact for s in result.signatures)
    assert "integrity broken: the signed bytes were changed after signing" in all_problems(result)


def test_incremental_update_that_changes_page_content(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)

    def deface_cover(writer: IncrementalPdfFileWriter) -> None:
        page_ref, _ = writer.find_page_for_modification(0)
        page = page_ref.get_object()
        forged = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 400 Td (PASS) Tj ET"))
        contents = page.raw_get("/Contents")
        page["/Contents"] = generic.ArrayObject([contents, forged])
        writer.update_container(page)

    update(report, deface_cover)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert all(s.intact and s.trusted for s in result.signatures)  # the signed bytes themselves are untouched
    problems = all_problems(result)
    assert "modified after this signature beyond signing and form filling (modification level OTHER)" in problems
    changes = "\n".join(result.party("supervision").changes)
    assert "objects used at page 1" in changes  # pyHanko's difference analysis found the changed page
    assert "unsigned content appended after the last signature" in problems
    assert not result.party("supervision").covers_whole_file


def _clear_signature(field_name: str) -> Callable[[IncrementalPdfFileWriter], None]:
    def clear(writer: IncrementalPdfFileWriter) -> None:
        field = _field(writer, field_name)
        del field["/V"]
        writer.update_container(field)

    return clear


def test_removed_signature(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    for removed in ("sig_project", "sig_business"):  # one in the middle, then the last one
        report = copy_of(signed_report)
        update(report, _clear_signature(removed))
        result = verify_report(report, [keys["ca"]])
        assert not result.ok
        party = removed.removeprefix("sig_")
        assert not result.party(party).signed
        assert f"signature removed: field {removed} was signed in an earlier revision" in all_problems(result)


def test_replaced_attachment(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(signed_report)

    def replace_junit(writer: IncrementalPdfFileWriter) -> None:
        names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
        index = [str(n) for n in list(names)[::2]].index("raw/unit/junit.xml")
        stream_ref = names[2 * index + 1].get_object()["/EF"].raw_get("/F")
        original = stream_ref.get_object()
        forged = generic.StreamObject({generic.NameObject("/Type"): generic.NameObject("/EmbeddedFile")},
                                      stream_data=b'<testsuite name="unit" tests="30" failures="0"/>')  # fmt: skip
        writer.objects[(stream_ref.generation, stream_ref.idnum)] = forged
        assert original is not forged

    update(report, replace_junit)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    junit = next(a for a in result.evidence.attachments if a.name == "raw/unit/junit.xml")
    assert any("differs from its description" in p for p in junit.problems)
    assert any("differs from manifest.json" in p for p in junit.problems)
    assert "EmbeddedFiles" in "\n".join(result.party("project").changes)  # the difference analysis saw it


def test_unsigned_bytes_appended_after_the_last_signature(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)
    report.write_bytes(report.read_bytes() + b"\n%% approved by the minister\n1 0 obj (forged) endobj\n")
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert all(s.intact and s.trusted for s in result.signatures)  # pyHanko alone would accept this file
    assert "unsigned content appended after the last signature (sig_business)" in all_problems(result)


def _retitle(writer: IncrementalPdfFileWriter) -> None:
    info = writer.trailer["/Info"].get_object()
    info["/Title"] = generic.TextStringObject("Approved without conditions")
    writer.update_container(info)


def test_unsigned_incremental_update_after_the_last_signature(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)
    update(report, _retitle)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert "unsigned content appended after the last signature" in all_problems(result)


def test_an_unsigned_report_is_only_partly_acceptable(unsigned_report: Path, keys: dict[str, Path]) -> None:
    required = verify_report(unsigned_report, [keys["ca"]])
    assert not required.ok
    assert "the project party has not signed this file (no party has)" in required.problems
    partial = verify_report(unsigned_report, [keys["ca"]], partial=True)
    assert partial.ok and partial.bottom_line.startswith("PARTIAL: 0 of 3 parties signed")
    assert partial.party("project").expected_signer == "陈明, 某市大数据中心"


def test_without_trust_anchors_nothing_is_trusted(signed_report: Path) -> None:
    result = verify_report(signed_report)
    assert not result.ok
    assert all("no trust anchor given" in "\n".join(s.problems) for s in result.signatures)


def test_signed_report_keeps_its_revisions(signed_report: Path) -> None:
    reader = PdfFileReader(BytesIO(signed_report.read_bytes()))
    assert reader.xrefs.total_revisions == 4


def test_time_stamped_revocation_embedded_report_verifies_offline(
    pki: Pki, unsigned_report: Path, copy_of: CopyOf
) -> None:
    """PAdES B-LT against OpenSSL's TSA and CRLs on 127.0.0.1, then verified with that server stopped."""
    report = copy_of(unsigned_report)
    for party in ("supervision", "business", "project"):
        outcome = sign_report(report, party=party, key=pki.keys[party], password=DEMO_PASSWORD,
                              timestamp_url=pki.tsa_url, with_revocation=True, trust=[pki.tsa_root])  # fmt: skip
        assert outcome.timestamped and outcome.revocation_embedded
    assert {"GET /ca.crl", "GET /tsa-ca.crl", "POST /tsa"} <= set(pki.server.requests)
    store = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(report.read_bytes())))
    assert store.crls and store.certs
    # a certificate revoked after it signed: the CRL embedded at signing time still speaks for the signature
    pki.demo_ca.revoke(certificate_of(pki.keys["business"], pki.server.root / "business.pem"))
    pki.server.stop()

    result = verify_report(report, [pki.keys["ca"], pki.tsa_root])
    assert result.ok, all_problems(result)
    assert result.bottom_line == "OK: 3 of 3 parties signed, nothing changed since"
    for entry in result.signatures:
        assert entry.timestamp is not None and "Test Time-Stamping Authority" in entry.timestamp_authority
        assert entry.revocation.startswith("checked offline at the time-stamp against the embedded")
    assert any("long-term validation data (DSS" in note for note in result.notes)  # after the last signature
    # long-term data may follow the last signature; nothing else may
    update(report, _retitle)
    tampered = verify_report(report, [pki.keys["ca"], pki.tsa_root])
    assert not tampered.ok and "unsigned content appended after the last signature" in all_problems(tampered)


def test_a_long_term_signature_outlives_its_certificate(pki: Pki, unsigned_report: Path, copy_of: CopyOf) -> None:
    """B-LT in miniature: a certificate that expires seconds after signing still verifies, offline,
    because the signature is judged at its time-stamp with the revocation data embedded then."""
    ca_key = serialization.load_pem_private_key(pki.keys["ca_key"].read_bytes(), DEMO_PASSWORD.encode())
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    authority = Authority(ca_key, x509.load_pem_x509_certificate(pki.keys["ca"].read_bytes()))
    expires = datetime.now(UTC) + timedelta(seconds=10)  # room to sign on a busy machine before it expires
    key, certificate = issue(authority, [("O", "某市大数据中心"), ("CN", "陈明 (DEMO)")],
                             crl_url=f"{pki.server.url}/ca.crl", valid_until=expires)  # fmt: skip
    short_lived = pki.server.root / "short-lived.p12"
    short_lived.write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, "short-lived"))
    report = copy_of(unsigned_report)
    sign_report(report, party="project", key=short_lived, password=DEMO_PASSWORD, timestamp_url=pki.tsa_url,
                with_revocation=True, trust=[pki.tsa_root])  # fmt: skip
    claimed_only = report.with_name("b-b.pdf")  # the same key, no time-stamp: only the signer's word for the time
    shutil.copy(unsigned_report, claimed_only)
    sign_report(claimed_only, party="project", key=short_lived, password=DEMO_PASSWORD)
    pki.server.stop()
    deadline = time.monotonic() + 30
    expired_beyond_tolerance = expires + timedelta(seconds=2)  # pyHanko allows 1 s of clock skew at validity edges
    while datetime.now(UTC) <= expired_beyond_tolerance and time.monotonic() < deadline:  # wait for it to expire
        time.sleep(0.2)
    assert datetime.now(UTC) > expired_beyond_tolerance
    project = verify_report(report, [pki.keys["ca"], pki.tsa_root], partial=True).party("project")
    assert project.ok and project.trusted, project.problems
    assert project.revocation.startswith("checked offline at the time-stamp")
    expired = verify_report(claimed_only, [pki.keys["ca"]], partial=True).party("project")
    assert expired.intact and not expired.trusted and not expired.ok
