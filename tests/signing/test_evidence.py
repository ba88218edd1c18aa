"""The evidence set against the signed manifest: every file added, removed, replaced or changed anywhere
(raw/, allure-results/, target/) is a failure named by its path, hard-linked copies are named together.

The run directory holds real allure-pytest results (pytest --alluredir) that the real Allure exporter
hard-links into allure-results/, as a real run does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from sample_runs import make_run, render

from harness.reports.allure import AllureExporter
from harness.signing import DEMO_PASSWORD, sign_report, verify_report
from harness.signing.evidence import EvidenceReport, check_evidence


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory with allure-pytest's own results, hard-linked into allure-results/, and its report."""
    base = tmp_path_factory.mktemp("evidence")
    rundir = make_run(base, cases=3, failures=0)
    tests = base / "test_tiny.py"
    tests.write_text("def test_one():\n    assert 1\n\ndef test_two():\n    assert 2\n")
    native = rundir.raw_dir("unit") / "allure-results"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--alluredir={native}",
                    str(tests)], cwd=base, check=True, capture_output=True, timeout=120)  # fmt: skip
    AllureExporter().export(rundir.read_run(), rundir)
    rundir.write_manifest()
    render(rundir)
    return rundir.path


@pytest.fixture
def run_dir(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the pristine run directory that keeps its hard links."""
    target = tmp_path / "run"
    shutil.copytree(pristine, target, copy_function=shutil.copy2)
    for native in (pristine / "raw" / "unit" / "allure-results").iterdir():
        linked = target / "allure-results" / native.name
        linked.unlink()
        linked.hardlink_to(target / "raw" / "unit" / "allure-results" / native.name)
    return target


def check(run_dir: Path) -> EvidenceReport:
    reader = PdfFileReader(BytesIO((run_dir / "report.pdf").read_bytes()))
    return check_evidence(reader, run_dir, run_dir / "report.pdf")


def _result_file(run_dir: Path) -> str:
    return next(p.name for p in (run_dir / "raw" / "unit" / "allure-results").glob("*-result.json"))


def test_the_run_directory_as_signed_matches(run_dir: Path) -> None:
    name = _result_file(run_dir)
    assert (run_dir / "allure-results" / name).stat().st_ino == (run_dir / "raw/unit/allure-results" / name).stat().st_ino
    result = check(run_dir)
    assert result.ok, result.problems
    manifest = len(list((run_dir / "raw").rglob("*-result.json")))
    assert manifest >= 2 and result.checked_in_run_dir == result.manifest_files


@pytest.mark.parametrize("place", ["raw/unit/extra-results.xml", "allure-results/forged-result.json", "late.json"])
def test_an_added_file_fails_with_its_path(run_dir: Path, place: str) -> None:
    (run_dir / place).write_text('{"status": "passed"}')
    result = check(run_dir)
    assert not result.ok and result.added == (place,)
    assert f"{place}: added after the manifest was written (not in the signed evidence)" in result.problems


def test_a_replaced_allure_result_fails_not_blames_the_system(run_dir: Path) -> None:
    name = _result_file(run_dir)
    replaced = run_dir / "allure-results" / name
    replaced.unlink()  # a new file under the old name: the hard link to raw/ is broken
    replaced.write_text('{"name": "test_one", "status": "passed"}')
    result = check(run_dir)
    assert not result.ok and result.changed == (f"allure-results/{name}",)
    assert any(p.startswith(f"allure-results/{name}: replaced or changed since the manifest") for p in result.problems)
    assert not result.notes or all("system under test" not in n for n in result.notes)


def test_a_hard_linked_file_changed_in_place_shows_under_both_names(run_dir: Path) -> None:
    name = _result_file(run_dir)
    with (run_dir / "raw" / "unit" / "allure-results" / name).open("a") as handle:
        handle.write(" ")
    result = check(run_dir)
    assert set(result.changed) == {f"allure-results/{name}", f"raw/unit/allure-results/{name}"}
    problems = "\n".join(result.problems)
    assert f"the same file (hard link) as raw/unit/allure-results/{name}" in problems
    assert f"the same file (hard link) as allure-results/{name}" in problems


def test_removed_and_changed_files_anywhere_fail(run_dir: Path) -> None:
    (run_dir / "raw" / "integration" / "locust_stats.csv").unlink()
    (run_dir / "target" / "demo.sqlite").write_text("rewritten")  # the system under test's own files count too
    (run_dir / "summary.json").write_text("{}")
    result = check(run_dir)
    assert result.removed == ("raw/integration/locust_stats.csv",)
    assert set(result.changed) >= {"target/demo.sqlite"}
    assert "raw/integration/locust_stats.csv: removed from the run directory (the signed manifest lists it)" in (
        result.problems
    )


def test_what_is_not_evidence_is_only_noted(run_dir: Path) -> None:
    (run_dir / ".report.pdf.x1y2").write_bytes(b"%PDF")  # a temporary file of an interrupted signing
    (run_dir / "report-signed-by-project.pdf").write_bytes(b"%PDF")
    (run_dir / "harness.log").write_text("more log lines\n")  # still written while the exports run
    result = check(run_dir)
    assert result.ok, result.problems
    assert "report-signed-by-project.pdf: another PDF beside the report (not part of the evidence)" in result.notes
    assert any("1 hidden file(s)" in note for note in result.notes)


def test_verify_names_the_evidence_in_its_bottom_line(run_dir: Path, keys: dict[str, Path]) -> None:
    report = run_dir / "report.pdf"
    for party in ("project", "business", "supervision"):
        sign_report(report, party=party, key=keys[party], password=DEMO_PASSWORD)
    assert verify_report(report, [keys["ca"]], evidence_dir=run_dir).bottom_line == (
        "OK: 3 of 3 parties signed, nothing changed since, evidence matches the run directory"
    )
    (run_dir / "raw" / "unit" / "after-signing.log").write_text("added later\n")
    result = verify_report(report, [keys["ca"]], evidence_dir=run_dir)
    assert not result.ok
    assert result.bottom_line == (
        "FAILED (3 of 3 parties signed): evidence: 1 added, 0 removed, 0 replaced or changed"
    )
