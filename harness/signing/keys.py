"""DEMO signing keys: a throw-away CA, its CRL, and one PKCS#12 file per party, to try the signing flow.

Everything made here says DEMO in its certificate names and in the README written beside it. Real
projects sign with certificates issued by their own CA (or a qualified trust service); these files
must never be committed (``.gitignore`` excludes ``*.p12`` and ``*.pem`` key files).

Each party's certificate is issued to match what the report will expect of that party: the subject
rule of the profile's ``report.signatories.<party>.certificate`` (a profile that pins a party's
certificate by fingerprint cannot be matched by a new key, and is refused). Every certificate names
the CA's CRL (``--crl-url``), so ``harness sign --with-revocation`` can embed it; the CA's key is kept
(encrypted with the demo password) so that ``openssl ca -gencrl`` can issue newer CRLs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

from harness.errors import SigningError
from harness.results.signoff import PARTIES, SUBJECT_OIDS

if TYPE_CHECKING:
    from harness.results.model import Signatory

DEMO_PASSWORD = "demo"
"""Password of every demo PKCS#12 file and of the demo CA's key (they protect nothing: they are demo keys)."""

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CRL_FILE = "ca.crl"
README_FILE = "README-DEMO.txt"
DEFAULT_CRL_URL = "http://127.0.0.1:8790/ca.crl"
DEMO_MARK = "DEMO - NOT FOR PRODUCTION"

_DEFAULTS = {
    "project": ("DEMO Project Manager", "DEMO Project Team", "Project manager"),
    "business": ("DEMO Business Owner", "DEMO Business Owner", "Head of unit"),
    "supervision": ("DEMO Chief Supervisor", "DEMO Supervision Unit", "Chief supervision engineer"),
}


@dataclass(frozen=True)
class Authority:
    """A CA that can issue certificates and CRLs (its key stays in memory unless written out)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class Holder:
    """Who a demo certificate is issued to: its subject attributes by short name (CN, O, OU, ...)."""

    subject: tuple[tuple[str, str], ...]
    label: str  # for the README: "陈明 (DEMO), 某市大数据中心"


def _name(attributes: Iterable[tuple[str, str]]) -> x509.Name:
    return x509.Name([x509.NameAttribute(ObjectIdentifier(SUBJECT_OIDS[key]), value) for key, value in attributes])


def _key_usage(*, signing: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing and not ca,  # non-repudiation: what a sign-off is
        key_encipherment=not signing and not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_authority(label: str = "DEMO Acceptance Root CA", *, days: int = 3650) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name([("C", "CN"), ("O", "DEMO"), ("CN", f"{label} - NOT FOR PRODUCTION")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, certificate)


SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def issue(
    authority: Authority,
    subject: Iterable[tuple[str, str]],
    *,
    crl_url: str | None = None,
    timestamping: bool = False,
    signing: bool = True,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    key: SigningKey | None = None,
) -> tuple[SigningKey, x509.Certificate]:
    """A certificate from ``authority`` for ``key`` (default: a new P-256 key) with ``subject`` (short
    name, value) pairs: for signing, for a time-stamping authority (``timestamping``), or with
    ``signing=False`` for key encipherment only. ``crl_url`` becomes its CRL distribution point."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or now - timedelta(hours=1))
        .not_valid_after(valid_until or now + timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False)
        .add_extension(_key_usage(signing=signing, ca=False), critical=True)
    )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return key, builder.sign(authority.key, hashes.SHA256())


