"""The PDF's parallel-run section in both languages, from a tally of exchanges: differing fields with both
values, noise folded by field, ignored fields with their reason, data checks per table — and values and
tables too long for a page cut with a note instead of breaking the layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from harness.reports.pdf import render_report
from harness.results.model import ProfileInfo, ProjectInfo, ReportMeta, RunResult, SuiteResult, SuiteStatus
from harness.runners.parallel.compare import FieldDiff, shown
from harness.runners.parallel.data import Check, TableOutcome
from harness.runners.parallel.verdicts import Exchange, tally

ANSWERED = {"primary": "HTTP 200", "secondary": "HTTP 200", "candidate": "HTTP 200"}


def suite(requests: int = 3) -> SuiteResult:
    long_old = shown("旧" * 3000 + "x", 200)  # as the runner keeps it: cut to the excerpt, length noted
    exchanges = [
        Exchange(0, "新建申请 / new application", "POST /api/applications HTTP/1.1", ANSWERED,
                 (FieldDiff("$.fee", '"3500.00"', '"3250.00"'), FieldDiff("$.note", long_old, '"short"'),
                  FieldDiff("$.created_at", '"t1"', '"t3"'),
                  FieldDiff("$.due_date", '"2026/12/21"', '"2026-12-21"', ignored=True, reason="日期格式已确认")),
                 (FieldDiff("$.created_at", '"t1"', '"t2"'),)),
        *(Exchange(i, f"GET /api/applications/{i}", f"GET /api/applications/{i} HTTP/1.1", ANSWERED,
                   (FieldDiff(f"$.items[{i}].fee", '"1"', '"2"'),), (FieldDiff(f"$.items[{i}].updated_at", '"a"', '"b"'),))
          for i in range(1, requests)),
    ]  # fmt: skip
    tables = [
        TableOutcome("applications", (Check("count", "2", "2", True), Check("total_fee", "3500", "3250", False)), ("1",)),
        TableOutcome("audit", error="new: query failed: no such column: x"),
    ]
    result = tally(exchanges, tables, with_data=True)
    return SuiteResult(
        name="parallel-run", kind="parallel-run", status=SuiteStatus.FAILED, cases=result.cases, metrics=result.metrics
    )


def render(tmp_path: Path, language: str, parallel: SuiteResult) -> str:
    run = RunResult(
        run_id="r-1", profile=ProfileInfo(name="p", path="p.yaml", sha256="0"), project=ProjectInfo(name="项目"),
        report=ReportMeta(language=language), started=datetime.now(UTC), suites=(parallel,),
    )  # fmt: skip
    path = tmp_path / f"report-{language}.pdf"
    render_report(run, path)
    return "".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Parallel run", "Differing fields (old → new system)", "Noise fields", "ignored by rules", "Data consistency",
                "mismatch rate 100 %", "differs", "query failed", "Rows that differ (key): 1", "(3003 chars)"]),
        ("zh-CN", ["新旧系统并行运行", "差异字段", "噪声字段", "按规则忽略", "数据一致性检查", "不一致", "查询失败",
                   "日期格式已确认", "不一致的行（键）：1"]),
    ],
)  # fmt: skip
def test_the_section_lists_fields_noise_ignored_and_tables(tmp_path: Path, language: str, words: list[str]) -> None:
    text = render(tmp_path, language, suite())
    for word in words:
        assert word in text, word
    assert '"3500.00"' in text and '"3250.00"' in text and "$.fee" in text
    assert "$.items[*].updated_at" in text and "$.items[1].updated_at" not in text  # noise folded by field


def test_hundreds_of_differing_fields_are_cut_with_a_pointer_to_the_full_list(tmp_path: Path) -> None:
    text = render(tmp_path, "en", suite(requests=400))
    assert "more rows: see run.json and the raw file parallel-run.json" in text
    # 120 rows: the first request's two fields, then $.items[1].fee … $.items[118].fee
    assert "$.items[118].fee" in text and "$.items[119].fee" not in text
