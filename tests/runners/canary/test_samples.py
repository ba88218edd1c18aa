"""Reading the Locust plug-in's per-request samples: the warm-up left out, whole seconds only, gaps as 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.runners.canary.samples import SamplesError, read_samples


def write(path: Path, samples: list[list[float]], seconds: list[list[int]], requests: int, limit: int = 20_000) -> Path:
    failures = sum(int(s[2]) for s in samples)
    document = {"format": "harness-locust-samples/1", "requests": requests, "failures": failures, "limit": limit,
                "samples": samples, "seconds": seconds}  # fmt: skip
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_warm_up_is_left_out_and_failures_are_outcomes_not_latencies(tmp_path: Path) -> None:
    samples = [[0.2, 900.0, 0], [0.9, 12.0, 1], [1.1, 20.0, 0], [2.5, 30.0, 1], [3.7, 40.0, 0]]
    path = write(tmp_path / "s.json", samples, [[0, 2, 1], [1, 1, 0], [2, 1, 1], [3, 1, 0]], requests=5)
    got = read_samples(path, warmup=1.0, run_time=5.0)
    assert got.latencies == pytest.approx((0.020, 0.040))  # seconds; the failed request's time is not a latency
    assert got.outcomes == (0, 1, 0)
    assert (got.requests, got.failures, got.sampled) == (5, 2, False)


def test_per_second_counts_cover_whole_seconds_and_a_silent_second_counts_zero(tmp_path: Path) -> None:
    seconds = [[0, 50, 0], [1, 50, 0], [2, 48, 0], [4, 51, 0], [5, 50, 0], [6, 7, 0]]  # 3: nothing answered
    path = write(tmp_path / "s.json", [], seconds, requests=256)
    got = read_samples(path, warmup=1.0, run_time=6.0)
    assert got.per_second == (50.0, 48.0, 0.0, 51.0)  # seconds 1-4; 5 is the last, cut by the stop
    assert read_samples(path, warmup=0.5, run_time=6.4).per_second == (50.0, 48.0, 0.0, 51.0)
    assert read_samples(path, warmup=5.0, run_time=6.0).per_second == ()


def test_a_sample_of_the_requests_is_said_to_be_one(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", [[1.0, 5.0, 0]] * 100, [[1, 250, 0]], requests=250, limit=100)
    assert read_samples(path, 0.0, 3.0).sampled


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "was not written"),
        ("{not json", "unreadable"),
        ('{"format": "something else"}', "not in the format"),
        ('{"format": "harness-locust-samples/1", "samples": [[1, 2]], "seconds": []}', "malformed"),
    ],
)
def test_a_missing_or_foreign_file_is_an_error_that_names_it(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "samples.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SamplesError, match=problem) as caught:
        read_samples(path, 0.0, 10.0)
    assert "samples.json" in str(caught.value)
