"""The PDF's security section in both languages, from imported ZAP and Nessus findings."""

from __future__ import annotations

import re
import subprocess
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
    listed = text[text.index("These alerts were marked false positive: shown, not counted.") :]
    assert "Content Security Policy (CSP) Header Not Set" in listed and "10038" in listed
    assert "Absence of Anti-CSRF Tokens" in listed and "10202" in listed


@pytest.fixture(scope="module")
def rich_en(tmp_path_factory: pytest.TempPathFactory) -> str:
    from rich_runs import make_rich_run

    rundir = make_rich_run(tmp_path_factory.mktemp("rich-en"), "en")
    text = subprocess.run(
        ["pdftotext", str(rundir.path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)  # long values wrap anywhere: compare without whitespace


def test_a_finding_can_be_reproduced_from_the_document(rich_en: str) -> None:
    from rich_runs import SQLI_EVIDENCE, SQLI_REQUEST, SQLI_URL

    for shown in (
        "[Critical]SQLInjection",
        "Enginerule:wapiti:sql-injection·CWE-89SQLinjection·wapiti3.2.3·Ruleaction:FAIL",
        f"RequestGET{SQLI_URL}",  # method and the full URL with its query
        "Parameterq",
        "Attackpayload'OR'1'='1",
        SQLI_EVIDENCE[:250].replace(" ", ""),
        "(shortened;infullinrun.json,raw/security/wapiti-report.json)",  # the rest, and where it is
        SQLI_REQUEST.splitlines()[0].replace(" ", ""),
        "Authorization:***",  # the request as sent, secrets redacted
        "Theenginereported8places(2keptafterremovingduplicatesandtheper-findingcap)",
        "Thescanner'sownreport:raw/security/wapiti-report.json",
    ):
        assert shown in rich_en, shown
    assert SQLI_EVIDENCE.replace(" ", "") not in rich_en  # shortened, not the whole 900 characters


def test_coverage_refusals_and_false_positives_are_stated(rich_en: str) -> None:
    for shown in (
        "Whatthescancovered",
        "URLsfound42",
        "URLsscanned17",
        "Requestssent1830",
        "nikto:downloadsitsdatabasefromtheinternet",
        "APIoperations(inthespec/scanned)73/12",
        "DELETE/api/permits/{id}",
        "Specserversreplacedbythetarget'sbaseURL",
        "Thesealertsweremarkedfalsepositive:shown,notcounted.",
        "PathTraversal",
    ):
        assert shown in rich_en, shown


def test_the_overview_always_shows_critical_and_high(rich_en: str) -> None:
    assert "alerts.critical2,alerts.high0,alerts.medium1,alerts.fail2" in rich_en
    assert "alerts.critical0,alerts.high0,alerts.medium0,alerts.fail0" in rich_en  # api-scan: zeros too
    # a suite cut short after a final violation is failed, says so, and its partial values are shown
    assert "failed(andstoppedearly)" in rich_en
    assert "Thesuiteranbutdidnotfinish:stoppedearlyafter602s" in rich_en
    assert rich_en.count("(partial)") >= 5 and "notfinal" in rich_en
