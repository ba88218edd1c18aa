"""``harness schedule add|list|remove|export`` and ``harness scheduler run``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from harness.cancel import CancelToken, cancel_on_signals
from harness.cli.main import ExitCode, HarnessCommand, app, fail, print_json, stderr, stdout
from harness.cli.options import HistoryOption, JsonOption, ProfileOption, chosen
from harness.errors import HarnessError
from harness.plan import make_plan, select
from harness.profile import load_profile
from harness.profile.cron import CronError, CronSchedule
from harness.runners.registry import load_runners
from harness.schedule.clock import Clock, ShiftedClock, SystemClock
from harness.schedule.export import FORMATS, ExportContext, export
from harness.schedule.launch import WorkerLauncher
from harness.schedule.locks import scheduler_holder, try_scheduler_lock
from harness.schedule.scheduler import Scheduler
from harness.schedule.schedules import Schedule, collect, declared
from harness.schedule.store import LogEntry, ScheduleStore

schedule_app = typer.Typer(name="schedule", help="Schedules of unattended runs.", no_args_is_help=True)
scheduler_app = typer.Typer(name="scheduler", help="The process that runs schedules.", no_args_is_help=True)
app.add_typer(schedule_app)
app.add_typer(scheduler_app)

ProfilesArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="[PROFILE]...",
        help="Profile files whose schedule: section to include (their history is the one used).",
        show_default=False,
    ),
]
SuiteOption = Annotated[
    list[str] | None, typer.Option("--suite", "-s", metavar="NAME", help="Run only this suite (repeatable).")
]


def _store(history: str | None, profiles: list[Path] | None, *, create: bool = True) -> ScheduleStore:
    """The schedules' database: the run history chosen by the one rule (see ``harness history --help``)."""
    where = chosen(history, profiles)
    try:
        return ScheduleStore.open(where, create=create)
    except HarnessError as exc:
        fail(exc)


def _usage(message: str) -> typer.Exit:
    stderr.print(f"[red]error[/]: {message}", soft_wrap=True)
    return typer.Exit(ExitCode.USAGE)


@schedule_app.command("add", cls=HarnessCommand)
def add(
    profile: Annotated[Path, typer.Argument(metavar="PROFILE", help="The profile file to run.", show_default=False)],
    cron: Annotated[str, typer.Option("--cron", metavar="EXPR", help='Five-field cron expression, e.g. "0 2 * * *".')],
    suite: SuiteOption = None,
    timezone: Annotated[
        str | None,
        typer.Option("--timezone", "--tz", metavar="ZONE", help="IANA time zone (default: the machine's)."),
    ] = None,
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="A name for the schedule.")] = "",
    misfire_grace: Annotated[
        float,
        typer.Option("--misfire-grace", metavar="SECONDS", min=0, help="Seconds a missed run may still start late."),
    ] = 3600.0,
    history: HistoryOption = None,
) -> None:
    """Add a schedule to the profile's run history database; harness scheduler run runs it."""
    try:
        parsed = CronSchedule.parse(cron, timezone)
    except (CronError, ValueError) as exc:
        raise _usage(str(exc)) from None
    try:
        plan = make_plan(load_profile(profile), load_runners())
        select(plan, suite or [])
    except HarnessError as exc:
        fail(exc)
    store = _store(history, [profile])
    try:
        number = store.add(profile.resolve(), name, parsed.expression, parsed.timezone, suite or [], misfire_grace)
    except HarnessError as exc:
        fail(exc)
    upcoming = parsed.next_after(datetime.now(UTC)).astimezone(parsed.zone)
    stdout.print(
        f"added schedule #{number}: {profile} {parsed.expression} ({parsed.timezone}), "
        f"next run {upcoming:%Y-%m-%d %H:%M %Z}"
    )


