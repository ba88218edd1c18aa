"""``harness sign``, ``harness verify`` and ``harness keys demo``."""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from harness.cli.main import ExitCode, app, fail, print_json, stderr, stdout
from harness.errors import HarnessError
from harness.profile import load_profile
from harness.results.model import Signatory

if TYPE_CHECKING:  # pyHanko takes half a second to import: only the signing commands load it
    from harness.signing import VerificationReport
    from harness.signing.verify import SignatureReport

PASSWORD_ENV = "HARNESS_KEY_PASSWORD"

keys_app = typer.Typer(help="Make signing keys for trying the signing flow.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


class PartyChoice(StrEnum):
    project = "project"
    business = "business"
    supervision = "supervision"


def _quiet_pyhanko() -> None:
    """pyHanko logs (with tracebacks) what it also reports by return value or exception; the commands
    below turn those into one clear message each, so its log records would only repeat them."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


@app.command()
def sign(
    report: Annotated[Path, typer.Argument(help="The report PDF to sign (in place).", show_default=False)],
    party: Annotated[PartyChoice, typer.Option("--party", help="Whose signature field to sign.", show_default=False)],
    key: Annotated[Path, typer.Option("--key", help="The signer's PKCS#12 file (.p12/.pfx).", show_default=False)],
    password_env: Annotated[
        str, typer.Option("--password-env", help="Environment variable holding the PKCS#12 password.")
    ] = PASSWORD_ENV,
    tsa: Annotated[str | None, typer.Option("--tsa", help="RFC 3161 time-stamping authority URL (PAdES B-T).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the signed PDF here instead of in place.")] = None,
) -> None:
    """Sign one party's field of a report by incremental update (PAdES B-B, or B-T with --tsa).

    The first signature certifies the document (changes allowed afterwards: form filling, i.e. the
    other parties' signatures). On any error the report is left untouched. Exit 0 signed, 2 error.
    """
    _quiet_pyhanko()
    try:
        from harness.signing import sign_report

        outcome = sign_report(
            report, party=party.value, key=key, password=os.environ.get(password_env), tsa_url=tsa, out=out
        )
    except HarnessError as exc:
        fail(exc)
    kind = "certification signature (DocMDP: form filling allowed)" if outcome.certified else "approval signature"
    stamp = ", with TSA time-stamp (PAdES B-T)" if outcome.timestamped else " (PAdES B-B)"
    stdout.print(f"signed {outcome.field} of {outcome.path} as {outcome.signer}: {kind}{stamp}", soft_wrap=True)


def _when(report: SignatureReport) -> str:
    moment = report.timestamp or report.signing_time
    if moment is None:
        return "—"
    source = "TSA" if report.timestamp else "claimed"
    return f"{moment:%Y-%m-%d %H:%M:%S %Z} ({source})"


def _yes(value: bool) -> str:
    return "[green]yes[/]" if value else "[red]no[/]"


def _print_signature(entry: SignatureReport) -> None:
    label = entry.party or f"{entry.field} (not a party field)"
    if not entry.signed:
        stdout.print(f"[bold]{label}[/]: [yellow]not signed[/]")
        return
    verdict = "[green]OK[/]" if entry.ok else "[red]FAILED[/]"
    stdout.print(f"[bold]{label}[/]: signed — {verdict}", soft_wrap=True)
    signer = f"{entry.signer}, {entry.organisation}" if entry.organisation else entry.signer
    kind = "certification signature (DocMDP: form filling allowed)" if entry.certification else "approval signature"
    rows = [
        ("signer", f"{signer} (issued by {entry.issuer or '?'})"),
        ("kind", kind),
        ("time", _when(entry)),
        ("intact", _yes(entry.intact)),
        ("trusted", _yes(entry.trusted)),
        ("covers", entry.coverage),
        ("after it", "; ".join(entry.changes) or "—"),
    ]
    for key, value in rows:
        stdout.print(f"  {key:<9} {value}", soft_wrap=True)
    for problem in entry.problems:
        stdout.print(f"  [red]FAIL[/]    {problem}", soft_wrap=True)


def _print_report(result: VerificationReport) -> None:
    stdout.print(f"{result.path}: {result.revisions} revisions", soft_wrap=True)
    for entry in result.signatures:
        _print_signature(entry)
    evidence = result.evidence
    bad = [a for a in evidence.attachments if not a.ok]
    line = (
        f"evidence: {len(evidence.attachments)} attachments checked against their descriptions and manifest.json"
        f" ({evidence.manifest_files} files listed), {len(bad)} mismatching"
    )
    if evidence.checked_in_run_dir:
        line += f"; {evidence.checked_in_run_dir} manifest entries compared with the run directory"
    stdout.print(line, soft_wrap=True)
    for attachment in bad:
        for problem in attachment.problems:
            stdout.print(f"[red]FAIL[/] attachment {attachment.name}: {problem}", soft_wrap=True)
    for problem in (*result.problems, *evidence.problems):
        stdout.print(f"[red]FAIL[/] {problem}", soft_wrap=True)
    for note in (*result.notes, *evidence.notes):
        stdout.print(f"note: {note}", soft_wrap=True)
    stdout.print("verification: " + ("[bold green]OK[/]" if result.ok else "[bold red]FAILED[/]"))


def _as_json(result: VerificationReport) -> dict[str, object]:
    payload = asdict(result)
    payload["path"] = str(result.path)
    payload["ok"] = result.ok
    for entry, report in zip(payload["signatures"], result.signatures, strict=True):
        entry["ok"] = report.ok
        for key in ("signing_time", "timestamp"):
            entry[key] = entry[key].isoformat() if entry[key] else None
    payload["evidence"]["ok"] = result.evidence.ok
    return payload


@app.command()
def verify(
    report: Annotated[Path, typer.Argument(help="The report PDF.", show_default=False)],
    trust: Annotated[
        list[Path] | None, typer.Option("--trust", help="Trusted CA certificate, PEM or DER (repeatable).")
    ] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="The run directory: compare every file with the manifest.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full verification as JSON.")] = False,
    require_all: Annotated[bool, typer.Option("--require-all", help="Fail unless all three parties signed.")] = False,
) -> None:
    """Check every signature (signer, time, intact, trusted, what changed after it) and the evidence.

    Exit 0 when every present signature is intact and trusted, nothing but signing and form filling
    happened after any of them, and every attachment matches the manifest; 1 otherwise; 2 on errors.
    """
    _quiet_pyhanko()
    try:
        from harness.signing import verify_report

        result = verify_report(report, trust or [], evidence_dir=evidence, require_all=require_all)
    except HarnessError as exc:
        fail(exc)
    if as_json:
        print_json(_as_json(result))
    else:
        _print_report(result)
    raise typer.Exit(ExitCode.PASS if result.ok else ExitCode.FAIL)


@keys_app.command("demo")
def keys_demo(
    out: Annotated[Path, typer.Option("--out", help="Directory for the DEMO keys.", show_default=False)],
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Name the certificates after this profile's signatories.")
    ] = None,
) -> None:
    """Make a DEMO CA (ca.pem) and one PKCS#12 file per party. For trying the flow only: never commit them."""
    try:
        signatories: dict[str, Signatory] | None = None
        if profile is not None:
            chosen = load_profile(profile).profile.report.signatories
            signatories = {party: getattr(chosen, party) for party in ("project", "business", "supervision")}
        from harness.signing import DEMO_PASSWORD, make_demo_keys

        paths = make_demo_keys(out, signatories)
    except HarnessError as exc:
        fail(exc)
    for name, path in paths.items():
        stdout.print(f"{name:<12} {path}")
    stderr.print(
        f"[yellow]DEMO keys[/]: not for production, never commit them. Password of the .p12 files: "
        f'"{DEMO_PASSWORD}" (export {PASSWORD_ENV}={DEMO_PASSWORD})'
    )
