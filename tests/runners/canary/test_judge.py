"""The canary judge on synthetic samples (fixed seeds): each classification, the thresholds, the score."""

from __future__ import annotations

import numpy as np
import pytest

from harness.runners.canary.judge import (
    Classification,
    Judgement,
    Side,
    Why,
    judge_error_rate,
    judge_latency,
    judge_throughput,
    score,
)
from harness.runners.canary.options import ErrorRateOptions, LatencyOptions, ThroughputOptions

ALPHA = 0.05


def latencies(seed: int, n: int, median: float = 0.040, spread: float = 0.35) -> list[float]:
    """Response times in seconds, log-normal (skewed with a long tail, as real ones are)."""
    return list(np.random.default_rng(seed).lognormal(np.log(median), spread, n))


def test_the_same_distribution_passes_and_reports_what_it_compared() -> None:
    j = judge_latency(latencies(1, 2000), latencies(2, 2000), LatencyOptions(), ALPHA)
    assert j.classification is Classification.PASS and j.judged and j.points == 100
    assert j.baseline.n == j.canary.n == 2000
    assert j.baseline.centre == pytest.approx(0.040, rel=0.05) and j.baseline.p95 > j.baseline.centre
    assert j.effect == pytest.approx(1.0, abs=0.05) and abs(j.cliffs_delta) < 0.06
    assert j.why in (Why.NOT_SIGNIFICANT, Why.SMALL, Why.TRIVIAL)


def test_a_clearly_slower_canary_fails_and_a_somewhat_slower_one_is_marginal() -> None:
    base = latencies(3, 1500)
    slow = judge_latency(base, latencies(4, 1500, median=0.060), LatencyOptions(), ALPHA)
    assert (slow.classification, slow.why) == (Classification.FAIL, Why.LARGE) and slow.points == 0
    assert slow.effect == pytest.approx(1.5, rel=0.05) and slow.p_value < 1e-10 and slow.cliffs_delta > 0.4
    somewhat = judge_latency(base, latencies(5, 1500, median=0.0468), LatencyOptions(), ALPHA)  # +17 %
    assert (somewhat.classification, somewhat.why) == (Classification.MARGINAL, Why.MARGINAL)
    assert somewhat.points == 50 and 1.1 <= somewhat.effect < 1.25


def test_significant_but_small_differences_are_not_regressions() -> None:
    # 4 % slower, 20 000 requests a side: the test sees it (tiny p), the effect threshold does not call it one
    j = judge_latency(latencies(6, 20_000, 0.400), latencies(7, 20_000, median=0.416), LatencyOptions(), ALPHA)
    assert j.p_value < 1e-6 and (j.classification, j.why) == (Classification.PASS, Why.SMALL)
    # 1 ms -> 1.6 ms is +60 %, but under min_difference (5 ms): nobody waits for it
    tiny = judge_latency(latencies(8, 500, 0.001), latencies(9, 500, 0.0016), LatencyOptions(), ALPHA)
    assert (
        tiny.p_value < 1e-6
        and tiny.effect > 1.5
        and (tiny.classification, tiny.why)
        == (
            Classification.PASS,
            Why.TRIVIAL,
        )
    )
    strict = judge_latency(latencies(8, 500, 0.001), latencies(9, 500, 0.0016), LatencyOptions(min_difference=0), ALPHA)
    assert strict.classification is Classification.FAIL


def test_a_faster_canary_passes_the_one_sided_test() -> None:
    j = judge_latency(latencies(10, 800), latencies(11, 800, median=0.020), LatencyOptions(), ALPHA)
    assert (j.classification, j.why) == (Classification.PASS, Why.NOT_SIGNIFICANT) and j.p_value > 0.99
    assert j.cliffs_delta < -0.5


def test_too_few_samples_are_not_judged_never_passed() -> None:
    j = judge_latency(latencies(12, 29), latencies(13, 500, median=0.4), LatencyOptions(), ALPHA)
    assert (j.classification, j.why) == (Classification.NOT_JUDGED, Why.TOO_FEW)
    assert not j.judged and j.points is None and j.p_value is None and j.effect is None
    assert (j.baseline.n, j.canary.n, j.needed) == (29, 500, 30)
    empty = judge_throughput([], [], ThroughputOptions(), ALPHA)
    assert empty.classification is Classification.NOT_JUDGED and empty.baseline == Side(0)


