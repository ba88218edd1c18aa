"""``harness keys demo``, ``harness sign`` and ``harness verify`` through the installed console script, what
they load, and the whole flow on a real demo run (slow)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.signing import DEMO_PASSWORD
from harness.signing.evidence import embedded_files

PASSWORD = {"HARNESS_KEY_PASSWORD": DEMO_PASSWORD}
RunCli = Callable[..., "object"]


def test_keys_demo_fits_the_demo_profile_and_never_overwrites(run_cli: RunCli, repo: Path, tmp_path: Path) -> None:
    made = run_cli("keys", "demo", "--out", "keys", "--profile", str(repo / "profiles" / "demo.yaml"))
    assert made.code == 0, made.stderr
    assert "DEMO" in made.stderr and "never commit" in made.stderr
    readme = (tmp_path / "keys" / "README-DEMO.txt").read_text()
    assert "DEMO SIGNING KEYS - NOT FOR PRODUCTION" in readme
    assert "supervision: 赵强 (DEMO), 某某工程监理有限公司" in readme
    for name in ("ca.pem", "ca-key.pem", "ca.crl", "project.p12", "business.p12", "supervision.p12"):
        assert (tmp_path / "keys" / name).is_file(), name
    again = run_cli("keys", "demo", "--out", "keys")
    assert again.code == 2 and "already holds" in again.stderr


def test_sign_and_verify_print_what_a_person_acts_on(
    run_cli: RunCli, unsigned_report: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    shutil.copy(unsigned_report, report)
    unsigned = run_cli("verify", str(report), "--trust", str(keys["ca"]))
    assert unsigned.code == 1 and "FAILED (0 of 3 parties signed)" in unsigned.stdout
    partial = run_cli("verify", str(report), "--trust", str(keys["ca"]), "--partial")
    assert partial.code == 0 and "PARTIAL: 0 of 3 parties signed" in partial.stdout

    for party in ("project", "supervision", "business"):
        signed = run_cli("sign", str(report), "--party", party, "--key", str(keys[party]), env=PASSWORD)
        assert signed.code == 0, signed.stderr
        assert f"signed sig_{party} of {report} as CN=" in signed.stdout and "PAdES B-B" in signed.stdout
    assert "certification signature" not in signed.stdout  # only the first one certifies

    table = run_cli("verify", str(report), "--trust", str(keys["ca"]), "--evidence", str(unsigned_report.parent))
    assert table.code == 0, table.stdout
    for row in ("expected signer", "actual signer", "issuing CA", "signing time", "time-stamp", "intact",
                "trusted", "bound to party", "covers whole file"):  # fmt: skip
        assert row in table.stdout, row
    assert "CN=赵强 (DEMO), OU=总监理工程师, O=某某工程监理有限公司, C=CN" in table.stdout
    assert "trusted: CN=DEMO Acceptance Root CA - NOT FOR PRODUCTION, O=DEMO, C=CN (SHA-256 " in table.stdout
    assert table.stdout.rstrip().endswith(
        "OK: 3 of 3 parties signed, nothing changed since, evidence matches the run directory"
    )

    as_json = run_cli("verify", str(report), "--trust", str(keys["ca"]), "--json")
    assert as_json.code == 0
    payload = json.loads(as_json.stdout)
    assert payload["ok"] is True and payload["signed_parties"] == ["project", "business", "supervision"]
    assert payload["bottom_line"] == "OK: 3 of 3 parties signed, nothing changed since"
    parties = {s["party"]: s for s in payload["signatures"]}
    assert parties["project"]["certification"] is True
    assert all(s["bound"] and s["covers_whole_file"] and len(s["issuer_sha256"]) == 64 for s in parties.values())

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(report.read_bytes() + b"\n% unsigned addendum\n")
    failed = run_cli("verify", str(tampered), "--trust", str(keys["ca"]))
    assert failed.code == 1
    assert "unsigned content appended after the last signature" in failed.stdout
    assert "FAILED (3 of 3 parties signed): unsigned content appended" in failed.stdout


def test_sign_errors_exit_2_with_one_line_and_leave_the_file(
    run_cli: RunCli, unsigned_report: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    shutil.copy(unsigned_report, report)
    before = report.read_bytes()

    def refused(*args: str, env: dict[str, str] = PASSWORD) -> str:
        result = run_cli("sign", str(report), *args, env=env)
        assert result.code == 2, result.stdout
        assert report.read_bytes() == before
        assert "Traceback" not in result.stderr  # pyHanko's own log of the failure is not shown
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
        return result.stderr

    assert "password is wrong" in refused("--party", "project", "--key", str(keys["project"]),
                                          env={"HARNESS_KEY_PASSWORD": "wrong"})  # fmt: skip
    wrong_key = refused("--party", "supervision", "--key", str(keys["business"]))
    assert "refused: the supervision field must be signed by 赵强" in wrong_key
    assert "use the supervision party's own key" in wrong_key
    assert "--timestamp-url" in refused("--party", "project", "--key", str(keys["project"]), "--with-revocation")
    bad_party = run_cli("sign", str(report), "--party", "minister", "--key", str(keys["project"]), env=PASSWORD)
    assert bad_party.code == 2

    custom = run_cli("sign", str(report), "--party", "project", "--key", str(keys["project"]),
                     "--password-env", "MY_P12_PASSWORD", env={"MY_P12_PASSWORD": DEMO_PASSWORD})  # fmt: skip
    assert custom.code == 0, custom.stderr
    before = report.read_bytes()
    assert "already signed" in refused("--party", "project", "--key", str(keys["project"]))


@pytest.mark.parametrize("command", ["sign", "verify"])
def test_the_signing_commands_load_neither_the_report_layer_nor_the_runners(
    command: str, signed_report: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    shutil.copy(signed_report, report)
    args = ["verify", str(report), "--trust", str(keys["ca"])] if command == "verify" else [
        "sign", str(report), "--party", "project", "--key", str(keys["project"])]  # already signed: refused
    code = f"import sys; sys.argv = ['harness', *{args!r}]; from harness.cli import main; main()"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          env={"HARNESS_KEY_PASSWORD": DEMO_PASSWORD, "PATH": "/usr/bin:/bin"}, timeout=120)  # fmt: skip
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "pyhanko.sign" in loaded and done.returncode == (0 if command == "verify" else 2)  # it did its work
    for heavy in ("reportlab", "harness.reports", "harness.runners", "harness.results.model", "harness.profile",
                  "locust", "harness.cli.run", "harness.cli.history"):  # fmt: skip
        assert heavy not in loaded, heavy


@pytest.mark.slow
def test_demo_acceptance_run_signed_by_three_parties(
    run_cli: RunCli, repo: Path, demo_run_dir: tuple[object, Path]
) -> None:
    """The product's whole flow as the README shows it: a real demo run, DEMO keys issued for the demo
    profile's signatories, three signatures, verification against the run directory — and the login
    secret nowhere in the PDF."""
    _, run_dir = demo_run_dir
    report = run_dir / "report.pdf"
    assert run_cli("keys", "demo", "--out", "keys", "--profile", str(repo / "profiles" / "demo.yaml")).code == 0
    for party in ("supervision", "business", "project"):
        signed = run_cli("sign", str(report), "--party", party, "--key", f"keys/{party}.p12", env=PASSWORD)
        assert signed.code == 0, signed.stderr
    verified = run_cli("verify", str(report), "--trust", "keys/ca.pem", "--evidence", str(run_dir))
    assert verified.code == 0, verified.stdout
    assert "CN=赵强 (DEMO)" in verified.stdout
    assert "OK: 3 of 3 parties signed, nothing changed since, evidence matches the run directory" in verified.stdout
    wrong = run_cli("sign", str(run_dir / "report.pdf"), "--party", "project", "--key", "keys/business.p12",
                    env=PASSWORD)  # fmt: skip
    assert wrong.code == 2 and "already signed" in wrong.stderr

    secret = "demo-officer-pw"  # the demo profile's login password (a redacted secret)
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "证据清单" in text and "raw/unit/" in text
    attachments = embedded_files(PdfFileReader(BytesIO(report.read_bytes())))
    assert any(name == "raw/integration/junit.xml" for name, _, _ in attachments)
    assert secret.encode() not in report.read_bytes()
    assert secret not in text
    for name, data, _ in attachments:
        assert secret.encode() not in data, name