def _last(entries: list[LogEntry], key: str) -> str:
    entry = next((e for e in entries if e.key == key), None)
    if entry is None:
        return "—"
    verdict = f" {entry.verdict}" if entry.verdict else ""
    return f"{entry.due.astimezone():%Y-%m-%d %H:%M} {entry.outcome}{verdict}"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@schedule_app.command("list", cls=HarnessCommand)
def list_schedules(
    profiles: ProfilesArg = None,
    as_json: JsonOption = False,
    history: HistoryOption = None,
) -> None:
    """List added schedules (and those declared in the given profiles) with their next and last runs."""
    store = _store(history, profiles)
    rows: list[dict[str, object]] = []
    try:
        for stored in store.schedules():
            rows.append(
                {"key": f"db:{stored.id}", "id": stored.id, "profile": stored.profile_path, "name": stored.name,
                 "cron": stored.cron, "timezone": stored.timezone, "suites": list(stored.suites)}
            )  # fmt: skip
        for path in profiles or []:
            for schedule in declared(path):
                rows.append(
                    {"key": schedule.key, "id": None, "profile": str(schedule.profile_path), "name": schedule.name,
                     "cron": schedule.cron.expression, "timezone": schedule.cron.timezone,
                     "suites": list(schedule.suites)}
                )  # fmt: skip
        entries = store.entries(limit=1000)
    except HarnessError as exc:
        fail(exc)
    now = datetime.now(UTC)
    for row in rows:
        cron = CronSchedule(str(row["cron"]), str(row["timezone"]))
        row["next"] = cron.next_after(now).astimezone(cron.zone).isoformat()
        row["last"] = _last(entries, str(row["key"]))
    if as_json:
        print_json({"history": store.database.display, "schedules": rows})
        return
    if not rows:
        stdout.print("no schedules (add one with `harness schedule add`, or declare `schedule:` in a profile)")
        return
    table = Table(show_edge=False, header_style="bold")
    for column in ("schedule", "profile", "cron", "time zone", "suites", "next run", "last run"):
        # names, cron expressions and times are never broken inside; the lists and the last run may fold
        folds = column in ("profile", "suites", "last run")
        table.add_column(column, overflow="fold", no_wrap=not folds, min_width=8 if folds else None)
    for row in rows:
        label = f"#{row['id']}" if row["id"] is not None else f"{Path(str(row['profile'])).stem}/{row['name']}"
        if row["id"] is not None and row["name"]:
            label += f" {row['name']}"
        upcoming = datetime.fromisoformat(str(row["next"])).strftime("%Y-%m-%d %H:%M")
        suites = ", ".join(row["suites"]) or "all"  # type: ignore[arg-type]
        table.add_row(
            label, _shown(Path(str(row["profile"]))), str(row["cron"]), str(row["timezone"]), suites, upcoming,
            str(row["last"]),
        )  # fmt: skip
    # piped or redirected (scripts, CI logs), or a terminal too narrow for it: the table's own width (lines
    # longer than the terminal wrap there) rather than cells broken at 80 columns or columns dropped
    wide = Console(width=220, highlight=False, emoji=False)
    fits = stdout.is_terminal and Measurement.get(wide, wide.options, table).minimum <= stdout.width
    (stdout if fits else wide).print(table)


@schedule_app.command("remove", cls=HarnessCommand)
def remove(
    schedule_id: Annotated[int, typer.Argument(metavar="N", help="The schedule number (#N in harness schedule list).")],
    history: HistoryOption = None,
    profile: ProfileOption = None,
) -> None:
    """Remove an added schedule (schedules declared in profiles are removed by editing the profile)."""
    try:
        removed = _store(history, [profile] if profile else None, create=False).remove(schedule_id)
    except HarnessError as exc:
        fail(exc)
    stdout.print(f"removed schedule #{removed.id}: {removed.profile_path} {removed.cron}")


