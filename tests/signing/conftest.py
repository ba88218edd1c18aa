"""Fixtures of the signing tests: DEMO keys bound to the sample run's signatories, keys the report does
not expect, a real unsigned report, the same report signed by all three parties, and a real PKI on
127.0.0.1 (OpenSSL's CA, CRLs and time-stamping authority; see pki.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pki import CertificateAuthority, PkiServer, demo_authority, make_tsa
from sample_runs import SIGNATORIES, make_run, render

from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report
from harness.signing.keys import issue, make_authority, pkcs12_bytes


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """DEMO keys issued to fit the sample run's signatories."""
    return make_demo_keys(tmp_path_factory.mktemp("keys") / "demo-keys", SIGNATORIES)


def _p12(directory: Path, name: str, authority_label: str, subject: list[tuple[str, str]]) -> Path:
    authority = make_authority(authority_label)
    key, certificate = issue(authority, subject)
    path = directory / f"{name}.p12"
    path.write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, name))
    return path


@pytest.fixture(scope="session")
def rogue_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A well-formed signing key for someone the report does not expect, from a CA nobody trusts."""
    return _p12(tmp_path_factory.mktemp("rogue"), "rogue", "ROGUE Root CA", [("O", "Rogue Ltd"), ("CN", "Mallory")])


@pytest.fixture(scope="session")
def impostor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A key whose certificate shows exactly the project signer's subject, issued by a CA with exactly the
    DEMO CA's name: only fingerprints tell them apart. Its CA certificate is written beside it (ca.pem)."""
    directory = tmp_path_factory.mktemp("impostor")
    authority = make_authority()  # the same name as the DEMO CA
    (directory / "ca.pem").write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    key, certificate = issue(authority, [("C", "CN"), ("O", "某市大数据中心"), ("CN", "陈明 (DEMO)")])
    path = directory / "impostor.p12"
    path.write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, "impostor"))
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


@dataclass
class Pki:
    server: PkiServer
    keys: dict[str, Path]  # DEMO keys whose certificates name the server's CRL
    demo_ca: CertificateAuthority  # OpenSSL's CA database for the DEMO CA
    tsa_root: Path  # trust it to trust the time-stamps
    tsa_ca: CertificateAuthority

    @property
    def tsa_url(self) -> str:
        return f"{self.server.url}/tsa"


@pytest.fixture
def pki(tmp_path: Path) -> Iterator[Pki]:
    """A CRL server and time-stamping authority of this test's own, stopped at its end (or earlier, by
    the test, to prove that verification needs no network)."""
    server = PkiServer(tmp_path / "pki")
    try:
        keys = make_demo_keys(tmp_path / "pki-keys", SIGNATORIES, crl_url=f"{server.url}/ca.crl")
        demo_ca = demo_authority(server.root, keys["ca"].parent)
        tsa_root, tsa_ca = make_tsa(server.root, server.url)
        yield Pki(server, keys, demo_ca, tsa_root, tsa_ca)
    finally:
        server.stop()


@dataclass(frozen=True)
class Tsa:
    url: str
    root: Path  # the TSA's own CA certificate: trust it to trust the time-stamps


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tsa]:
    """OpenSSL's time-stamping authority behind an RFC 3161 HTTP endpoint on 127.0.0.1."""
    server = PkiServer(tmp_path_factory.mktemp("tsa"))
    try:
        root, _ = make_tsa(server.root, server.url)
        yield Tsa(f"{server.url}/tsa", root)
    finally:
        server.stop()
