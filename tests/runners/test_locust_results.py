"""How a Locust run's figures are summarised: users over time."""

from __future__ import annotations

import pytest

from harness.results.model import TimePoint
from harness.runners.locust.results import time_weighted_users


def points(*samples: tuple[float, float]) -> list[TimePoint]:
    return [TimePoint(t=t, values={"users": users}) for t, users in samples]


def test_users_are_averaged_over_the_time_they_held() -> None:
    # 30 users for 5 s, then 15 (half the workers lost) for 5 s
    assert time_weighted_users(points(*((t, 30.0) for t in range(5)), *((t, 15.0) for t in range(5, 10)))) == 22.5
    # irregular samples weigh by how long each held: 10 users for 9 s, 40 for 1 s
    assert time_weighted_users(points((0, 10.0), (9, 40.0), (10, 40.0))) == pytest.approx((10 * 9 + 40 + 40) / 11)


def test_no_users_no_mean() -> None:
    assert time_weighted_users([]) is None
    assert time_weighted_users([TimePoint(t=0, values={"rps": 3.0})]) is None
    assert time_weighted_users(points((0, 7.0))) == 7.0
