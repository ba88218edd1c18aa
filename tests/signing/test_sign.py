"""Signing real reports with real keys: order, certification, visible appearance, B-T, and every refusal
leaving the file byte for byte as it was."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from conftest import Tsa
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from reportlab.pdfgen.canvas import Canvas

from harness.errors import SigningError
from harness.signing import DEMO_PASSWORD, sign_report, verify_report

CopyOf = Callable[[Path], Path]


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
    result = verify_report(report, [keys["ca"]], require_all=True, evidence_dir=unsigned_report.parent)
    assert result.ok, result
    business = result.party("business")
    assert business.certification and business.intact and business.trusted
    assert business.signer == "刘芳 (DEMO)" and business.organisation == "某市市场监督管理局"
    assert business.changes == ("later signature: supervision", "later signature: project")
    assert result.party("project").coverage == "entire file"


def test_visible_appearance_names_signer_and_organisation(signed_report: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-f", "0", str(signed_report), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    sign_off = next(page for page in reversed(text) if "签署页" in page)
    for expected in ("项目组 · 已数字签名", "签署人: 陈明 (DEMO)", "单位: 某某工程监理有限公司", "时间: 20"):
        assert expected in sign_off, expected
    fonts = subprocess.run(["pdffonts", str(signed_report)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # the appearances embed fonts too


def test_signing_a_field_twice_is_refused_and_leaves_the_file(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)
    before = report.read_bytes()
    with pytest.raises(SigningError, match="already signed"):
        sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD)
    assert report.read_bytes() == before


def test_wrong_or_missing_password_is_a_clear_error(
    unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    before = report.read_bytes()
    with pytest.raises(SigningError, match="password is wrong"):
        sign_report(report, party="project", key=keys["project"], password="not-the-password")
    with pytest.raises(SigningError, match="no password was given"):
        sign_report(report, party="project", key=keys["project"], password=None)
    with pytest.raises(SigningError, match="not a PKCS#12"):
        sign_report(report, party="project", key=keys["ca"], password=DEMO_PASSWORD)
    assert report.read_bytes() == before


def test_a_pdf_without_party_fields_is_refused(tmp_path: Path, keys: dict[str, Path]) -> None:
    foreign = tmp_path / "foreign.pdf"
    canvas = Canvas(str(foreign))
    canvas.drawString(100, 700, "not an acceptance report")
    canvas.save()
    before = foreign.read_bytes()
    with pytest.raises(SigningError, match="no signature field for the business party"):
        sign_report(foreign, party="business", key=keys["business"], password=DEMO_PASSWORD)
    assert foreign.read_bytes() == before


def test_unknown_party_and_unreadable_pdf(tmp_path: Path, keys: dict[str, Path]) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    with pytest.raises(SigningError, match="unknown party"):
        sign_report(junk, party="auditor", key=keys["project"], password=DEMO_PASSWORD)
    with pytest.raises(SigningError, match="not a readable PDF"):
        sign_report(junk, party="project", key=keys["project"], password=DEMO_PASSWORD)
    assert junk.read_bytes() == b"%PDF-1.7\nthis is not really a pdf"


def test_with_a_tsa_the_signature_carries_a_trusted_time_stamp(
    unsigned_report: Path, keys: dict[str, Path], tsa: Tsa, copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    outcome = sign_report(report, party="supervision", key=keys["supervision"], password=DEMO_PASSWORD, tsa_url=tsa.url)
    assert outcome.timestamped
    result = verify_report(report, [keys["ca"], tsa.root])
    supervision = result.party("supervision")
    assert supervision.timestamp is not None and supervision.ok, supervision
    assert result.ok
    # without trusting the TSA's root the time-stamp is not trusted, and verification says so
    untrusted = verify_report(report, [keys["ca"]]).party("supervision")
    assert any("time-stamp" in p for p in untrusted.problems)


def test_an_unreachable_tsa_leaves_the_file(unsigned_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(unsigned_report)
    before = report.read_bytes()
    with pytest.raises(SigningError, match="time-stamping authority"):
        sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD, tsa_url="http://127.0.0.1:9/")
    assert report.read_bytes() == before
