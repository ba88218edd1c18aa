"""`harness history list|diff|tag|import` through the real console script, on real run directories."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from history_builders import T0, finding, make_run, perf_suite, security_suite, write_run

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

    listed = run_cli("history", "list", "--profile", "demo", "--json").json()["runs"]
    assert [r["run_id"] for r in listed] == ["demo-20250302T020000-0000", "demo-20250301T020000-0000"]  # type: ignore[index]
    assert run_cli("history", "list", "--profile", "other").stdout.startswith("no runs of profile other")

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
