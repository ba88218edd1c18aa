"""``harness import`` through the real console script: new runs, re-gating existing ones, bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from harness_cli import CliResult
from lxml import etree

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
    assert not (tmp_path / "reports").exists()


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


def _jtl_directory(directory: Path) -> None:
    from harness.results.importers.jtl import DEFAULT_COLUMN_SETS

    rows = [",".join(DEFAULT_COLUMN_SETS[0])]
    rows += [f"{1_700_000_000_000 + i * 100},{40 + i},GET /x,200,OK,TG 1-1,text,true,,512,120,4,4,http://127.0.0.1/x,40,0,2"
             for i in range(20)]  # fmt: skip
    (directory / "run1.jtl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (directory / "jmeter.log").write_text("INFO o.a.j.JMeter: Dumping Thread Stack\n", encoding="utf-8")


def _copy(*names: str) -> Callable[[Path], None]:
    def fill(directory: Path) -> None:
        for name in names:
            source = DATA / name
            if source.is_dir():
                shutil.copytree(source, directory / source.name)
            else:
                shutil.copy(source, directory / source.name)

    return fill


DIRECTORIES: dict[str, Callable[[Path], None]] = {
    "junit": _copy("junit/surefire-long-trace"),
    "newman-json": _copy("newman/outage.json", "newman/outage.postman_collection.json"),
    "allure": _copy("allure/permit-results"),
    "jtl": _jtl_directory,
    "locust-csv": _copy("locust/gbk"),
    "nessus": _copy("security/scan.nessus"),
    "zap-json": _copy("security/zap-2.16-false-positives.json"),
    "zap-xml": _copy("security/zap-2.9.xml"),
    "loadrunner": _copy("loadrunner/analysis-summary.html", "loadrunner/permit_load.lrr"),
}


@pytest.mark.slow
@pytest.mark.parametrize("format", sorted(DIRECTORIES))
def test_every_format_imports_a_directory(run_cli: Callable[..., CliResult], tmp_path: Path, format: str) -> None:
    source = tmp_path / "results"
    source.mkdir()
    DIRECTORIES[format](source)
    result = run_cli("import", str(source), "-f", format, "-s", "imported", "--new", "--out", str(tmp_path / "runs"),
                     "--json")  # fmt: skip
    assert result.code in (0, 1), result.stderr
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["status"] in ("passed", "failed") and not suite["error"]
    assert suite["cases"] or suite["endpoints"] or suite["findings"] or suite["false_positives"]
    assert (run_dir / "report.pdf").is_file()


@pytest.mark.parametrize("format", ["junit", "jtl", "nessus", "zap-json", "locust-csv", "loadrunner"])
def test_a_directory_without_files_of_the_format_exits_2_and_leaves_nothing(
    run_cli: Callable[..., CliResult], tmp_path: Path, format: str
) -> None:
    source = tmp_path / "empty"
    source.mkdir()
    (source / "readme.md").write_text("nothing to import here\n", encoding="utf-8")
    out = tmp_path / "runs"
    result = run_cli("import", str(source), "-f", format, "-s", "x", "--new", "--out", str(out))
    assert result.code == 2, result.stdout + result.stderr
    assert "this directory holds no" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()  # neither a run directory nor the base directory made for it


def test_surefire_long_trace_and_chinese_pytest_failures_give_a_report(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    from tests.reports.test_pdf_report import page_count, pdftotext

    run_dir = _new(run_cli, tmp_path, str(JUNIT / "surefire-long-trace"), suite="backend")
    chinese = run_cli("import", str(JUNIT / "pytest-zh-failures.xml"), "-f", "junit", "-s", "受理", "--into",
                      str(run_dir))  # fmt: skip
    assert chinese.code == 1, chinese.stderr
    assert "export failed" not in chinese.stderr
    report = run_dir / "report.pdf"
    text = " ".join(pdftotext(report).split())
    assert "Failed to load ApplicationContext" in text and "期望状态码 201" in text
    assert "完整内容见运行目录中的 run.json" in text  # the long cells are shortened with a pointer to the raw text
    assert page_count(report) < 30
    rebuilt = run_cli("report", str(run_dir))
    assert rebuilt.code == 0, rebuilt.stderr
    assert f"report: {report}" in rebuilt.stdout


def test_report_command_names_the_failed_exporter_and_prints_no_path_it_did_not_write(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    from sample_runs import SIGNATORIES

    from harness.reports import export_run
    from harness.results.rundir import RunDirectory
    from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report

    run_dir = _new(run_cli, tmp_path, str(JUNIT / "gradle.xml"), suite="gradle")
    rundir = RunDirectory.open(run_dir)  # an imported run whose report names who signs (as a profile would)
    run = rundir.read_run()
    rundir.write_run(run.model_copy(update={"report": run.report.model_copy(update={"signatories": SIGNATORIES})}))
    assert not export_run(rundir.read_run(), rundir).errors
    report = run_dir / "report.pdf"
    keys = make_demo_keys(tmp_path / "keys", SIGNATORIES)
    sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD)
    signed = report.read_bytes()
    (run_dir / "junit.xml").unlink()
    result = run_cli("report", str(run_dir))
    assert result.code == 3
    assert "export failed: pdf:" in result.stderr and "is signed" in result.stderr and "Traceback" not in result.stderr
    assert str(report) not in result.stdout and report.read_bytes() == signed  # not written by this command
    assert f"wrote: {run_dir / 'junit.xml'}" in result.stdout and (run_dir / "junit.xml").is_file()
