"""Options of a ``kind: performance`` suite (validated by ``harness validate``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from harness.profile.durations import DurationSyntax
from harness.profile.paths import PathSpec

MAX_DURATION = 7 * 24 * 3600.0
"""A week: longer is a typo (and infinity would overflow the time limits computed from it)."""

LOAD_DURATIONS = DurationSyntax(
    {"h": 3600.0, "min": 60.0, "m": 60.0, "s": 1.0, "ms": 0.001}, MAX_DURATION, "a week", "30s, 2m or 1h30m"
)
Duration = Annotated[float, BeforeValidator(LOAD_DURATIONS.parse)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    """One step of a load profile: ramp to ``users`` at ``spawn_rate`` and hold until ``duration`` ends."""

    duration: Duration = Field(gt=0, description="how long the stage lasts, e.g. 30s")
    users: int = Field(ge=0, le=100_000, description="concurrent users during the stage")
    spawn_rate: float | None = Field(default=None, gt=0, description="users started (or stopped) per second")


class MasterOptions(_Strict):
    """Let workers on other machines join this run's Locust master."""

    host: str = Field(default="127.0.0.1", description="interface the master listens on, e.g. 0.0.0.0")
    port: int = Field(default=5557, ge=1, le=65535, description="port the workers connect to")
    remote_workers: int = Field(default=1, ge=1, le=1000, description="workers started elsewhere to wait for")


class LocustLoad(_Strict):
    """What every Locust load the harness starts says: the locustfile, which of its User classes and tasks
    run, how many users start how fast, and for how long. The performance suite (:class:`LocustOptions`)
    and the canary (``LoadOptions``) subclass it, each with its own bounds, defaults and further keys.

    pydantic lists a base's fields first, and errors in several keys come in field order: ``env``, which
    both subclasses write after their own keys, is declared in each so that this order stays as it was.
    """

    locustfile: Annotated[str, PathSpec("locustfile")] = Field(
        description="the locustfile, relative to the file that writes it (e.g. suites/performance/...)"
    )
    user_classes: list[str] = Field(default_factory=list, description="run only these User classes")
    tags: list[str] = Field(default_factory=list, description="run only tasks with these tags")
    exclude_tags: list[str] = Field(default_factory=list, description="skip tasks with these tags")
    users: int = Field(default=10, ge=1, le=100_000, description="peak concurrent users")
    spawn_rate: float | None = Field(default=None, gt=0, description="users started per second (default: users/5)")
    run_time: Duration | None = Field(default=None, gt=0, description="test length, e.g. 30s or 5m")

    @property
    def effective_spawn_rate(self) -> float:
        """Users started per second: as given, else a fifth of the users (at least one)."""
        return self.spawn_rate if self.spawn_rate is not None else max(1.0, self.users / 5)


class LocustOptions(LocustLoad):
    """Options of a ``kind: performance`` suite: a run time or stages, one process or distributed."""

    stages: list[Stage] = Field(default_factory=list, description="a load profile instead of users/run_time")
    host: str | None = Field(default=None, description="base URL to load (default: the target's base_url)")
    workers: int = Field(default=0, ge=0, le=64, description="local worker processes (0: one process)")
    master: MasterOptions | None = Field(default=None, description="accept workers from other machines")
    worker_timeout: Duration = Field(default=60.0, gt=0, description="how long to wait for every worker")
    stop_timeout: Duration = Field(default=0.0, ge=0, description="time users get to finish their task at the end")
    grace: Duration = Field(default=30.0, gt=0, description="hard-timeout margin beyond the run time")
    html: bool = Field(default=True, description="keep Locust's HTML report as an artifact")
    env: dict[str, str] = Field(default_factory=dict, description="extra environment for the Locust processes")
    args: list[str] = Field(default_factory=list, description="extra Locust arguments (master or single process)")

    @model_validator(mode="after")
    def _load_profile(self) -> LocustOptions:
        if self.stages and self.run_time is not None:
            raise ValueError("give either run_time (with users) or stages, not both")
        if not self.stages and self.run_time is None:
            raise ValueError("run_time is required (e.g. 30s), or give stages; every load test must end by itself")
        return self

    @property
    def duration(self) -> float:
        """Seconds of load: the run time, or the sum of the stages."""
        return self.run_time if self.run_time is not None else sum(s.duration for s in self.stages)

    @property
    def peak_users(self) -> int:
        return max(s.users for s in self.stages) if self.stages else self.users

    @property
    def expected_workers(self) -> int:
        """Workers the master waits for: local ones plus those joining from other machines."""
        return self.workers + (self.master.remote_workers if self.master else 0)

    @property
    def distributed(self) -> bool:
        return self.expected_workers > 0
