"""`harness run / validate / report` as users and CI run them: exit codes, run directories, the PDF."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.results.model import SCHEMA_VERSION
from harness.results.rundir import sha256_file

HARNESS = str(Path(sys.executable).with_name("harness"))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def run_dirs(base: Path) -> list[Path]:
    return [p for p in base.iterdir() if p.is_dir()] if base.exists() else []


@pytest.mark.slow
def test_the_demo_profile_passes_and_writes_a_complete_run_directory(demo_run_dir) -> None:  # type: ignore[no-untyped-def]
    result, run_dir = demo_run_dir
    summary = result.json()
    assert summary["verdict"] == "PASS"
    assert Path(str(summary["run_dir"])).name == run_dir.name
    assert re.fullmatch(r"demo-\d{8}T\d{6}-[0-9a-f]{4}", run_dir.name)
    for name in ("run.json", "manifest.json", "harness.log", "report.pdf", "junit.xml", "summary.json"):
        assert (run_dir / name).is_file(), name
    run = json.loads((run_dir / "run.json").read_text())
    assert run["schema_version"] == SCHEMA_VERSION
    assert {s["name"]: s["status"] for s in run["suites"]}["integration"] == "passed"
    assert sum(s["metrics"].get("tests", 0) for s in run["suites"]) >= 40
    manifest = json.loads((run_dir / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert sha256_file(run_dir / entry["path"]) == entry["sha256"], entry["path"]
    assert "raw/integration/junit.xml" in {e["path"] for e in manifest["files"]}

    text = pdf_text(run_dir / "report.pdf")
    for expected in ("软件测试验收报告", "项目组", "业务方", "监理单位", "陈明", "赵强", "通过", run_dir.name):
        assert expected in text, expected
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)
    fonts = subprocess.run(["pdffonts", str(run_dir / "report.pdf")], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes yes " in row for row in rows), fonts.stdout
    assert "Helvetica" not in fonts.stdout


@pytest.mark.slow
def test_an_unreachable_target_makes_the_run_incomplete(repo: Path, write_profile, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: Down}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - {name: unit, kind: unit, options: {paths: ["{repo}/suites/unit"]}}
          - {name: integration, kind: integration, options: {paths: ["{repo}/suites/integration"]}}
        report: {language: en}
        """
    )
    result = run_cli("run", str(profile), "--json", "--quiet")
    assert result.code == 3
    summary = result.json()
    assert summary["verdict"] == "INCOMPLETE"
    suites = {s["name"]: s for s in summary["suites"]}  # type: ignore[union-attr]
    human = run_cli("run", str(profile), "--quiet")
    assert "error: [integration] pass_rate" in human.stdout or "error: [integration] failed + errors" in human.stdout
    assert suites["unit"]["status"] == "passed"
    assert suites["integration"]["status"] == "error"
    assert "127.0.0.1:9 is unreachable" in suites["integration"]["error"]
    text = pdf_text(Path(str(summary["run_dir"])) / "report.pdf")
    assert "INCOMPLETE" in text
    assert "unreachable" in text


def _port_closed(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname or "", parts.port or 80)) != 0


