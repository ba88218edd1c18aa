"""Signing real reports with real keys: order, certification, the visible appearance and its time, B-T
against OpenSSL's time-stamping authority, and every refusal — a key that is not the party's, a bad
certificate, a PDF the harness did not make — leaving the file byte for byte as it was."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from conftest import Pki, Tsa
from cryptography.hazmat.primitives import hashes
from pki import certificate_of
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, append_signature_field
from reportlab.pdfgen.canvas import Canvas
from sample_runs import SIGNATORIES, make_run, render

from harness.errors import SigningError
from harness.results.model import CertificateRule, Signatory
from harness.signing import DEMO_PASSWORD, sign_report, verify_report
from harness.signing.keys import issue, make_authority, pkcs12_bytes

CopyOf = Callable[[Path], Path]


def refused(report: Path, pattern: str, **sign: object) -> str:
    """Signing with ``sign`` is refused with one line matching ``pattern`` and leaves ``report`` as it was."""
    before = report.read_bytes()
    with pytest.raises(SigningError, match=pattern) as error:
        sign_report(report, **sign)  # type: ignore[arg-type]
    assert report.read_bytes() == before
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_three_parties_sign_in_any_order_and_verify(
    unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    outcomes = [
        sign_report(report, party=party, key=keys[party], password=DEMO_PASSWORD)
        for party in ("business", "supervision", "project")
    ]
    assert [o.certified for o in outcomes] == [True, False, False]
    reader = PdfFileReader(BytesIO(report.read_bytes()))
    signatures = reader.embedded_signatures
    assert len(signatures) == 3
    assert reader.xrefs.total_revisions == 4  # generated + three incremental updates
    first = min(signatures, key=lambda s: int(s.byte_range[2]))
    assert first.field_name == "sig_business" and first.docmdp_level is MDPPerm.FILL_FORMS
    result = verify_report(report, [keys["ca"]], evidence_dir=unsigned_report.parent)
    assert result.ok, result
    business = result.party("business")
    assert business.certification and business.intact and business.trusted and business.bound
    assert business.signer == "刘芳 (DEMO)" and business.organisation == "某市市场监督管理局"
    assert business.changes == ("later signature: supervision", "later signature: project")
    assert result.party("project").coverage == "entire file"


def test_the_drawn_time_is_the_signatures_own(signed_report: Path, keys: dict[str, Path]) -> None:
    text = subprocess.run(
        ["pdftotext", "-f", "0", str(signed_report), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    sign_off = next(page for page in reversed(text) if "签署页" in page)
    for expected in ("项目组 · 已数字签名", "签署人: 陈明 (DEMO)", "单位: 某某工程监理有限公司", "证书: SHA-256"):
        assert expected in sign_off, expected
    for entry in verify_report(signed_report, [keys["ca"]]).signatures:
        assert entry.signing_time is not None
        drawn = entry.signing_time.astimezone()  # drawn in the signing machine's time zone
        assert f"时间: {drawn:%Y-%m-%d %H:%M:%S}" in sign_off, entry.party  # to the second, not 1–2 s earlier
        fingerprint = entry.certificate_sha256.upper()
        assert f"{fingerprint[:2]}:{fingerprint[2:4]}:{fingerprint[4:6]}:{fingerprint[6:8]}…" in sign_off
    fonts = subprocess.run(["pdffonts", str(signed_report)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_a_name_the_report_did_not_foresee_is_drawn_with_the_full_font(tmp_path: Path) -> None:
    """The appearance fonts hold the expected names; a pinned certificate may carry any other name."""
    authority = make_authority("Pinned CA")
    key, certificate = issue(authority, [("O", "Ørsted Ægir 鑫淼燚 GmbH"), ("CN", "Þór Ægirsson 鑫淼燚")])
    p12 = tmp_path / "pinned.p12"
    p12.write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, "pinned"))
    pinned = Signatory(name="Þór", certificate=CertificateRule(sha256=(certificate.fingerprint(hashes.SHA256()).hex(),)))
    rundir = make_run(tmp_path / "run", cases=3, failures=0)
    run = rundir.read_run()
    signatories = {**SIGNATORIES, "business": pinned}
    rundir.write_run(run.model_copy(update={"report": run.report.model_copy(update={"signatories": signatories})}))
    report = render(rundir)
    sign_report(report, party="business", key=p12, password=DEMO_PASSWORD)
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "签署人: Þór Ægirsson 鑫淼燚" in text and "单位: Ørsted Ægir 鑫淼燚 GmbH" in text
    assert verify_report(report, partial=True).party("business").bound


@pytest.mark.parametrize(
    ("field", "key", "holds"),
    [
        ("supervision", "business", "刘芳 (DEMO)"),  # the business owner's key in the supervision field
        ("business", "supervision", "赵强 (DEMO)"),  # swapped the other way
        ("project", "supervision", "赵强 (DEMO)"),  # the supervision key signing other parties' fields
        ("business", "project", "陈明 (DEMO)"),
    ],
)
def test_another_partys_key_is_refused(
    unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf, field: str, key: str, holds: str
) -> None:
    report = copy_of(unsigned_report)
    expected = SIGNATORIES[field].certificate.subject["CN"]
    message = refused(report, f"refused: the {field} field must be signed by", party=field, key=keys[key],
                      password=DEMO_PASSWORD)  # fmt: skip
    assert f"CN={expected}" in message and f"holds CN={holds}" in message
    assert f"lacks CN={expected}" in message and "SHA-256" in message
    assert f"use the {field} party's own key" in message


def test_the_supervision_key_cannot_sign_all_three(
    unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    sign_report(report, party="supervision", key=keys["supervision"], password=DEMO_PASSWORD)
    for party in ("project", "business"):
        refused(report, f"refused: the {party} field", party=party, key=keys["supervision"], password=DEMO_PASSWORD)
    assert verify_report(report, [keys["ca"]], partial=True).signed_parties == ("supervision",)


def test_a_key_from_a_ca_nobody_expects_is_refused(
    unsigned_report: Path, rogue_key: Path, copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    refused(report, "holds CN=Mallory, O=Rogue Ltd", party="project", key=rogue_key, password=DEMO_PASSWORD)


def test_a_party_without_a_declared_certificate_cannot_sign(tmp_path: Path, keys: dict[str, Path]) -> None:
    rundir = make_run(tmp_path / "run", cases=3, failures=0)
    run = rundir.read_run()
    signatories = {**SIGNATORIES, "project": Signatory(name="陈明", organisation="某市大数据中心")}
    rundir.write_run(run.model_copy(update={"report": run.report.model_copy(update={"signatories": signatories})}))
    report = render(rundir)
    refused(report, "does not say which certificate may sign for the project party .* declare one",
            party="project", key=keys["project"], password=DEMO_PASSWORD)  # fmt: skip
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "未声明：本栏不能签署" in text  # the sign-off page says so before anyone tries


def test_signing_a_field_twice_is_refused(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    refused(copy_of(signed_report), "already signed", party="project", key=keys["project"], password=DEMO_PASSWORD)


def test_wrong_or_missing_password_is_a_clear_error(
    unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    refused(report, "password is wrong", party="project", key=keys["project"], password="not-the-password")
    refused(report, "no password was given", party="project", key=keys["project"], password=None)
    refused(report, "not a PKCS#12", party="project", key=keys["ca"], password=DEMO_PASSWORD)
    refused(report, "does not exist", party="project", key=report.with_name("missing.p12"), password=DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("validity", "signing", "pattern"),
    [
        ((-800, -30), True, "expired on"),
        ((30, 800), True, "is not valid before"),
        ((-1, 800), False, r"is not for signing \(key usage: key_encipherment\)"),
    ],
)
def test_an_unusable_certificate_is_refused(
    unsigned_report: Path, copy_of: CopyOf, tmp_path: Path, validity: tuple[int, int], signing: bool, pattern: str
) -> None:
    authority = make_authority()
    now = datetime.now(UTC)
    subject = [("O", "某市大数据中心"), ("CN", "陈明 (DEMO)")]  # fits the project field: only validity is wrong
    key, certificate = issue(authority, subject, signing=signing, valid_from=now + timedelta(days=validity[0]),
                             valid_until=now + timedelta(days=validity[1]))  # fmt: skip
    p12 = tmp_path / "bad.p12"
    p12.write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, "bad"))
    refused(copy_of(unsigned_report), f"the certificate in .*bad.p12 {pattern}.*; sign with a valid signing certificate",
            party="project", key=p12, password=DEMO_PASSWORD)  # fmt: skip


def test_a_pdf_the_harness_did_not_make_is_refused(tmp_path: Path, keys: dict[str, Path]) -> None:
    foreign = tmp_path / "foreign.pdf"
    canvas = Canvas(str(foreign))
    canvas.drawString(100, 700, "not an acceptance report")
    canvas.save()
    refused(foreign, "not an acceptance report made by this harness", party="business", key=keys["business"],
            password=DEMO_PASSWORD)  # fmt: skip
    # a look-alike: a signature field with the harness's name, but no statement of who must sign it
    writer = IncrementalPdfFileWriter(BytesIO(foreign.read_bytes()))
    append_signature_field(writer, SigFieldSpec("sig_business", box=(100, 100, 300, 180)))
    out = BytesIO()
    writer.write(out)
    foreign.write_bytes(out.getvalue())
    refused(foreign, "not an acceptance report made by this harness", party="business", key=keys["business"],
            password=DEMO_PASSWORD)  # fmt: skip


def test_unknown_party_and_unreadable_pdf(tmp_path: Path, keys: dict[str, Path]) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    refused(junk, "unknown party", party="auditor", key=keys["project"], password=DEMO_PASSWORD)
    refused(junk, "not a readable PDF", party="project", key=keys["project"], password=DEMO_PASSWORD)


def test_with_a_tsa_the_signature_carries_a_trusted_time_stamp(
    unsigned_report: Path, keys: dict[str, Path], tsa: Tsa, copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    outcome = sign_report(report, party="supervision", key=keys["supervision"], password=DEMO_PASSWORD,
                          timestamp_url=tsa.url)  # fmt: skip
    assert outcome.timestamped and not outcome.revocation_embedded
    result = verify_report(report, [keys["ca"], tsa.root], partial=True)
    supervision = result.party("supervision")
    assert supervision.timestamp is not None and supervision.ok, supervision
    assert "Test Time-Stamping Authority" in supervision.timestamp_authority
    assert supervision.signing_time is not None
    assert timedelta(0) <= supervision.timestamp - supervision.signing_time < timedelta(minutes=1)
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "另有 TSA 时间戳" in text
    # without trusting the TSA's root the time-stamp is not trusted, and verification says so
    untrusted = verify_report(report, [keys["ca"]], partial=True).party("supervision")
    assert any("time-stamp" in p for p in untrusted.problems)


def test_an_unreachable_tsa_leaves_the_file(unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    refused(copy_of(unsigned_report), "time-stamping authority http://127.0.0.1:9/ failed", party="project",
            key=keys["project"], password=DEMO_PASSWORD, timestamp_url="http://127.0.0.1:9/")  # fmt: skip


def test_revocation_data_needs_a_time_stamp_and_a_place_to_fetch_it(
    unsigned_report: Path, keys: dict[str, Path], impostor: Path, copy_of: CopyOf, tsa: Tsa
) -> None:
    report = copy_of(unsigned_report)
    refused(report, "--with-revocation needs --timestamp-url", party="project", key=keys["project"],
            password=DEMO_PASSWORD, with_revocation=True)  # fmt: skip
    # the DEMO keys name a CRL at 127.0.0.1:8790 that nothing serves here
    refused(report, r"no revocation information .* \(is http://127.0.0.1:8790/ca.crl reachable from here\?\)",
            party="project", key=keys["project"], password=DEMO_PASSWORD, timestamp_url=tsa.url,
            with_revocation=True, trust=[tsa.root])  # fmt: skip
    refused(report, "names no CRL distribution point or OCSP responder", party="project", key=impostor,
            password=DEMO_PASSWORD, timestamp_url=tsa.url, with_revocation=True)  # fmt: skip


def test_a_revoked_certificate_cannot_sign_with_revocation_data(pki: Pki, unsigned_report: Path, copy_of: CopyOf) -> None:
    report = copy_of(unsigned_report)
    pki.demo_ca.revoke(certificate_of(pki.keys["business"], pki.server.root / "business.pem"))
    message = refused(report, "cannot sign", party="business", key=pki.keys["business"], password=DEMO_PASSWORD,
                      timestamp_url=pki.tsa_url, with_revocation=True, trust=[pki.tsa_root])  # fmt: skip
    assert "CRL indicates the end-entity certificate was revoked" in message
    assert "GET /ca.crl" in pki.server.requests  # pyHanko really fetched OpenSSL's CRL
    # the time-stamping authority's chain must end in a root the signer names
    refused(report, "pass the root of the time-stamping authority's certificate with --trust", party="project",
            key=pki.keys["project"], password=DEMO_PASSWORD, timestamp_url=pki.tsa_url, with_revocation=True)  # fmt: skip
