"""report.signatories: who signs each field and the certificate that must sign it, checked on load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.profile import load_profile

PROFILE = """\
project: {name: Permit service}
target: {base_url: http://127.0.0.1:8080}
suites: [{name: unit, kind: unit, options: {paths: [tests]}}]
report:
  signatories:
    project:
      name: 陈明
      certificate:
        subject: {cn: 陈明, O: 某市大数据中心}
        sha256: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
    business:
      name: 刘芳
      certificate: {sha256: [%s, %s]}
"""


def test_rules_are_normalised(write_profile: Callable[..., Path]) -> None:
    path = write_profile(PROFILE % ("a" * 64, "B" * 64))
    signatories = load_profile(path, {}).profile.report.signatories
    project = signatories.project.certificate
    assert project.subject == {"CN": "陈明", "O": "某市大数据中心"}
    assert project.sha256 == ("abcdef0123456789" * 4,)
    assert signatories.business.certificate.sha256 == ("a" * 64, "b" * 64)
    assert not signatories.supervision.certificate.declared


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("{cn: 陈明, O: 某市大数据中心}", "{nickname: 明}"), "unknown subject attribute 'nickname'; use CN, O, OU"),
        (("{cn: 陈明, O: 某市大数据中心}", "{CN: ''}"), "subject attribute CN is empty"),
        (("[%s, %s]", "[abc, %s]"), "'abc' is not a SHA-256 fingerprint (64 hex digits, colons allowed)"),
    ],
)
def test_bad_rules_are_located(write_profile: Callable[..., Path], edit: tuple[str, str], message: str) -> None:
    text = PROFILE.replace(*edit)
    path = write_profile(text % (("a" * 64,) * text.count("%s")))
    with pytest.raises(ProfileError) as caught:
        load_profile(path, {})
    issue = str(caught.value.issues[0])
    assert issue.startswith(f"{path}:") and "report.signatories." in issue and message in issue, issue
