"""The reports folder: which run directory belongs to a run, which files are served, and the listing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.results.rundir import RunDirectory
from harness.serve.rundirs import MAX_LISTED, Reports, RunFile, group_files, servable
from serve.conftest import copy_reports
from serve.dashboard_data import DashboardData


@pytest.mark.parametrize("path", ["report.pdf", "run.json", "raw/security/report.html", "raw/a/b/c.txt",
                                  "allure-results/x-result.json"])  # fmt: skip
def test_servable_paths(path: str) -> None:
    assert servable(path)


@pytest.mark.parametrize("path", ["", "../x", "raw/../../x", "/etc/passwd", "target/demo.sqlite", ".hidden",
                                  "raw/.secret", "raw//x", "raw/./x", "raw\\..\\x", "x\x00.txt", "raw/"])  # fmt: skip
def test_unservable_paths(path: str) -> None:
    assert not servable(path)


def test_run_directory_where_recorded_or_by_id(dashboard_data: DashboardData, tmp_path: Path) -> None:
    reports = Reports(dashboard_data.reports)
    run = dashboard_data.signed_run
    expected = (dashboard_data.reports / run).resolve()
    assert reports.run_dir(run, str(dashboard_data.reports / run)) == expected
    assert reports.run_dir(run, "/another/machine/reports/" + run) == expected  # moved here: found by id
    assert reports.run_dir(dashboard_data.elsewhere, str(tmp_path / "gone")) is None
    outside = tmp_path / "outside"
    RunDirectory.create(outside, "stray").write_run(RunDirectory(expected).read_run())
    assert reports.run_dir("stray", str(outside / "stray")) is None  # a run.json outside the reports folder
    assert reports.run_dir("../" + run) is None and reports.run_dir("..") is None


def test_a_symlink_leaving_the_run_directory_is_not_followed(dashboard_data: DashboardData, tmp_path: Path) -> None:
    root = copy_reports(dashboard_data, tmp_path)
    run_dir = (root / dashboard_data.signed_run).resolve()
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    (run_dir / "raw" / "out.txt").symlink_to(secret)
    (run_dir / "raw" / "in.txt").symlink_to(run_dir / "run.json")
    reports = Reports(root)
    assert reports.file(run_dir, "raw/out.txt") is None
    assert reports.file(run_dir, "raw/in.txt") == run_dir / "run.json"  # a link inside the directory is fine
    assert reports.file(run_dir, "raw/security/report.html") == run_dir / "raw" / "security" / "report.html"
    listed = {f.path: f for f in reports.files(run_dir)[0]}
    assert not listed["raw/out.txt"].served and listed["raw/in.txt"].served


def test_listing_marks_files_missing_added_and_unserved(dashboard_data: DashboardData, tmp_path: Path) -> None:
    root = copy_reports(dashboard_data, tmp_path)
    run_dir = root / dashboard_data.demo_runs[0]
    (run_dir / "raw" / "performance" / "stats.csv").unlink()
    (run_dir / "raw" / "late.txt").write_text("written after the manifest\n")
    (run_dir / ".run.json.tmp").write_text("hidden\n")
    files = {f.path: f for f in Reports(root).files(run_dir)[0]}
    manifest = {a.path: a for a in RunDirectory(run_dir).read_manifest()}
    assert files["raw/performance/stats.csv"] == RunFile(
        "raw/performance/stats.csv", manifest["raw/performance/stats.csv"].size,
        manifest["raw/performance/stats.csv"].sha256, listed=True, present=False,
    )  # fmt: skip
    assert files["raw/late.txt"].served and not files["raw/late.txt"].listed
    assert files["target/demo.sqlite"].listed and not files["target/demo.sqlite"].served
    assert files["run.json"].sha256 == manifest["run.json"].sha256
    assert ".run.json.tmp" not in files
    assert list(files)[:3] == sorted(p for p in files if "/" not in p)[:3]  # top-level files first


def test_listing_is_bounded(tmp_path: Path) -> None:
    run_dir = RunDirectory.create(tmp_path, "big-run")
    many = run_dir.raw_dir("flood")
    for number in range(MAX_LISTED + 5):
        os.close(os.open(many / f"{number:05d}.txt", os.O_CREAT | os.O_WRONLY))
    (run_dir.path / "run.json").write_text("{}")
    files, truncated = Reports(tmp_path).files(run_dir.path)
    assert truncated and len(files) == MAX_LISTED


def test_allure_results_folders_are_bundled() -> None:
    files = [RunFile("run.json", 1), RunFile("raw/integration/allure-results/a-result.json", 10),
             RunFile("raw/integration/allure-results/b-result.json", 20), RunFile("raw/unit/junit.xml", 3),
             RunFile("allure-results/c.json", 5)]  # fmt: skip
    grouped = group_files(files)
    assert [f.path for f in grouped.files] == ["run.json", "raw/unit/junit.xml"]
    assert [(b.folder, len(b.files), b.size) for b in grouped.bundles] == [
        ("allure-results", 1, 5), ("raw/integration/allure-results", 2, 30)
    ]  # fmt: skip


def test_run_json_is_read_again_when_it_changes(dashboard_data: DashboardData, tmp_path: Path) -> None:
    root = copy_reports(dashboard_data, tmp_path)
    run_dir = root / dashboard_data.demo_runs[0]
    reports = Reports(root)
    first = reports.read_run(run_dir)
    assert reports.read_run(run_dir) is first  # cached
    rundir = RunDirectory(run_dir)
    rundir.write_run(first.model_copy(update={"verdict_reasons": ("rewritten after the next suite",)}))
    assert reports.read_run(run_dir).verdict_reasons == ("rewritten after the next suite",)
