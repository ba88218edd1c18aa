"""One rule for where the history is, the same for `harness run` and every history/schedule command."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from harness_cli import CliResult, harness

from harness.errors import HistoryError
from harness.history.location import DEFAULT_HISTORY, HistoryLocation, choose_history, profile_history
from harness.profile import load_profile

REPO = Path(__file__).resolve().parents[2]


def _profile(path: Path, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(
            f"""\
            project: {{name: History}}
            target: {{base_url: "http://127.0.0.1:9"}}
            suites:
              - {{name: soapui, kind: import, options: {{format: junit, paths: ["{REPO}/suites/imports/soapui/*.xml"]}}}}
            """
        )
        + extra,
        encoding="utf-8",
    )
    return path


def _cli(cwd: Path, *args: str) -> CliResult:
    return harness(*args, cwd=cwd)


def test_the_rule(tmp_path: Path) -> None:
    plain = load_profile(_profile(tmp_path / "a.yaml"))
    assert profile_history(plain) == HistoryLocation(path=Path("reports") / "history.sqlite")
    out = load_profile(_profile(tmp_path / "conf" / "b.yaml", "output: {dir: ../runs}\n"))
    assert profile_history(out) == HistoryLocation(path=tmp_path / "runs" / "history.sqlite")
    own = load_profile(_profile(tmp_path / "conf" / "c.yaml", "history: {path: db.sqlite}\n"))
    assert profile_history(own) == HistoryLocation(path=tmp_path / "conf" / "db.sqlite")
    off = load_profile(_profile(tmp_path / "d.yaml", "history: {enabled: false}\n"))
    assert profile_history(off) is None
    assert choose_history(None) == HistoryLocation(path=DEFAULT_HISTORY)
    assert choose_history("x.sqlite", [own]) == HistoryLocation(path=Path("x.sqlite"))
    assert choose_history(None, [own, own]).path == tmp_path / "conf" / "db.sqlite"
    with pytest.raises(HistoryError, match=r"different places .*pass --history"):
        choose_history(None, [own, out])
    with pytest.raises(HistoryError, match=r"records no run history \(history.enabled: false\)"):
        choose_history(None, [off])


@pytest.mark.slow
def test_run_with_out_and_the_history_commands_without_flags(tmp_path: Path) -> None:
    """`harness run --out X` moves the run directory only; `history list` finds the run unasked."""
    profile = _profile(tmp_path / "profiles" / "p.yaml")
    done = _cli(tmp_path, "run", str(profile), "--out", str(tmp_path / "elsewhere"), "--json", "--quiet")
    assert done.code == 0, done.stderr
    run_id = json.loads(done.stdout)["run_id"]
    assert (tmp_path / "elsewhere" / run_id).is_dir() and not (tmp_path / "elsewhere" / "history.sqlite").exists()
    listed = _cli(tmp_path, "history", "list", "--json")
    assert listed.code == 0, listed.stderr
    assert [r["run_id"] for r in json.loads(listed.stdout)["runs"]] == [run_id]
    assert json.loads(listed.stdout)["history"] == str(tmp_path / "reports" / "history.sqlite")
    tagged = _cli(tmp_path, "history", "tag", run_id[:8], "--as", "accepted")
    assert tagged.code == 0 and "for profile p" in tagged.stdout


@pytest.mark.slow
def test_a_profiles_own_history_is_found_with_profile(tmp_path: Path) -> None:
    profile = _profile(tmp_path / "conf" / "p.yaml", "history: {path: ../shared/runs.sqlite}\n")
    other = _profile(tmp_path / "conf" / "q.yaml", "history: {path: ../shared/runs.sqlite}\n")
    for path in (profile, other):
        done = _cli(tmp_path, "run", str(path), "--quiet")
        assert done.code == 0, done.stderr
    assert (tmp_path / "shared" / "runs.sqlite").is_file() and not (tmp_path / "reports" / "history.sqlite").exists()
    mine = _cli(tmp_path, "history", "list", "--profile", str(profile), "--json")
    assert mine.code == 0, mine.stderr
    assert [r["profile"] for r in json.loads(mine.stdout)["runs"]] == ["p"]  # its runs only
    both = _cli(tmp_path, "history", "list", "--profile", str(profile), "--profile-name", "q", "--json")
    assert [r["profile"] for r in json.loads(both.stdout)["runs"]] == ["q"]
    nothing = _cli(tmp_path, "history", "list")
    assert nothing.code == 2 and "no run history at" in nothing.stderr and "--profile FILE" in nothing.stderr
    listed = _cli(tmp_path, "schedule", "list", str(profile), str(other), "--json")
    assert listed.code == 0 and json.loads(listed.stdout)["history"].endswith("shared/runs.sqlite")
