"""`harness history list|diff|tag|import|migrate` through the real console script, on real run directories,
with SQLite histories and a real PostgreSQL shared by "machines" (processes in different working directories)."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from history_builders import T0, finding, make_run, perf_suite, security_suite, write_run
from pg_server import PASSWORD, PostgresServer

from harness.results.model import Verdict

CSP = finding("10038", "Content Security Policy (CSP) Header Not Set", "medium", "fp-csp")
BANNER = finding("10036", "Server Leaks Version Information", "low", "fp-banner")
XSS = finding("40012", "Cross Site Scripting (Reflected)", "high", "fp-xss")

Cli = Callable[..., "CliResult"]  # noqa: F821


@pytest.fixture
def runs(tmp_path: Path) -> list[Path]:
    """Two demo-like runs: the second has the XSS weakness switched on and the server banner switched off."""
    reports = tmp_path / "reports"
    first = make_run([perf_suite(p95=0.200), security_suite(findings=[CSP, BANNER])], started=T0)
    second = make_run(
        [perf_suite(p95=0.240), security_suite(findings=[CSP, XSS])],
        started=T0 + timedelta(days=1),
        verdict=Verdict.FAIL,
    )
    return [write_run(reports, first), write_run(reports, second)]


@pytest.mark.slow
def test_import_list_diff_tag(tmp_path: Path, runs: list[Path], run_cli: Cli) -> None:
    stray = tmp_path / "reports" / "not-a-run"
    stray.mkdir()
    result = run_cli("history", "import", *map(str, runs), str(stray))
    assert result.code == 0, result.stderr
    assert "2 imported, 1 skipped" in result.stdout
    assert f"skipped {stray}" in result.stderr and "no run.json" in result.stderr

    listed = run_cli("history", "list", "--profile-name", "demo", "--json").json()["runs"]
    assert [r["run_id"] for r in listed] == ["demo-20250302T020000-0000", "demo-20250301T020000-0000"]  # type: ignore[index]
    assert run_cli("history", "list", "--profile-name", "other").stdout.startswith("no runs of profile other")
    named = run_cli("history", "list", "--profile", "demo")  # a name where a file is expected: say what to use
    assert named.code == 2 and "--profile takes a file; runs by profile name: --profile-name demo" in named.stderr

    diff = run_cli("history", "diff", "demo-20250301", "demo-20250302")
    assert diff.code == 0, diff.stderr
    assert "suite scan: 1 new, 1 fixed, 1 unchanged" in diff.stdout
    assert "NEW   high     Cross Site Scripting (Reflected) (rule 40012, fp-xss)" in diff.stdout
    assert "FIXED low      Server Leaks Version Information (rule 10036, fp-banner)" in diff.stdout
    assert "+40 ms (+20.0 %)" in diff.stdout  # p95 of the load suite
    data = run_cli("history", "diff", "demo-20250301", "demo-20250302", "--json").json()
    assert data["new_findings"]["high"] == 1 and data["fixed_findings"]["low"] == 1  # type: ignore[index]

    tagged = run_cli("history", "tag", "demo-20250301", "--as", "accepted")
    assert tagged.code == 0 and "tagged demo-20250301T020000-0000 as 'accepted' for profile demo" in tagged.stdout
    assert "accepted" in run_cli("history", "list", env={"COLUMNS": "160"}).stdout


@pytest.mark.slow
def test_bad_input_exits_2(tmp_path: Path, runs: list[Path], run_cli: Cli) -> None:
    missing = run_cli("history", "list")
    assert missing.code == 2 and "no run history at" in missing.stderr
    run_cli("history", "import", str(runs[0]))
    unknown = run_cli("history", "diff", "demo-2025", "nope")
    assert unknown.code == 2 and "no run 'nope'" in unknown.stderr
    ambiguous = run_cli("history", "tag", "demo-2025", "--as", "accepted")
    assert ambiguous.code == 0  # one run imported: the prefix is unique
    keyword = run_cli("history", "tag", "demo-2025", "--as", "last-pass")
    assert keyword.code == 2 and "baseline keyword" in keyword.stderr

    text = tmp_path / "notes.sqlite"
    text.write_text("my notes\n")
    result = run_cli("history", "list", "--history", str(text))
    assert result.code == 2 and "is not a SQLite database" in result.stderr
    assert text.read_text() == "my notes\n"

    newer = tmp_path / "reports" / "history.sqlite"
    with closing(sqlite3.connect(newer)) as db:
        db.execute("PRAGMA user_version = 99")
    before = newer.read_bytes()
    result = run_cli("history", "import", str(runs[1]))
    assert result.code == 2 and "newer than this harness understands" in result.stderr
    assert newer.read_bytes() == before


@pytest.mark.slow
def test_harness_run_refuses_a_broken_history(write_profile: Callable[..., Path], tmp_path: Path, run_cli: Cli) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    profile = write_profile(
        """
        project: {name: Demo}
        target: {base_url: "http://127.0.0.1:9"}
        history: {path: runs.sqlite}
        suites:
          - {name: unit, kind: unit, options: {paths: [tests]}}
        """
    )
    (tmp_path / "runs.sqlite").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = run_cli("run", str(profile), "--out", str(tmp_path / "out"))
    assert result.code == 2 and "runs.sqlite is not a SQLite database" in result.stderr
    assert not (tmp_path / "out").exists()
    ok = run_cli("run", str(profile), "--out", str(tmp_path / "out"), "--history", str(tmp_path / "other.sqlite"))
    assert ok.code == 0, ok.stderr
    listed = run_cli("history", "list", "--history", str(tmp_path / "other.sqlite"), "--json").json()["runs"]
    assert [r["verdict"] for r in listed] == ["PASS"]  # type: ignore[index]


# --- PostgreSQL: a history shared by machines ---------------------------------------------------------------


@pytest.mark.slow
def test_migrate_copies_a_sqlite_history_into_postgresql(
    tmp_path: Path, runs: list[Path], run_cli: Cli, write_profile: Callable[..., Path], postgres_server: PostgresServer
) -> None:
    assert run_cli("history", "import", *map(str, runs)).code == 0
    assert run_cli("history", "tag", "demo-20250301", "--as", "accepted").code == 0
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    profile = write_profile(
        'project: {name: Demo}\ntarget: {base_url: "http://127.0.0.1:9"}\n'
        "suites:\n  - {name: unit, kind: unit, options: {paths: [suite]}}\n",
        name="demo.yaml",
    )
    assert run_cli("schedule", "add", str(profile), "--cron", "0 2 * * *", "--tz", "Asia/Shanghai").code == 0
    url = postgres_server.url(postgres_server.create_database())

    copied = run_cli("history", "migrate", "--from", "reports/history.sqlite", "--to", url)
    assert copied.code == 0, copied.stderr
    assert "copied 2 run(s), 1 tag(s), 1 schedule(s) and 0 scheduler log entries" in copied.stdout
    assert PASSWORD not in copied.stdout + copied.stderr and "harness:***@127.0.0.1" in copied.stdout
    listed = run_cli("history", "list", "--history", url, "--json").json()
    assert [r["run_id"] for r in listed["runs"]] == ["demo-20250302T020000-0000", "demo-20250301T020000-0000"]  # type: ignore[index]
    assert listed["runs"][1]["tags"] == ["accepted"]  # type: ignore[index]
    assert PASSWORD not in str(listed["history"])
    on_sqlite = run_cli("history", "diff", "demo-20250301", "demo-20250302", "--json").json()
    on_postgres = run_cli("history", "diff", "demo-20250301", "demo-20250302", "--json", "--history", url).json()
    assert on_postgres == on_sqlite  # same runs, same metrics, same findings
    schedules = run_cli("schedule", "list", "--json", "--history", url).json()["schedules"]
    assert [(s["id"], s["cron"], s["timezone"]) for s in schedules] == [(1, "0 2 * * *", "Asia/Shanghai")]  # type: ignore[index]
    added = run_cli("schedule", "add", str(profile), "--cron", "0 3 * * *", "--history", url)
    assert "added schedule #2" in added.stdout, added.stderr  # the id sequence continues after the copied ids

    again = run_cli("history", "migrate", "--from", "reports/history.sqlite", "--to", url)
    assert again.code == 0 and "copied 2 run(s), 1 tag(s)" in again.stdout  # idempotent: nothing doubled
    assert "schedules or a scheduler log of its own" in again.stderr  # the target's schedules changed since

    # a second machine's history: one more run, and its own 'accepted' tag
    other = tmp_path / "other"
    third = make_run([perf_suite(p95=0.2), security_suite(findings=[CSP])], started=T0 + timedelta(days=2))
    other_run = write_run(other / "reports", third)
    assert run_cli("history", "import", str(other_run), cwd=other).code == 0
    assert run_cli("history", "tag", third.run_id, "--as", "accepted", cwd=other).code == 0
    merged = run_cli("history", "migrate", "--from", str(other / "reports" / "history.sqlite"), "--to", url)
    assert merged.code == 0 and "copied 1 run(s), 0 tag(s)" in merged.stdout
    assert "tag 'accepted' of profile demo names demo-20250301T020000-0000 in the target" in merged.stderr
    assert len(run_cli("history", "list", "--history", url, "--json").json()["runs"]) == 3  # type: ignore[arg-type]

    missing = run_cli("history", "migrate", "--from", "nowhere.sqlite", "--to", url)
    assert missing.code == 2 and "no run history at" in missing.stderr


@pytest.mark.slow
def test_two_machines_see_each_others_runs_as_baselines(
    tmp_path: Path, run_cli: Cli, write_profile: Callable[..., Path], postgres_server: PostgresServer
) -> None:
    """Two `harness run` processes in different working directories ("machines", each with its own
    reports/) record into one PostgreSQL history named in the profile, the password from ${PGPASSWORD}."""
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "test_service.py").write_text("def test_a():\n    pass\n\ndef test_b():\n    pass\n")
    url = postgres_server.url(postgres_server.create_database(), password="${PGPASSWORD}")
    profile = write_profile(
        f"""
        project: {{name: Permit service}}
        target: {{base_url: "http://127.0.0.1:9"}}
        history: {{url: "{url}"}}
        baseline: previous
        suites:
          - name: unit
            kind: unit
            options: {{paths: [suite]}}
            criteria: ["pass_rate >= baseline.pass_rate", "tests >= baseline.tests"]
        """,
        name="shared.yaml",
    )
    env = {"PGPASSWORD": PASSWORD}
    machines = [tmp_path / "runner-a", tmp_path / "runner-b"]
    for machine in machines:
        machine.mkdir()
    results = []
    for machine in (machines[0], machines[1], machines[0]):
        result = run_cli("run", str(profile), "--json", "--quiet", cwd=machine, env=env)
        assert result.code == 0, result.stdout + result.stderr
        assert PASSWORD not in result.stdout + result.stderr
        results.append(result.json())
    first, second, third = (r["comparison"] for r in results)
    assert first["suites"][0]["note"] == "no earlier finished run of profile shared ran suite unit"  # type: ignore[index]
    assert second["suites"][0]["baseline_run"] == results[0]["run_id"]  # type: ignore[index]  # B sees A's run
    assert third["suites"][0]["baseline_run"] == results[1]["run_id"]  # type: ignore[index]  # A sees B's run
    for machine in machines:
        assert not (machine / "reports" / "history.sqlite").exists()
        for path in (machine / "reports").rglob("*"):
            assert not path.is_file() or PASSWORD.encode() not in path.read_bytes(), path
    listed = run_cli("history", "list", "--history", postgres_server.url(url.rsplit("/", 1)[1]), "--json").json()
    assert sorted(r["run_dir"].split("/runner-")[1][0] for r in listed["runs"]) == ["a", "a", "b"]  # type: ignore[index,union-attr]


@pytest.mark.slow
def test_postgresql_problems_exit_2_before_anything_runs(
    tmp_path: Path, run_cli: Cli, write_profile: Callable[..., Path], postgres_server: PostgresServer
) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    profile = write_profile(
        """
        project: {name: Demo}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - {name: unit, kind: unit, options: {paths: [tests]}}
        """
    )
    database = postgres_server.create_database()
    with socket.socket() as closed:  # bound, never listening: connecting is refused
        closed.bind(("127.0.0.1", 0))
        unreachable = postgres_server.url(database, port=closed.getsockname()[1])
    problems = {
        "unreachable": (unreachable, "cannot reach the PostgreSQL server at 127.0.0.1:"),
        "wrong password": (postgres_server.url(database, password="nope-" + PASSWORD), "refused the password"),
        "no database": (postgres_server.url("nowhere"), "database 'nowhere' does not exist"),
        "not a URL": ("postgresql://harness:x@127.0.0.1:99999/db", "port after the host must be a number"),
    }
    for problem, (url, expected) in problems.items():
        result = run_cli("run", str(profile), "--out", str(tmp_path / "out"), "--history", url)
        assert result.code == 2 and expected in result.stderr, (problem, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
        assert PASSWORD not in result.stderr and not (tmp_path / "out").exists()
    listed = run_cli("history", "list", "--history", postgres_server.url(database))
    assert listed.code == 2 and "no run history in postgresql://harness:***@" in listed.stderr
