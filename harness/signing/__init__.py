"""Three-party PAdES signing and verification of the acceptance report (pyHanko).

    keys.py        DEMO CA (certificate, key, CRL) and party PKCS#12 files (``harness keys demo``)
    statement.py   what the report's first revision states per party; whether a certificate fits it
    appearance.py  the visible signature, drawn with the fonts the report carries
    sign.py        sign one party's field by incremental update (``harness sign``): B-B, B-T, B-LT
    verify.py      per-signature reports and the bottom line (``harness verify``)
    trust.py       trust anchors, validation contexts, embedded revocation data
    revisions.py   removed signatures, content after the last one, copies cut back
    evidence.py    attachment digests and the run directory's evidence set against manifest.json

Every failure is a :class:`harness.errors.SigningError` with a message saying what to do. Nothing here
loads pydantic or the report layer on the signing path, so the commands start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.signing.keys import DEMO_PASSWORD, make_demo_keys
    from harness.signing.sign import SignOutcome, sign_report
    from harness.signing.verify import SignatureReport, VerificationReport, verify_report

# each command loads only its own module (keys issue certificates, verify validates): see __getattr__
_HOMES = {
    "DEMO_PASSWORD": "keys",
    "make_demo_keys": "keys",
    "SignOutcome": "sign",
    "sign_report": "sign",
    "SignatureReport": "verify",
    "VerificationReport": "verify",
    "verify_report": "verify",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'harness.signing' has no attribute {name!r}")
    return getattr(import_module(f"harness.signing.{home}"), name)


__all__ = [
    "DEMO_PASSWORD",
    "SignOutcome",
    "SignatureReport",
    "VerificationReport",
    "make_demo_keys",
    "sign_report",
    "verify_report",
]
