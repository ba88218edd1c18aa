"""Disks and permissions that refuse: every case ends in exit 2 (nothing ran) or 3, with one clean line.

Real faults where the machine allows them (the tests run as root in CI): a read-only tmpfs, a tmpfs that
a test suite fills, a directory the run's user may not write (the harness runs as ``nobody``). A full
disk at one precise write (run.json, the manifest, the PDF) is injected at the write layer as
``OSError(ENOSPC)``, in-process, since a real disk cannot be made to fill at exactly that moment.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness_cli import harness
from typer.testing import CliRunner

from harness.cli import app
from harness.results import rundir as rundir_module
from harness.results.model import RunResult
from harness.writer import redacted_model

HARNESS = str(Path(sys.executable).with_name("harness"))

PASSING_PROFILE = """\
project: {name: Faults}
target: {base_url: "http://127.0.0.1:9"}
suites:
  - {name: unit, kind: unit, options: {paths: [checks]}}
  - {name: more, kind: unit, options: {paths: [checks]}}
report: {language: en}
"""


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    path = tmp_path / "profile.yaml"
    path.write_text(PASSING_PROFILE)
    return path


def one_error_line(stderr: str) -> str:
    """The single line a user gets: exactly one non-empty line, an ``error:``, no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


def history_verdicts(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT verdict FROM runs")]


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``mount("size=1m")`` -> a fresh tmpfs directory; unmounted afterwards. Needs root (CI has it)."""
    mounted: list[Path] = []

    def make(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield make
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_out_on_a_read_only_file_system_exits_2_with_one_line(profile: Path, mount: Callable[..., Path]) -> None:
    read_only = mount("size=1m,ro")
    done = harness("run", str(profile), "--quiet", "--out", str(read_only / "reports"), cwd=profile.parent)
    assert done.code == 2
    line = one_error_line(done.stderr)
    assert "Read-only file system" in line and "--out" in line


def test_out_pointing_at_a_file_exits_2_with_one_line(profile: Path) -> None:
    a_file = profile.parent / "not-a-directory"
    a_file.write_text("x")
    done = harness("run", str(profile), "--quiet", "--out", str(a_file), cwd=profile.parent)
    assert done.code == 2
    assert "is a file, not a directory: pass --out" in one_error_line(done.stderr)
    assert a_file.read_text() == "x"


def test_orphans_are_stopped_once_the_run_has_started_and_written_to_its_log(
    profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run refused for its --out stops nothing; a run that starts records each stop in its harness.log, not
    as a stray line among the CLI's output (seen: another test's orphan broke a one-line error)."""
    stopped: list[int] = []

    def reap(grace: float = 3.0) -> int:
        stopped.append(4242)
        logging.getLogger("harness.processes").warning("stopping process 4242 left behind by a harness run that died")
        return 1

    monkeypatch.setattr("harness.pipeline.reap_orphans", reap)
    a_file = profile.parent / "not-a-directory"
    a_file.write_text("x")
    refused = CliRunner().invoke(app, ["run", str(profile), "--quiet", "--out", str(a_file)])
    assert refused.exit_code == 2 and stopped == []
    code, stdout, stderr = _run_in_process(profile, profile.parent / "history.sqlite")
    assert code == 0, stderr
    assert stopped == [4242] and "4242" not in stderr
    log_text = (Path(json.loads(stdout)["run_dir"]) / "harness.log").read_text(encoding="utf-8")
    assert "stopping process 4242 left behind" in log_text
    assert "stopped 1 process(es) left running by an earlier harness run that died" in log_text


def test_a_directory_the_user_may_not_write_exits_2_with_one_line() -> None:
    with tempfile.TemporaryDirectory() as scratch:  # not under pytest's private tmp: "nobody" must read it
        base = Path(scratch)
        base.chmod(0o755)
        (base / "checks").mkdir()
        (base / "checks" / "test_ok.py").write_text("def test_ok():\n    pass\n")
        (base / "profile.yaml").write_text(PASSING_PROFILE)
        locked = base / "locked"
        locked.mkdir(mode=0o755)
        argv = [HARNESS, "run", str(base / "profile.yaml"), "--quiet", "--out", str(locked / "reports")]
        if os.geteuid() == 0:  # root may write anywhere: run as an ordinary user
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
        else:
            locked.chmod(0o555)
        env = {**os.environ, "HOME": str(base), "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run(argv, capture_output=True, text=True, cwd=base, env=env)
        assert done.returncode == 2, done.stderr
        line = one_error_line(done.stderr)
        assert "Permission denied" in line and "--out" in line
        assert not (locked / "reports").exists()


FILLING_TEST = """
import errno, pathlib

def test_fills_the_disk():
    with pathlib.Path("filler.bin").open("wb") as handle:
        try:
            while True:
                handle.write(b"x" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
"""


def test_a_disk_that_fills_during_the_run_ends_incomplete_with_one_line(
    profile: Path, mount: Callable[..., Path]
) -> None:
    small = mount("size=4m")
    (profile.parent / "checks" / "test_ok.py").write_text(FILLING_TEST)
    history = profile.parent / "history.sqlite"
    done = harness("run", str(profile), "--quiet", "--json", "--out", str(small), "--history", str(history),
                   cwd=profile.parent)  # fmt: skip
    assert done.code == 3, done.stderr
    line = one_error_line(done.stderr)
    assert "No space left on device" in line and "the run's evidence is incomplete" in line
    summary = json.loads(done.stdout)
    assert summary["verdict"] == "INCOMPLETE"
    assert history_verdicts(history) == ["INCOMPLETE"]
    statuses = {s["name"]: s["status"] for s in summary["suites"]}
    assert statuses["more"] == "skipped"  # a run that cannot keep its evidence stops spending time
    run_dir = Path(summary["run_dir"])
    assert not (run_dir / "report.pdf").exists() or "INCOMPLETE" in _pdf_text(run_dir / "report.pdf")


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _refuse(names: set[str], after: int = 0) -> Callable[..., None]:
    """A write_atomic that fails with ENOSPC for files named ``names`` (after ``after`` good writes)."""
    original = rundir_module.write_atomic
    seen = {"count": 0}

    def write_atomic(path: Path, data: bytes) -> None:
        if path.name in names:
            seen["count"] += 1
            if seen["count"] > after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        original(path, data)

    return write_atomic


def _run_in_process(profile: Path, history: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["run", str(profile), "--quiet", "--json", "--out", str(profile.parent / "reports"),
              "--history", str(history)],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("target", "names", "after", "problem"),
    [
        ("harness.files.write_atomic", {"manifest.json"}, 0, "manifest.json cannot be written"),  # via write_json_atomic
        ("harness.reports.pdf.write_atomic", {"report.pdf"}, 0, "pdf: cannot write: No space left on device"),
        ("harness.results.rundir.write_atomic", {"run.json"}, 1, "cannot write"),
    ],
    ids=["manifest", "pdf", "run.json-after-a-suite"],
)
def test_a_full_disk_at_one_write_is_never_a_pass(
    profile: Path, monkeypatch: pytest.MonkeyPatch, target: str, names: set[str], after: int, problem: str
) -> None:
    history = profile.parent / "history.sqlite"
    monkeypatch.setattr(target, _refuse(names, after))
    code, stdout, stderr = _run_in_process(profile, history)
    assert code == 3, stderr
    line = one_error_line(stderr)
    assert problem in line and "No space left on device" in line
    summary = json.loads(stdout)
    assert summary["verdict"] == "INCOMPLETE"
    run_dir = Path(summary["run_dir"])
    assert history_verdicts(history) == ["INCOMPLETE"]
    assert summary["interrupted"] is False  # stopped by the disk, not by someone
    run = json.loads((run_dir / "run.json").read_text())
    if "run.json" not in names:
        assert not (run_dir / "report.pdf").exists()  # no report claiming a verdict the run does not have
        assert run["verdict"] == "INCOMPLETE" and "No space left on device" in run["verdict_reasons"][0]
    else:
        assert run["finished"] is None  # the last run.json that could be written: the run had not ended
        assert "INCOMPLETE" in _pdf_text(run_dir / "report.pdf")  # the report says what happened
        assert {s["name"]: s["status"] for s in summary["suites"]}["more"] == "skipped"


def test_a_full_disk_before_anything_ran_exits_2_and_leaves_nothing(
    profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("harness.results.rundir.write_atomic", _refuse({"run.json"}))
    code, _, stderr = _run_in_process(profile, profile.parent / "history.sqlite")
    assert code == 2
    assert "No space left on device" in one_error_line(stderr)
    assert not (profile.parent / "reports").exists()  # not even the --out directory it had created


def test_redacting_a_run_keeps_words_of_the_model(profile: Path) -> None:
    """A 'secret' equal to a word of the model (a status) cannot break run.json: there it is no leak."""
    from harness.redaction import Redactor
    from harness.results.model import ProfileInfo, ProjectInfo, SuiteResult, SuiteStatus

    run = RunResult(
        run_id="r-1", profile=ProfileInfo(name="p", path="p.yaml", sha256="0" * 64, resolved={}),
        project=ProjectInfo(name="passed"), started="2026-01-01T00:00:00Z",
        suites=(SuiteResult(name="unit", kind="unit", status=SuiteStatus.PASSED, error="passed token"),),
    )  # type: ignore[arg-type]  # fmt: skip
    redacted = redacted_model(run, Redactor(["passed"]))
    assert redacted.suites[0].status is SuiteStatus.PASSED
    assert redacted.suites[0].error == "*** token" and redacted.project.name == "***"
