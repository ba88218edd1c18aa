"""The PDF's "changes since baseline" section, read back from real reports of two pipeline runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from history_builders import scripted_runners
from pypdf import PdfReader

from harness.pipeline import RunOutcome, execute
from harness.plan import make_plan, select
from harness.profile import load_profile
from harness.reports import write_exports
from harness.results.rundir import RunDirectory

CSP = {"rule": "10038", "name": "Content Security Policy (CSP) Header Not Set", "risk": "medium", "fingerprint": "c"}
BANNER = {"rule": "10036", "name": "Server Leaks Version Information", "risk": "low", "fingerprint": "b"}
XSS = {"rule": "40012", "name": "Cross Site Scripting (Reflected)", "risk": "high", "fingerprint": "x"}


def _run(tmp_path: Path, p95: float, findings: list[dict[str, str]], language: str, baseline: str | None) -> RunOutcome:
    profile = {
        "project": {"name": "行政许可网上申请服务"},
        "target": {"base_url": "http://127.0.0.1:9"},
        "report": {"language": language},
        "output": {"dir": "reports"},  # runs and their history under tmp_path, not in the working directory
        "suites": [
            {"name": "load", "kind": "performance",
             "options": {"metrics": {"p95": p95, "rps": 118.0, "error_rate": 0.002},
                         "endpoints": {"GET /api/applications": {"p95": p95 * 0.8, "rps": 59.0}}}},
            {"name": "scan", "kind": "security", "options": {"findings": findings}},
        ],
        **({"baseline": baseline} if baseline else {}),
    }  # fmt: skip
    path = tmp_path / f"demo-{language}.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    plan = make_plan(load_profile(path), scripted_runners())
    return execute(plan, selected=select(plan, []), out_dir=tmp_path / "reports")


def _text(outcome: RunOutcome) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(outcome.run_dir / "report.pdf").pages)


@pytest.mark.parametrize(
    ("language", "heading", "new", "fixed"),
    [
        ("en", "Changes since baseline", "New findings (1)", "Fixed findings (1)"),
        ("zh-CN", "与基线相比的变化", "新增安全发现（1 项）", "已修复的安全发现（1 项）"),
    ],
)
def test_second_report_shows_new_and_fixed_findings(
    tmp_path: Path, language: str, heading: str, new: str, fixed: str
) -> None:
    first = _run(tmp_path, 0.200, [CSP, BANNER], language, "previous")
    assert heading in _text(first)  # the first run says there was nothing to compare with
    second = _run(tmp_path, 0.240, [CSP, XSS], language, "previous")
    text = _text(second)
    assert heading in text and new in text and fixed in text
    assert "Cross Site Scripting (Reflected)" in text and "Server Leaks Version Information" in text
    assert first.run.run_id in text.replace("\n", "")  # the baseline run is named (a cell may wrap it)
    assert "+40 ms (+20.0 %)" in text  # p95 regression


def test_no_section_without_a_baseline(tmp_path: Path) -> None:
    assert "Changes since baseline" not in _text(_run(tmp_path, 0.2, [CSP], "en", None))


def test_a_rebuilt_report_keeps_the_comparison_without_the_history(tmp_path: Path) -> None:
    _run(tmp_path, 0.200, [CSP], "en", "previous")
    second = _run(tmp_path, 0.240, [CSP, XSS], "en", "previous")
    (tmp_path / "reports" / "history.sqlite").unlink()  # the comparison lives in run.json
    rundir = RunDirectory.open(second.run_dir)
    assert write_exports(rundir.read_run(), rundir) == []
    text = _text(second)
    assert "New findings (1)" in text and "Cross Site Scripting (Reflected)" in text
