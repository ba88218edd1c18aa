"""Options of a ``kind: canary`` suite (validated by ``harness validate``)."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from harness.profile.model import Target
from harness.runners.locust.options import Duration, LocustLoad

MAX_RUN_TIME = 3600.0
"""An hour of load per deployment: a canary comparison needs minutes, and the samples stay bounded."""


def parse_fraction(value: object) -> object:
    """``1%`` -> 0.01; numbers are fractions already (0.01)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage such as 1%") from None
    return value


Fraction = Annotated[float, BeforeValidator(parse_fraction)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoadOptions(LocustLoad):
    """The Locust load sent to both deployments at once (one single-process Locust run each, with the
    deployment as its host)."""

    users: int = Field(default=10, ge=1, le=1000, description="concurrent users against EACH deployment")
    run_time: Duration = Field(gt=0, le=MAX_RUN_TIME, description="load duration, e.g. 20s (at most 1h)")
    warmup: Duration | None = Field(
        default=None, ge=0, description="seconds at the start left out of the comparison (default: the ramp-up)"
    )
    max_samples: int = Field(
        default=20_000, ge=100, le=1_000_000, description="requests kept per deployment for the test (a uniform sample)"
    )
    env: dict[str, str] = Field(default_factory=dict, description="extra environment for the Locust processes")

    @model_validator(mode="after")
    def _warmup_within(self) -> LoadOptions:
        if self.effective_warmup >= self.run_time:
            raise ValueError(
                f"the warm-up ({self.effective_warmup:g}s) must be shorter than run_time ({self.run_time:g}s): "
                "lengthen run_time, or set warmup (default: the ramp-up, users / spawn_rate)"
            )
        return self

    @property
    def effective_warmup(self) -> float:
        """Seconds left out: as given, else the ramp-up (every user started), in whole seconds."""
        if self.warmup is not None:
            return self.warmup
        return float(math.ceil(self.users / self.effective_spawn_rate))


class _MetricOptions(_Strict):
    enabled: bool = Field(default=True, description="judge this metric")
    weight: float = Field(default=1.0, gt=0, le=100, description="its share of the score")


class LatencyOptions(_MetricOptions):
    """Response time of the successful requests: worse when higher."""

    min_samples: int = Field(default=30, ge=5, le=1_000_000, description="successful requests needed per side")
    marginal_ratio: float = Field(default=1.1, gt=1, description="canary/baseline median from which it is marginal")
    fail_ratio: float = Field(default=1.25, gt=1, description="canary/baseline median from which it fails")
    min_difference: Duration = Field(
        default=0.005, ge=0, description="a median difference below this is never a regression (e.g. 5ms)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> LatencyOptions:
        if self.fail_ratio < self.marginal_ratio:
            raise ValueError("fail_ratio must be at least marginal_ratio")
        return self


class ErrorRateOptions(_MetricOptions):
    """Share of failed requests: worse when higher."""

    min_samples: int = Field(default=30, ge=5, le=1_000_000, description="requests needed per side")
    marginal_increase: Fraction = Field(
        default=0.005, gt=0, lt=1, description="error-rate increase from which it is marginal (0.5%)"
    )
    fail_increase: Fraction = Field(default=0.01, gt=0, lt=1, description="error-rate increase from which it fails")

    @model_validator(mode="after")
    def _ordered(self) -> ErrorRateOptions:
        if self.fail_increase < self.marginal_increase:
            raise ValueError("fail_increase must be at least marginal_increase")
        return self


class ThroughputOptions(_MetricOptions):
    """Requests completed per second of the test: worse when lower."""

    min_samples: int = Field(default=10, ge=5, le=100_000, description="whole seconds of load needed per side")
    marginal_ratio: float = Field(default=0.9, gt=0, lt=1, description="canary/baseline median from which marginal")
    fail_ratio: float = Field(default=0.8, gt=0, lt=1, description="canary/baseline median from which it fails")

    @model_validator(mode="after")
    def _ordered(self) -> ThroughputOptions:
        if self.fail_ratio > self.marginal_ratio:
            raise ValueError("fail_ratio must be at most marginal_ratio")
        return self


class MetricsOptions(_Strict):
    latency: LatencyOptions = LatencyOptions()
    error_rate: ErrorRateOptions = ErrorRateOptions()
    throughput: ThroughputOptions = ThroughputOptions()

    @model_validator(mode="after")
    def _one_at_least(self) -> MetricsOptions:
        if not (self.latency.enabled or self.error_rate.enabled or self.throughput.enabled):
            raise ValueError("enable at least one metric: a canary judged on nothing cannot pass")
        return self

    def enabled(self) -> list[str]:
        return [name for name in METRIC_ORDER if getattr(self, name).enabled]


METRIC_ORDER = ("latency", "error_rate", "throughput")


class CanaryOptions(_Strict):
    canary: Target = Field(description="the new release: start: demo (with demo: {...}) or base_url + auth")
    baseline: Target | None = Field(
        default=None, description="the release it replaces, deployed alike (default: the profile's target)"
    )
    load: LoadOptions
    alpha: float = Field(default=0.05, gt=0, le=0.2, description="significance level of each one-sided test")
    metrics: MetricsOptions = MetricsOptions()
