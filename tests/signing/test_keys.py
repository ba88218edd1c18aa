"""DEMO keys: labelled DEMO, usable by pyHanko with the demo password, never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from harness.errors import SigningError
from harness.results.model import Signatory
from harness.signing import DEMO_PASSWORD, make_demo_keys
from harness.signing.sign import load_signer


def test_demo_keys_are_labelled_and_chain_to_the_demo_ca(tmp_path: Path) -> None:
    paths = make_demo_keys(tmp_path / "keys", {"supervision": Signatory(name="赵强", organisation="某某监理公司")})
    ca = x509.load_pem_x509_certificate(paths["ca"].read_bytes())
    assert "DEMO" in ca.subject.rfc4514_string() and "NOT FOR PRODUCTION" in ca.subject.rfc4514_string()
    for party in ("project", "business", "supervision"):
        key, certificate, _ = pkcs12.load_key_and_certificates(paths[party].read_bytes(), DEMO_PASSWORD.encode())
        assert key is not None and certificate is not None
        assert certificate.issuer == ca.subject
        assert "DEMO" in certificate.subject.rfc4514_string()
        assert paths[party].stat().st_mode & 0o077 == 0  # private keys readable by the owner only
        signer, _ = load_signer(paths[party], DEMO_PASSWORD)
        assert signer.signing_cert is not None
    _, supervision, _ = pkcs12.load_key_and_certificates(paths["supervision"].read_bytes(), DEMO_PASSWORD.encode())
    assert supervision is not None
    assert "赵强 (DEMO)" in supervision.subject.rfc4514_string()
    assert "NOT FOR PRODUCTION" in (tmp_path / "keys" / "README-DEMO.txt").read_text()


def test_existing_keys_are_never_overwritten(tmp_path: Path) -> None:
    paths = make_demo_keys(tmp_path)
    before = paths["project"].read_bytes()
    with pytest.raises(SigningError, match="already holds"):
        make_demo_keys(tmp_path)
    assert paths["project"].read_bytes() == before
