"""``harness history list|diff|tag|import|migrate``: the run history on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harness.cli.main import ExitCode, HarnessCommand, app, fail, print_json, stderr, stdout
from harness.cli.options import HistoryOption, JsonOption, ProfileOption, chosen, location
from harness.errors import HarnessError
from harness.history import RunRecord, compare_runs
from harness.history.compare import assessment, change_text, count
from harness.reports.summary import comparison_summary
from harness.results.metrics import format_metric
from harness.results.model import Comparison, MetricDelta, Risk, SuiteComparison
from harness.results.rundir import RunDirectory

if TYPE_CHECKING:
    from harness.history.runs import RunStore

history_app = typer.Typer(
    name="history", help="The run history: list, compare, tag and backfill runs.", no_args_is_help=True
)
app.add_typer(history_app)

_VERDICT_STYLE = {"PASS": "green", "FAIL": "red", "INCOMPLETE": "yellow"}
_STATUS_MARK = {"passed": "✔", "failed": "✘", "error": "!", "incomplete": "…", "skipped": "-"}


def _store(history: str | None, profile: Path | None, *, create: bool = False) -> RunStore:
    from harness.history.runs import RunStore  # SQLAlchemy loads only for commands that use a history

    where = chosen(history, [profile] if profile is not None else [])
    try:
        return RunStore.open(where, create=create)
    except HarnessError as exc:
        fail(exc)


def _when(record: RunRecord) -> str:
    return record.started.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _verdict(record: RunRecord) -> str:
    style = _VERDICT_STYLE[record.verdict.value]
    suffix = " unfinished" if record.unfinished else ""
    return f"[{style}]{record.verdict.value}[/]{suffix}"


def _findings(record: RunRecord) -> str:
    refs = [ref for suite in record.suites for ref in suite.findings.values()]
    return "/".join(str(count(refs, risk)) for risk in Risk) if refs else "—"


def _record_json(record: RunRecord) -> dict[str, object]:
    return {
        "run_id": record.run_id,
        "profile": record.profile,
        "stage": record.stage,
        "verdict": record.verdict.value,
        "unfinished": record.unfinished,
        "started": record.started.isoformat(),
        "finished": record.finished.isoformat() if record.finished else None,
        "duration": record.duration,
        "target": {"name": record.target, "base_url": record.target_url, "version": record.target_version},
        "run_dir": record.run_dir,
        "tags": list(record.tags),
        "suites": [
            {"name": s.name, "kind": s.kind, "status": s.status.value, "metrics": dict(s.metrics),
             "findings": len(s.findings)}
            for s in record.suites
        ],
    }  # fmt: skip


@history_app.command("list", cls=HarnessCommand)
def list_runs(
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile", "-p", metavar="FILE", help="A profile file: list only its runs, from the history it uses."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--profile-name", metavar="NAME", help="Only runs of profiles with this name (the file's stem)."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", metavar="N", min=1, max=10000, help="How many runs, newest first (1-10000).")
    ] = 20,
    as_json: JsonOption = False,
    history: HistoryOption = None,
) -> None:
    """List recorded runs, newest first (unfinished runs were killed or are still running)."""
    store = _store(history, profile)
    if name is None and profile is not None:
        name = profile.stem
    try:
        records = store.list(name, limit)
    except HarnessError as exc:
        fail(exc)
    if as_json:
        print_json({"history": store.database.display, "runs": [_record_json(r) for r in records]})
        return
    if not records:
        stdout.print(f"no runs{f' of profile {name}' if name else ''} in {store.database.display}", markup=False)
        return
    table = Table(show_edge=False, header_style="bold")
    for column in ("run (UTC start)", "verdict", "suites", "C/H/M/L/I", "tags"):
        table.add_column(column, no_wrap=column not in ("suites", "tags"))
    for record in records:
        suites = " ".join(f"{s.name}{_STATUS_MARK.get(s.status.value, '?')}" for s in record.suites)
        table.add_row(record.run_id, _verdict(record), suites, _findings(record), " ".join(record.tags))
    stdout.print(table)


def _delta_text(delta: MetricDelta) -> str:
    shown = change_text(delta)
    style = {-1: "red", 1: "green"}.get(assessment(delta))
    return f"[{style}]{shown}[/]" if style else shown


def _print_suite(comparison: SuiteComparison, all_metrics: bool) -> None:
    counts = f"{len(comparison.new)} new, {len(comparison.fixed)} fixed, {len(comparison.unchanged)} unchanged"
    stdout.print(f"\n[bold]suite {comparison.suite}[/]: {counts}")
    if comparison.note:
        stdout.print(f"  note: {comparison.note}")
    for label, style, refs in (("NEW", "red", comparison.new), ("FIXED", "green", comparison.fixed)):
        for ref in refs:
            stdout.print(
                f"  [{style}]{label:5}[/] {ref.risk.value:8} {ref.name} (rule {ref.rule_id or '—'}, {ref.fingerprint})"
            )
    deltas = [d for d in comparison.metrics if all_metrics or (d.change != 0 and d.change is not None)]
    if not deltas:
        return
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for column in ("metric", "endpoint", "before", "after", "change"):
        table.add_column(column)
    for delta in deltas:
        table.add_row(
            delta.name, delta.endpoint or "", format_metric(delta.name, delta.baseline),
            format_metric(delta.name, delta.current), _delta_text(delta),
        )  # fmt: skip
    stdout.print(table)


@history_app.command("diff", cls=HarnessCommand)
def diff(
    run_a: Annotated[
        str, typer.Argument(metavar="RUN_A", help="The earlier run (id or unique prefix).", show_default=False)
    ],
    run_b: Annotated[
        str, typer.Argument(metavar="RUN_B", help="The later run (id or unique prefix).", show_default=False)
    ],
    all_metrics: Annotated[bool, typer.Option("--all", help="Also list metrics that did not change.")] = False,
    as_json: JsonOption = False,
    history: HistoryOption = None,
    profile: ProfileOption = None,
) -> None:
    """Compare two runs suite by suite: which findings are new, fixed or unchanged, and how metrics moved."""
    store = _store(history, profile)
    try:
        earlier, later = store.resolve(run_a), store.resolve(run_b)
    except HarnessError as exc:
        fail(exc)
    suites = compare_runs(earlier, later)
    if as_json:
        summary = comparison_summary(Comparison(baseline=earlier.run_id, suites=suites))
        print_json({"from": _record_json(earlier), "to": _record_json(later), **summary})
        return
    stdout.print(f"from {earlier.run_id} ({_verdict(earlier)}, {_when(earlier)})")
    stdout.print(f"  to {later.run_id} ({_verdict(later)}, {_when(later)})")
    for comparison in suites:
        _print_suite(comparison, all_metrics)


@history_app.command("tag", cls=HarnessCommand)
def tag(
    run: Annotated[str, typer.Argument(metavar="RUN", help="The run (id or unique prefix).", show_default=False)],
    name: Annotated[
        str,
        typer.Option("--as", metavar="TAG", help="The tag, e.g. accepted; a profile may use it as its baseline."),
    ],
    history: HistoryOption = None,
    profile: ProfileOption = None,
) -> None:
    """Name a run (per profile), e.g. --as accepted; baseline: accepted in the profile then compares with it."""
    if not name or not (name[0].isalnum() and all(c.isalnum() or c in "_.:-" for c in name)):
        stderr.print(f"[red]error[/]: tag {name!r}: use letters, digits, '_', '.', ':' and '-'")
        raise typer.Exit(ExitCode.USAGE)
    if name in ("last-pass", "previous"):
        stderr.print(f"[red]error[/]: {name!r} is a baseline keyword, not a tag name")
        raise typer.Exit(ExitCode.USAGE)
    store = _store(history, profile)
    try:
        record = store.resolve(run)
        before = store.tag(record.run_id, name)
    except HarnessError as exc:
        fail(exc)
    moved = f" (it named {before} before)" if before else ""
    stdout.print(f"tagged {record.run_id} as {name!r} for profile {record.profile}{moved}")


@history_app.command("import", cls=HarnessCommand)
def import_runs(
    run_dirs: Annotated[
        list[Path],
        typer.Argument(metavar="RUN_DIR...", help="Run directories (reports/<run-id>/).", show_default=False),
    ],
    history: HistoryOption = None,
    profile: ProfileOption = None,
) -> None:
    """Backfill the history from run directories; directories without a readable run.json are skipped with a warning."""
    store = _store(history, profile, create=True)
    imported = skipped = 0
    for path in run_dirs:
        try:
            run = RunDirectory.open(path).read_run()
        except HarnessError as exc:
            stderr.print(f"[yellow]warning[/]: skipped {path}: {exc}", soft_wrap=True)
            skipped += 1
            continue
        try:
            store.record(run, path.resolve())
        except HarnessError as exc:
            fail(exc)
        stdout.print(f"imported {run.run_id} ({run.verdict.value})")
        imported += 1
    stdout.print(f"{imported} imported, {skipped} skipped into {store.database.display}")


@history_app.command("migrate", cls=HarnessCommand)
def migrate(
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="PATH|URL",
            help="The history to copy: a SQLite file or a postgresql:// URL.",
            show_default=False,
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="PATH|URL",
            help="Where to copy it: a postgresql:// URL or a SQLite file.",
            show_default=False,
        ),
    ],
) -> None:
    """Copy a history into another database, e.g. reports/history.sqlite into a shared PostgreSQL.

    Runs are merged by id (copying again changes nothing), so several machines' histories can be copied
    into one. The source is only read (a history from an older harness is first brought up to date, as by
    every command). Tags and schedules the target already has are kept and reported.
    """
    from harness.history.copy import copy_history
    from harness.history.database import Database

    try:
        source_db = Database.open(location(source), create=False)
        target_db = Database.open(location(target), create=True)
        report = copy_history(source_db, target_db)
    except HarnessError as exc:
        fail(exc)
    for warning in report.warnings:
        stderr.print(f"[yellow]warning[/]: {escape(warning)}", soft_wrap=True)
    stdout.print(
        f"copied {report.runs} run(s), {report.tags} tag(s), {report.schedules} schedule(s) and "
        f"{report.log_entries} scheduler log entries from {source_db.display} to {target_db.display}",
        soft_wrap=True,
        markup=False,
    )
