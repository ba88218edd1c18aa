"""The run directory: ids, atomic run.json, the manifest, and refusing what it cannot read."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.errors import RunDirectoryError
from harness.redaction import Redactor
from harness.results.model import ProfileInfo, ProjectInfo, RunResult
from harness.results.rundir import RunDirectory, new_run_id, redact_files, sha256_file


def make_run(run_id: str = "demo-20261124T010203-abcd") -> RunResult:
    return RunResult(
        run_id=run_id,
        profile=ProfileInfo(name="demo", path="/p/demo.yaml", sha256="0" * 64),
        project=ProjectInfo(name="Permit service"),
        started=datetime(2026, 11, 24, 1, 2, 3, tzinfo=UTC),
    )


def test_run_ids_follow_the_documented_pattern() -> None:
    run_id = new_run_id("demo", datetime(2026, 11, 24, 1, 2, 3, tzinfo=UTC))
    assert re.fullmatch(r"demo-20261124T010203-[0-9a-f]{4}", run_id)
    assert new_run_id("demo") != new_run_id("demo")


def test_run_json_round_trips(tmp_path: Path) -> None:
    rundir = RunDirectory.create(tmp_path / "reports", "demo-1")
    rundir.write_run(make_run())
    assert rundir.read_run() == make_run()
    assert not [p for p in rundir.path.iterdir() if p.name.startswith(".run.json")]  # no temp files left


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    rundir = RunDirectory.create(tmp_path, "r")
    payload = json.loads(make_run().model_dump_json())
    payload["schema_version"] = 999
    rundir.run_file.write_text(json.dumps(payload))
    with pytest.raises(RunDirectoryError, match="newer than this harness understands"):
        rundir.read_run()


def test_garbage_and_missing_run_json(tmp_path: Path) -> None:
    with pytest.raises(RunDirectoryError, match="not a run directory"):
        RunDirectory.open(tmp_path)
    rundir = RunDirectory.create(tmp_path, "r")
    rundir.run_file.write_text("{not json")
    with pytest.raises(RunDirectoryError, match="cannot read"):
        rundir.read_run()


def test_manifest_hashes_every_artifact_but_itself_and_the_pdf(tmp_path: Path) -> None:
    rundir = RunDirectory.create(tmp_path, "r")
    rundir.write_run(make_run())
    (rundir.raw_dir("unit") / "junit.xml").write_text("<testsuite/>")
    (rundir.path / "report.pdf").write_bytes(b"%PDF-")
    entries = {a.path: a for a in rundir.write_manifest()}
    assert set(entries) == {"run.json", "raw/unit/junit.xml"}
    junit = rundir.path / "raw/unit/junit.xml"
    assert entries["raw/unit/junit.xml"].sha256 == sha256_file(junit)
    assert entries["raw/unit/junit.xml"].size == junit.stat().st_size
    assert rundir.read_manifest() == tuple(entries.values())


def test_redaction_rewrites_only_files_with_secrets(tmp_path: Path) -> None:
    secret_file = tmp_path / "log.txt"
    secret_file.write_text("Authorization: Bearer s3cr3t-token\n")
    clean_file = tmp_path / "clean.txt"
    clean_file.write_text("nothing here\n")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\xff\xfe\x00s3cr3t-token")
    before = clean_file.stat().st_mtime_ns
    redact_files([secret_file, clean_file, binary], Redactor(["s3cr3t-token"]))
    assert secret_file.read_text() == "Authorization: Bearer ***\n"
    assert clean_file.stat().st_mtime_ns == before
