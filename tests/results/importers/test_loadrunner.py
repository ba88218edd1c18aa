"""LoadRunner exports (Analysis Summary Report as HTML, CSV, XLSX; Cloud-style CSV; Chinese GBK) -> performance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from harness.errors import ImportFormatError
from harness.results.importers.loadrunner import LoadRunnerImporter
from harness.results.model import SuiteStatus

DATA = Path(__file__).resolve().parents[2] / "data" / "loadrunner"
SUMMARIES = [
    "analysis-summary.html",
    "analysis-summary-zh-gbk.html",
    "analysis-summary.csv",
    "transaction-summary-zh-gbk.csv",
]


def _read(*paths: Path) -> object:
    return LoadRunnerImporter().read(list(paths), "loadrunner", "performance")


@pytest.mark.parametrize("name", SUMMARIES)
def test_the_summary_report_transaction_table_in_every_export(name: str) -> None:
    result = LoadRunnerImporter().read([DATA / name], "lr", "performance")
    assert result.status is SuiteStatus.FAILED and result.tool is not None and result.tool.name == "LoadRunner"
    metrics = result.metrics
    assert metrics["transactions.passed"] == 40_914 and metrics["transactions.failed"] == 262
    assert metrics["transactions.stopped"] == 12 and metrics["failures"] == 274 and metrics["requests"] == 41_188
    assert (metrics["sla.passed"], metrics["sla.failed"], metrics["sla.no_data"]) == (2, 1, 2)
    assert metrics["min"] == 0.003 and metrics["max"] == 19.388
    submit = next(e for e in result.endpoints if e.name.startswith("T02_"))
    assert submit.metrics == {
        "requests": 10_250, "failures": 131, "error_rate": 131 / 10_250, "transactions.passed": 10_119,
        "transactions.failed": 131, "transactions.stopped": 0, "min": 0.412, "avg": 1.984, "max": 17.012,
        "stddev_time": 0.987, "p90": 3.402,
    }  # fmt: skip
    assert [str(g.message) for g in result.failures] == ["failed transactions", "stopped transactions", "SLA not met"]
    assert result.failures[2].endpoints == (submit.name,)
    assert "p90" not in metrics  # a run's percentile cannot be made from per-transaction percentiles


def test_chinese_names_survive_gbk_and_the_assumed_encoding_is_noted() -> None:
    html = _read(DATA / "analysis-summary-zh-gbk.html")
    csv = _read(DATA / "transaction-summary-zh-gbk.csv")
    for result in (html, csv):
        assert [e.name for e in result.endpoints][1:4] == ["T01_登录", "T02_提交许可申请", "T03_查询办理进度"]
    assert not any("declares no encoding" in n for n in html.notes)  # the HTML declares gb2312 itself
    assert any("declares no encoding" in n and "GB18030" in n for n in csv.notes)


def test_excel_export_of_the_summary(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Analysis Summary"])
    sheet.append(["Scenario Name:", "Scenario_permit_load"])
    sheet.append([])
    sheet.append(["Transaction Name", "SLA Status", "Minimum", "Average", "Maximum", "Std. Deviation", "95 Percent",
                  "Pass", "Fail", "Stop"])  # fmt: skip
    sheet.append(["T01_Login", "Pass", 0.081, 0.342, 3.905, 0.211, 0.7, 10250, 0, 0])
    sheet.append(["T02_Submit_Application", "Fail", 0.412, 1.984, 17.012, 0.987, 4.1, 10119, 131, 0])
    sheet.append([])
    sheet.append(["HTTP Responses", "Total", "Per second"])
    workbook.save(tmp_path / "summary.xlsx")
    result = _read(tmp_path / "summary.xlsx")
    assert [e.metrics["p95"] for e in result.endpoints] == [0.7, 4.1]
    assert result.metrics["sla.failed"] == 1 and result.metrics["transactions.passed"] == 20_369


def test_cloud_style_transactions_table() -> None:
    result = _read(DATA / "cloud-transactions.csv")
    assert [e.name for e in result.endpoints] == ["T01_Login", "T02_Submit_Application", "T03_Query_Status"]
    assert result.endpoints[1].metrics["p95"] == 4.12 and result.metrics["failures"] == 62
    assert (result.metrics["sla.passed"], result.metrics["sla.failed"], result.metrics["sla.no_data"]) == (1, 1, 1)


def test_raw_results_are_refused_with_what_to_export_instead() -> None:
    with pytest.raises(ImportFormatError, match=r"permit_load\.lrr:1: LoadRunner's raw results .* export the Summary"):
        _read(DATA / "permit_load.lrr")


def test_a_directory_reads_its_summaries_and_skips_the_rest(tmp_path: Path) -> None:
    for name in ("analysis-summary.html", "permit_load.lrr"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "notes.csv").write_text("who,what\nqa,ran it\n", encoding="utf-8")
    result = _read(tmp_path)
    assert len(result.endpoints) == 5
    assert any("2 file(s)" in n and "notes.csv" in n and "permit_load.lrr" in n for n in result.notes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("who,what\nqa,ran it\n", "no LoadRunner transaction table"),
        ("Transaction Name,SLA Status,Minimum,Average,Maximum,Pass,Fail,Stop\nT01,Pass,0.1,abc,0.3,1,0,0\n",
         "bad.csv:2: avg is 'abc', not a number"),
        ("Transaction Name,SLA Status,Minimum,Average,Maximum,Pass,Fail,Stop\nT01,Maybe,0.1,0.2,0.3,1,0,0\n",
         "bad.csv:2: SLA status 'Maybe' is not Pass, Fail or No Data"),
    ],
)  # fmt: skip
def test_bad_tables_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=message):
        _read(path)


def test_the_same_transaction_in_two_files_is_refused() -> None:
    with pytest.raises(ImportFormatError, match=r"also in analysis-summary\.html: import one LoadRunner run per suite"):
        _read(DATA / "analysis-summary.html", DATA / "analysis-summary.csv")
