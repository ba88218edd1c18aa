"""Judgements -> the suite's metrics (``canary.*``), one test case per metric, and the translatable notes."""

from __future__ import annotations

import math
from collections.abc import Sequence

from harness.results.messages import message
from harness.results.metrics import Dimension, format_value
from harness.results.model import CaseStatus, Message, TestCase
from harness.runners.canary.judge import Classification, Judgement, Why, score
from harness.runners.canary.options import METRIC_ORDER, MetricsOptions

SUMMARY_METRICS = frozenset(
    {"canary.score", "canary.passed_metrics", "canary.marginal_metrics", "canary.failed_metrics",
     "canary.unjudged_metrics"}
)  # fmt: skip
EFFECT_NAMES = {"latency": "ratio", "error_rate": "increase_rate", "throughput": "ratio"}
"""The effect of each metric as a metric name: canary.latency.ratio, canary.error_rate.increase_rate, ..."""
SIDE_NAMES = {
    "latency": ("median", "p95"),  # seconds
    "error_rate": ("error_rate",),  # fraction
    "throughput": ("median_rps", "p95_rps"),  # per second
}
CASE_STATUS = {
    Classification.PASS: CaseStatus.PASSED,
    Classification.MARGINAL: CaseStatus.PASSED,  # JUnit has no "warning": the message and the score say marginal
    Classification.FAIL: CaseStatus.FAILED,
    Classification.NOT_JUDGED: CaseStatus.ERROR,  # loud in every CI: no evidence either way
}


