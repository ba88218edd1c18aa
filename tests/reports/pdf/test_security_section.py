"""The PDF's security section in both languages, from imported ZAP and Nessus findings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from harness.reports.pdf import render_report
from harness.results.importers.nessus import NessusImporter
from harness.results.importers.zap import ZapXmlImporter
from harness.results.model import ProfileInfo, ProjectInfo, ReportMeta, RuleAction, RunResult

DATA = Path(__file__).resolve().parents[2] / "data" / "security"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Scan engine: ZAP 2.9.0", "Findings by risk", "Solution:", "Rule action", "FAIL", "Critical"]),
        ("zh-CN", ["扫描引擎：ZAP 2.9.0", "安全发现项", "整改建议", "规则处理", "严重"]),
    ],
)
def test_findings_by_risk_with_solution_instances_and_action(tmp_path: Path, language: str, words: list[str]) -> None:
    zap = ZapXmlImporter().read([DATA / "zap-2.9.xml"], "zap-scan", "security")
    failing = zap.findings[0].model_copy(update={"action": RuleAction.FAIL})
    zap = zap.model_copy(update={"findings": (failing, *zap.findings[1:])})
    nessus = NessusImporter().read([DATA / "scan.nessus"], "nessus", "security")
    run = RunResult(
        run_id="r-1",
        profile=ProfileInfo(name="p", path="p.yaml", sha256="0"),
        project=ProjectInfo(name="项目"),
        report=ReportMeta(language=language),
        started=datetime.now(UTC),
        suites=(zap, nessus),
    )
    path = tmp_path / "report.pdf"
    render_report(run, path)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    for word in words:
        assert word in text, word
    assert "Cross-Domain Misconfiguration" in text and "/response-headers" in text
    assert text.index("Apache Log4Shell") < text.index("SSL Certificate Cannot Be Trusted")  # critical first


def test_false_positives_are_listed_as_such_and_not_counted(tmp_path: Path) -> None:
    from harness.results.importers.zap import ZapJsonImporter
    from tests.reports.test_pdf_report import pdftotext

    data = Path(__file__).resolve().parents[2] / "data" / "security" / "zap-2.16-false-positives.json"
    suite = ZapJsonImporter().read([data], "zap", "security")
    run = RunResult(
        run_id="fp", profile=ProfileInfo(name="p", path="p", sha256=""), project=ProjectInfo(name="P"),
        report=ReportMeta(language="en"), started=datetime(2025, 3, 14, tzinfo=UTC), suites=(suite,),
    )  # fmt: skip
    render_report(run, tmp_path / "report.pdf")
    text = " ".join(pdftotext(tmp_path / "report.pdf").split())
    assert (
        "Marked false positive (not counted): Content Security Policy (CSP) Header Not Set (10038), Absence of "
        "Anti-CSRF Tokens (10202)" in text
    )
