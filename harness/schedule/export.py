"""``harness schedule export``: the same schedules for teams that schedule with their own tools.

- ``crontab``: one line per schedule, ``CRON_TZ=`` for its time zone, ``flock -n`` on the scheduler's own
  per-profile lock file so cron never overlaps two runs of a profile (or one of ``harness scheduler run``).
- ``systemd``: a ``.service`` + ``.timer`` pair per schedule; the cron fields become ``OnCalendar=`` lines
  (two when both day fields are restricted: cron fires when either matches); ``Persistent=true`` catches
  up a run missed while the machine was off, like the scheduler's grace.
- ``github``: a workflow with ``on.schedule`` entries carrying ``timezone``, a job per schedule with the
  steps of ``docs/ci/github-actions.yml`` (harness/schedule/ci.py), and a ``concurrency`` group per profile.
- ``gitlab``: a job per schedule selected by ``$HARNESS_SCHEDULE`` extending the job of
  ``docs/ci/gitlab-ci.yml``, a ``resource_group`` per profile, and the API call that creates the pipeline
  schedule with its ``cron_timezone``.
- ``jenkins``: a Jenkinsfile per schedule (``triggers { cron('TZ=...') }``) with the stages of
  ``docs/ci/Jenkinsfile``.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.profile.cron import FIELDS, expand
from harness.profile.history_url import DatabaseUrl
from harness.schedule.ci import (
    GITHUB_PERMISSIONS,
    GITHUB_STEPS,
    GITLAB_TEMPLATE,
    JENKINS_AGENT,
    JENKINS_BODY,
    JENKINS_ENVIRONMENT,
)
from harness.schedule.locks import profile_lock_path
from harness.schedule.schedules import Schedule

FORMATS = ("crontab", "systemd", "github", "gitlab", "jenkins")
_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


@dataclass(frozen=True)
class ExportContext:
    harness: Path  # the harness executable for commands run on this machine
    workdir: Path  # where runs start (output.dir and relative paths resolve from here)
    history: Path | DatabaseUrl  # a PostgreSQL URL is written without its password (libpq: PGPASSWORD, ~/.pgpass)


def slugs(schedules: Sequence[Schedule]) -> list[str]:
    """A unit/job name per schedule, unique within one export."""
    names: list[str] = []
    for schedule in schedules:
        base = re.sub(r"[^a-z0-9-]+", "-", f"{schedule.profile_name}-{schedule.name}".lower()).strip("-")
        name, number = base, 2
        while name in names:
            name, number = f"{base}-{number}", number + 1
        names.append(name)
    return names


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _with_history(text: str, ctx: ExportContext) -> str:
    """CI steps that keep ``ctx.history`` between runs when it is not the default ``reports/history.sqlite``
    (a profile's ``history.path`` or ``output.dir``); a PostgreSQL history needs no cache (the step finds
    no file and saves nothing)."""
    if not isinstance(ctx.history, Path):
        return text
    where = _relative(Path(os.path.abspath(ctx.history)), Path(os.path.abspath(ctx.workdir)))
    return text.replace("reports/history.sqlite", where)


def _run_args(schedule: Schedule, profile: str) -> list[str]:
    return ["run", profile, *(part for suite in schedule.suites for part in ("--suite", suite))]


def _local_command(schedule: Schedule, ctx: ExportContext) -> str:
    argv = [str(ctx.harness), *_run_args(schedule, str(schedule.profile_path))]
    history = ctx.history.without_password().render() if isinstance(ctx.history, DatabaseUrl) else str(ctx.history)
    argv += ["--history", history, "--quiet"]
    return shlex.join(argv)


def crontab(schedules: Sequence[Schedule], ctx: ExportContext) -> str:
    lines = [
        "# acceptance-harness schedules (harness schedule export --format crontab)",
        "# CRON_TZ needs a cron that supports it (cronie, systemd-cron); otherwise convert the times.",
        "# flock -n skips a run while another run of the same profile still holds its lock.",
    ]
    if isinstance(ctx.history, DatabaseUrl):
        lines[-1] = "# The history is on PostgreSQL: set PGPASSWORD here or keep the password in ~/.pgpass; flock"
        lines.append(
            "# would only see runs of this machine, so only `harness scheduler run` keeps runs from overlapping."
        )
    for schedule in schedules:
        command = f"cd {shlex.quote(str(ctx.workdir))} && "
        if isinstance(ctx.history, Path):
            command += f"flock -n {shlex.quote(str(profile_lock_path(ctx.history, schedule.profile_name)))} "
        command += _local_command(schedule, ctx)
        lines += [
            "",
            f"# {schedule.label}",
            f"CRON_TZ={schedule.cron.timezone}",
            f"{schedule.cron.expression} {command}",
        ]
    return "\n".join(lines).replace("%", "\\%") + "\n"


def _values(values: tuple[int, ...], field: int, width: int = 2) -> str:
    spec = FIELDS[field]
    full = spec.high - spec.low + 1 - (1 if spec.name == "day-of-week" else 0)  # 7 is folded into 0
    if len(values) == full:
        return "*"
    return ",".join(f"{v:0{width}d}" for v in values)


def on_calendar(schedule: Schedule) -> list[str]:
    """``OnCalendar=`` values for a cron expression (systemd.time(7) calendar events)."""
    minutes, hours, days, months, weekdays = expand(schedule.cron.expression)
    fields = schedule.cron.expression.split()
    time = f"{_values(hours, 1)}:{_values(minutes, 0)}:00"
    month_part = _values(months, 3)
    zone = schedule.cron.timezone
    day_restricted, weekday_restricted = fields[2] != "*", fields[4] != "*"
    weekday_names = ",".join(_DAYS[d] for d in weekdays)
    if day_restricted and weekday_restricted:  # cron: either day field may match; systemd: one line for each
        return [
            f"*-{month_part}-{_values(days, 2)} {time} {zone}",
            f"{weekday_names} *-{month_part}-* {time} {zone}",
        ]
    if weekday_restricted:
        return [f"{weekday_names} *-{month_part}-* {time} {zone}"]
    return [f"*-{month_part}-{_values(days, 2)} {time} {zone}"]


def systemd(schedules: Sequence[Schedule], ctx: ExportContext) -> str:
    parts = ["# acceptance-harness schedules (harness schedule export --format systemd)",
             "# Save each unit under /etc/systemd/system/ (or ~/.config/systemd/user/), then:",
             "#   systemctl daemon-reload && systemctl enable --now <name>.timer"]  # fmt: skip
    for schedule, unit in zip(schedules, slugs(schedules), strict=True):
        name = f"harness-{unit}"
        description = f"acceptance-harness {schedule.label} ({schedule.cron.expression}, {schedule.cron.timezone})"
        calendar = "\n".join(f"OnCalendar={value}" for value in on_calendar(schedule))
        parts.append(f"""