def metric_names(metrics: MetricsOptions) -> frozenset[str]:
    """Every ``canary.*`` metric a suite with these options can produce."""
    names = set(SUMMARY_METRICS)
    for metric in metrics.enabled():
        prefix = f"canary.{metric}"
        names |= {f"{prefix}.score", f"{prefix}.p_value", f"{prefix}.cliffs_delta", f"{prefix}.{EFFECT_NAMES[metric]}"}
        for side in ("baseline", "canary"):
            names |= {f"{prefix}.{side}.samples"} | {f"{prefix}.{side}.{stat}" for stat in SIDE_NAMES[metric]}
    return frozenset(names)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def suite_metrics(judgements: Sequence[Judgement]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    counts = dict.fromkeys(Classification, 0)
    for j in judgements:
        counts[j.classification] += 1
        prefix = f"canary.{j.metric}"
        for side_name, side in (("baseline", j.baseline), ("canary", j.canary)):
            metrics[f"{prefix}.{side_name}.samples"] = float(side.n)
            stats = SIDE_NAMES[j.metric]
            if _finite(side.centre):
                metrics[f"{prefix}.{side_name}.{stats[0]}"] = float(side.centre)  # type: ignore[arg-type]
            if len(stats) > 1 and _finite(side.p95):
                metrics[f"{prefix}.{side_name}.{stats[1]}"] = float(side.p95)  # type: ignore[arg-type]
        if j.points is not None:
            metrics[f"{prefix}.score"] = j.points
        if _finite(j.p_value):
            metrics[f"{prefix}.p_value"] = float(j.p_value)  # type: ignore[arg-type]
        if _finite(j.cliffs_delta):
            metrics[f"{prefix}.cliffs_delta"] = float(j.cliffs_delta)  # type: ignore[arg-type]
        if _finite(j.effect) and j.judged:
            metrics[f"{prefix}.{EFFECT_NAMES[j.metric]}"] = float(j.effect)  # type: ignore[arg-type]
    metrics["canary.passed_metrics"] = float(counts[Classification.PASS])
    metrics["canary.marginal_metrics"] = float(counts[Classification.MARGINAL])
    metrics["canary.failed_metrics"] = float(counts[Classification.FAIL])
    metrics["canary.unjudged_metrics"] = float(counts[Classification.NOT_JUDGED])
    total = score(judgements)
    if total is not None:
        metrics["canary.score"] = total
    return metrics


def why_message(j: Judgement) -> Message:
    if j.why is Why.TOO_FEW:
        return message("canary.why.too_few", baseline=j.baseline.n, canary=j.canary.n, needed=j.needed)
    return message(f"canary.why.{j.why.value}")


def effect_text(metric: str, effect: float | None) -> str:
    """The effect as a reader sees it: ``1.32×`` for ratios, ``+1.5 %`` for an error-rate change."""
    if effect is None or not math.isfinite(effect):
        return "—"
    if metric == "error_rate":
        return ("+" if effect >= 0 else "") + format_value(effect, Dimension.RATIO)
    return f"{effect:.3g}×"


def p_text(p_value: float | None) -> str:
    """``0.031``, or ``<0.0001`` for the vanishingly small ones (more digits would be false precision)."""
    if p_value is None:
        return "—"
    return f"{p_value:.2g}" if p_value >= 1e-4 else "<0.0001"


def effect_message(j: Judgement) -> Message:
    key = "canary.effect.increase" if j.metric == "error_rate" else "canary.effect.ratio"
    return message(key, value=effect_text(j.metric, j.effect))


def thresholds(metric: str, options: MetricsOptions) -> dict[str, str]:
    """The metric's effect thresholds as the report shows them (kept in the case's properties)."""
    if metric == "latency":
        latency = options.latency
        return {
            "marginal": f"{latency.marginal_ratio:g}×",
            "fail": f"{latency.fail_ratio:g}×",
            "min_difference": format_value(latency.min_difference, Dimension.TIME),
        }
    if metric == "error_rate":
        errors = options.error_rate
        return {
            "marginal": format_value(errors.marginal_increase, Dimension.RATIO),
            "fail": format_value(errors.fail_increase, Dimension.RATIO),
        }
    throughput = options.throughput
    return {"marginal": f"{throughput.marginal_ratio:g}×", "fail": f"{throughput.fail_ratio:g}×"}


def case(j: Judgement, alpha: float, options: MetricsOptions) -> TestCase:
    """The metric as a test case: its message in English (JUnit), its figures as properties (the report)."""
    classification = message(f"canary.class.{j.classification.value}")
    if j.judged:
        text = message(
            "canary.case.judged", classification=classification, why=why_message(j), p_value=p_text(j.p_value),
            effect=effect_message(j),
        )  # fmt: skip
    else:
        text = message("canary.case.not_judged", classification=classification, why=why_message(j))
    properties = {
        "classification": j.classification.value,
        "why": j.why.value,
        "alpha": f"{alpha:g}",
        "weight": f"{j.weight:g}",
        "min_samples": str(j.needed),
        **{f"threshold_{name}": value for name, value in thresholds(j.metric, options).items()},
    }
    return TestCase(
        id=f"canary.{j.metric}",
        name=j.metric,
        classname="canary",
        status=CASE_STATUS[j.classification],
        message=str(text),
        details=_details(j),
        properties=properties,
    )


def _details(j: Judgement) -> str:
    lines = []
    for role, side in (("baseline", j.baseline), ("canary", j.canary)):
        lines.append(f"{role}: n={side.n} centre={side.centre!r} p95={side.p95!r}")
    lines.append(f"p={j.p_value!r} effect={j.effect!r} cliffs_delta={j.cliffs_delta!r}")
    return "\n".join(lines)


def notes(judgements: Sequence[Judgement]) -> list[Message]:
    """A note per metric not judged, and one when there are too many of them for a score."""
    found = [
        message("note.canary.not_judged", metric=message(f"canary.metric.{j.metric}"), why=why_message(j))
        for j in judgements
        if not j.judged
    ]
    if judgements and score(judgements) is None:
        found.append(message("note.canary.no_score", unjudged=len(found), total=len(judgements)))
    return found


def ordered(judgements: Sequence[Judgement]) -> list[Judgement]:
    return sorted(judgements, key=lambda j: METRIC_ORDER.index(j.metric))
