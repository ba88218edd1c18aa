"""DEMO signing keys: a throw-away CA and one PKCS#12 file per party, to try the signing flow.

Everything made here says DEMO in its certificate names and in the README written beside it. Real
projects sign with certificates issued by their own CA (or a qualified trust service); these files
must never be committed (``.gitignore`` excludes ``*.p12`` and ``*.pem`` key files).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness.errors import SigningError
from harness.results.model import PARTIES, Signatory

DEMO_PASSWORD = "demo"
"""Password of every demo PKCS#12 file (they protect nothing: they are demo keys)."""

CA_FILE = "ca.pem"
README_FILE = "README-DEMO.txt"

_DEFAULT_SIGNATORIES = {
    "project": Signatory(name="DEMO Project Manager", organisation="DEMO Project Team", title="Project manager"),
    "business": Signatory(name="DEMO Business Owner", organisation="DEMO Business Owner", title="Head of unit"),
    "supervision": Signatory(
        name="DEMO Chief Supervisor", organisation="DEMO Supervision Unit", title="Chief supervision engineer"
    ),
}


@dataclass(frozen=True)
class Authority:
    """A CA that can issue certificates (its key stays in memory)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _name(common_name: str, organisation: str, unit: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or "DEMO"))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _key_usage(*, signing: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing and not ca,  # non-repudiation: what a sign-off is
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_authority(label: str = "DEMO Acceptance Root CA", *, days: int = 3650) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"{label} - NOT FOR PRODUCTION", "DEMO")
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
    common_name: str,
    organisation: str,
    *,
    unit: str = "",
    timestamping: bool = False,
    key: SigningKey | None = None,
) -> tuple[SigningKey, x509.Certificate]:
    """A certificate from ``authority`` for ``key`` (default: a new P-256 key), for signing or, with
    ``timestamping``, for a time-stamping authority."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, unit))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False)
    )
    builder = builder.add_extension(_key_usage(signing=True, ca=False), critical=True)
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return key, builder.sign(authority.key, hashes.SHA256())


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


def _readme(signatories: Mapping[str, Signatory]) -> str:
    lines = [
        "DEMO SIGNING KEYS - NOT FOR PRODUCTION",
        "",
        "Made by `harness keys demo` to try the three-party signing flow. Anyone who has these files can sign",
        "as these parties: never use them for a real acceptance, never commit them.",
        "",
        f"  {CA_FILE:<18} the DEMO root certificate: pass it to `harness verify --trust`",
    ]
    for party in PARTIES:
        who = signatories[party]
        lines.append(f"  {party + '.p12':<18} {party}: {who.name} ({who.organisation})")
    lines += [
        "",
        f'Password of every .p12 file: "{DEMO_PASSWORD}" (export HARNESS_KEY_PASSWORD={DEMO_PASSWORD}).',
        "",
        "  harness sign report.pdf --party project --key project.p12",
        "  harness sign report.pdf --party business --key business.p12",
        "  harness sign report.pdf --party supervision --key supervision.p12",
        f"  harness verify report.pdf --trust {CA_FILE} --require-all",
        "",
    ]
    return "\n".join(lines)


def make_demo_keys(out: Path, signatories: Mapping[str, Signatory] | None = None) -> dict[str, Path]:
    """Write the DEMO CA certificate and one PKCS#12 file per party into ``out``; returns the paths.

    ``signatories`` (e.g. a profile's report.signatories) name the certificates' holders; the demo
    defaults are used for parties without a name.

    Raises:
        SigningError: ``out`` already holds demo keys (they are not overwritten) or cannot be written.
    """
    given = signatories or {}
    chosen = {p: given[p] if p in given and given[p].name else _DEFAULT_SIGNATORIES[p] for p in PARTIES}
    targets = {"ca": out / CA_FILE, **{party: out / f"{party}.p12" for party in PARTIES}}
    existing = [path.name for path in targets.values() if path.exists()]
    if existing:
        raise SigningError(f"{out} already holds {', '.join(existing)}; choose another --out or delete them first")
    authority = make_authority()
    try:
        out.mkdir(parents=True, exist_ok=True)
        targets["ca"].write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
        for party in PARTIES:
            who = chosen[party]
            holder = who.name if "DEMO" in who.name else f"{who.name} (DEMO)"
            key, certificate = issue(authority, holder, who.organisation, unit=who.title)
            targets[party].write_bytes(pkcs12_bytes(key, certificate, authority, DEMO_PASSWORD, f"DEMO {party}"))
            targets[party].chmod(0o600)
        (out / README_FILE).write_text(_readme(chosen), encoding="utf-8")
    except OSError as exc:
        raise SigningError(f"cannot write demo keys into {out}: {exc.strerror or exc}") from None
    return targets
