"""One SLI's value from Prometheus's answer, or why there is none (pure: no network).

An SLI is one number. An answer that is not one number — no series, several series, NaN, an infinity, a
range vector, a string — is "not measured" with the reason: it never becomes a value a criterion could
pass on (an empty result is not 0: a query that means 0 when nothing matched says so, ``or vector(0)``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.results.messages import message
from harness.results.model import Message
from harness.runners.monitoring.options import Sli

SERIES_SHOWN = 3


@dataclass(frozen=True)
class Reading:
    """What one SLI came to: ``value`` (SI: seconds, fractions) or ``reason`` it was not measured."""

    value: float | None = None
    reason: Message | None = None
    points: int = 0  # samples the value was computed from (1 for an instant query)


def read(data: Mapping[str, Any], sli: Sli) -> Reading:
    """The SLI's value from the ``data`` of a successful Prometheus answer (``resultType`` and ``result``)."""
    kind = data.get("resultType")
    result = data.get("result")
    if kind == "scalar" and isinstance(result, list) and len(result) == 2:
        return _scaled(_number(result[1]), 1, sli)
    if kind == "string":
        return Reading(reason=message("monitoring.string_result"))
    if kind not in ("vector", "matrix") or not isinstance(result, list):
        return Reading(reason=message("monitoring.unexpected_answer", kind=str(kind)))
    if not result:
        return Reading(reason=message("monitoring.empty"))
    if len(result) > 1:
        labels = "; ".join(_labels(series) for series in result[:SERIES_SHOWN])
        more = f"; … {len(result) - SERIES_SHOWN} more" if len(result) > SERIES_SHOWN else ""
        return Reading(reason=message("monitoring.several", count=len(result), labels=labels + more))
    series = result[0] if isinstance(result[0], Mapping) else {}
    if kind == "vector":
        if sli.over is not None:
            return Reading(reason=message("monitoring.unexpected_answer", kind="vector"))
        sample = series.get("value")
        return _scaled(_number(sample[1]) if isinstance(sample, list) and len(sample) == 2 else None, 1, sli)
    if sli.over is None:
        return Reading(reason=message("monitoring.range_vector"))
    values = [_number(p[1]) for p in series.get("values", ()) if isinstance(p, list) and len(p) == 2]
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return Reading(reason=message("monitoring.no_finite_points", points=len(values)))
    if sli.over == "max":
        value = max(finite)
    elif sli.over == "min":
        value = min(finite)
    else:
        value = math.fsum(finite) / len(finite)
    return _scaled(value, len(finite), sli)


def _scaled(value: float | None, points: int, sli: Sli) -> Reading:
    if value is None:
        return Reading(reason=message("monitoring.not_a_number"))
    if math.isnan(value):
        return Reading(reason=message("monitoring.nan"))
    if math.isinf(value):
        return Reading(reason=message("monitoring.infinite", value="+Inf" if value > 0 else "-Inf"))
    if sli.unit == "ms":
        value /= 1000
    if sli.percent:
        value /= 100
    return Reading(value=value, points=points)


def _number(text: object) -> float | None:
    """Prometheus sends sample values as strings ("1.5", "NaN", "+Inf")."""
    try:
        return float(str(text))
    except ValueError:
        return None


def _labels(series: object) -> str:
    metric = series.get("metric", {}) if isinstance(series, Mapping) else {}
    if not isinstance(metric, Mapping) or not metric:
        return "{}"
    return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items())) + "}"
