"""Options of a ``kind: monitoring`` suite: where Prometheus is, the SLIs (PromQL), the window (pure).

docs/monitoring.md has a worked example.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from harness.profile.durations import DurationSyntax
from harness.profile.model import Auth
from harness.results.metrics import Dimension, dimension_of

MAX_WINDOW = 400 * 86400.0  # longer than any Prometheus keeps data for by default: a typo
SLI_NAME = r"^[a-z][a-z0-9_]{0,62}$"
WINDOW_PLACEHOLDER = "$window"

MONITORING_DURATIONS = DurationSyntax(
    {"w": 604800.0, "d": 86400.0, "h": 3600.0, "min": 60.0, "m": 60.0, "s": 1.0, "ms": 0.001},
    MAX_WINDOW,
    "400 days",
    "7d, 24h, 30m or 90s",
    longest_examples="7d or 24h",
)
Duration = Annotated[float, BeforeValidator(MONITORING_DURATIONS.parse)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrometheusSource(_Strict):
    """Which Prometheus answers the queries: a running one (``url``), or one the harness starts for the run
    (``start: local``: /usr/bin/prometheus on 127.0.0.1, scraping the run's target from the moment the target
    is up until it stops, so the suite sees what the earlier suites did to it)."""

    url: str | None = Field(default=None, description="base URL of a Prometheus server (inside the target's scope)")
    start: Literal["local"] | None = Field(default=None, description="local: start Prometheus for this run")
    metrics_path: str = Field(default="/metrics", pattern=r"^/", description="start: local: the target's metrics path")
    scrape_interval: Duration = Field(default=1.0, ge=0.2, le=60, description="start: local: seconds between scrapes")
    binary: str = Field(default="prometheus", min_length=1, description="start: local: the prometheus program")
    timeout: Duration = Field(default=10.0, gt=0, le=300, description="seconds one API request may take")
    auth: Auth | None = Field(default=None, description="url: how to authenticate to Prometheus (bearer, basic, ...)")

    @model_validator(mode="after")
    def _one_source(self) -> PrometheusSource:
        if (self.url is None) == (self.start is None):
            raise ValueError("give either url (a running Prometheus) or start: local (one the harness starts)")
        return self

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/@\s]+(/\S*)?$", value):
            raise ValueError("must be an http:// or https:// URL without credentials, e.g. http://prometheus:9090")
        return value


class Sli(_Strict):
    """One service level indicator: a PromQL query answering one number.

    ``$window`` in the query stands for the window's length (``rate(x[$window])``). Without ``over`` the
    query is evaluated once, at the window's end (``/api/v1/query``); with ``over`` it is evaluated every
    ``step`` across the window (``/api/v1/query_range``) and the SLI is the max/min/avg of those values —
    e.g. the worst 5-minute p95 of a week.
    """

    query: str = Field(min_length=1, max_length=4000)
    unit: Literal["ms"] | None = Field(
        default=None, description="ms: the query answers milliseconds (converted to seconds, like every time)"
    )
    percent: bool = Field(default=False, description="the query answers 0-100 (converted to a fraction)")
    over: Literal["max", "min", "avg"] | None = None
    step: Duration | None = Field(default=None, gt=0, description="with over: seconds between evaluations")


def _sli(value: object) -> object:
    return {"query": value} if isinstance(value, str) else value


class Window(_Strict):
    """The time range the SLIs are measured over: exactly one of ``suite``/``suites`` (the span of earlier
    suites of the same run), ``last`` (ending now) or ``start``+``end``."""

    suite: str | None = Field(default=None, description="an earlier suite of this run: its start to its end")
    suites: list[str] | None = Field(
        default=None, min_length=1, description="the first one's start to the last one's end"
    )
    last: Duration | None = Field(default=None, gt=0, description="the last DURATION up to now, e.g. 7d")
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    padding: Duration | None = Field(
        default=None, ge=0, le=3600,
        description="seconds added at both ends so the samples around them count (default: one scrape "
        "interval with start: local, 0 with url: set it to the server's scrape interval)",
    )  # fmt: skip

    @model_validator(mode="after")
    def _one_mode(self) -> Window:
        modes = [self.suite is not None, self.suites is not None, self.last is not None]
        modes.append(self.start is not None or self.end is not None)
        if sum(modes) != 1:
            raise ValueError("give exactly one of suite, suites, last (e.g. 7d) or start and end")
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end go together (ISO 8601 with a time zone, e.g. 2026-11-30T08:00:00+08:00)")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    @property
    def suite_names(self) -> tuple[str, ...]:
        if self.suite is not None:
            return (self.suite,)
        return tuple(self.suites or ())

    def fixed(self) -> tuple[datetime, datetime] | None:
        return (self.start, self.end) if self.start is not None and self.end is not None else None


class MonitoringOptions(_Strict):
    prometheus: PrometheusSource
    slis: dict[Annotated[str, Field(pattern=SLI_NAME)], Annotated[Sli, BeforeValidator(_sli)]] = Field(
        min_length=1, max_length=50, description="name -> PromQL query (or {query, unit, percent, over, step})"
    )
    window: Window

    @model_validator(mode="after")
    def _units_fit_names(self) -> MonitoringOptions:
        for name, sli in self.slis.items():
            dimension = dimension_of(metric_name(name))
            if sli.unit == "ms" and dimension is not Dimension.TIME:
                raise ValueError(
                    f"SLI {name!r} answers milliseconds but its name is not a time: name it e.g. {name}_latency, "
                    f"{name}_time or p95 so that criteria compare it with ms/s"
                )
            if sli.percent and dimension is not Dimension.RATIO:
                raise ValueError(
                    f"SLI {name!r} is a percentage but its name is not a ratio: name it {name}_rate or {name}_ratio"
                )
            if name in ("measured", "unmeasured"):
                raise ValueError(f"SLI name {name!r} is taken by the suite's own counts (sli.{name}): choose another")
            if sli.step is not None and sli.over is None:
                raise ValueError(f"SLI {name!r}: step needs over (max, min or avg)")
        return self


def metric_name(sli: str) -> str:
    """The metric an SLI becomes: ``sli.<name>``; its unit follows from the name (``*_latency``,
    ``*_time``, ``pNN`` seconds; ``*_rate``, ``*_ratio`` fractions; ``*_per_s``, ``*_rps`` per second)."""
    return f"sli.{sli}"
