"""The Locust runner end to end: real Locust processes loading the real demo target on 127.0.0.1.

Runs are a few seconds long; each test checks what a user sees: the exit code, run.json, the raw files.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.runners.locust.session import free_port
from harness.target.managed import demo_target
from tests.redirector import redirecting_target

pytestmark = pytest.mark.slow
LOCUSTFILE = Path(__file__).resolve().parents[2] / "suites" / "performance" / "locustfile.py"


def _profile(write_profile: Callable[..., Path], url: str, options: str, criteria: list[str] | None = None) -> Path:
    listed = "\n".join(f"      - {json.dumps(c)}" for c in (criteria or ["error_rate < 100%"]))
    body = textwrap.indent(textwrap.dedent(options).strip(), " " * 6)
    return write_profile(
        f"""
project: {{name: perf test}}
target: {{base_url: "{url}", scope: [127.0.0.1]}}
report: {{language: en}}
suites:
  - name: perf
    kind: performance
    options:
{body}
    criteria:
{listed}
"""
    )


def _run_dir(result: Any) -> Path:
    return Path(result.json()["run_dir"])


def _suite(run_dir: Path) -> dict[str, Any]:
    suite: dict[str, Any] = json.loads((run_dir / "run.json").read_text())["suites"][0]
    return suite


def _aggregated_row(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")


def test_a_short_run_yields_metrics_endpoints_timeseries_and_artifacts(
    demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    profile = _profile(
        write_profile,
        demo_url,
        f"locustfile: {LOCUSTFILE}\nusers: 8\nspawn_rate: 8\nrun_time: 4s",
        ["p95 < 2s", "error_rate < 1%", "rps >= 1", 'endpoint("GET /api/applications").p95 < 2s'],
    )
    result = run_cli("run", str(profile), "--json", timeout=120)
    assert result.code == 0, result.stdout + result.stderr
    run_dir = _run_dir(result)
    suite = _suite(run_dir)
    raw = run_dir / "raw" / "perf"
    assert suite["status"] == "passed" and suite["tool"]["name"] == "locust"
    metrics = suite["metrics"]
    # The harness's totals are Locust's own: its CSV Aggregated row and the sum of its JSON entries.
    row = _aggregated_row(raw / "locust_stats.csv")
    assert metrics["requests"] == int(row["Request Count"]) > 20
    assert metrics["failures"] == int(row["Failure Count"]) == 0
    # (percentiles are Locust's, clamped to the exact maximum: Locust rounds them to two digits)
    assert metrics["p95"] == pytest.approx(min(float(row["95%"]), float(row["Max Response Time"])) / 1000)
    assert metrics["requests"] == sum(e["num_requests"] for e in json.loads((raw / "locust.json").read_text()))
    assert metrics["users"] == 8 and metrics["aborted"] == 0
    names = {e["name"] for e in suite["endpoints"]}
    # (GET /api/applications/[id] needs an application the user created: not certain within 4 s on a busy machine)
    assert {"POST /api/auth/token", "GET /api/applications"} <= names
    assert sum(e["metrics"]["requests"] for e in suite["endpoints"]) == metrics["requests"]
    assert len(suite["timeseries"]) >= 3 and "rps" in suite["timeseries"][-1]["values"]
    for name in ("locust.html", "locust.log", "live.jsonl", "locust_stats_history.csv", "locust_failures.csv"):
        assert (raw / name).is_file(), name
    criteria = json.loads((run_dir / "run.json").read_text())["criteria"]
    assert [c["outcome"] for c in criteria] == ["passed"] * 4


def test_stages_shape_the_load(demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    options = f"""
        locustfile: {LOCUSTFILE}
        stages:
          - {{duration: 2s, users: 3, spawn_rate: 10}}
          - {{duration: 2s, users: 6, spawn_rate: 10}}
    """
    result = run_cli("run", str(_profile(write_profile, demo_url, options)), "--json", timeout=120)
    assert result.code == 0, result.stdout + result.stderr
    suite = _suite(_run_dir(result))
    assert suite["metrics"]["users"] == 6
    assert 3 in {p["values"].get("users") for p in suite["timeseries"]}


def test_two_local_workers_report_the_master_aggregate(
    demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    options = f"locustfile: {LOCUSTFILE}\nusers: 6\nspawn_rate: 6\nrun_time: 4s\nworkers: 2\nworker_timeout: 30s"
    result = run_cli("run", str(_profile(write_profile, demo_url, options)), "--json", timeout=120)
    assert result.code == 0, result.stdout + result.stderr
    run_dir = _run_dir(result)
    suite = _suite(run_dir)
    raw = run_dir / "raw" / "perf"
    assert suite["metrics"]["workers"] == 2 and suite["metrics"]["workers_lost"] == 0
    assert "1 master + 2 local worker(s)" in suite["notes"][0]["text"]
    log = (raw / "locust.log").read_text()
    assert "Sending spawn jobs" in log or "Ramping to 6 users" in log
    for index in (1, 2):
        assert "Starting Locust" in (raw / f"worker-{index}.log").read_text()
    assert suite["metrics"]["requests"] == int(_aggregated_row(raw / "locust_stats.csv")["Request Count"])


def test_an_abort_criterion_stops_the_test_and_fails_the_run(
    demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    locustfile = tmp_path / "missing_pages.py"
    locustfile.write_text(
        textwrap.dedent(
            """
            from locust import FastHttpUser, constant, task

            class Visitor(FastHttpUser):
                wait_time = constant(0.1)

                @task
                def missing(self):
                    self.client.get("/no-such-page")
            """
        )
    )
    criteria = ["error_rate > 50% for 2s : abort", "p95 < 2s"]
    profile = _profile(write_profile, demo_url, f"locustfile: {locustfile}\nusers: 3\nrun_time: 60s", criteria)
    result = run_cli("run", str(profile), "--json", timeout=120)
    assert result.code == 1, result.stdout + result.stderr
    run = json.loads((_run_dir(result) / "run.json").read_text())
    suite = run["suites"][0]
    assert max(p["t"] for p in suite["timeseries"]) < 40  # the load stopped long before its 60 s
    assert suite["status"] == "failed" and suite["metrics"]["aborted"] == 1
    assert suite["abort"]["criterion"] == criteria[0] and suite["abort"]["at"] < 30
    outcomes = {c["expression"]: c for c in run["criteria"]}
    assert outcomes[criteria[0]]["outcome"] == "failed" and "held from" in outcomes[criteria[0]]["message"]
    assert any(criteria[0] in reason["text"] for reason in run["verdict_reasons"])  # messages: key, params, text
    assert suite["failures"][0]["endpoints"] == ["GET /no-such-page"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "from locust import FastHttpUser, task\nclass A(FastHttpUser):\n    @task\n    def x(self)\n        pass\n",
            "SyntaxError",
        ),
        ("import locust\nVALUE = 1\n", "No User class found"),
    ],
    ids=["syntax-error", "no-user-class"],
)
def test_a_broken_locustfile_is_a_suite_error_with_locusts_message(
    demo_url: str,
    write_profile: Callable[..., Path],
    run_cli: Callable[..., Any],
    tmp_path: Path,
    source: str,
    message: str,
) -> None:
    locustfile = tmp_path / "broken.py"
    locustfile.write_text(source)
    result = run_cli("run", str(_profile(write_profile, demo_url, f"locustfile: {locustfile}\nrun_time: 5s")), "--json")
    assert result.code == 3, result.stdout + result.stderr
    suite = _suite(_run_dir(result))
    assert suite["status"] == "error" and message in suite["error"]
    assert result.json()["verdict"] == "INCOMPLETE"


def test_a_refusing_target_is_an_error_not_a_failed_load_test(
    demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    options = f"locustfile: {LOCUSTFILE}\nrun_time: 5s\nhost: {closed}"
    result = run_cli("run", str(_profile(write_profile, demo_url, options)), "--json")
    assert result.code == 3
    suite = _suite(_run_dir(result))
    assert suite["status"] == "error" and "refuses connections" in suite["error"]
    assert not (_run_dir(result) / "raw" / "perf" / "locust.log").exists()  # no load was attempted


def test_a_host_outside_the_scope_is_refused_before_any_request(
    demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    options = f"locustfile: {LOCUSTFILE}\nrun_time: 5s\nhost: http://example.org"
    result = run_cli("run", str(_profile(write_profile, demo_url, options)), "--json")
    assert result.code == 2  # what the run refuses, validation refuses first: nothing ran
    assert "suites[0].options.host: 'example.org' is outside target.scope" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_an_absolute_url_outside_the_scope_stops_the_test(
    demo_url: str, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    # 127.0.0.2 is loopback (nothing leaves the machine) but not in the profile's scope.
    locustfile = tmp_path / "escape.py"
    locustfile.write_text(
        "from locust import FastHttpUser, constant, task\n"
        "class Escape(FastHttpUser):\n    wait_time = constant(0.2)\n"
        "    @task\n    def other(self):\n        self.client.get('http://127.0.0.2:9/x')\n"
    )
    result = run_cli(
        "run", str(_profile(write_profile, demo_url, f"locustfile: {locustfile}\nrun_time: 30s")), "--json"
    )
    assert result.code == 3
    suite = _suite(_run_dir(result))
    assert suite["status"] == "error" and "outside target.scope" in suite["error"]


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Starts ``harness run PROFILE`` in the background; whatever a test asserts, it is stopped afterwards."""
    started: list[subprocess.Popen[str]] = []

    def start(profile: Path) -> subprocess.Popen[str]:
        script = Path(sys.executable).with_name("harness")
        process = subprocess.Popen(
            [str(script), "run", str(profile), "--json", "--quiet"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # the harness stops Locust and its workers cleanly
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def _live_started(tmp_path: Path) -> bool:
    return any("test_start" in p.read_text() for p in tmp_path.glob("reports/*/raw/perf/live.jsonl"))


def _live_sample(tmp_path: Path, condition: Callable[[dict[str, Any]], bool]) -> bool:
    """Whether the plug-in's live record has a sample for which ``condition`` holds (an event to wait for)."""
    for path in tmp_path.glob("reports/*/raw/perf/live.jsonl"):
        for line in path.read_text().splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a line being written
            if event.get("event") == "sample" and "t" in event and condition(event):
                return True
    return False


def test_a_target_dying_mid_test_counts_failures_and_the_next_suite_finds_it_down(
    write_profile: Callable[..., Path], tmp_path: Path, harness: Callable[[Path], subprocess.Popen[str]]
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "test_api.py").write_text("def test_health(api):\n    assert api.get('/health').ok\n")
    with demo_target(tmp_path / "target", ()) as url:
        profile = write_profile(
            f"""
project: {{name: perf test}}
target: {{base_url: "{url}", scope: [127.0.0.1]}}
suites:
  - name: perf
    kind: performance
    options: {{locustfile: {LOCUSTFILE}, users: 5, spawn_rate: 5, run_time: 8s}}
    criteria: ["error_rate < 1%"]
  - {{name: after, kind: integration, options: {{paths: [api]}}}}
"""
        )
        run = harness(profile)
        _wait_for(lambda: _live_sample(tmp_path, lambda s: s.get("requests", 0) >= 5), 60)  # load is flowing
        (server,) = _pids(b"harness.demo", str(tmp_path / "target"))
        os.kill(server, signal.SIGKILL)  # the target crashes
    stdout, stderr = run.communicate(timeout=90)
    # the load test's failure is final (no later suite can undo it): FAIL, and the reasons say what did not run
    assert run.returncode == 1, stdout + stderr
    reasons = json.loads(stdout)["verdict_reasons"]
    assert any(r.startswith("perf: error_rate") for r in reasons) and any(
        "suite after could not run" in r for r in reasons
    )
    run_dir = Path(json.loads(stdout)["run_dir"])
    suite = _suite(run_dir)
    assert suite["status"] == "failed"
    assert suite["metrics"]["failures"] > 0 and suite["metrics"]["requests"] > suite["metrics"]["failures"]
    assert any("Connection" in f["message"] for f in suite["failures"])
    after = json.loads((run_dir / "run.json").read_text())["suites"][1]
    assert after["status"] == "error"  # not run against a dead target, and certainly not passed
    assert after["error"].startswith("target stopped answering:") and "is unreachable" in after["error"]


def _pids(flag: bytes, marker: str) -> list[int]:
    """Processes whose command line has the argument ``flag`` and mentions ``marker`` (a test's directory)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if flag in command and any(marker.encode() in part for part in command):
            pids.append(int(entry.name))
    return pids


def test_a_killed_worker_is_reported_and_the_run_ends_cleanly(
    demo_url: str, write_profile: Callable[..., Path], tmp_path: Path, harness: Callable[[Path], subprocess.Popen[str]]
) -> None:
    options = f"locustfile: {LOCUSTFILE}\nusers: 6\nspawn_rate: 6\nrun_time: 10s\nworkers: 2"
    run = harness(_profile(write_profile, demo_url, options))
    _wait_for(lambda: _live_sample(tmp_path, lambda s: s.get("users") == 6 and s.get("workers") == 2), 60)
    workers = _pids(b"--worker", str(tmp_path))
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = run.communicate(timeout=90)
    assert run.returncode in (0, 1), stdout + stderr
    run_dir = Path(json.loads(stdout)["run_dir"])
    suite = _suite(run_dir)
    metrics = suite["metrics"]
    assert metrics["workers_lost"] == 1 and metrics["workers"] == 2
    assert any("1 of 2 workers were lost" in note["text"] for note in suite["notes"])
    # what happened, not what was planned: 6 users at the peak, fewer on average once a worker was gone
    users = [p["values"]["users"] for p in suite["timeseries"] if "users" in p["values"]]
    assert metrics["users"] == max(users) == 6 and 3 in users
    assert 3 < metrics["users_mean"] < 6
    assert any("6 at the peak" in note["text"] and "on average" in note["text"] for note in suite["notes"])
    assert (run_dir / "report.pdf").is_file()
    assert not _pids(b"--worker", str(tmp_path))  # nothing left behind


def test_a_worker_from_another_machine_joins_through_master_options(
    demo_url: str, write_profile: Callable[..., Path], tmp_path: Path, harness: Callable[[Path], subprocess.Popen[str]]
) -> None:
    port = free_port()
    options = f"""
        locustfile: {LOCUSTFILE}
        users: 4
        spawn_rate: 4
        run_time: 4s
        master: {{host: 127.0.0.1, port: {port}, remote_workers: 1}}
        worker_timeout: 40s
    """
    run = harness(_profile(write_profile, demo_url, options))
    # What an operator runs on the other machine: the locustfile comes from the master ("-f -").
    remote = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", "-", "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        stdout, stderr = run.communicate(timeout=90)
        remote.wait(timeout=30)
    finally:
        remote.kill()
    assert run.returncode == 0, stdout + stderr
    suite = _suite(Path(json.loads(stdout)["run_dir"]))
    assert suite["metrics"]["workers"] == 1 and suite["metrics"]["requests"] > 0
    assert "1 remote worker(s)" in suite["notes"][0]["text"]


REDIRECTED_LOCUSTFILE = """
import json
import os

from locust import {base}, constant, task

AUTH = json.loads(os.environ["HARNESS_TARGET"])["headers"]  # the profile's auth, as docs/performance.md says


class Visitor({base}):
    wait_time = constant(0.1)

    @task
    def browse(self):
        self.client.get("/ok", headers=AUTH)
        # a locustfile that marks every response as fine cannot hide the refused hop either
        with self.client.get("/moved", headers=AUTH, catch_response=True) as response:
            response.success()
"""


@pytest.mark.parametrize(
    ("base", "auth"),
    [
        ("FastHttpUser", '{type: header, name: X-Api-Key, value: "${SCOPE_TEST_SECRET}"}'),
        ("HttpUser", '{type: basic, username: qa, password: "${SCOPE_TEST_SECRET}"}'),
        ("FastHttpUser", '{type: bearer, token: "${SCOPE_TEST_SECRET}"}'),
    ],
    ids=["fasthttp-header", "requests-basic", "fasthttp-bearer"],
)
def test_a_redirect_out_of_the_scope_is_never_followed_and_stops_the_test(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, base: str, auth: str
) -> None:
    locustfile = tmp_path / "redirected.py"
    locustfile.write_text(REDIRECTED_LOCUSTFILE.format(base=base))
    with redirecting_target(pages={"/ok": '{"ok": true}'}) as site:
        profile = write_profile(
            f"""
project: {{name: perf scope}}
target: {{base_url: "{site.url}", scope: [127.0.0.1], auth: {auth}}}
suites:
  - name: perf
    kind: performance
    options: {{locustfile: {locustfile}, users: 3, spawn_rate: 3, run_time: 30s}}
"""
        )
        result = run_cli("run", str(profile), "--json", "--quiet", env={"SCOPE_TEST_SECRET": "s3cr3t-locust-4f"})
        outside = list(site.outside.requests)
    assert outside == []  # no hop left the scope: refused before it was sent
    assert result.code == 3, result.stdout + result.stderr
    suite = _suite(_run_dir(result))
    assert suite["status"] == "error"
    assert f"redirected from {site.url}/moved to {site.outside.url}/landed/moved" in suite["error"]
    assert "'127.0.0.2' is outside target.scope" in suite["error"] and "was not followed" in suite["error"]
    assert suite["metrics"]["requests"] >= 1  # the in-scope page was loaded before the stop
