"""The canary judge: per metric a one-sided Mann-Whitney U test plus an effect-size threshold, then a score.

Pure statistics on samples already collected (no I/O), after Kayenta's judge: each metric is classified on
its own, and the classifications make the score. Why these choices (docs/canary.md):

- **Mann-Whitney U** (Wilcoxon rank-sum): no assumption about the distributions' shape — latencies are
  skewed with long tails — only that the samples are independent draws. One-sided, in the direction that
  hurts (latency and error rate higher, throughput lower): a canary that is better is not a regression.
- **Effect size**: with thousands of requests a test finds differences nobody would notice, so a
  significant difference is a regression only when it is also large: the ratio of the medians for latency
  and throughput (robust to the tail; reads as "+30 % slower"), the difference of the error rates for
  errors (a ratio is undefined when the baseline has none). Cliff's delta (from U: 2U/(n·m) − 1, the
  probability that a canary value beats a baseline value minus the reverse) is reported alongside.
- **Not judged**: fewer samples than the metric's minimum on either side; never counted as a pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from harness.runners.canary.options import ErrorRateOptions, LatencyOptions, ThroughputOptions

if TYPE_CHECKING:
    import numpy as np


class Classification(StrEnum):
    PASS = "pass"
    MARGINAL = "marginal"
    FAIL = "fail"
    NOT_JUDGED = "not_judged"


POINTS = {Classification.PASS: 1.0, Classification.MARGINAL: 0.5, Classification.FAIL: 0.0}
"""What each classification contributes to the score (Kayenta counts pass only; marginal is half)."""


class Why(StrEnum):
    """Why a metric got its classification (rendered by the report in its language)."""

    TOO_FEW = "too_few"  # fewer samples than min_samples on a side
    NO_BASELINE = "no_baseline"  # the baseline's median is 0: no ratio to take
    IDENTICAL = "identical"  # every value on both sides is the same
    NOT_SIGNIFICANT = "not_significant"  # p >= alpha: no evidence the canary is worse
    TRIVIAL = "trivial"  # significant, but the latency difference is under min_difference
    SMALL = "small"  # significant, but the effect is under the marginal threshold
    MARGINAL = "marginal"  # significant, effect between the marginal and the fail threshold
    LARGE = "large"  # significant, effect beyond the fail threshold


@dataclass(frozen=True)
class Side:
    """One deployment's figures for one metric: the sample size, its centre and its 95th percentile.

    The centre is the median (latency, throughput) or the rate (error rate); ``p95`` is None for rates.
    """

    n: int
    centre: float | None = None
    p95: float | None = None


@dataclass(frozen=True)
class Judgement:
    metric: str  # latency | error_rate | throughput
    classification: Classification
    why: Why
    baseline: Side
    canary: Side
    weight: float
    needed: int  # min_samples
    p_value: float | None = None
    effect: float | None = None  # ratio of medians (latency, throughput) or rate difference (error rate)
    cliffs_delta: float | None = None

    @property
    def judged(self) -> bool:
        return self.classification is not Classification.NOT_JUDGED

    @property
    def points(self) -> float | None:
        """100 (pass), 50 (marginal), 0 (fail); None when not judged."""
        value = POINTS.get(self.classification)
        return None if value is None else value * 100


@dataclass(frozen=True)
class _Test:
    p_value: float
    cliffs_delta: float


def _side(values: np.ndarray, rate: bool = False) -> Side:
    if not len(values):
        return Side(0)
    if rate:
        return Side(len(values), float(values.mean()))
    import numpy as np  # numpy and scipy load when a canary is judged, not with the runner (harness validate)

    return Side(len(values), float(np.median(values)), float(np.percentile(values, 95)))


def _test(canary: np.ndarray, baseline: np.ndarray, worse: Literal["greater", "less"]) -> _Test | None:
    """One-sided Mann-Whitney U: is the canary stochastically ``worse`` ("greater" or "less")?

    None when every value on both sides is the same (the test has nothing to rank).
    """
    import numpy as np
    from scipy.stats import mannwhitneyu

    if np.all(canary == canary[0]) and np.all(baseline == canary[0]):
        return None
    result = mannwhitneyu(canary, baseline, alternative=worse, method="auto")
    u = float(result.statistic)  # U of the canary: pairs where the canary value is larger (ties half)
    delta = 2 * u / (len(canary) * len(baseline)) - 1
    return _Test(float(result.pvalue), delta)


def _enough(baseline: np.ndarray, canary: np.ndarray, needed: int) -> bool:
    return len(baseline) >= needed and len(canary) >= needed


def _unjudged(
    metric: str, baseline: Sequence[float], canary: Sequence[float], weight: float, needed: int, rate: bool = False
) -> tuple[Judgement, np.ndarray, np.ndarray]:
    """Both sides as arrays, and the judgement as it stands before any test: their figures, not judged for
    too few samples (what every judge returns when a side has fewer than ``needed``)."""
    import numpy as np

    b, c = np.asarray(baseline, dtype=float), np.asarray(canary, dtype=float)
    base = Judgement(metric, Classification.NOT_JUDGED, Why.TOO_FEW, _side(b, rate), _side(c, rate), weight, needed)
    return base, b, c


def judge_latency(
    baseline: Sequence[float], canary: Sequence[float], options: LatencyOptions, alpha: float
) -> Judgement:
    """Response times (seconds) of successful requests; the canary is worse when they are higher."""
    base, b, c = _unjudged("latency", baseline, canary, options.weight, options.min_samples)
    if not _enough(b, c, options.min_samples):
        return base
    b_median, c_median = base.baseline.centre or 0.0, base.canary.centre or 0.0
    if b_median <= 0:  # no ratio to take (a response time of 0 is a clock problem, not a fast server)
        return _decided(base, Classification.NOT_JUDGED, Why.NO_BASELINE, None, None, None)
    ratio = _Effect("greater", c_median / b_median, identical=1.0, marginal_at=options.marginal_ratio,
                    fail_at=options.fail_ratio)  # fmt: skip
    return _classified(base, b, c, alpha, ratio, trivial=c_median - b_median < options.min_difference)


def judge_error_rate(
    baseline: Sequence[int], canary: Sequence[int], options: ErrorRateOptions, alpha: float
) -> Judgement:
    """Outcomes of requests (1 failed, 0 succeeded); the canary is worse when more of them failed.

    On 0/1 values the rank-sum test (with its correction for ties) compares the two proportions.
    """
    base, b, c = _unjudged("error_rate", baseline, canary, options.weight, options.min_samples, rate=True)
    if not _enough(b, c, options.min_samples):
        return base
    difference = (base.canary.centre or 0.0) - (base.baseline.centre or 0.0)
    increase = _Effect("greater", difference, identical=difference, marginal_at=options.marginal_increase,
                       fail_at=options.fail_increase)  # fmt: skip
    return _classified(base, b, c, alpha, increase)


def judge_throughput(
    baseline: Sequence[float], canary: Sequence[float], options: ThroughputOptions, alpha: float
) -> Judgement:
    """Requests completed in each whole second of the test; the canary is worse when they are fewer."""
    base, b, c = _unjudged("throughput", baseline, canary, options.weight, options.min_samples)
    if not _enough(b, c, options.min_samples):
        return base
    b_median, c_median = base.baseline.centre or 0.0, base.canary.centre or 0.0
    if b_median <= 0:  # the baseline served nothing in most seconds: no standard to hold the canary to
        return _decided(base, Classification.NOT_JUDGED, Why.NO_BASELINE, None, None, None)
    ratio = _Effect("less", c_median / b_median, identical=1.0, marginal_at=options.marginal_ratio,
                    fail_at=options.fail_ratio)  # fmt: skip
    return _classified(base, b, c, alpha, ratio)


@dataclass(frozen=True)
class _Effect:
    """How far the canary is from the baseline on one metric, and the thresholds that make it a regression.

    ``worse`` is the direction that hurts: "greater" (latency, error rate: the thresholds are reached from
    below) or "less" (throughput: from above). ``identical`` is the effect reported when every value on both
    sides is the same (a ratio of 1; the error rates' difference, 0).
    """

    worse: Literal["greater", "less"]
    size: float
    identical: float
    marginal_at: float
    fail_at: float

    def reaches(self, threshold: float) -> bool:
        """Whether the effect is at or beyond ``threshold`` in the direction that hurts."""
        return self.size >= threshold if self.worse == "greater" else self.size <= threshold


def _classified(
    base: Judgement, b: np.ndarray, c: np.ndarray, alpha: float, effect: _Effect, trivial: bool = False
) -> Judgement:
    """The steps every metric with enough samples (and a baseline to compare with) goes through: the
    one-sided test in the direction that hurts, then the effect against the thresholds. ``trivial``: a
    difference too small to matter however significant (latency's ``min_difference``)."""
    test = _test(c, b, effect.worse)
    if test is None:
        return _decided(base, Classification.PASS, Why.IDENTICAL, 1.0, effect.identical, 0.0)
    if test.p_value >= alpha:
        return _decided(base, Classification.PASS, Why.NOT_SIGNIFICANT, test.p_value, effect.size, test.cliffs_delta)
    if trivial:
        return _decided(base, Classification.PASS, Why.TRIVIAL, test.p_value, effect.size, test.cliffs_delta)
    if effect.reaches(effect.fail_at):
        return _decided(base, Classification.FAIL, Why.LARGE, test.p_value, effect.size, test.cliffs_delta)
    if effect.reaches(effect.marginal_at):
        return _decided(base, Classification.MARGINAL, Why.MARGINAL, test.p_value, effect.size, test.cliffs_delta)
    return _decided(base, Classification.PASS, Why.SMALL, test.p_value, effect.size, test.cliffs_delta)


def _decided(
    base: Judgement,
    classification: Classification,
    why: Why,
    p_value: float | None,
    effect: float | None,
    delta: float | None,
) -> Judgement:
    return Judgement(
        base.metric, classification, why, base.baseline, base.canary, base.weight, base.needed,
        p_value=p_value, effect=effect, cliffs_delta=delta,
    )  # fmt: skip


def score(judgements: Sequence[Judgement]) -> float | None:
    """The weighted share of points over the judged metrics, 0-100 (pass 1, marginal 0.5, fail 0).

    None — no score, so a criterion on it cannot pass — when half or more of the metrics (by count) were
    not judged: a score resting on a minority of what was asked would read better than the evidence is
    (Kayenta fails such an analysis for the same reason).
    """
    if not judgements:
        return None
    judged = [j for j in judgements if j.judged]
    if 2 * (len(judgements) - len(judged)) >= len(judgements) or not judged:
        return None
    total = sum(j.weight for j in judged)
    value = 100 * sum(j.weight * POINTS[j.classification] for j in judged) / total
    return round(value, 2) if math.isfinite(value) else None
