"""`harness schedule export`: crontab, systemd, GitHub and GitLab forms of the same schedules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.profile.cron import CronSchedule
from harness.schedule.export import ExportContext, export, on_calendar
from harness.schedule.schedules import Schedule

CTX = ExportContext(harness=Path("/srv/acc/.venv/bin/harness"), workdir=Path("/srv/acc"),
                    history=Path("/srv/acc/reports/history.sqlite"))  # fmt: skip


def _schedule(
    cron: str, zone: str = "Asia/Shanghai", suites: tuple[str, ...] = ("zap-baseline",), name: str = "nightly"
) -> Schedule:
    return Schedule(
        key="k", source="profile", name=name, profile_path=Path("/srv/acc/profiles/demo.yaml"),
        profile_name="demo", cron=CronSchedule.parse(cron, zone), suites=suites, misfire_grace=3600,
        notify=None, notify_scope=(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cron", "calendar"),
    [
        ("0 2 * * *", ["*-*-* 02:00:00 Asia/Shanghai"]),
        ("*/15 9-17 * * 1-5", ["Mon,Tue,Wed,Thu,Fri *-*-* 09,10,11,12,13,14,15,16,17:00,15,30,45:00 Asia/Shanghai"]),
        ("30 3 1 jan,jul *", ["*-01,07-01 03:30:00 Asia/Shanghai"]),
        ("0 4 1 * sun", ["*-*-01 04:00:00 Asia/Shanghai", "Sun *-*-* 04:00:00 Asia/Shanghai"]),  # cron: either day
    ],
)
def test_on_calendar(cron: str, calendar: list[str]) -> None:
    assert on_calendar(_schedule(cron)) == calendar


def test_crontab_sets_the_zone_and_the_profile_lock() -> None:
    text = export([_schedule("0 2 * * *")], "crontab", CTX)
    assert (
        "CRON_TZ=Asia/Shanghai\n0 2 * * * cd /srv/acc && flock -n /srv/acc/reports/history.sqlite.locks/profile-demo.lock "
        in text
    )
    assert (
        "/srv/acc/.venv/bin/harness run /srv/acc/profiles/demo.yaml --suite zap-baseline --history /srv/acc/reports/history.sqlite --quiet"
        in text
    )


def test_systemd_units() -> None:
    text = export([_schedule("0 2 * * *")], "systemd", CTX)
    assert "### harness-demo-nightly.service" in text and "### harness-demo-nightly.timer" in text
    assert "OnCalendar=*-*-* 02:00:00 Asia/Shanghai\nPersistent=true" in text
    assert "WorkingDirectory=/srv/acc" in text and "ExecStart=/srv/acc/.venv/bin/harness run" in text


def test_github_workflow_is_valid_yaml_with_time_zones() -> None:
    weekly = _schedule("0 3 * * sun", zone="Europe/Berlin", suites=(), name="weekly")
    workflow = yaml.safe_load(export([_schedule("0 2 * * *"), weekly], "github", CTX))
    assert workflow[True]["schedule"] == [  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
        {"cron": "0 2 * * *", "timezone": "Asia/Shanghai"},
        {"cron": "0 3 * * sun", "timezone": "Europe/Berlin"},
    ]
    job = workflow["jobs"]["demo-nightly"]
    assert job["concurrency"]["group"] == "acceptance-demo"
    acceptance = next(step for step in job["steps"] if step.get("name") == "Acceptance run")
    assert acceptance["run"] == 'bash docs/ci/run-acceptance.sh "$PROFILE" acceptance-results'  # docs/ci's script
    assert job["env"] == {"PROFILE": "profiles/demo.yaml", "SUITES": "zap-baseline"}  # what the schedule runs
    assert workflow["jobs"]["demo-weekly"]["if"].endswith("github.event.schedule == '0 3 * * sun'")


def test_gitlab_jobs_are_valid_yaml() -> None:
    text = export([_schedule("0 2 * * *")], "gitlab", CTX)
    job = yaml.safe_load(text)["demo-nightly"]
    assert job["resource_group"] == "acceptance-demo"
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $HARNESS_SCHEDULE == "demo-nightly"'}]
    assert '--form cron_timezone="Asia/Shanghai"' in text


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'teamcity'"):
        export([], "teamcity", CTX)
