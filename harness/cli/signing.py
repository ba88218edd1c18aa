"""``harness sign``, ``harness verify`` and ``harness keys demo``.

The signing libraries load inside the commands, and the profile (pydantic) only for ``keys demo``:
``harness sign`` and ``harness verify`` should cost little more than pyHanko itself.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from harness.cli.main import ExitCode, HarnessCommand, app, fail, print_json, stderr, stdout
from harness.errors import HarnessError
from harness.results.signoff import PARTIES  # the light copy: `harness sign` loads no result model

if TYPE_CHECKING:  # pyHanko takes half a second to import: only the signing commands load it
    from rich.table import Table

    from harness.signing import SignOutcome, VerificationReport

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


def _level(outcome: SignOutcome) -> str:
    if outcome.revocation_embedded:
        return "PAdES B-LT (time-stamp and revocation data embedded)"
    return "PAdES B-T (time-stamped)" if outcome.timestamped else "PAdES B-B"


@app.command(cls=HarnessCommand)
def sign(
    report: Annotated[
        Path, typer.Argument(metavar="REPORT_PDF", help="The report PDF to sign (in place).", show_default=False)
    ],
    party: Annotated[
        PartyChoice,
        typer.Option(
            "--party", metavar="project|business|supervision", help="Whose signature field to sign.", show_default=False
        ),
    ],
    key: Annotated[
        Path,
        typer.Option("--key", metavar="FILE", help="The signer's PKCS#12 file (.p12/.pfx).", show_default=False),
    ],
    password_env: Annotated[
        str,
        typer.Option("--password-env", metavar="VAR", help="Environment variable holding the PKCS#12 password."),
    ] = PASSWORD_ENV,
    timestamp_url: Annotated[
        str | None,
        typer.Option(
            "--timestamp-url", "--tsa", metavar="URL", help="RFC 3161 time-stamping authority URL (PAdES B-T)."
        ),
    ] = None,
    with_revocation: Annotated[
        bool,
        typer.Option(
            "--with-revocation",
            help="Embed the chains' CRLs/OCSP responses, fetched now, so the report verifies offline later "
            "(PAdES B-LT; needs --timestamp-url).",
        ),
    ] = False,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust", metavar="FILE", help="A root the chains end in, e.g. the TSA's CA (with --with-revocation)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the signed PDF to this file instead of in place."),
    ] = None,
) -> None:
    """Sign one party's field of a report by incremental update (PAdES B-B; B-T, B-LT with the options).

    Only the certificate the report expects for the party may sign (the profile's
    report.signatories.<party>.certificate, stated in the report when it was generated). The first
    signature certifies the document (changes allowed afterwards: form filling, i.e. the other
    parties' signatures). On any error the report is left untouched. Exit 0 signed, 2 error.
    """
    _quiet_pyhanko()
    try:
        from harness.signing.sign import sign_report

        outcome = sign_report(
            report,
            party=party.value,
            key=key,
            password=os.environ.get(password_env),  # named on the command line: the CLI reads it
            timestamp_url=timestamp_url,
            with_revocation=with_revocation,
            trust=trust or [],
            out=out,
        )
    except HarnessError as exc:
        fail(exc)
    kind = "certification signature (DocMDP: form filling allowed)" if outcome.certified else "approval signature"
    stdout.print(
        f"signed {outcome.field} of {outcome.path} as {outcome.signer} at {outcome.signing_time:%Y-%m-%d %H:%M:%S %z}: "
        f"{kind}, {_level(outcome)}",
        soft_wrap=True,
        markup=False,
    )


_COLOURS = {"ok": "green", "bad": "red", "warn": "yellow", "partial": "yellow"}


def _markup(lines: tuple[str, ...] | list[str], state: str) -> str:
    text = escape("\n".join(lines))
    return f"[{_COLOURS[state]}]{text}[/]" if state in _COLOURS else text


def _table(result: VerificationReport) -> Table:
    from rich.table import Table  # only the printed report needs it, not --json

    from harness.signing.table import verification_columns, verification_rows

    table = Table(title=f"{result.path} — {result.revisions} revisions", title_justify="left", show_lines=True)
    table.add_column("", style="bold", no_wrap=True)
    columns = verification_columns(result)
    for column in columns:
        table.add_column(_markup([column.head], "bad" if column.state == "bad" else ""), overflow="fold")
    for name, cells in verification_rows(columns):
        table.add_row(name, *(_markup(cell.lines, cell.state) for cell in cells))
    return table


def _print_report(result: VerificationReport) -> None:
    from harness.signing.table import bottom_line_state, evidence_line, problem_lines

    # a table a person reads: the terminal's width, or a wide one in logs, where nothing wraps it again
    console = stdout if stdout.is_terminal else Console(width=220, highlight=False)
    console.print(_table(result))
    signatures = sum(len(entry.problems) for entry in result.signatures)
    problems = problem_lines(result)
    for problem in problems[:signatures]:  # a party's signature first, as the table shows them
        stdout.print(f"[red]FAIL[/] {escape(problem)}", soft_wrap=True)
    stdout.print(evidence_line(result), soft_wrap=True, markup=False)
    for problem in problems[signatures:]:
        stdout.print(f"[red]FAIL[/] {escape(problem)}", soft_wrap=True)
    for note in (*result.notes, *result.evidence.notes):
        stdout.print(f"note: {note}", soft_wrap=True, markup=False)
    anchors = "; ".join(result.trust_anchors) or "none (--trust CA.pem)"
    stdout.print(f"trusted: {anchors}", soft_wrap=True, markup=False)
    colour = _COLOURS[bottom_line_state(result)]
    stdout.print(f"[bold {colour}]{escape(result.bottom_line)}[/]", soft_wrap=True)


def _as_json(result: VerificationReport) -> dict[str, object]:
    payload = asdict(result)
    payload["path"] = str(result.path)
    payload["ok"] = result.ok
    payload["bottom_line"] = result.bottom_line
    payload["signed_parties"] = list(result.signed_parties)
    for entry, report in zip(payload["signatures"], result.signatures, strict=True):
        entry["ok"] = report.ok
        for key in ("signing_time", "timestamp"):
            entry[key] = entry[key].isoformat() if entry[key] else None
    payload["evidence"]["ok"] = result.evidence.ok
    return payload


@app.command(cls=HarnessCommand)
def verify(
    reports: Annotated[
        list[Path],
        typer.Argument(
            metavar="REPORT_PDF...",
            help="The report PDF (with --chain: the stage reports, or directories holding them).",
            show_default=False,
        ),
    ],
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            metavar="FILE",
            help="Trusted CA certificate, PEM or DER (repeatable): signers' and TSAs' roots.",
        ),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            metavar="RUN_DIR",
            help="The run directory: compare its whole evidence set with the manifest.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full verification as JSON.")] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="Accept a report not all parties signed yet (to check before signing).")
    ] = False,
    require_all: Annotated[
        bool, typer.Option("--require-all", hidden=True, help="All three parties must sign (the default).")
    ] = True,
    chain: Annotated[
        bool,
        typer.Option(
            "--chain", help="Verify the chain of stage reports: each closing report and the links between them."
        ),
    ] = False,
) -> None:
    """Check every signature (signer against the party's expected certificate, time, intact, trusted,
    what changed after it), the report's history and the evidence; print one table and a bottom line.

    Exit 0 when all three parties signed (or, with --partial, every present signature checks out), each
    with the certificate the report expects for that party, intact and trusted, nothing but signing and
    form filling happened after any of them, and the evidence matches the manifest; 1 otherwise; 2 on errors.
    """
    _quiet_pyhanko()
    if chain:
        from harness.cli.stages import verify_chain_command  # the stage chain: harness/stages/chain.py

        verify_chain_command(reports, trust or [], as_json=as_json)
    if len(reports) != 1:
        fail(HarnessError(f"give one report PDF to verify, not {len(reports)} (or --chain for stage reports)"))
    report = reports[0]
    try:
        from harness.signing.verify import verify_report

        result = verify_report(report, trust or [], evidence_dir=evidence, partial=partial)
    except HarnessError as exc:
        fail(exc)
    if as_json:
        print_json(_as_json(result))
    else:
        _print_report(result)
    raise typer.Exit(ExitCode.PASS if result.ok else ExitCode.FAIL)


@keys_app.command("demo", cls=HarnessCommand)
def keys_demo(
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Directory to write the DEMO keys into.", show_default=False)
    ],
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            metavar="FILE",
            help="A profile file: issue each party's certificate to fit its report.signatories.",
        ),
    ] = None,
    crl_url: Annotated[
        str | None,
        typer.Option("--crl-url", metavar="URL", help="Where the certificates say the DEMO CA's CRL is served."),
    ] = None,
) -> None:
    """Make a DEMO CA (ca.pem, its key and CRL) and one PKCS#12 file per party. For trying the flow only:
    never commit them."""
    try:
        from harness.signing.keys import DEFAULT_CRL_URL, DEMO_PASSWORD, make_demo_keys

        signatories = None
        if profile is not None:
            from harness.profile import load_profile

            chosen = load_profile(profile).profile.report.signatories
            signatories = {party: getattr(chosen, party) for party in PARTIES}
        paths = make_demo_keys(out, signatories, crl_url=crl_url or DEFAULT_CRL_URL)
    except HarnessError as exc:
        fail(exc)
    for name, path in paths.items():
        stdout.print(f"{name:<12} {path}", markup=False)
    stderr.print(
        f"[yellow]DEMO keys[/]: not for production, never commit them. Password of the .p12 files: "
        f'"{DEMO_PASSWORD}" (export {PASSWORD_ENV}={DEMO_PASSWORD})'
    )
