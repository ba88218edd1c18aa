"""``harness keys demo``, ``harness sign`` and ``harness verify`` through the installed console script,
and the whole flow on a real demo run (slow)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.signing import DEMO_PASSWORD
from harness.signing.evidence import embedded_files

PASSWORD = {"HARNESS_KEY_PASSWORD": DEMO_PASSWORD}


def test_keys_sign_verify_round_trip(run_cli: Callable[..., object], unsigned_report: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    shutil.copy(unsigned_report, report)
    made = run_cli("keys", "demo", "--out", "keys")
    assert made.code == 0, made.stderr
    assert "DEMO" in made.stderr and "never commit" in made.stderr
    assert "DEMO SIGNING KEYS - NOT FOR PRODUCTION" in (tmp_path / "keys" / "README-DEMO.txt").read_text()
    again = run_cli("keys", "demo", "--out", "keys")
    assert again.code == 2 and "already holds" in again.stderr

    unsigned = run_cli("verify", str(report), "--trust", "keys/ca.pem", "--require-all")
    assert unsigned.code == 1 and "project: not signed" in unsigned.stdout

    for party in ("project", "supervision", "business"):
        signed = run_cli("sign", str(report), "--party", party, "--key", f"keys/{party}.p12", env=PASSWORD)
        assert signed.code == 0, signed.stderr
        assert f"signed sig_{party}" in signed.stdout
    assert "certification signature" not in signed.stdout  # only the first one certifies

    result = run_cli(
        "verify", str(report), "--trust", "keys/ca.pem", "--require-all", "--evidence", str(unsigned_report.parent),
        "--json",
    )  # fmt: skip
    assert result.code == 0, result.stdout
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    parties = {s["party"]: s for s in payload["signatures"]}
    assert parties["project"]["certification"] is True
    assert all(s["signed"] and s["intact"] and s["trusted"] for s in parties.values())
    assert payload["evidence"]["checked_in_run_dir"] > 0

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(report.read_bytes() + b"\n% unsigned addendum\n")
    failed = run_cli("verify", str(tampered), "--trust", "keys/ca.pem")
    assert failed.code == 1
    assert "unsigned content appended after the last signature" in failed.stdout
    assert "verification: FAILED" in failed.stdout


def test_sign_errors_exit_2_and_leave_the_file(
    run_cli: Callable[..., object], unsigned_report: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    shutil.copy(unsigned_report, report)
    assert run_cli("keys", "demo", "--out", "keys").code == 0
    before = report.read_bytes()
    wrong = run_cli("sign", str(report), "--party", "project", "--key", "keys/project.p12",
                    env={"HARNESS_KEY_PASSWORD": "wrong"})  # fmt: skip
    assert wrong.code == 2
    assert "password is wrong" in wrong.stderr
    assert "Traceback" not in wrong.stderr  # pyHanko's own log of the failure is not shown
    custom = run_cli("sign", str(report), "--party", "project", "--key", "keys/project.p12",
                     "--password-env", "MY_P12_PASSWORD", env={"MY_P12_PASSWORD": DEMO_PASSWORD})  # fmt: skip
    assert custom.code == 0, custom.stderr
    signed_once = report.read_bytes()
    twice = run_cli("sign", str(report), "--party", "project", "--key", "keys/project.p12", env=PASSWORD)
    assert twice.code == 2 and "already signed" in twice.stderr
    assert report.read_bytes() == signed_once != before
    bad_party = run_cli("sign", str(report), "--party", "minister", "--key", "keys/project.p12", env=PASSWORD)
    assert bad_party.code == 2


@pytest.mark.slow
def test_demo_acceptance_run_signed_by_three_parties(
    run_cli: Callable[..., object], repo: Path, demo_run_dir: tuple[object, Path]
) -> None:
    """The product's whole flow: a real demo run, DEMO keys named after the profile's signatories,
    three signatures, verification against the run directory — and the login secret nowhere in the PDF."""
    _, run_dir = demo_run_dir
    report = run_dir / "report.pdf"
    assert run_cli("keys", "demo", "--out", "keys", "--profile", str(repo / "profiles" / "demo.yaml")).code == 0
    for party in ("supervision", "business", "project"):
        signed = run_cli("sign", str(report), "--party", party, "--key", f"keys/{party}.p12", env=PASSWORD)
        assert signed.code == 0, signed.stderr
    verified = run_cli("verify", str(report), "--trust", "keys/ca.pem", "--require-all", "--evidence", str(run_dir))
    assert verified.code == 0, verified.stdout
    assert "赵强 (DEMO), 某某工程监理有限公司" in verified.stdout

    secret = "demo-officer-pw"  # the demo profile's login password (a redacted secret)
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "证据清单" in text and "raw/unit/" in text
    attachments = embedded_files(PdfFileReader(BytesIO(report.read_bytes())))
    assert any(name == "raw/integration/junit.xml" for name, _, _ in attachments)
    assert secret.encode() not in report.read_bytes()
    assert secret not in text
    for name, data, _ in attachments:
        assert secret.encode() not in data, name
