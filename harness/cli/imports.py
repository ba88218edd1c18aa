"""``harness import``: results of other tools into a run directory (existing or new), re-gated and re-exported."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, cast, get_args

import typer
from rich.markup import escape

from harness.cli.main import VERDICT_EXIT, ExitCode, HarnessCommand, app, fail, print_json, stderr, stdout
from harness.errors import HarnessError
from harness.history import HistoryLocation
from harness.importing import ImportOutcome, ImportRequest, import_into, new_run, parse_criteria
from harness.reports.summary import build_summary
from harness.results.importers import GROUP as IMPORTERS_GROUP
from harness.results.importers import load_importers
from harness.results.rundir import RunDirectory
from harness.results.severity import FailOn
from harness.runners.imports import expand

FAIL_ON: tuple[str, ...] = get_args(FailOn)
IMPORT_FORMATS = sorted(entry.name for entry in entry_points(group=IMPORTERS_GROUP))
"""Every installed importer, by name only (nothing is loaded until an import runs)."""


@app.command("import", cls=HarnessCommand)
def import_command(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE|DIR|GLOB...", help="Result files, directories or glob patterns.", show_default=False
        ),
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"The importer: {', '.join(IMPORT_FORMATS)}.")
    ],
    suite: Annotated[str, typer.Option("--suite", "-s", metavar="NAME", help="Name of the suite the results become.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", metavar="KIND", help="What the results are: unit, integration, performance, security, uat."
        ),
    ] = None,
    into: Annotated[
        Path | None, typer.Option("--into", metavar="RUN_DIR", help="An existing run directory to add the suite to.")
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="Create a new run directory holding only this suite.")] = False,
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Base directory for the --new run directory.")
    ] = Path("reports"),
    project: Annotated[
        str, typer.Option("--project", metavar="NAME", help="Project name for --new.")
    ] = "Imported results",
    language: Annotated[
        str, typer.Option("--language", metavar="zh-CN|en", help="Report language for --new.")
    ] = "zh-CN",
    criterion: Annotated[
        list[str] | None,
        typer.Option(
            "--criterion", "-c", metavar="EXPR", help="Acceptance criterion (repeatable); default: the kind's default."
        ),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a suite of the same name.")] = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="RISK",
            help="Security formats: lowest risk whose findings FAIL (critical, high, medium, low, never; default high).",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            metavar="SPEC",
            help="What baseline.* and findings.* criteria compare with: last-pass, previous, a run id or a tag "
            "(needs --history).",
        ),
    ] = None,
    history: Annotated[
        str | None,
        typer.Option(
            "--history",
            metavar="PATH|URL",
            help="The run history (a SQLite file or a postgresql:// URL) that baselines come from and the import is "
            "recorded in; an import without it is recorded nowhere.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary (with run_dir) as JSON.")] = False,
) -> None:
    """Import results that another tool produced, then gate and re-export the run (report.pdf, junit.xml, ...).

    FILES are files, directories (the files of the format inside them) or glob patterns, for every format.
    Exit code: the run's verdict (0 PASS, 1 FAIL, 3 INCOMPLETE); 2 for bad input, which changes nothing
    (with --new no run directory is left behind).
    """
    if (into is None) == (not new):
        fail(HarnessError("give exactly one of --into RUN_DIR or --new"))
    if language not in ("zh-CN", "en"):
        fail(HarnessError(f"--language must be zh-CN or en, not {language!r}"))
    if fail_on is not None and fail_on not in FAIL_ON:
        fail(HarnessError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}"))
    if baseline is not None and history is None:
        fail(HarnessError("--baseline needs --history: the baseline is a run of the history"))
    importers = load_importers()
    importer = importers.get(format)
    if importer is None:
        fail(HarnessError(f"unknown format {format!r}; known: {', '.join(sorted(importers))}"))
    try:
        sources = tuple(expand(files, Path.cwd()))
        request = ImportRequest(
            sources, importer, suite, kind or importer.default_kind, tuple(criterion or ()), replace,
            cast("FailOn | None", fail_on), baseline, HistoryLocation.of(history) if history is not None else None,
        )  # fmt: skip
        parse_criteria(request)  # before anything is created
        rundir = RunDirectory.open(into) if into is not None else None
    except HarnessError as exc:
        fail(exc)
    if rundir is None:
        with _discarded_on_failure(out) as created:
            rundir = new_run(out, project, language)[0]
            created.append(rundir.path)
            outcome = _import(rundir, request)
    else:
        outcome = _import(rundir, request)
    _render(outcome, as_json)


def _import(rundir: RunDirectory, request: ImportRequest) -> ImportOutcome:
    try:
        return import_into(rundir, request)
    except HarnessError as exc:
        fail(exc)
    except OSError as exc:  # a source vanished or became unreadable between expansion and reading
        fail(HarnessError(f"cannot read {exc.filename or 'an input file'}: {exc.strerror or exc}"))


@contextmanager
def _discarded_on_failure(base: Path) -> Iterator[list[Path]]:
    """Remove the run directory created inside (and ``base`` if it was created for it) unless the import
    got as far as a run: bad input must leave nothing behind, whatever the failure."""
    existed = base.exists()
    created: list[Path] = []
    try:
        yield created
    except BaseException as exc:
        if not (isinstance(exc, typer.Exit) and exc.exit_code != ExitCode.USAGE):
            for path in created:
                shutil.rmtree(path, ignore_errors=True)
            if not existed and base.is_dir() and not any(base.iterdir()):
                base.rmdir()
        raise


def _render(outcome: ImportOutcome, as_json: bool) -> None:
    for error in outcome.export_errors:
        stderr.print(f"[red]export failed[/]: {escape(error)}", soft_wrap=True)
    run, result = outcome.run, outcome.suite
    if as_json:
        print_json({**build_summary(run), "run_dir": str(outcome.run_dir)})
    else:
        metrics = result.metrics
        counts = ", ".join(f"{int(metrics[k])} {k}" for k in ("tests", "failed", "errors", "skipped") if k in metrics)
        stdout.print(
            f"imported {result.name} ({result.kind}): {result.status.value}" + (f", {counts}" if counts else "")
        )
        for note in result.notes:
            stdout.print(f"  note: {note}")
        for reason in run.verdict_reasons:
            stdout.print(f"  {reason}")
        stdout.print(f"verdict: {run.verdict.value}")
        stdout.print(f"run directory: {outcome.run_dir}")
    code = VERDICT_EXIT[run.verdict]
    raise typer.Exit(ExitCode.INCOMPLETE if outcome.export_errors and code is ExitCode.PASS else code)
