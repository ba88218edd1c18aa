"""``harness import`` through the real console script: new runs, re-gating existing ones, bad input."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import CliResult

DATA = Path(__file__).resolve().parents[1] / "data"
JUNIT = DATA / "junit"


def _new(run_cli: Callable[..., CliResult], tmp_path: Path, *files: str, suite: str = "surefire") -> Path:
    result = run_cli("import", *files, "--format", "junit", "--suite", suite, "--kind", "unit", "--new",
                     "--out", str(tmp_path / "reports"), "--json")  # fmt: skip
    assert result.code in (0, 1), result.stderr
    return Path(str(result.json()["run_dir"]))


def _digest(run_dir: Path) -> str:
    return hashlib.sha256((run_dir / "run.json").read_bytes()).hexdigest()


def test_new_run_from_a_surefire_report(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    run_dir = _new(run_cli, tmp_path, str(JUNIT / "surefire.xml"))
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["verdict"] == "FAIL" and summary["exit_code"] == 1
    assert summary["suites"][0]["tests"] == {"total": 5, "passed": 2, "failed": 1, "errors": 1, "skipped": 1}
    assert summary["criteria"][0]["expression"] == "pass_rate >= 100%"  # the default of test results
    assert summary["criteria"][0]["default"] is True and summary["criteria"][0]["outcome"] == "failed"
    assert (run_dir / "raw" / "surefire" / "surefire.xml").read_bytes() == (JUNIT / "surefire.xml").read_bytes()
    assert (run_dir / "report.pdf").stat().st_size > 10_000
    names = [s.get("name") for s in etree.parse(str(run_dir / "junit.xml")).getroot()]
    assert names == ["surefire", "acceptance-criteria"]


def test_import_into_an_existing_run_regates_and_reexports(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    run_dir = _new(run_cli, tmp_path, str(JUNIT / "gradle.xml"), suite="gradle")
    result = run_cli("import", str(JUNIT / "mocha.xml"), "--format", "junit", "--suite", "web", "--into", str(run_dir),
                     "--criterion", "pass_rate >= 50%")  # fmt: skip
    assert result.code == 1, result.stderr  # gradle still fails its default criterion
    assert "verdict: FAIL" in result.stdout
    run = json.loads((run_dir / "run.json").read_text())
    assert [s["name"] for s in run["suites"]] == ["gradle", "web"]
    web = [c for c in run["criteria"] if c["suite"] == "web"]
    assert web[0]["outcome"] == "passed" and web[0]["default"] is False
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert "raw/web/mocha.xml" in {f["path"] for f in manifest["files"]}
    names = [s.get("name") for s in etree.parse(str(run_dir / "junit.xml")).getroot()]
    assert names == ["gradle", "web", "acceptance-criteria"]


def test_suite_name_taken_needs_replace(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    run_dir = _new(run_cli, tmp_path, str(JUNIT / "gradle.xml"), suite="gradle")
    again = run_cli("import", str(JUNIT / "karma.xml"), "-f", "junit", "-s", "gradle", "--into", str(run_dir))
    assert again.code == 2 and "--replace" in again.stderr
    replaced = run_cli(
        "import", str(JUNIT / "latin1.xml"), "-f", "junit", "-s", "gradle", "--into", str(run_dir), "--replace"
    )
    assert replaced.code == 0, replaced.stderr
    run = json.loads((run_dir / "run.json").read_text())
    assert run["verdict"] == "PASS" and len(run["criteria"]) == 1
    assert sorted(p.name for p in (run_dir / "raw" / "gradle").iterdir()) == ["latin1.xml"]


def test_a_signed_report_is_not_changed(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    run_dir = _new(run_cli, tmp_path, str(JUNIT / "gradle.xml"), suite="gradle")
    report = run_dir / "report.pdf"
    report.write_bytes(report.read_bytes() + b"\n<< /Type /Sig /ByteRange [0 10 20 30] >>\n")
    before = _digest(run_dir)
    result = run_cli("import", str(JUNIT / "karma.xml"), "-f", "junit", "-s", "web", "--into", str(run_dir))
    assert result.code == 2 and "already signed" in result.stderr
    assert _digest(run_dir) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad/truncated.xml", "bad/truncated.xml:16: truncated or malformed XML"),
        ("bad/wrong-root.xml", "bad/wrong-root.xml:2: root element <testResults> is not JUnit XML"),
        ("bad/billion-laughs.xml", "bad/billion-laughs.xml:2: DTDs and entity declarations are refused"),
        ("bad/empty.xml", "bad/empty.xml:1: empty file"),
        ("nothing-here-*.xml", "no file matches"),
    ],
)
def test_bad_input_changes_nothing(run_cli: Callable[..., CliResult], tmp_path: Path, name: str, message: str) -> None:
    run_dir = _new(run_cli, tmp_path, str(JUNIT / "gradle.xml"), suite="gradle")
    before = _digest(run_dir)
    result = run_cli("import", str(JUNIT / name), "-f", "junit", "-s", "bad", "--into", str(run_dir))
    assert result.code == 2
    assert message in result.stderr.replace("\n", "")
    assert _digest(run_dir) == before
    assert not (run_dir / "raw" / "bad").exists()
    assert not [p for p in run_dir.iterdir() if p.name.startswith(".import-")]


def test_bad_input_with_new_leaves_no_run_directory(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("import", str(JUNIT / "bad" / "truncated.xml"), "-f", "junit", "-s", "x", "--new",
                     "--out", str(tmp_path / "reports"))  # fmt: skip
    assert result.code == 2
    assert not list((tmp_path / "reports").iterdir())


def test_gbk_and_newman_and_allure_formats(run_cli: Callable[..., CliResult], tmp_path: Path, repo: Path) -> None:
    run_dir = _new(run_cli, tmp_path, str(JUNIT / "gbk.xml"), suite="gbk")
    newman = run_cli("import", str(repo / "suites/imports/newman/permit-api.json"), "-f", "newman-json", "-s", "api",
                     "--into", str(run_dir), "--criterion", "p95 < 500ms")  # fmt: skip
    assert newman.code == 1, newman.stderr
    allure = run_cli("import", str(DATA / "allure" / "permit-results"), "-f", "allure", "-s", "portal",
                     "--into", str(run_dir))  # fmt: skip
    assert allure.code == 1, allure.stderr
    run = json.loads((run_dir / "run.json").read_text())
    assert [s["name"] for s in run["suites"]] == ["gbk", "api", "portal"]
    assert run["suites"][0]["cases"][1]["name"] == "身份证号校验"
    assert (run_dir / "raw" / "portal" / "permit-results").is_dir()


def test_unknown_format_and_metric(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("import", str(JUNIT / "gbk.xml"), "-f", "xunit9", "-s", "x", "--new", "--out", str(tmp_path))
    assert result.code == 2 and "unknown format 'xunit9'" in result.stderr
    result = run_cli("import", str(JUNIT / "gbk.xml"), "-f", "junit", "-s", "x", "--new", "--out", str(tmp_path),
                     "-c", "p95 < 1s")  # fmt: skip
    assert result.code == 2 and "metric 'p95' is not produced by junit imports" in result.stderr


@pytest.mark.slow
def test_100k_case_file(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    from tests.results.importers.test_junit import _write_big

    big = tmp_path / "big.xml"
    _write_big(big, 100_000)
    run_dir = _new(run_cli, tmp_path, str(big), suite="big")
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["suites"][0]["tests"]["total"] == 100_000
    assert summary["suites"][0]["tests"]["failed"] == 1000