def _collect(store: ScheduleStore | None, profiles: list[Path]) -> list[Schedule]:
    try:
        schedules = collect(store, profiles)
    except HarnessError as exc:
        fail(exc)
    if not schedules:
        raise _usage("nothing to schedule: add one with `harness schedule add` or name profiles with `schedule:`")
    return schedules


@schedule_app.command("export", cls=HarnessCommand)
def export_schedules(
    profiles: ProfilesArg = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"One of: {', '.join(FORMATS)}.")
    ] = "crontab",
    history: HistoryOption = None,
) -> None:
    """Print the schedules as crontab lines, systemd timers, a GitHub workflow, GitLab CI jobs or a Jenkinsfile."""
    if fmt not in FORMATS:
        raise _usage(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    location = chosen(history, profiles)
    # exporting only reads: a history file that does not exist yet holds no added schedules and is not created
    unborn = location.path is not None and not location.path.exists()
    schedules = _collect(None if unborn else _store(history, profiles), profiles or [])
    where = location.path.resolve() if location.path is not None else location.url
    assert where is not None
    context = ExportContext(harness=Path(sys.executable).with_name("harness"), workdir=Path.cwd(), history=where)
    sys.stdout.write(export(schedules, fmt, context))


def _pretend_start(pretend_now: str | None) -> datetime | None:
    if pretend_now is None:
        return None
    try:
        start = datetime.fromisoformat(pretend_now)
    except ValueError:
        raise _usage(f"--pretend-now {pretend_now!r} is not an ISO 8601 time, e.g. 2025-01-01T01:59:55+08:00") from None
    return start if start.tzinfo else start.astimezone()


@scheduler_app.command("run", cls=HarnessCommand)
def run_scheduler(
    profiles: ProfilesArg = None,
    history: HistoryOption = None,
    pretend_now: Annotated[
        str | None,
        typer.Option(
            "--pretend-now", metavar="TIME", help="Start the clock at this ISO time (to try schedules without waiting)."
        ),
    ] = None,
    max_runs: Annotated[
        int | None,
        typer.Option("--max-runs", metavar="N", min=1, help="Exit after this many runs have started and ended."),
    ] = None,
) -> None:
    """Run schedules in the foreground until SIGTERM/Ctrl-C (a running run stops and records INCOMPLETE).

    Schedules and runs are kept in the run history the profiles use (or --history); the scheduler's
    messages go to stderr.
    """
    pretend_start = _pretend_start(pretend_now)
    store = _store(history, profiles)
    try:
        lock = try_scheduler_lock(store.database)
        if lock is None:
            who = scheduler_holder(store.database)  # a pid (file lock), or the holder's connection name
            who = f"pid {who}" if who.isdigit() else who or "pid ?"
            raise _usage(f"another scheduler ({who}) already runs on {store.database.display}")
    except HarnessError as exc:
        fail(exc)
    try:
        abandoned = store.abandon_unfinished()
        schedules = _collect(store, profiles or [])
        # a pretended clock reads --pretend-now once the scheduler is ready to watch, however long loading took
        clock: Clock = SystemClock() if pretend_start is None else ShiftedClock(pretend_start)

        def report(message: str) -> None:
            stderr.print(f"{clock.now().astimezone():%Y-%m-%d %H:%M:%S %Z} {message}", soft_wrap=True, markup=False)

        if abandoned:
            report(f"{abandoned} run(s) of a previous scheduler ended without it (see `harness history list`)")
        report(f"scheduler started: {len(schedules)} schedule(s), history {store.database.display}")
        stop = CancelToken()
        scheduler = Scheduler(
            schedules, store, WorkerLauncher(store.database.location), clock, report=report, max_runs=max_runs
        )
        with cancel_on_signals(stop):
            started = scheduler.run(stop)
        report(f"scheduler stopped{f' ({stop.reason})' if stop.reason else ''} after starting {started} run(s)")
    except HarnessError as exc:
        fail(exc)
    finally:
        lock.release()