def test_the_p_value_is_the_exact_one_sided_mann_whitney_u() -> None:
    # every canary value above every baseline value: 1 of the C(6,3) = 20 equally likely rank orders
    j = judge_latency([0.010, 0.011, 0.012], [0.110, 0.120, 0.130], LatencyOptions(min_samples=5), ALPHA)
    assert j.classification is Classification.NOT_JUDGED  # 3 < 5 samples
    opts = LatencyOptions(min_samples=5)
    j = judge_latency([0.010, 0.011, 0.012, 0.013, 0.014], [0.11, 0.12, 0.13, 0.14, 0.15], opts, ALPHA)
    assert j.p_value == pytest.approx(1 / 252)  # C(10,5) = 252
    assert j.cliffs_delta == 1.0 and j.classification is Classification.FAIL


def test_error_rates_compare_proportions_by_their_increase() -> None:
    rng = np.random.default_rng(14)
    clean = list((rng.random(3000) < 0.001).astype(int))
    failing = list((rng.random(3000) < 0.05).astype(int))
    j = judge_error_rate(clean, failing, ErrorRateOptions(), ALPHA)
    assert (j.classification, j.why) == (Classification.FAIL, Why.LARGE)
    assert j.effect == pytest.approx(j.canary.centre - j.baseline.centre) and j.effect > 0.03
    assert j.canary.p95 is None  # a rate has no percentile
    same = judge_error_rate([0] * 100, [0] * 80, ErrorRateOptions(), ALPHA)
    assert (same.classification, same.why, same.p_value, same.effect) == (Classification.PASS, Why.IDENTICAL, 1.0, 0.0)
    one = judge_error_rate([0] * 1000, [0] * 999 + [1], ErrorRateOptions(), ALPHA)
    assert one.classification is Classification.PASS and one.why is Why.NOT_SIGNIFICANT
    marginal = judge_error_rate([0] * 20_000, [0] * 19_850 + [1] * 150, ErrorRateOptions(), ALPHA)  # +0.75 %
    assert marginal.classification is Classification.MARGINAL and marginal.p_value < 1e-10


def test_percentages_are_accepted_for_error_rate_thresholds() -> None:
    options = ErrorRateOptions.model_validate({"marginal_increase": "0.5%", "fail_increase": "2%"})
    assert (options.marginal_increase, options.fail_increase) == (0.005, 0.02)
    with pytest.raises(ValueError, match="fail_increase must be at least"):
        ErrorRateOptions.model_validate({"marginal_increase": "2%", "fail_increase": "1%"})


def test_throughput_is_worse_when_lower() -> None:
    steady = [50.0] * 8 + [49.0, 51.0] * 6
    halved = [23.0, 24.0, 25.0, 22.0] * 5
    j = judge_throughput(steady, halved, ThroughputOptions(), ALPHA)
    assert (j.classification, j.why) == (Classification.FAIL, Why.LARGE) and j.effect == pytest.approx(0.47, abs=0.01)
    assert j.cliffs_delta == -1.0
    more = judge_throughput(steady, [60.0] * 20, ThroughputOptions(), ALPHA)
    assert more.classification is Classification.PASS and more.why is Why.NOT_SIGNIFICANT
    same = judge_throughput([50.0] * 15, [50.0] * 15, ThroughputOptions(), ALPHA)
    assert same.why is Why.IDENTICAL and same.effect == 1.0
    # a baseline that served nothing is no standard: not judged (and certainly not "identical", passed)
    for canary in ([0.0] * 11 + [3.0], [0.0] * 12):
        stalled = judge_throughput([0.0] * 12, canary, ThroughputOptions(), ALPHA)
        assert (stalled.classification, stalled.why) == (Classification.NOT_JUDGED, Why.NO_BASELINE)


def _j(metric: str, classification: Classification, weight: float = 1.0) -> Judgement:
    return Judgement(metric, classification, Why.SMALL, Side(100), Side(100), weight, 30)


def test_the_score_is_the_weighted_share_of_points_over_the_judged_metrics() -> None:
    P, M, F, N = Classification.PASS, Classification.MARGINAL, Classification.FAIL, Classification.NOT_JUDGED
    assert score([_j("latency", P), _j("error_rate", P), _j("throughput", P)]) == 100
    assert score([_j("latency", F), _j("error_rate", P), _j("throughput", P)]) == 66.67
    assert score([_j("latency", M), _j("error_rate", P), _j("throughput", P)]) == 83.33
    assert score([_j("latency", F, weight=2), _j("error_rate", P), _j("throughput", M)]) == 37.5
    assert score([_j("latency", P), _j("error_rate", P), _j("throughput", N)]) == 100  # 1 of 3 left out
    assert score([_j("latency", P), _j("error_rate", N), _j("throughput", N)]) is None  # too few judged
    assert score([_j("latency", P), _j("error_rate", N)]) is None
    assert score([_j("latency", N)]) is None and score([]) is None
