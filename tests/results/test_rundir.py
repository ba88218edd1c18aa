"""The run directory: ids, atomic run.json, the manifest, and refusing what it cannot read."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.errors import RunDirectoryError
from harness.redaction import Redactor
from harness.results import rundir as rundir_module
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


def test_binary_and_large_files_are_redacted_in_place_keeping_their_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-token"
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\xff\xfe" + f"x {secret} y".encode("utf-16-le") + b"\x00" + secret.encode())
    size = binary.stat().st_size
    redact_files([binary], Redactor([secret]))
    assert binary.stat().st_size == size
    assert secret.encode() not in binary.read_bytes() and secret.encode("utf-16-le") not in binary.read_bytes()

    # a file over the whole-file limit is read in overlapping chunks: a secret across a chunk edge is found
    monkeypatch.setattr(rundir_module, "WHOLE_FILE_LIMIT", 100)
    monkeypatch.setattr(rundir_module, "_CHUNK", 64)
    large = tmp_path / "large.log"
    large.write_bytes(b"a" * 58 + secret.encode() + b"b" * 300 + secret.encode())
    redact_files([large], Redactor([secret]))
    assert secret.encode() not in large.read_bytes() and large.stat().st_size == 58 + 300 + 2 * len(secret)


def test_raw_directories_are_private(tmp_path: Path) -> None:
    rundir = RunDirectory.create(tmp_path, "r")
    assert rundir.raw_dir("unit").stat().st_mode & 0o777 == 0o700
    assert (rundir.path / "raw").stat().st_mode & 0o777 == 0o700


def test_a_run_directory_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(RunDirectoryError, match="is a file, not a directory: pass --out"):
        RunDirectory.create(a_file, "r")


def test_a_file_with_two_names_is_listed_twice_and_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rundir = RunDirectory.create(tmp_path / "reports", "demo-1")
    rundir.write_run(make_run())
    native = rundir.raw_dir("unit") / "allure-results"
    native.mkdir()
    (native / "a-result.json").write_text('{"name": "a"}')
    (native / ".hidden").write_text("not evidence")
    (rundir.path / "allure-results").mkdir()
    (rundir.path / "allure-results" / "a-result.json").hardlink_to(native / "a-result.json")
    (rundir.path / "allure-results" / "dangling.json").symlink_to(tmp_path / "nowhere")
    (rundir.path / "linked-dir").symlink_to(native, target_is_directory=True)
    reads: list[Path] = []
    real = rundir_module.sha256_file
    monkeypatch.setattr(rundir_module, "sha256_file", lambda path: reads.append(path) or real(path))
    entries = {a.path: a for a in rundir.write_manifest()}
    assert set(entries) == {"run.json", "raw/unit/allure-results/a-result.json", "allure-results/a-result.json"}
    assert entries["allure-results/a-result.json"].sha256 == entries["raw/unit/allure-results/a-result.json"].sha256
    assert entries["allure-results/a-result.json"].sha256 == sha256_file(native / "a-result.json")
    assert len(reads) == 2  # run.json and the linked file, once
