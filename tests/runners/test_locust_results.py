"""How a Locust run's figures are summarised: users over time; why a run that never started is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.results.messages import error_reason, message, render
from harness.results.model import SuiteStatus, TimePoint
from harness.runners.locust.command import Outputs
from harness.runners.locust.results import RunFacts, build_result, time_weighted_users
from harness.runners.locust.session import SessionEnd
from harness.runners.locust.watch import LiveState


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


def test_locust_that_ended_before_the_test_says_why_in_the_reports_language(tmp_path: Path) -> None:
    out = Outputs(tmp_path)
    out.output.write_text(
        'Traceback (most recent call last):\n  File "locustfile.py", line 1\nModuleNotFoundError: No module named '
        "'faker'\n",
        encoding="utf-8",
    )
    facts = RunFacts(
        suite="load", kind="performance", version="2.32", mode=message("note.load.single"), expected_workers=0
    )
    result = build_result(facts, out, SessionEnd(code=1), LiveState(), 0)
    assert result.status is SuiteStatus.ERROR
    assert result.error.startswith("Locust exited with code 1 before the test started\n")
    reason = error_reason(result.notes)
    assert reason is not None and "No module named 'faker'" in reason.params["output"]
    assert render(reason, "zh-CN").startswith("Locust 在测试开始前以退出码 1 退出\n")
    assert render(reason, "zh-CN").endswith("No module named 'faker'（工具原文）")
    killed = build_result(facts, out, SessionEnd(code=-9), LiveState(), 0)
    assert killed.error.startswith("Locust was ended by SIGKILL before the test started")