### {name}.service
[Unit]
Description={description}

[Service]
Type=oneshot
WorkingDirectory={ctx.workdir}
ExecStart={_local_command(schedule, ctx)}
# SIGTERM makes the run stop gracefully and record itself INCOMPLETE
KillSignal=SIGTERM
TimeoutStopSec=120

### {name}.timer
[Unit]
Description={description}

[Timer]
{calendar}
Persistent=true
Unit={name}.service

[Install]
WantedBy=timers.target""")
    return "\n".join(parts) + "\n"


def _suites(schedule: Schedule) -> str:
    return " ".join(schedule.suites)


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (profile paths and suite names are plain text)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def github(schedules: Sequence[Schedule], ctx: ExportContext) -> str:
    lines = [
        "# acceptance-harness schedules (harness schedule export --format github)",
        "# Save as .github/workflows/acceptance-schedule.yml on the default branch. Each job runs the steps of",
        "# docs/ci/github-actions.yml (setup, caches, the run history kept between runs, publish, gate).",
        "name: acceptance (scheduled)",
        "on:",
        "  workflow_dispatch: {}",
        "  schedule:",
    ]
    seen: set[tuple[str, str]] = set()
    for schedule in schedules:
        entry = (schedule.cron.expression, schedule.cron.timezone)
        if entry not in seen:
            seen.add(entry)
            lines += [f'    - cron: "{entry[0]}"', f'      timezone: "{entry[1]}"']
    lines += ["", *GITHUB_PERMISSIONS.splitlines(), "", "jobs:"]
    for schedule, name in zip(schedules, slugs(schedules), strict=True):
        profile = _relative(schedule.profile_path, ctx.workdir)
        lines += [
            f"  {name}:",
            f"    if: github.event_name == 'workflow_dispatch' || github.event.schedule == '{schedule.cron.expression}'",
            "    runs-on: ubuntu-24.04",
            "    timeout-minutes: 60",
            f"    concurrency: {{group: acceptance-{schedule.profile_name}, cancel-in-progress: false}}",
            "    env:",
            f"      PROFILE: {_quoted(profile)}",
            f"      SUITES: {_quoted(_suites(schedule))}",
            "    steps:",
            *_with_history(GITHUB_STEPS, ctx).splitlines(),
        ]
    return "\n".join(lines) + "\n"


def gitlab(schedules: Sequence[Schedule], ctx: ExportContext) -> str:
    lines = [
        "# acceptance-harness schedules (harness schedule export --format gitlab)",
        "# Add these jobs to .gitlab-ci.yml, then create one pipeline schedule per job (Build > Pipeline",
        "# schedules, or the API as shown) with the variable HARNESS_SCHEDULE set to the job's name. The",
        "# .acceptance template is the job of docs/ci/gitlab-ci.yml (setup, caches, the run history, artifacts).",
        "",
        *_with_history(GITLAB_TEMPLATE, ctx).splitlines(),
    ]
    for schedule, name in zip(schedules, slugs(schedules), strict=True):
        profile = _relative(schedule.profile_path, ctx.workdir)
        lines += [
            "",
            '# curl --request POST --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --form ref=main \\',
            f'#   --form description="acceptance {schedule.label}" --form cron="{schedule.cron.expression}" \\',
            f'#   --form cron_timezone="{schedule.cron.timezone}" "$CI_API_V4_URL/projects/$PROJECT_ID/pipeline_schedules"',
            "# then: POST .../pipeline_schedules/<id>/variables with key=HARNESS_SCHEDULE and value=" + name,
            f"{name}:",
            "  extends: .acceptance",
            "  rules:",
            f'    - if: \'$CI_PIPELINE_SOURCE == "schedule" && $HARNESS_SCHEDULE == "{name}"\'',
            f"  resource_group: acceptance-{schedule.profile_name}",
            "  variables:",
            f"    PROFILE: {_quoted(profile)}",
            f"    SUITES: {_quoted(_suites(schedule))}",
        ]
    return "\n".join(lines) + "\n"


def _groovy(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def jenkins(schedules: Sequence[Schedule], ctx: ExportContext) -> str:
    """One Jenkinsfile per schedule (a Jenkins job has one set of triggers): cron with ``TZ=`` for its zone."""
    parts = [
        "// acceptance-harness schedules (harness schedule export --format jenkins)",
        "// One pipeline per schedule: save each as its own file (e.g. ci/Jenkinsfile.<name>) and create a",
        "// Pipeline job with that Script Path. Stages and post are those of docs/ci/Jenkinsfile.",
    ]
    for schedule, name in zip(schedules, slugs(schedules), strict=True):
        profile = _relative(schedule.profile_path, ctx.workdir)
        spec = f"TZ={schedule.cron.timezone}\\n{schedule.cron.expression}"
        parts += [
            "",
            f"// ### Jenkinsfile.{name}",
            "pipeline {",
            *JENKINS_AGENT.rstrip().splitlines(),
            "    triggers {",
            f"        cron('{spec}')",
            "    }",
            "    environment {",
            f"        PROFILE = {_groovy(profile)}",
            f"        SUITES = {_groovy(_suites(schedule))}",
            *JENKINS_ENVIRONMENT.rstrip().splitlines(),
            "    }",
            *JENKINS_BODY.rstrip().splitlines(),
            "}",
        ]
    return "\n".join(parts) + "\n"


def export(schedules: Sequence[Schedule], fmt: str, ctx: ExportContext) -> str:
    """Raises ValueError for an unknown format."""
    writers = {"crontab": crontab, "systemd": systemd, "github": github, "gitlab": gitlab, "jenkins": jenkins}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writers[fmt](schedules, ctx)
