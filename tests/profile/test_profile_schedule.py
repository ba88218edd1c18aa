"""Profile keys of the history: schedule, notify, baseline, history — checked with FILE:LINE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.plan import make_plan
from harness.profile import load_profile
from harness.profile.schedule import schedules_of
from harness.runners.registry import load_runners

BASE = """\
project: {name: Demo}
target: {base_url: "http://127.0.0.1:9"}
suites:
  - name: unit
    kind: unit
    options: {paths: [tests]}
"""


@pytest.fixture(autouse=True)
def _test_folder(tmp_path: Path) -> None:
    """The unit suite's tests/ exists: validate refuses a profile whose test paths do not."""
    (tmp_path / "tests").mkdir()


def _issues(path: Path) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        make_plan(load_profile(path), load_runners())
    return [str(issue) for issue in caught.value.issues]


def test_valid_schedules_one_or_many(write_profile: Callable[..., Path]) -> None:
    one = write_profile(BASE + 'schedule: {cron: "0 2 * * *", timezone: Asia/Shanghai, suites: [unit]}\n')
    loaded = load_profile(one)
    make_plan(loaded, load_runners())
    assert [s.cron for s in schedules_of(loaded.profile.schedule)] == ["0 2 * * *"]
    many = write_profile(
        BASE + 'schedule:\n  - {name: nightly, cron: "0 2 * * *"}\n  - {name: weekly, cron: "0 3 * * sun"}\n',
        name="many.yaml",
    )
    assert [s.name for s in schedules_of(load_profile(many).profile.schedule)] == ["nightly", "weekly"]


def test_invalid_cron_is_located(write_profile: Callable[..., Path]) -> None:
    path = write_profile(BASE + 'schedule:\n  cron: "0 25 * * *"\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    (issue,) = caught.value.issues
    assert issue.line == 8 and issue.path == "schedule.cron"
    assert "field 2 (hour) at column 3: 25 is out of range 0-23" in issue.message


def test_unknown_zone_suite_and_duplicate_name(write_profile: Callable[..., Path]) -> None:
    bad_zone = write_profile(BASE + 'schedule: {cron: "0 2 * * *", timezone: Asia/Shanghia}\n', name="zone.yaml")
    with pytest.raises(ProfileError, match="unknown time zone 'Asia/Shanghia'"):
        load_profile(bad_zone)
    path = write_profile(
        BASE + 'schedule:\n  - {name: n, cron: "0 2 * * *", suites: [unit, zap]}\n  - {name: n, cron: "0 3 * * *"}\n'
    )
    issues = _issues(path)
    assert any(":8: schedule[0].suites[1]: no suite named 'zap'" in i for i in issues)
    assert any("schedule[1].name: schedule name 'n' is already used" in i for i in issues)


def test_webhook_outside_scope_is_refused(write_profile: Callable[..., Path]) -> None:
    path = write_profile(BASE + "notify: {webhook: 'http://10.1.2.3/hook'}\n")
    (issue,) = _issues(path)
    assert "notify.webhook: webhook host '10.1.2.3' is outside target.scope" in issue
    ok = write_profile(BASE + "notify: {webhook: 'http://localhost:9000/hook', scope: [localhost]}\n", name="ok.yaml")
    make_plan(load_profile(ok), load_runners())


def test_validate_cli_exit_2_names_the_position(
    write_profile: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    path = write_profile(BASE + 'schedule: {cron: "0 2 * * 9"}\n')
    result = run_cli("validate", str(path))
    assert result.code == 2  # type: ignore[attr-defined]
    assert "field 5 (day-of-week) at column 9: 9 is out of range 0-7" in result.stderr  # type: ignore[attr-defined]


def test_a_baseline_needs_the_history(write_profile: Callable[..., Path]) -> None:
    path = write_profile(BASE + "baseline: last-pass\nhistory: {enabled: false}\n")
    (issue,) = _issues(path)
    assert ":7: baseline: a baseline comes from the run history, but history.enabled is false" in issue
