"""Which files the report embeds, lists by digest only, or flags."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sample_runs import make_run

from harness.reports.pdf.evidence import Placement, collect_evidence
from harness.results.rundir import sha256_file


def test_placement_of_every_manifest_entry(tmp_path: Path) -> None:
    rundir = make_run(tmp_path, cases=5, failures=0, attachment_limit_mb=0.01)
    evidence = collect_evidence(rundir, 0.01)
    placement = {f.path: f.placement for f in evidence.files}
    assert placement["raw/unit/junit.xml"] is Placement.ATTACHED
    assert placement["raw/integration/locust_stats.csv"] is Placement.TOO_LARGE
    assert placement["target/demo.sqlite"] is Placement.NOT_EVIDENCE
    assert evidence.manifest_sha256 == sha256_file(rundir.path / "manifest.json")
    assert evidence.limit_bytes == int(0.01 * 1024 * 1024)


def test_a_file_changed_since_the_manifest_is_flagged_not_embedded(tmp_path: Path) -> None:
    rundir = make_run(tmp_path, cases=5, failures=0)
    (rundir.path / "raw" / "unit" / "pytest.log").write_text("rewritten after the manifest\n")
    (rundir.path / "raw" / "unit" / "junit.xml").unlink()
    evidence = collect_evidence(rundir, 10)
    placement = {f.path: f.placement for f in evidence.files}
    assert placement["raw/unit/pytest.log"] is Placement.CHANGED
    assert placement["raw/unit/junit.xml"] is Placement.CHANGED


def test_no_manifest_no_evidence(tmp_path: Path) -> None:
    rundir = make_run(tmp_path, cases=5, failures=0)
    (rundir.path / "manifest.json").unlink()
    assert collect_evidence(rundir, 10).files == ()


def test_allure_results_folders_are_one_bundle_each(tmp_path: Path) -> None:
    rundir = make_run(tmp_path, cases=5, failures=0)
    for folder in ("allure-results", "raw/unit/allure-results"):
        directory = rundir.path / folder
        directory.mkdir(parents=True)
        for index in range(30):
            (directory / f"{index:02d}-result.json").write_text(f'{{"name": "case {index}"}}')
    rundir.write_manifest()
    evidence = collect_evidence(rundir, 10)
    placed = {f.path: f.placement for f in evidence.files}
    assert placed["raw/unit/allure-results/00-result.json"] is Placement.BUNDLED
    assert placed["allure-results/29-result.json"] is Placement.BUNDLED
    assert placed["raw/unit/junit.xml"] is Placement.ATTACHED
    bundles = {b.folder: b for b in evidence.bundles()}
    assert set(bundles) == {"allure-results", "raw/unit/allure-results"}
    top = bundles["allure-results"]
    assert top.files == 30
    assert top.size == sum(f.size for f in evidence.files if f.path.startswith("allure-results/"))
    lines = "".join(f"{f.path}\t{f.sha256}\n" for f in sorted(evidence.files, key=lambda f: f.path)
                    if f.path.startswith("allure-results/"))  # fmt: skip
    assert top.sha256 == hashlib.sha256(lines.encode()).hexdigest()
    (rundir.path / "allure-results" / "00-result.json").write_text("changed")
    rundir.write_manifest()
    assert {b.folder: b for b in collect_evidence(rundir, 10).bundles()}["allure-results"].sha256 != top.sha256