@pytest.mark.slow
def test_ctrl_c_stops_the_suite_and_the_target_and_keeps_the_results(tmp_path: Path, write_profile) -> None:  # type: ignore[no-untyped-def]
    suite = tmp_path / "slow"
    suite.mkdir()
    started = tmp_path / "long-test-started"
    # test_long announces itself: the interrupt is sent once it runs (test_quick has passed by then,
    # whatever the machine's load), never after a guessed delay.
    (suite / "test_slow.py").write_text(
        "import pathlib, time\n\ndef test_quick():\n    pass\n\n"
        f"def test_long():\n    pathlib.Path({str(started)!r}).touch()\n    time.sleep(120)\n"
    )
    profile = write_profile(
        """\
        project: {name: Interrupted}
        target: {start: demo}
        suites:
          - {name: slow, kind: integration, options: {paths: [slow]}}
          - {name: later, kind: unit, options: {paths: [slow]}}
        """
    )
    process = subprocess.Popen(
        [HARNESS, "run", str(profile), "--json", "--out", str(tmp_path / "reports")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        _wait_for(lambda: started.exists() or process.poll() is not None, timeout=120)
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 3, stderr
    summary = json.loads(stdout)
    assert summary["verdict"] == "INCOMPLETE"
    assert summary["interrupted"] is True
    statuses = {s["name"]: s["status"] for s in summary["suites"]}
    assert statuses == {"slow": "incomplete", "later": "skipped"}
    assert summary["suites"][0]["tests"]["passed"] == 1
    stopped = summary["suites"][0]["stopped"]
    assert stopped["cause"] == "cancelled" and stopped["elapsed"] > 0
    assert stopped["text"].startswith("stopped early after") and "(SIGINT received)" in stopped["text"]
    (criterion,) = summary["criteria"]  # judged on what the suite gathered, not final: open, value shown
    assert criterion["partial"] and criterion["outcome"] == "error" and criterion["measured_text"] == "100 %"
    run_json = Path(str(summary["run_dir"])) / "run.json"
    run = json.loads(run_json.read_text())
    assert run["verdict"] == "INCOMPLETE"
    assert _port_closed(run["target"]["base_url"])
    assert (run_json.parent / "report.pdf").is_file()
    leftovers = subprocess.run(["pgrep", "-f", str(suite)], capture_output=True, text=True).stdout
    assert leftovers == ""


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    """Wait for an event (a file, a process ending): polls, and fails the test only after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def test_a_broken_profile_exits_2_with_file_and_line_and_no_run_directory(
    write_profile, run_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - name: unit
            kind: unit
            options: {paths: ["{repo}/suites/unit"], users: 3}
            criteria: ["p95 < 500"]
        """
    )
    result = run_cli("run", str(profile))
    assert result.code == 2
    assert f"{profile}:6: suites[0].options.users: unknown key 'users'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not run_dirs(tmp_path / "reports")


def test_validate_reports_every_error_or_ok(write_profile, run_cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - name: unit
            kind: unit
            options: {paths: ["{repo}/suites/unit"]}
            criteria: ["pass_rate >= 95", "passrate >= 95%", "duration < 1min"]
        """
    )
    result = run_cli("validate", str(profile))
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {profile}:7: suites[0].criteria[0]: 95 needs a percent sign: ratios are written as "
        "percentages, e.g. 1% in 'pass_rate >= 95'",
        f"error: {profile}:7: suites[0].criteria[1]: metric 'passrate' is not produced by a unit suite "
        "(did you mean 'pass_rate'?)",
    ]
    ok = run_cli("validate", str(repo / "profiles" / "demo.yaml"))
    assert ok.code == 0
    assert ok.stdout.startswith("OK:")
    lines = [line.strip() for line in ok.stdout.splitlines()]
    assert "alerts.critical + alerts.high == 0 : warn" in lines  # every suite's criteria, as effective
    assert (
        "findings: FAIL critical, high · WARN medium · INFO low, info (fail_on: high); "
        f"per-rule actions from rules_file {repo / 'profiles' / 'security-rules.tsv'}"
    ) in lines


def test_a_missing_environment_variable_is_a_profile_error(write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        "project: {name: X}\ntarget: {base_url: '${NOT_SET_ANYWHERE}'}\n"
        "suites: [{name: u, kind: unit, options: {paths: ['{repo}/suites/unit']}}]\n"
    )
    result = run_cli("validate", str(profile), env={"NOT_SET_ANYWHERE": "http://127.0.0.1:9"})
    assert result.code == 0, result.stderr
    profile.write_text(profile.read_text().replace("NOT_SET_ANYWHERE", "HARNESS_TEST_UNSET_VARIABLE"))
    result = run_cli("validate", str(profile))
    assert result.code == 2
    assert f"{profile}:2: target.base_url: environment variable HARNESS_TEST_UNSET_VARIABLE is not set" in result.stderr


def test_a_target_outside_the_scope_is_refused(write_profile, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "https://www.example.org", scope: [127.0.0.1]}
        suites: [{name: it, kind: integration, options: {paths: ["{repo}/suites/unit"]}}]
        """
    )
    result = run_cli("run", str(profile))
    assert result.code == 2
    assert "outside target.scope" in result.stderr
    assert not run_dirs(tmp_path / "reports")


def test_unknown_suite_selection_is_a_usage_error(repo: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("run", str(repo / "profiles" / "demo.yaml"), "--suite", "nope")
    assert result.code == 2
    assert "no suite named 'nope'" in result.stderr


@pytest.mark.slow
def test_selected_suites_only_and_report_rebuild(repo: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("run", str(repo / "profiles" / "demo.yaml"), "--suite", "unit", "--json", "--quiet")
    assert result.code == 0, result.stderr
    summary = result.json()
    statuses = {s["name"]: s["status"] for s in summary["suites"]}  # type: ignore[union-attr]
    assert statuses.pop("unit") == "passed"
    assert statuses and set(statuses.values()) == {"skipped"}
    run_dir = Path(str(summary["run_dir"]))
    (run_dir / "report.pdf").unlink()
    (run_dir / "junit.xml").unlink()
    rebuilt = run_cli("report", str(run_dir))
    assert rebuilt.code == 0, rebuilt.stderr
    assert (run_dir / "report.pdf").is_file()
    assert (run_dir / "junit.xml").is_file()
    assert run_cli("report", str(tmp_path)).code == 2


def test_version_and_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    version = run_cli("--version")
    assert version.code == 0
    assert re.fullmatch(r"harness \d+\.\d+\.\d+\S*\n", version.stdout)
    for command in ("run", "validate", "report"):
        helped = run_cli(command, "--help")
        assert helped.code == 0, command
        assert "Usage" in helped.stdout


def test_no_run_directory_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness never writes into os.environ (it passes env= to children)."""
    before = dict(os.environ)
    from harness.cli import app  # noqa: F401  (importing the CLI must have no side effects)

    assert dict(os.environ) == before


def test_error_lines_are_printed_as_written_no_emoji_no_markup(write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    # rich would print "profile.yaml:100:" as "profile.yaml💯" and eat "[red]...[/]" as markup
    profile = write_profile(
        "project: {name: X}\ntarget: {base_url: 'http://127.0.0.1:9'}\n"
        "suites: [{name: u, kind: unit, options: {paths: ['{repo}/suites/unit']}}]\n" + "# filler\n" * 96 + "'[red]x[/]': 1\n"
    )
    result = run_cli("validate", str(profile))
    assert result.code == 2
    assert result.stderr.startswith(f"error: {profile}:100: [red]x[/]: unknown key '[red]x[/]'"), result.stderr
    assert "💯" not in result.stderr


def test_validate_refuses_criteria_that_measure_nothing(write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - name: unit
            kind: unit
            options: {paths: ["{repo}/suites/unit"]}
            criteria: ["failed / 0 < 1", "1 < 2", "failed == 0"]
        """
    )
    result = run_cli("validate", str(profile))
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {profile}:7: suites[0].criteria[0]: divides by 0: the criterion can never be evaluated",
        f"error: {profile}:7: suites[0].criteria[1]: compares numbers only: name a metric, e.g. failed == 0 or "
        "p95 < 500ms",
    ]
