"""What the report's first revision states per party, and what a certificate shows of itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.pdfgen.canvas import Canvas

from harness.signing.keys import issue, make_authority
from harness.signing.statement import facts, read_statements, unusable


def _asn1(certificate: object) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))  # type: ignore[attr-defined]


def test_the_unsigned_report_states_every_party(unsigned_report: Path) -> None:
    statements = read_statements(PdfFileReader(BytesIO(unsigned_report.read_bytes())))
    assert set(statements) == {"project", "business", "supervision"}
    project = statements["project"]
    assert project.field_name == "sig_project" and project.signer == "陈明, 某市大数据中心" and project.title == "项目经理"
    assert project.subject == {"CN": "陈明 (DEMO)", "O": "某市大数据中心"} and project.sha256 == ()
    assert project.labels["Heading"] == "项目组 · 已数字签名" and project.labels["Signer"] == "签署人"
    assert project.fonts is not None and len(project.fonts) >= 1
    assert project.rule == "subject CN=陈明 (DEMO), O=某市大数据中心"


def test_the_statement_is_read_from_the_first_revision(signed_report: Path) -> None:
    reader = PdfFileReader(BytesIO(signed_report.read_bytes()))
    assert reader.xrefs.total_revisions == 4
    assert read_statements(reader)["supervision"].signer == "赵强, 某某工程监理有限公司"


def test_a_pdf_the_harness_did_not_make_states_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(100, 700, "hello")
    canvas.save()
    assert read_statements(PdfFileReader(BytesIO(plain.read_bytes()))) == {}


def test_facts_of_a_certificate() -> None:
    authority = make_authority()
    _, certificate = issue(authority, [("C", "CN"), ("O", "某市大数据中心"), ("OU", "A"), ("OU", "B"), ("CN", "陈明")])
    shown = facts(_asn1(certificate))
    assert shown.subject == "CN=陈明, OU=B, OU=A, O=某市大数据中心, C=CN"
    assert shown.attributes["OU"] == ("A", "B") and shown.common_name == "陈明" and shown.organisation == "某市大数据中心"
    assert shown.display.startswith("CN=陈明, OU=B") and "(SHA-256 " in shown.display


def test_unusable_certificates() -> None:
    authority = make_authority()
    now = datetime.now(UTC)
    _, good = issue(authority, [("CN", "x")])
    _, old = issue(authority, [("CN", "x")], valid_from=now - timedelta(days=9), valid_until=now - timedelta(days=1))
    _, early = issue(authority, [("CN", "x")], valid_from=now + timedelta(days=1))
    _, encipher = issue(authority, [("CN", "x")], signing=False)
    assert unusable(_asn1(good)) is None
    assert (unusable(_asn1(old)) or "").startswith("expired on ")
    assert (unusable(_asn1(early)) or "").startswith("is not valid before ")
    assert unusable(_asn1(encipher)) == "is not for signing (key usage: key_encipherment)"
