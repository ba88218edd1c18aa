"""Profile sections for the run history, baselines, schedules and notifications (docs/history-and-scheduling.md).

```yaml
history: {path: ../reports/history.sqlite}     # default: <output.dir>/history.sqlite; enabled: false turns it off
                                                # or {url: postgresql://user:${PGPASSWORD}@host/db}: shared by machines
baseline: last-pass                             # or previous, a run id, or a tag set with `harness history tag`
schedule:                                       # one mapping or a list of them
  - {name: nightly, cron: "0 2 * * *", timezone: Asia/Shanghai, suites: [zap-baseline]}
notify:                                         # after a scheduled run that is not PASS or has new high findings
  command: [scripts/page-oncall.sh]             # gets the summary JSON on stdin
  webhook: http://127.0.0.1:9000/hooks/acceptance
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from harness.errors import ProfileIssue
from harness.profile.cron import CronError, check_timezone, parse_cron
from harness.profile.history_url import DatabaseUrl
from harness.profile.scope import Scope
from harness.profile.source import Source

if TYPE_CHECKING:
    from harness.profile.model import Profile

BASELINE_KEYWORDS = ("last-pass", "previous")
"""``last-pass``: the latest earlier PASS run of the profile; ``previous``: the latest earlier finished run."""

_Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HistorySettings(_Strict):
    enabled: bool = True
    path: str | None = Field(default=None, description="relative to the profile file")
    url: DatabaseUrl | None = Field(default=None, description="postgresql://USER:${PGPASSWORD}@HOST[:PORT]/DATABASE")

    @model_validator(mode="after")
    def _one_place(self) -> HistorySettings:
        if self.path is not None and self.url is not None:
            raise ValueError("give either history.path (SQLite) or history.url (PostgreSQL), not both")
        return self


class ScheduleSpec(_Strict):
    """When to run the profile unattended (``harness scheduler run``)."""

    name: _Name | None = None
    cron: str = Field(min_length=1)
    timezone: str | None = Field(default=None, description="IANA name; default: the machine's time zone")
    suites: list[str] = Field(default_factory=list, description="default: every enabled suite")
    misfire_grace: float = Field(
        default=3600.0, ge=0, le=7 * 86400, description="seconds a missed fire may be caught up late"
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            parse_cron(value)
        except CronError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            check_timezone(value)
        return value


class NotifySpec(_Strict):
    """Who hears about a scheduled run that needs attention; the summary JSON is the message."""

    command: list[str] | None = Field(default=None, min_length=1, description="argv; summary JSON on stdin")
    webhook: str | None = Field(default=None, description="http(s) URL that receives the summary JSON as POST")
    scope: list[str] = Field(default_factory=list, description="hosts the webhook may be on; default target.scope")
    when: Literal["problems", "always"] = "problems"
    timeout: float = Field(default=10.0, gt=0, le=300)

    @field_validator("webhook")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be an http:// or https:// URL with a host")
        return value


Baseline = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]


def _as_list(value: object) -> object:
    return [value] if isinstance(value, dict) else value


Schedules = Annotated[list[ScheduleSpec], BeforeValidator(_as_list)]
"""``schedule:`` may be one mapping or a list of them; the model always holds a list."""


def schedules_of(value: list[ScheduleSpec] | None) -> list[ScheduleSpec]:
    return value or []


def _schedule_path(source: Source, index: int) -> tuple[str | int, ...]:
    """The key path of the ``index``-th schedule, whether the profile wrote one mapping or a list."""
    return ("schedule", index) if isinstance(source.data.get("schedule"), list) else ("schedule",)


def history_issues(profile: Profile, source: Source) -> list[ProfileIssue]:
    """Cross-checks the models cannot make alone: schedule suites exist, names are unique, the webhook is
    in scope, a baseline has a history to come from."""
    issues: list[ProfileIssue] = []
    suite_names = [suite.name for suite in profile.suites]
    names: set[str] = set()
    for index, spec in enumerate(schedules_of(profile.schedule)):
        here = _schedule_path(source, index)
        for position, suite in enumerate(spec.suites):
            if suite not in suite_names:
                message = f"no suite named {suite!r}; suites: {', '.join(suite_names)}"
                issues.append(source.issue((*here, "suites", position), message))
        label = spec.name or str(index + 1)
        if label in names:
            issues.append(source.issue((*here, "name"), f"schedule name {label!r} is already used"))
        names.add(label)
    notify = profile.notify
    if notify is not None and notify.webhook is not None:
        scope = Scope(notify.scope or profile.target.effective_scope())
        host = urlsplit(notify.webhook).hostname or ""
        if not scope.allows_host(host):
            where = "notify.scope" if notify.scope else "target.scope"
            message = f"webhook host {host!r} is outside {where} ({', '.join(scope.entries)}); the harness refuses it"
            issues.append(source.issue(("notify", "webhook"), message))
    if profile.baseline is not None and not profile.history.enabled:
        issues.append(
            source.issue(("baseline",), "a baseline comes from the run history, but history.enabled is false")
        )
    return issues
