"""``harness run``, ``harness validate`` and ``harness report``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from harness.cli.main import VERDICT_EXIT, ExitCode, HarnessCommand, app, error_line, fail, print_json, stderr, stdout
from harness.cli.options import HistoryOption
from harness.errors import HarnessError
from harness.plan import Plan, load_plan, select
from harness.runners.registry import load_runners

# the pipeline (history, SQLAlchemy, target) and the exporters (reportlab, pyHanko) are loaded by the
# commands that use them: `harness validate` needs neither
if TYPE_CHECKING:
    from harness.pipeline import RunOutcome

ProfileArg = Annotated[Path, typer.Argument(metavar="PROFILE", help="The profile YAML file.", show_default=False)]

_VERDICT_STYLE = {"PASS": "bold green", "FAIL": "bold red", "INCOMPLETE": "bold yellow"}


def _plan(profile: Path) -> Plan:
    try:
        return load_plan(profile, load_runners())
    except HarnessError as exc:
        fail(exc)


@app.command(cls=HarnessCommand)
def run(
    profile: ProfileArg,
    suite: Annotated[
        list[str] | None,
        typer.Option(
            "--suite", "-s", metavar="NAME", help="Run only this suite (repeatable); the run is marked partial."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Base directory for the run directory (default: the profile's output.dir, else reports); "
            "the history does not move with it.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary (with run_dir) on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output on stderr.")] = False,
    history: HistoryOption = None,
) -> None:
    """Run a profile's suites, gate on its criteria and write the run directory with report.pdf.

    Exit code: 0 PASS, 1 FAIL, 2 usage or profile error, 3 INCOMPLETE.
    """
    from harness.pipeline import execute
    from harness.progress import ConsoleProgress, QuietProgress
    from harness.reports.summary import build_summary

    plan = _plan(profile)
    try:
        selected = select(plan, suite or [])
        outcome = execute(
            plan,
            selected=selected,
            out_dir=out,
            progress=QuietProgress() if quiet else ConsoleProgress(stderr),
            history=history,
        )
    except HarnessError as exc:
        fail(exc)
    if outcome.export_errors:
        stderr.print(error_line(_problems_line(outcome)), soft_wrap=True)
    if as_json:
        print_json({**build_summary(outcome.run), "run_dir": str(outcome.run_dir)})
    else:
        _print_outcome(outcome)
    code = VERDICT_EXIT[outcome.run.verdict]
    raise typer.Exit(ExitCode.INCOMPLETE if outcome.export_errors and code is ExitCode.PASS else code)


def _problems_line(outcome: RunOutcome) -> str:
    """What could not be written or recorded, as one line (the first problem, and how many more)."""
    first, *more = outcome.export_errors
    also = f" (and {len(more)} more problem{'s' if len(more) != 1 else ''})" if more else ""
    return f"the run's evidence is incomplete: {first}{also}"


def _print_outcome(outcome: RunOutcome) -> None:
    from rich.table import Table

    from harness.results.metrics import headline
    from harness.results.selection import partial_run

    run = outcome.run
    table = Table(show_edge=False, header_style="bold")
    for column in ("suite", "kind", "status", "result"):
        table.add_column(column)
    for result in run.suites:
        status = result.status.value + (", stopped early" if result.stopped and result.status.value == "failed" else "")
        table.add_row(result.name, result.kind, status, headline(result))
    stdout.print(table)
    for criterion in run.criteria:
        if criterion.outcome.value != "passed":
            partial = " on partial results" if criterion.partial else ""
            line = (
                f"  {criterion.outcome.value}: [{criterion.suite}] {criterion.expression} "
                f"(measured {criterion.measured_text or '—'}{partial}) {criterion.message}"
            )
            stdout.print(line, markup=False)  # suite names and expressions are data, not rich markup
    for reason in run.verdict_reasons:
        stdout.print(f"  - {reason}", markup=False, soft_wrap=True)
    left_out = partial_run(run).not_selected  # suite names are [A-Za-z0-9_.-]: no markup in them
    verdict = f"verdict: [{_VERDICT_STYLE[run.verdict.value]}]{run.verdict.value}[/]"
    if left_out:
        verdict += f" [bold yellow](partial run: {', '.join(left_out)} not selected)[/]"
    stdout.print(verdict)
    stdout.print(f"run directory: {outcome.run_dir}")
    report = outcome.run_dir / "report.pdf"
    if report.is_file():
        stdout.print(f"report: {report}")


@app.command(cls=HarnessCommand)
def validate(profile: ProfileArg) -> None:
    """Check a profile (structure, suite options, criteria) without running anything. Exit 2 on errors."""
    plan = _plan(profile)
    enabled = [p.suite.name for p in plan.suites if p.enabled]
    disabled = [p.suite.name for p in plan.suites if not p.enabled]
    counted = f"{len(enabled)} suite{'' if len(enabled) == 1 else 's'}: {', '.join(enabled) or 'none'}"
    also = f"; disabled: {', '.join(disabled)}" if disabled else ""
    stdout.print(f"OK: {profile} ({counted}{also})", markup=False, soft_wrap=True)
    stdout.print("effective acceptance criteria (defaults marked):", markup=False)
    for line in _criteria_lines(plan):
        stdout.print(line, markup=False, soft_wrap=True)


def _criteria_lines(plan: Plan) -> list[str]:
    """Every suite's effective criteria, defaults marked, and how its runner judges beyond them."""
    lines = []
    for planned in plan.suites:
        suite = planned.suite
        lines.append(f"  {suite.name} ({suite.kind}{'' if planned.enabled else ', disabled'})")
        for criterion, default in planned.effective_criteria:
            written = criterion.text.rsplit(":", 1)[-1].strip() == criterion.action.value
            action = "" if written or criterion.action.value == "fail" else f" : {criterion.action.value}"
            lines.append(f"    {criterion.text}{action}{'   (default)' if default else ''}")
        if not planned.effective_criteria:
            lines.append("    none: the suite's own status decides (failed fails the run)")
        lines += [f"    {note}" for note in planned.gate_notes]
    return lines


@app.command(cls=HarnessCommand)
def report(
    run_dir: Annotated[
        Path, typer.Argument(metavar="RUN_DIR", help="A run directory (reports/<run-id>/).", show_default=False)
    ],
) -> None:
    """Rebuild report.pdf and the CI exports of a run directory from its run.json.

    Exit code: 0 when every export was written, 3 when one failed (the others are still written), 2 for a
    directory that is not a run directory.
    """
    from harness.reports import export_run
    from harness.results.rundir import RunDirectory

    try:
        rundir = RunDirectory.open(run_dir)
        exported = export_run(rundir.read_run(), rundir)
    except HarnessError as exc:
        fail(exc)
    for path in exported.written:  # only what this command wrote: a failed export leaves no path behind
        if path.parent == rundir.path:
            stdout.print(f"wrote: {path}", markup=False, soft_wrap=True)
    pdf = rundir.path / "report.pdf"
    if pdf in exported.written:
        stdout.print(f"report: {pdf}", markup=False, soft_wrap=True)
    if exported.errors:
        first, *more = exported.errors
        also = f" (and {len(more)} more)" if more else ""
        stderr.print(error_line(f"export failed: {first}{also}"), soft_wrap=True)
        raise typer.Exit(ExitCode.INCOMPLETE)
