"""Three-party PAdES signing and verification of the acceptance report (pyHanko).

    keys.py        DEMO CA and party PKCS#12 files (``harness keys demo``)
    sign.py        sign one party's field by incremental update (``harness sign``)
    verify.py      per-signature reports, tampering and evidence checks (``harness verify``)
    evidence.py    attachment digests against manifest.json and the run directory
    appearance.py  the visible signature appearance

Every failure is a :class:`harness.errors.SigningError` with a message saying what to do.
"""

from harness.signing.keys import DEMO_PASSWORD, make_demo_keys
from harness.signing.sign import SignOutcome, sign_report
from harness.signing.verify import SignatureReport, VerificationReport, verify_report

__all__ = [
    "DEMO_PASSWORD",
    "SignOutcome",
    "SignatureReport",
    "VerificationReport",
    "make_demo_keys",
    "sign_report",
    "verify_report",
]
