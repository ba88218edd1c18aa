"""``harness uat template|record|import``: user acceptance results from business staff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from harness.cli.main import ExitCode, HarnessCommand, app, error_line, fail, stderr, stdout
from harness.errors import HarnessError
from harness.uat.checklist import load_checklist
from harness.uat.record import RecordSession, cases_to_record
from harness.uat.results import load_results, save_results
from harness.uat.suite import UatPaths, uat_paths

uat_app = typer.Typer(help="User acceptance testing: sheets to fill, interactive recording, importing results.")
app.add_typer(uat_app, name="uat")

ProfileArg = Annotated[Path, typer.Argument(metavar="PROFILE", help="The profile YAML file.", show_default=False)]
SuiteOption = Annotated[str, typer.Option("--suite", "-s", metavar="NAME", help="The uat suite of the profile.")]


@uat_app.command("template", cls=HarnessCommand)
def template(
    profile: ProfileArg,
    suite: SuiteOption = "uat",
    out: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The sheet file to write: .xlsx or .csv (default: SUITE-uat.xlsx)."
        ),
    ] = None,
) -> None:
    """Write a sheet (XLSX or CSV) listing the checklist's cases for business staff to fill in."""
    try:
        paths = uat_paths(profile, suite)
        checklist = load_checklist(paths.checklist)
        target = out or Path(f"{suite}-uat.xlsx")
        from harness.uat.sheet import write_template  # openpyxl: loaded only for sheets

        write_template(target, paths, checklist, load_results(paths.results))
    except HarnessError as exc:
        fail(exc)
    stdout.print(f"wrote {target} ({len(checklist.cases)} cases); fill it in, then: harness uat import {target}")


@uat_app.command("record", cls=HarnessCommand)
def record(
    profile: ProfileArg,
    suite: SuiteOption = "uat",
    tester: Annotated[
        str | None, typer.Option("--tester", metavar="NAME", help="Tester name (asked if not given).")
    ] = None,
    case: Annotated[
        list[str] | None, typer.Option("--case", metavar="ID", help="Record only this case (repeatable).")
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Go through every case, also recorded ones.")] = False,
) -> None:
    """Record results interactively: each case's steps, then pass/fail/blocked, comment and evidence."""
    try:
        paths = uat_paths(profile, suite)
        checklist = load_checklist(paths.checklist)
        results = load_results(paths.results)
    except HarnessError as exc:
        fail(exc)
    unknown = [c for c in case or [] if checklist.case(c) is None]
    if unknown:
        fail(
            HarnessError(
                f"no case {unknown[0]!r} in {paths.checklist}; cases: {', '.join(c.id for c in checklist.cases)}"
            )
        )
    chosen = cases_to_record(checklist, results, case or [], everything)
    if not chosen:
        stdout.print("every case already has a current result; use --all or --case ID to record again")
        return
    session = RecordSession(checklist, paths.results, Console(highlight=False), language=paths.language)
    try:
        session.run(chosen, tester)
    except (KeyboardInterrupt, EOFError):
        stderr.print(f"\nstopped; {len(session.recorded)} case(s) saved in {paths.results}")
        raise typer.Exit(3) from None
    except HarnessError as exc:
        fail(exc)


@uat_app.command("import", cls=HarnessCommand)
def import_sheet(
    sheet: Annotated[Path, typer.Argument(metavar="SHEET", help="A filled sheet (.xlsx or .csv).", show_default=False)],
    profile: Annotated[
        Path | None,
        typer.Option("--profile", metavar="FILE", help="The profile file (default: the one the sheet names)."),
    ] = None,
    suite: Annotated[
        str | None,
        typer.Option("--suite", "-s", metavar="NAME", help="The uat suite (default: the one the sheet names)."),
    ] = None,
) -> None:
    """Read a filled sheet and record its results (with evidence, hashed) for the suite it belongs to."""
    from harness.uat.apply import apply_sheet
    from harness.uat.sheet import SheetError, read_sheet

    try:
        filled = read_sheet(sheet)
        paths = _sheet_paths(filled.meta, profile, suite, sheet)
        checklist = load_checklist(paths.checklist)
        applied = apply_sheet(filled, checklist, load_results(paths.results), paths.results)
        save_results(paths.results, applied.results)
    except SheetError as exc:  # every problem of the sheet, one per line; nothing was recorded
        for problem in exc.problems:
            stderr.print(error_line(problem), soft_wrap=True)
        count = len(exc.problems)
        stderr.print(f"nothing recorded: fix the {count} problem{'s' if count != 1 else ''} above and import again")
        raise typer.Exit(ExitCode.USAGE) from None
    except HarnessError as exc:
        fail(exc)
    stdout.print(f"recorded {len(applied.recorded)} result(s) from {sheet} into {paths.results}", markup=False)
    for change in applied.changed:
        stdout.print(Text.assemble(("changed", "bold yellow"), f": {change}"), soft_wrap=True)
    if applied.pending:
        stdout.print(f"still pending: {', '.join(applied.pending)}", markup=False)


def _sheet_paths(meta: dict[str, str], profile: Path | None, suite: str | None, sheet: Path) -> UatPaths:
    profile_path = profile or (Path(meta["profile"]) if meta.get("profile") else None)
    suite_name = suite or meta.get("suite")
    if profile_path is None or not suite_name:
        raise HarnessError(
            f"{sheet}: the sheet does not say which profile/suite it belongs to; pass --profile and --suite"
        )
    return uat_paths(profile_path, suite_name)
