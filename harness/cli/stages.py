"""``harness stage status|close``: the project's stages, and closing one with its signed report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from harness.cli.main import ExitCode, HarnessCommand, app, fail, print_json, stdout
from harness.errors import HarnessError
from harness.history import HistoryLocation, history_location
from harness.history.location import RULE
from harness.profile import LoadedProfile, load_profile
from harness.results.model import RunResult
from harness.stages.close import CloseOutcome
from harness.stages.ledger import Ledger
from harness.stages.status import StageState, State

stage_app = typer.Typer(
    name="stage", help="The project's stages: what is closed, what is missing, close a stage.", no_args_is_help=True
)
app.add_typer(stage_app)

ProfileArgument = Annotated[
    Path, typer.Argument(metavar="PROFILE", help="The project's profile (its stages: and history).", show_default=False)
]
HistoryOption = Annotated[
    str | None,
    typer.Option(
        "--history",
        metavar="PATH|URL",
        help=f"The run history holding the stage ledger: a SQLite file or a URL; {RULE}.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
_STATE_STYLE = {State.CLOSED: "green", State.OPEN: "yellow", State.LATER: "dim", State.SKIPPED: "dim"}


def _open(profile: Path, history: str | None) -> tuple[LoadedProfile, HistoryLocation]:
    try:
        loaded = load_profile(profile)
        where = history_location(loaded, HistoryLocation.parse(history) if history else None)
    except HarnessError as exc:
        fail(exc)
    if where is None:
        fail(
            HarnessError(
                "the profile disables the history (history.enabled: false): the stage ledger lives there; pass --history"
            )
        )
    return loaded, where


def _latest_run(loaded: LoadedProfile, where: HistoryLocation) -> RunResult | None:
    """The newest recorded run of this profile, read from its run directory (None if gone)."""
    from harness.history.runs import RunStore
    from harness.results.rundir import RunDirectory

    records = RunStore.open(where).list(loaded.name, limit=1)
    if not records or not records[0].run_dir:
        return None
    try:
        return RunDirectory(Path(records[0].run_dir)).read_run()
    except (HarnessError, OSError):
        return None


def _print_state(entry: StageState) -> None:
    names = entry.spec.names()
    style = _STATE_STYLE[entry.state]
    stdout.print(
        f"[bold]{entry.spec.id}[/] {escape(names['zh-CN'])} / {escape(names['en'])}: [{style}]{entry.state.value}[/]"
    )
    closure = entry.closure
    if closure is not None:
        stdout.print(f"    closed {closure.closed:%Y-%m-%d %H:%M:%S} UTC by run {escape(closure.run_id)}")
        stdout.print(f"    report {escape(closure.report_path)}")
        stdout.print(f"    PDF SHA-256 {closure.pdf_sha256}")
        for signer in closure.signers:
            when = f" at {signer.signed_at:%Y-%m-%d %H:%M:%S %Z}" if signer.signed_at else ""
            stdout.print(f"    signed by {signer.party}: {escape(signer.signer)}{when}")
    elif entry.state is State.SKIPPED:
        stdout.print(f"    skipped: {escape(entry.spec.reason)}")
    for item in entry.missing:
        stdout.print(f"    missing: {escape(item)}")


@stage_app.command("status", cls=HarnessCommand)
def status(profile: ProfileArgument, history: HistoryOption = None, as_json: JsonOption = False) -> None:
    """Every stage of the project: closed (the report: run, PDF SHA-256, who signed and when), skipped,
    open (the current one, with what it still lacks) or later."""
    from harness.stages.runtime import plan_of
    from harness.stages.status import stage_states

    loaded, where = _open(profile, history)
    try:
        closures = Ledger.open(where).closures(loaded.profile.project.name)
        latest = _latest_run(loaded, where)
    except HarnessError as exc:
        fail(exc)
    states = stage_states(plan_of(loaded.profile), closures, latest)
    if as_json:
        print_json([
            {
                "stage": s.spec.id, "names": s.spec.names(), "state": s.state.value, "missing": list(s.missing),
                "closure": None if s.closure is None else {
                    "run_id": s.closure.run_id, "pdf_sha256": s.closure.pdf_sha256, "report": s.closure.report_path,
                    "closed": s.closure.closed.isoformat(), "signers": [x.model_dump(mode="json") for x in s.closure.signers],
                },
            }
            for s in states
        ])  # fmt: skip
        return
    stdout.print(f"{escape(loaded.profile.project.name)}: stages in order")
    for entry in states:
        _print_state(entry)


def _print_outcome(outcome: CloseOutcome) -> None:
    if outcome.closure is not None:
        closure = outcome.closure
        stdout.print(
            f"closed: stage {closure.stage} by run {closure.run_id} (PDF SHA-256 {closure.pdf_sha256}), signed by "
            + ", ".join(f"{s.party} {s.signer}" for s in closure.signers)
        )
        return
    stdout.print(f"[red]refused[/]: stage {outcome.stage} was not closed:")
    for problem in outcome.problems:
        stdout.print(f"  - {escape(problem)}")


@stage_app.command("close", cls=HarnessCommand)
def close(
    profile: ProfileArgument,
    stage: Annotated[str, typer.Argument(help="The stage to close (its id, e.g. testing).", show_default=False)],
    report: Annotated[
        Path,
        typer.Option("--report", metavar="FILE", help="The report signed by all three parties.", show_default=False),
    ],
    trust: Annotated[
        list[Path] | None, typer.Option("--trust", metavar="FILE", help="Trusted CA certificate (repeatable).")
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", metavar="DIR", help="The run directory (default: the run's, from the history)."),
    ] = None,
    history: HistoryOption = None,
) -> None:
    """Verify REPORT in full (three parties, trust, bound signers, evidence, verdict PASS, the stage's
    standard, the link to the previous stage) and record it as closing STAGE. Exit 0 when closed, 1 when
    refused (every reason printed), 2 on errors."""
    from harness.history.runs import RunStore
    from harness.signing.verify import REPORT_COPY
    from harness.stages.close import close_stage
    from harness.stages.runtime import plan_of
    from harness.stages.statement import read_statement

    loaded, where = _open(profile, history)
    try:
        if evidence is None and report.is_file():
            statement = read_statement(report.read_bytes())
            record = RunStore.open(where).get(statement.run_id) if statement else None
            run_dir = Path(record.run_dir) if record and record.run_dir else None
            if run_dir is not None and (run_dir / REPORT_COPY).is_file():
                evidence = run_dir
        outcome = close_stage(
            plan_of(loaded.profile), loaded.profile.project.name, stage, report, trust or [], Ledger.open(where),
            evidence_dir=evidence,
        )  # fmt: skip
    except HarnessError as exc:
        fail(exc)
    _print_outcome(outcome)
    raise typer.Exit(ExitCode.PASS if outcome.closed else ExitCode.FAIL)


def verify_chain_command(paths: list[Path], trust: list[Path], *, as_json: bool) -> NoReturn:
    """``harness verify --chain``: print each report's place in the chain and every problem; exit 0 when
    the whole chain holds, 1 otherwise, 2 when a file cannot be read."""
    from harness.stages.chain import verify_chain

    try:
        result = verify_chain(paths, trust)
    except HarnessError as exc:
        fail(exc)
    if as_json:
        print_json({
            "ok": result.ok,
            "problems": list(result.problems),
            "reports": [
                {
                    "path": str(r.path), "sha256": r.sha256, "ok": r.ok, "problems": list(r.problems),
                    "stage": r.statement.stage.id if r.statement else None,
                    "run_id": r.statement.run_id if r.statement else None,
                    "signers": [s.model_dump(mode="json") for s in r.signers()],
                }
                for r in result.reports
            ],
        })  # fmt: skip
        raise typer.Exit(ExitCode.PASS if result.ok else ExitCode.FAIL)
    for check in result.reports:
        stage = check.statement.stage.id if check.statement else "?"
        mark = "[green]OK[/]" if check.ok else "[red]FAILED[/]"
        stdout.print(f"{mark} {escape(stage)}: {escape(str(check.path))} (SHA-256 {check.sha256[:16]}…)")
        for problem in check.problems:
            stdout.print(f"    - {escape(problem)}")
    for problem in result.problems:
        stdout.print(f"[red]chain[/]: {escape(problem)}")
    stages = " -> ".join(c.statement.stage.id for c in result.reports if c.statement)
    if result.ok:
        stdout.print(f"OK: chain {stages} holds: every report signed by all three parties, standards met, links intact")
    else:
        stdout.print(f"FAILED: the chain {stages or '(none)'} does not hold")
    raise typer.Exit(ExitCode.PASS if result.ok else ExitCode.FAIL)
