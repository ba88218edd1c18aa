"""profiles/example-imports.yaml end to end: native pytest suites next to a Surefire report, a newman run
and a SoapUI report give one run directory, one gate, one report and validating CI exports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from harness_cli import CliResult
from lxml import etree
from pypdf import PdfReader

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"


@pytest.mark.slow
def test_example_imports_profile(run_cli: Callable[..., CliResult], repo: Path, tmp_path: Path) -> None:
    result = run_cli("run", str(repo / "profiles" / "example-imports.yaml"), "--json", "--out", str(tmp_path))
    assert result.code == 1, result.stderr  # the imported newman run has 4 failed assertions
    summary = result.json()
    run_dir = Path(str(summary["run_dir"]))
    suites = {s["name"]: s for s in summary["suites"]}  # type: ignore[union-attr]
    assert list(suites) == ["unit", "integration", "backend-surefire", "api-newman", "partner-soapui"]
    assert suites["backend-surefire"]["tests"] == {"total": 11, "passed": 10, "failed": 0, "errors": 0, "skipped": 1}
    assert suites["api-newman"]["tests"]["failed"] == 4 and suites["api-newman"]["metrics"]["p95"] < 0.5
    assert suites["partner-soapui"]["status"] == "passed"
    assert summary["verdict_reasons"] == ["api-newman: failed + errors == 0 failed (measured 4)"]
    jsonschema.validate(
        json.loads((run_dir / "summary.json").read_text()),
        json.loads((repo / "docs" / "summary.schema.json").read_text()),
    )

    junit = etree.parse(str(run_dir / "junit.xml"))
    etree.XMLSchema(etree.parse(str(SCHEMAS / "junit.xsd"))).assertValid(junit)
    assert [s.get("name") for s in junit.getroot()][-1] == "acceptance-criteria"

    manifest = {f["path"] for f in json.loads((run_dir / "manifest.json").read_text())["files"]}
    assert "raw/api-newman/permit-api.json" in manifest
    assert "raw/backend-surefire/000-TEST-gov.permits.fees.FeeCalculatorTest.xml" in manifest
    assert any(p.startswith("allure-results/") for p in manifest)

    text = "".join(page.extract_text() for page in PdfReader(str(run_dir / "report.pdf")).pages)
    for name in ("backend-surefire", "api-newman", "partner-soapui", "HttpOnly"):
        assert name in text

    allure = run_dir / "allure-results"
    before = sorted(p.name for p in allure.glob("*-result.json"))
    regenerated = run_cli("report", str(run_dir))
    assert regenerated.code == 0, regenerated.stderr
    assert len(list(allure.glob("*-result.json"))) == len(before) > 100


@pytest.mark.slow
def test_demo_profile_uat_section(_demo_run: tuple[CliResult, Path]) -> None:
    result, _ = _demo_run  # the session's one demo run (every suite of profiles/demo.yaml, uat included)
    summary = result.json()
    uat = next(s for s in summary["suites"] if s["name"] == "uat")  # type: ignore[union-attr]
    assert uat["metrics"]["uat.passed"] == 8 and uat["metrics"]["uat.checks"] == 4
    text = "".join(page.extract_text() for page in PdfReader(str(Path(str(summary["run_dir"])) / "report.pdf")).pages)
    assert "用户验收测试" in text and "刘芳" in text and "uat-01-receipt.json" in text
