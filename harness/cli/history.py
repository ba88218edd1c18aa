"""``harness history list|diff|tag|import|migrate``: the run history on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harness.cli.main import ExitCode, app, fail, print_json, stderr, stdout
from harness.errors import HarnessError
from harness.history import HistoryLocation, RunRecord, compare_runs
from harness.history.compare import assessment, count
from harness.history.gate import HISTORY_FILE
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

DEFAULT_HISTORY = str(Path("reports") / HISTORY_FILE)
HistoryOption = Annotated[
    str,
    typer.Option(
        "--history",
        help="The history: a SQLite file (a profile's history.path, or reports/history.sqlite) or a "
        "postgresql://USER@HOST/DB URL (the password from PGPASSWORD or ~/.pgpass).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
_VERDICT_STYLE = {"PASS": "green", "FAIL": "red", "INCOMPLETE": "yellow"}
_STATUS_MARK = {"passed": "✔", "failed": "✘", "error": "!", "incomplete": "…", "skipped": "-"}


def location(text: str) -> HistoryLocation:
    """``--history`` as a location; exit 2 on a URL that is not a usable PostgreSQL URL."""
    try:
        return HistoryLocation.parse(text)
    except HarnessError as exc:
        fail(exc)


def _store(where: str, *, create: bool = False) -> RunStore:
    from harness.history.runs import RunStore  # SQLAlchemy loads only for commands that use a history

    try:
        return RunStore.open(location(where), create=create)
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


@history_app.command("list")
def list_runs(
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Only runs of this profile name.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10000, help="How many runs, newest first.")] = 20,
    as_json: JsonOption = False,
    history: HistoryOption = DEFAULT_HISTORY,
) -> None:
    """List recorded runs, newest first (unfinished runs were killed or are still running)."""
    store = _store(history)
    try:
        records = store.list(profile, limit)
    except HarnessError as exc:
        fail(exc)
    if as_json:
        print_json({"history": store.database.display, "runs": [_record_json(r) for r in records]})
        return
    if not records:
        stdout.print(f"no runs{f' of profile {profile}' if profile else ''} in {store.database.display}")
        return
    table = Table(show_edge=False, header_style="bold")
    for column in ("run (UTC start)", "verdict", "suites", "C/H/M/L/I", "tags"):
        table.add_column(column, no_wrap=column not in ("suites", "tags"))
    for record in records:
        suites = " ".join(f"{s.name}{_STATUS_MARK.get(s.status.value, '?')}" for s in record.suites)
        table.add_row(record.run_id, _verdict(record), suites, _findings(record), " ".join(record.tags))
    stdout.print(table)


def _delta_text(delta: MetricDelta) -> str:
    change = delta.change
    if change is None:
        return "—"
    if change == 0:
        return "±0"
    shown = ("+" if change > 0 else "-") + format_metric(delta.name, abs(change))
    if delta.relative is not None:
        shown += f" ({delta.relative * 100:+.1f} %)"
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


@history_app.command("diff")
def diff(
    run_a: Annotated[str, typer.Argument(help="The earlier run (id or unique prefix).", show_default=False)],
    run_b: Annotated[str, typer.Argument(help="The later run (id or unique prefix).", show_default=False)],
    all_metrics: Annotated[bool, typer.Option("--all", help="Also list metrics that did not change.")] = False,
    as_json: JsonOption = False,
    history: HistoryOption = DEFAULT_HISTORY,
) -> None:
    """Compare two runs suite by suite: new / fixed / unchanged findings by fingerprint, metric deltas."""
    store = _store(history)
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


@history_app.command("tag")
def tag(
    run: Annotated[str, typer.Argument(help="The run (id or unique prefix).", show_default=False)],
    name: Annotated[str, typer.Option("--as", help="The tag, e.g. accepted; a profile may use it as baseline.")],
    history: HistoryOption = DEFAULT_HISTORY,
) -> None:
    """Name a run (per profile), e.g. ``--as accepted``; ``baseline: accepted`` in the profile then compares with it."""
    if not name or not (name[0].isalnum() and all(c.isalnum() or c in "_.:-" for c in name)):
        stderr.print(f"[red]error[/]: tag {name!r}: use letters, digits, '_', '.', ':' and '-'")
        raise typer.Exit(ExitCode.USAGE)
    if name in ("last-pass", "previous"):
        stderr.print(f"[red]error[/]: {name!r} is a baseline keyword, not a tag name")
        raise typer.Exit(ExitCode.USAGE)
    store = _store(history)
    try:
        record = store.resolve(run)
        before = store.tag(record.run_id, name)
    except HarnessError as exc:
        fail(exc)
    moved = f" (it named {before} before)" if before else ""
    stdout.print(f"tagged {record.run_id} as {name!r} for profile {record.profile}{moved}")


@history_app.command("import")
def import_runs(
    run_dirs: Annotated[list[Path], typer.Argument(help="Run directories (reports/<run-id>/).", show_default=False)],
    history: HistoryOption = DEFAULT_HISTORY,
) -> None:
    """Backfill the history from run directories; directories without a readable run.json are skipped with a warning."""
    store = _store(history, create=True)
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


@history_app.command("migrate")
def migrate(
    source: Annotated[
        str,
        typer.Option("--from", help="The history to copy: a SQLite file or a postgresql:// URL.", show_default=False),
    ],
    target: Annotated[
        str, typer.Option("--to", help="Where to copy it: a postgresql:// URL or a SQLite file.", show_default=False)
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