def issue_crl(authority: Authority, revoked: Iterable[x509.Certificate] = (), *, days: int = 30) -> bytes:
    """A CRL of ``authority`` (DER) listing ``revoked``, valid from an hour ago for ``days`` days."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=days))
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(certificate.serial_number).revocation_date(now).build()
        )
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pkcs12_bytes(
    key: SigningKey, certificate: x509.Certificate, authority: Authority, password: str, label: str
) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        label.encode(),
        key,
        certificate,
        [authority.certificate],
        serialization.BestAvailableEncryption(password.encode()),
    )


def holder_for(party: str, who: Signatory | None) -> Holder:
    """The subject a DEMO certificate for ``party`` gets so that it satisfies ``who``'s certificate rule.

    Raises:
        SigningError: the rule pins certificates by fingerprint, which no new key can have.
    """
    if who is not None and who.certificate.sha256:
        raise SigningError(
            f"the profile pins the {party} certificate by SHA-256 fingerprint; DEMO keys cannot have it: "
            "try the flow with a subject rule (report.signatories.<party>.certificate.subject)"
        )
    name, organisation, title = _DEFAULTS[party]
    if who is not None and who.name:
        name, organisation, title = f"{who.name} (DEMO)", who.organisation, who.title
    rule = dict(who.certificate.subject) if who is not None else {}
    subject = {"C": "CN", "O": organisation or "DEMO", **({"OU": title} if title else {}), "CN": name, **rule}
    pairs = list(subject.items())
    if not any("DEMO" in value for value in subject.values()):
        pairs.insert(-1, ("OU", DEMO_MARK))
    return Holder(tuple(pairs), f"{subject['CN']}, {subject.get('O', '')}")


def _readme(holders: Mapping[str, Holder], crl_url: str) -> str:
    lines = [
        "DEMO SIGNING KEYS - NOT FOR PRODUCTION",
        "",
        "Made by `harness keys demo` to try the three-party signing flow. Anyone who has these files can sign",
        "as these parties: never use them for a real acceptance, never commit them.",
        "",
        f"  {CA_FILE:<18} the DEMO root certificate: pass it to `harness verify --trust`",
        f"  {CA_KEY_FILE:<18} the DEMO root's private key (for `openssl ca -gencrl`), password as below",
        f"  {CRL_FILE:<18} the DEMO root's CRL; the certificates name it at {crl_url}",
    ]
    for party in PARTIES:
        lines.append(f"  {party + '.p12':<18} {party}: {holders[party].label}")
    lines += [
        "",
        f'Password of every .p12 file and of the CA key: "{DEMO_PASSWORD}" (export HARNESS_KEY_PASSWORD={DEMO_PASSWORD}).',
        "",
        "  harness sign report.pdf --party project --key project.p12",
        "  harness sign report.pdf --party business --key business.p12",
        "  harness sign report.pdf --party supervision --key supervision.p12",
        f"  harness verify report.pdf --trust {CA_FILE}",
        "",
        "To embed the CRL when signing (--with-revocation, with --timestamp-url), serve this folder where the",
        f"certificates say: python -m http.server {_port(crl_url)} --bind 127.0.0.1 --directory <this folder>",
        "",
    ]
    return "\n".join(lines)


def _port(url: str) -> str:
    host = url.split("//", 1)[-1].split("/", 1)[0]
    return host.rsplit(":", 1)[1] if ":" in host else "80"


def make_demo_keys(
    out: Path, signatories: Mapping[str, Signatory] | None = None, *, crl_url: str = DEFAULT_CRL_URL
) -> dict[str, Path]:
    """Write the DEMO CA (certificate, key, CRL) and one PKCS#12 file per party into ``out``; returns the
    paths by role (``ca``, ``ca_key``, ``crl``, and each party).

    ``signatories`` (a profile's report.signatories) name the certificates' holders so that each
    certificate satisfies its party's rule; demo defaults are used for parties without a name.

    Raises:
        SigningError: ``out`` already holds demo keys (they are not overwritten), cannot be written, or a
            signatory pins its certificate by fingerprint.
    """
    given = signatories or {}
    holders = {party: holder_for(party, given.get(party)) for party in PARTIES}
    targets = {
        "ca": out / CA_FILE,
        "ca_key": out / CA_KEY_FILE,
        "crl": out / CRL_FILE,
        **{party: out / f"{party}.p12" for party in PARTIES},
    }
    existing = [path.name for path in targets.values() if path.exists()]
    if existing:
        raise SigningError(f"{out} already holds {', '.join(existing)}; choose another --out or delete them first")
    authority = make_authority()
    try:
        out.mkdir(parents=True, exist_ok=True)
        targets["ca"].write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
        targets["ca_key"].write_bytes(
            authority.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(DEMO_PASSWORD.encode()),
            )
        )
        targets["ca_key"].chmod(0o600)
        targets["crl"].write_bytes(issue_crl(authority))
        for party in PARTIES:
            key, certificate = issue(authority, holders[party].subject, crl_url=crl_url)
            targets[party].write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, f"DEMO {party}"))
            targets[party].chmod(0o600)
        (out / README_FILE).write_text(_readme(holders, crl_url), encoding="utf-8")
    except OSError as exc:
        raise SigningError(f"cannot write demo keys into {out}: {exc.strerror or exc}") from None
    return targets
