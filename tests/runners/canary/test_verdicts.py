"""Judgements as metrics, JUnit cases and notes; every metric produced is one the runner declares."""

from __future__ import annotations

import numpy as np

from harness.criteria import parse_criterion
from harness.results.messages import render
from harness.results.metrics import Dimension, dimension_of
from harness.results.model import CaseStatus
from harness.runners.canary.judge import Classification, judge_error_rate, judge_latency, judge_throughput
from harness.runners.canary.options import MetricsOptions
from harness.runners.canary.runner import CanaryRunner
from harness.runners.canary.verdicts import case, metric_names, notes, suite_metrics

OPTIONS = MetricsOptions()


def judgements(slow: float = 1.0, seconds: int = 15) -> list:  # type: ignore[type-arg]
    rng = np.random.default_rng(21)
    base, canary = rng.lognormal(np.log(0.02), 0.3, 500), rng.lognormal(np.log(0.02 * slow), 0.3, 500)
    return [
        judge_latency(list(base), list(canary), OPTIONS.latency, 0.05),
        judge_error_rate([0] * 500, [0] * 500, OPTIONS.error_rate, 0.05),
        judge_throughput([40.0] * seconds, [40.0 / slow] * seconds, OPTIONS.throughput, 0.05),
    ]


def test_every_metric_produced_is_declared_with_the_unit_its_name_gives() -> None:
    for found in (judgements(), judgements(slow=3.0), judgements(seconds=3)):
        produced = suite_metrics(found)
        assert set(produced) <= metric_names(OPTIONS), set(produced) - metric_names(OPTIONS)
    declared = metric_names(OPTIONS)
    assert dimension_of("canary.latency.canary.p95") is Dimension.TIME
    assert dimension_of("canary.latency.ratio") is Dimension.RATIO
    assert dimension_of("canary.error_rate.increase_rate") is Dimension.RATIO
    assert dimension_of("canary.throughput.baseline.median_rps") is Dimension.RATE
    assert dimension_of("canary.score") is Dimension.COUNT
    for criterion in (
        *CanaryRunner.default_criteria,
        "canary.latency.ratio < 120%",
        "canary.latency.canary.p95 < 300ms",
    ):
        parsed = parse_criterion(criterion)
        assert all(r.dotted in declared for r in parsed.references), criterion
    only_latency = MetricsOptions.model_validate({"error_rate": {"enabled": False}, "throughput": {"enabled": False}})
    assert not any(name.startswith(("canary.error_rate", "canary.throughput")) for name in metric_names(only_latency))


def test_a_regressed_canary_is_a_failed_case_and_lowers_the_score() -> None:
    found = judgements(slow=3.0)
    metrics = suite_metrics(found)
    assert metrics["canary.failed_metrics"] == 2 and metrics["canary.score"] == 33.33
    assert metrics["canary.latency.score"] == 0 and metrics["canary.latency.ratio"] > 2.5
    latency = case(found[0], 0.05, OPTIONS)
    assert latency.status is CaseStatus.FAILED and latency.id == "canary.latency"
    assert latency.message.startswith("fail: significant, with an effect beyond the fail threshold; p-value <0.0001")
    assert (
        latency.properties["threshold_fail"] == "1.25×" and latency.properties["threshold_min_difference"] == "5.0 ms"
    )
    assert case(found[1], 0.05, OPTIONS).status is CaseStatus.PASSED
    assert notes(found) == []


def test_a_metric_not_judged_is_an_error_case_with_a_note_in_both_languages() -> None:
    found = judgements(seconds=3)  # 3 whole seconds of throughput, 10 needed
    assert found[2].classification is Classification.NOT_JUDGED
    metrics = suite_metrics(found)
    assert metrics["canary.unjudged_metrics"] == 1 and "canary.throughput.score" not in metrics
    assert metrics["canary.throughput.baseline.samples"] == 3 and metrics["canary.score"] == 100  # 2 of 3 judged
    throughput = case(found[2], 0.05, OPTIONS)
    assert throughput.status is CaseStatus.ERROR
    assert throughput.message == "not judged: too few samples (baseline 3, canary 3; at least 10 needed on each side)"
    (note,) = notes(found)
    assert render(note, "en") == (
        "metric throughput was not judged: too few samples (baseline 3, canary 3; at least 10 needed on each side)"
    )
    assert render(note, "zh-CN") == "指标 吞吐量 未判定：样本不足（baseline 3 个、canary 3 个，每侧至少需要 10 个）"
