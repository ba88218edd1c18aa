"""DEMO keys: labelled DEMO, issued to fit each party's certificate rule, naming the CA's CRL, usable by
pyHanko and OpenSSL with the demo password, never overwritten."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from sample_runs import SIGNATORIES

from harness.errors import SigningError
from harness.results.model import CertificateRule, Signatory
from harness.signing import DEMO_PASSWORD, make_demo_keys
from harness.signing.sign import load_signer
from harness.signing.statement import Expectation, mismatches


def _certificate(path: Path) -> x509.Certificate:
    _, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), DEMO_PASSWORD.encode())
    assert certificate is not None
    return certificate


def test_demo_keys_are_labelled_and_chain_to_the_demo_ca(tmp_path: Path) -> None:
    paths = make_demo_keys(tmp_path / "keys", {"supervision": Signatory(name="赵强", organisation="某某监理公司")})
    ca = x509.load_pem_x509_certificate(paths["ca"].read_bytes())
    assert "DEMO" in ca.subject.rfc4514_string() and "NOT FOR PRODUCTION" in ca.subject.rfc4514_string()
    for party in ("project", "business", "supervision"):
        certificate = _certificate(paths[party])
        assert certificate.issuer == ca.subject
        assert "DEMO" in certificate.subject.rfc4514_string()
        assert paths[party].stat().st_mode & 0o077 == 0  # private keys readable by the owner only
        signer, _ = load_signer(paths[party], DEMO_PASSWORD)
        assert signer.signing_cert is not None
    assert "赵强 (DEMO)" in _certificate(paths["supervision"]).subject.rfc4514_string()
    assert paths["ca_key"].stat().st_mode & 0o077 == 0
    assert "NOT FOR PRODUCTION" in (tmp_path / "keys" / "README-DEMO.txt").read_text()


def test_each_certificate_fits_its_party_and_no_other(keys: dict[str, Path]) -> None:
    for party, who in SIGNATORIES.items():
        _, certificate = load_signer(keys[party], DEMO_PASSWORD)
        for other, rule in SIGNATORIES.items():
            expected = Expectation(other, f"sig_{other}", sha256=rule.certificate.sha256,
                                   subject=dict(rule.certificate.subject))  # fmt: skip
            assert (mismatches(expected, certificate) == []) is (other == party), (party, other)
        assert who.certificate.subject["CN"] in certificate.subject.native["common_name"]


def test_a_rule_without_demo_in_it_still_gets_a_demo_mark(tmp_path: Path) -> None:
    who = Signatory(name="王伟", organisation="某局", certificate=CertificateRule(subject={"CN": "王伟", "O": "某局"}))
    paths = make_demo_keys(tmp_path / "keys", {"project": who})
    subject = _certificate(paths["project"]).subject
    assert subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "王伟"
    assert "DEMO - NOT FOR PRODUCTION" in subject.rfc4514_string()


def test_a_pinned_fingerprint_cannot_be_made_and_is_refused(tmp_path: Path) -> None:
    who = Signatory(name="王伟", certificate=CertificateRule(sha256=("ab" * 32,)))
    with pytest.raises(SigningError, match="pins the business certificate by SHA-256"):
        make_demo_keys(tmp_path / "keys", {"business": who})
    assert not (tmp_path / "keys").exists()


def test_certificates_name_the_crl_that_openssl_accepts(tmp_path: Path) -> None:
    paths = make_demo_keys(tmp_path / "keys", crl_url="http://127.0.0.1:9999/demo.crl")
    points = _certificate(paths["project"]).extensions.get_extension_for_class(x509.CRLDistributionPoints)
    assert points.value[0].full_name[0].value == "http://127.0.0.1:9999/demo.crl"
    checked = subprocess.run(
        ["openssl", "crl", "-inform", "DER", "-in", str(paths["crl"]), "-CAfile", str(paths["ca"]), "-noout"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0 and "verify OK" in checked.stderr + checked.stdout
    key = subprocess.run(
        ["openssl", "pkey", "-in", str(paths["ca_key"]), "-passin", f"pass:{DEMO_PASSWORD}", "-noout"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert key.returncode == 0, key.stderr
    assert "127.0.0.1:9999/demo.crl" in (tmp_path / "keys" / "README-DEMO.txt").read_text()


def test_existing_keys_are_never_overwritten(tmp_path: Path) -> None:
    paths = make_demo_keys(tmp_path)
    before = paths["project"].read_bytes()
    with pytest.raises(SigningError, match="already holds"):
        make_demo_keys(tmp_path)
    assert paths["project"].read_bytes() == before
