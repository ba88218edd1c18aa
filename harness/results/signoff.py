"""The contract between a generated report and the commands that sign and verify it.

The unsigned report states, in its first revision, who must sign each party's field: a dictionary under
:data:`SIGNOFF_KEY` in every signature field (party, expected signer, the certificate rule, the labels and
fonts of the visible signature). ``harness sign`` and ``harness verify`` read the report's own statement
instead of loading the report layer, so they start fast and judge every signature against what the
report said before anyone signed.

Nothing here imports pydantic, reportlab or pyHanko: the signing commands import this module on start.
The values mirror ``results.model`` (parties, subject attributes) and ``results.rundir`` (manifest
names); ``tests/signing/test_contract.py`` keeps them equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

PARTIES: tuple[str, ...] = ("project", "business", "supervision")
FIELD_PREFIX = "sig_"

SIGNOFF_KEY = "/HarnessSignOff"
"""Key of the statement dictionary in each signature field (a second-class PDF name: readers ignore it)."""

# keys inside the statement dictionary
PARTY = "/Party"
NAME = "/Name"
ORGANISATION = "/Organisation"
TITLE = "/Title"
CERT_SHA256 = "/CertSHA256"  # array of hex strings: the certificate must be one of them
SUBJECT = "/Subject"  # dictionary of short attribute name -> exact value
LABELS = "/Labels"  # the visible signature's words, in the report's language
FONTS = "/Fonts"  # font resources holding every glyph of the labels and the expected names

LABEL_KEYS: tuple[str, ...] = ("Heading", "Signer", "Organisation", "Time", "Certificate", "Timestamped", "Reason")

SUBJECT_OIDS: dict[str, str] = {
    "CN": "2.5.4.3",
    "O": "2.5.4.10",
    "OU": "2.5.4.11",
    "C": "2.5.4.6",
    "ST": "2.5.4.8",
    "L": "2.5.4.7",
    "E": "1.2.840.113549.1.9.1",
    "SERIALNUMBER": "2.5.4.5",
    "T": "2.5.4.12",
}
"""X.509 short attribute names a certificate rule may use, and their object identifiers."""

MANIFEST_FILE = "manifest.json"
MANIFEST_EXCLUDES = frozenset({MANIFEST_FILE, "report.pdf", "harness.log"})
DESCRIPTION_PREFIX = "sha256:"  # an attachment's description: "sha256:<hex> size:<bytes>"


def field_name(party: str) -> str:
    return f"{FIELD_PREFIX}{party}"


def party_of(name: str) -> str | None:
    """The party whose field ``name`` is, or None for a field the report did not create."""
    party = name.removeprefix(FIELD_PREFIX)
    return party if name.startswith(FIELD_PREFIX) and party in PARTIES else None


def colon_hex(digest: str, *, short: bool = False) -> str:
    """``ab12cd…`` as ``AB:12:CD:…``; ``short`` keeps the first and last four bytes."""
    pairs = [digest[i : i + 2].upper() for i in range(0, len(digest), 2)]
    if short and len(pairs) > 8:
        return ":".join(pairs[:4]) + "…" + ":".join(pairs[-4:])
    return ":".join(pairs)


def describe_rule(sha256: Sequence[str], subject: Mapping[str, str]) -> str:
    """The rule in words: ``subject CN=陈明, O=某市大数据中心; SHA-256 AB:12:…`` (or "none declared")."""
    parts = []
    if subject:
        parts.append("subject " + ", ".join(f"{key}={value}" for key, value in subject.items()))
    if sha256:
        parts.append("SHA-256 " + " or ".join(colon_hex(d, short=True) for d in sha256))
    return "; ".join(parts) or "none declared"


def rule_mismatches(
    sha256: Sequence[str], subject: Mapping[str, str], cert_sha256: str, cert_subject: Mapping[str, Sequence[str]]
) -> list[str]:
    """What a certificate (its SHA-256 and its subject as short name -> values) lacks of a rule; [] if none.

    A rule with neither part matches nothing: a field whose party has no declared identity cannot be
    bound, so it is reported as a mismatch rather than accepted.
    """
    if not sha256 and not subject:
        return ["the report declares no certificate identity for this party"]
    missing = []
    if sha256 and cert_sha256.lower() not in {d.lower() for d in sha256}:
        missing.append(f"SHA-256 {' or '.join(colon_hex(d, short=True) for d in sha256)}")
    for key, wanted in subject.items():
        if wanted not in cert_subject.get(key, ()):
            missing.append(f"{key}={wanted}")
    return missing


STAGE_KEY = "/HarnessStage"
"""Key in the report's document catalog of the stage statement: UTF-8 JSON ``{project, run_id, verdict,
stage}`` (``stage`` a ``results.model.StageRecord``), written in the first revision so every signature
covers it; ``harness stage close`` and ``harness verify --chain`` read it (harness/stages/chain.py)."""
