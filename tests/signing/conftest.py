"""Fixtures of the signing tests: DEMO keys, a key outside the trust root, a real unsigned report, the
same report signed by all three parties, and a real RFC 3161 time-stamping authority on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from sample_runs import SIGNATORIES, make_run, render

from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report
from harness.signing.keys import issue, make_authority, pkcs12_bytes


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """DEMO keys named after the sample run's signatories."""
    return make_demo_keys(tmp_path_factory.mktemp("keys") / "demo-keys", SIGNATORIES)


@pytest.fixture(scope="session")
def rogue_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A well-formed signing key whose CA is not the trust root the tests verify against."""
    authority = make_authority("ROGUE Root CA")
    key, certificate = issue(authority, "Mallory", "Rogue Ltd")
    path = tmp_path_factory.mktemp("rogue") / "rogue.p12"
    path.write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, "rogue"))
    return path


@pytest.fixture(scope="session")
def unsigned_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(make_run(tmp_path_factory.mktemp("unsigned"), cases=30, failures=2))


@pytest.fixture(scope="session")
def signed_report(tmp_path_factory: pytest.TempPathFactory, unsigned_report: Path, keys: dict[str, Path]) -> Path:
    """The unsigned report signed by supervision, project and business, in that order."""
    path = tmp_path_factory.mktemp("signed") / "report.pdf"
    shutil.copy(unsigned_report, path)
    for party in ("supervision", "project", "business"):
        sign_report(path, party=party, key=keys[party], password=DEMO_PASSWORD)
    return path


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[Path], Path]:
    """``copy_of(report)``: a copy in tmp_path that a test may sign or tamper with."""

    def copy(path: Path) -> Path:
        target = tmp_path / "report.pdf"
        shutil.copy(path, target)
        return target

    return copy


@dataclass(frozen=True)
class Tsa:
    url: str
    root: Path  # the TSA's own CA certificate: trust it to trust the time-stamps


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tsa]:
    """pyHanko's own time-stamp responder behind a minimal RFC 3161 HTTP endpoint on 127.0.0.1, with a
    time-stamping certificate from a CA of its own."""
    authority = make_authority("TSA Root CA")
    root = tmp_path_factory.mktemp("tsa") / "tsa-root.pem"
    root.write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    # pyHanko's responder signs with RSA only
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key, certificate = issue(authority, "Test TSA", "Test TSA", timestamping=True, key=rsa_key)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[asn1_x509.Certificate.load(authority.certificate.public_bytes(serialization.Encoding.DER))],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tsa(f"http://127.0.0.1:{server.server_address[1]}/tsa", root)
    finally:
        server.shutdown()
        server.server_close()
