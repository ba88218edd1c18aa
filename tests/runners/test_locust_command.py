"""Profile options -> Locust command lines, durations and time limits (no process started)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from harness.criteria import parse_criterion
from harness.errors import RunnerSetupError
from harness.runners.canary.options import LoadOptions
from harness.runners.locust.command import (
    PLUGIN,
    Outputs,
    hard_timeout,
    host_environment,
    main_argv,
    stage_plan,
    worker_argv,
)
from harness.runners.locust.options import LOAD_DURATIONS, LocustOptions
from harness.runners.locust.runner import check_watchable


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("2m", 120), ("1h30m", 5400), ("500ms", 0.5), (45, 45), ("90", 90)]
)
def test_durations(text: object, seconds: float) -> None:
    assert LOAD_DURATIONS.parse(text) == seconds


def test_bad_durations_and_unbounded_runs_are_refused() -> None:
    with pytest.raises(ValueError, match="not a duration"):
        LOAD_DURATIONS.parse("soon")
    with pytest.raises(ValidationError, match="run_time is required"):
        LocustOptions(locustfile="x.py")
    with pytest.raises(ValidationError, match="not both"):
        LocustOptions.model_validate(
            {"locustfile": "x.py", "run_time": "10s", "stages": [{"duration": "5s", "users": 1}]}
        )


def test_single_process_command(tmp_path: Path) -> None:
    options = LocustOptions.model_validate(
        {"locustfile": "x.py", "users": 30, "run_time": "1m", "tags": ["read"], "user_classes": ["Applicant"]}
    )
    argv = main_argv(options, Path("/s/x.py"), Outputs(tmp_path), None)
    assert argv[3] == "Applicant"  # before --tags, which takes any number of values
    assert argv[argv.index("-f") + 1] == f"/s/x.py,{PLUGIN}"
    assert argv[argv.index("--spawn-rate") + 1] == "6"  # default: users / 5
    assert argv[argv.index("--run-time") + 1] == "60s"
    assert "--headless" in argv and "--csv-full-history" in argv and "--master" not in argv
    assert argv[argv.index("--tags") + 1 :][:1] == ["read"]
    assert "--host" not in argv  # a base URL may carry a token: command lines are public on a machine
    assert host_environment("http://127.0.0.1:8000/?k=v") == {"LOCUST_HOST": "http://127.0.0.1:8000/?k=v"}


def test_distributed_commands(tmp_path: Path) -> None:
    options = LocustOptions.model_validate(
        {
            "locustfile": "x.py",
            "run_time": "20s",
            "workers": 2,
            "master": {"host": "0.0.0.0", "port": 5557, "remote_workers": 3},
        }
    )
    out = Outputs(tmp_path)
    master = main_argv(options, Path("/s/x.py"), out, 5557)
    assert master[master.index("--expect-workers") + 1] == "5"
    assert master[master.index("--master-bind-host") + 1] == "0.0.0.0"
    worker = worker_argv(options, Path("/s/x.py"), out, 2, 5557)
    assert worker[worker.index("--master-host") + 1] == "127.0.0.1"  # local workers use loopback
    assert worker[worker.index("--logfile") + 1] == str(tmp_path / "worker-2.log")
    assert hard_timeout(options, None) == 60 + 20 + 0 + 30  # wait for workers + run + stop + grace
    assert hard_timeout(options, 45) == 45  # the suite's own timeout wins


def test_stages_replace_users_and_run_time(tmp_path: Path) -> None:
    options = LocustOptions.model_validate(
        {
            "locustfile": "x.py",
            "stages": [{"duration": "10s", "users": 5}, {"duration": "1m", "users": 20, "spawn_rate": 2}],
        }
    )
    assert options.duration == 70 and options.peak_users == 20
    assert stage_plan(options) == [
        {"duration": 10.0, "users": 5, "spawn_rate": 5.0},
        {"duration": 60.0, "users": 20, "spawn_rate": 2.0},
    ]
    argv = main_argv(options, Path("/s/x.py"), Outputs(tmp_path), None)
    assert "--run-time" not in argv and "--users" not in argv


def test_abort_criteria_must_use_live_values() -> None:
    check_watchable((parse_criterion("p95 > 2s for 10s : abort"), parse_criterion("avg < 1s")))
    check_watchable((parse_criterion('endpoint("GET /x").error_rate > 5% for 5s : abort'),))
    with pytest.raises(RunnerSetupError, match="avg is not in Locust's live statistics"):
        check_watchable((parse_criterion("avg > 1s for 10s : abort"),))


def test_validate_refuses_a_host_outside_the_scope(write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:8000", scope: [127.0.0.1]}
        suites:
          - name: perf
            kind: performance
            options:
              locustfile: x.py
              run_time: 5s
              host: http://127.0.0.2:8000
        """
    )
    (profile.parent / "x.py").write_text("from locust import HttpUser\n")
    result = run_cli("validate", str(profile))
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {profile}:9: suites[0].options.host: '127.0.0.2' is outside target.scope (127.0.0.1); "
        "the run would refuse to load it"
    ]
    profile.write_text(profile.read_text().replace("127.0.0.2:8000", "127.0.0.1:8001"))
    assert run_cli("validate", str(profile)).code == 0


@pytest.mark.parametrize(("users", "given", "rate"), [(30, None, 6.0), (3, None, 1.0), (30, 2.5, 2.5)])
def test_performance_and_canary_loads_start_users_alike(users: int, given: float | None, rate: float) -> None:
    load = {"locustfile": "x.py", "users": users, "spawn_rate": given, "run_time": "20s"}
    assert LocustOptions.model_validate(load).effective_spawn_rate == rate
    assert LoadOptions.model_validate(load).effective_spawn_rate == rate


def test_performance_and_canary_loads_keep_their_own_bounds() -> None:
    assert LocustOptions.model_validate({"locustfile": "x.py", "users": 5000, "run_time": "2h"}).users == 5000
    with pytest.raises(ValidationError, match="less than or equal to 1000"):
        LoadOptions.model_validate({"locustfile": "x.py", "users": 5000, "run_time": "20s"})
    with pytest.raises(ValidationError, match="less than or equal to 3600"):
        LoadOptions.model_validate({"locustfile": "x.py", "run_time": "2h"})
    with pytest.raises(ValidationError, match="run_time\n  Field required"):
        LoadOptions.model_validate({"locustfile": "x.py", "stages": [{"duration": "5s", "users": 1}]})
