"""Bucketed response times: exact below 100 ms, two significant digits above; exact merges."""

from __future__ import annotations

import random

from harness.results.histogram import ResponseTimes, bucket


def test_buckets_keep_two_significant_digits() -> None:
    assert [bucket(v) for v in (0.4, 42.4, 147, 3432, 58760)] == [0, 42, 150, 3400, 59000]


def test_percentiles_are_nearest_rank_and_clamped_to_the_exact_extremes() -> None:
    times = ResponseTimes()
    for value in range(1, 101):  # 1..100 ms
        times.add(value)
    assert times.percentile(0.5) == 50
    assert times.percentile(0.95) == 95
    assert times.percentile(1.0) == 100
    assert times.percentiles([0.5, 0.99]) == {0.5: 50, 0.99: 99}
    slow = ResponseTimes()
    slow.add(147)
    assert slow.percentile(0.5) == 147  # bucket 150 is clamped to the exact maximum


def test_bucketed_percentiles_stay_within_five_percent_of_the_exact_ones() -> None:
    rng = random.Random(4)
    values = [rng.lognormvariate(5, 0.8) for _ in range(20_000)]
    times = ResponseTimes()
    for value in values:
        times.add(value)
    ordered = sorted(values)
    for fraction in (0.5, 0.9, 0.95, 0.99):
        exact = ordered[int(fraction * len(ordered)) - 1]
        assert abs((times.percentile(fraction) or 0.0) - exact) / exact < 0.05


def test_merge_equals_adding_everything_to_one() -> None:
    left, right, both = ResponseTimes(), ResponseTimes(), ResponseTimes()
    for index, value in enumerate([5, 120, 7, 3500, 64, 980]):
        (left if index % 2 else right).add(value)
        both.add(value)
    left.merge(right)
    assert left.buckets == both.buckets and left.count == both.count == 6
    assert (left.minimum, left.maximum, left.average) == (both.minimum, both.maximum, both.average)
    assert ResponseTimes().percentile(0.5) is None
