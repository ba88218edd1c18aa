"""The interactive flow, driven through rich's prompt input stream (the real terminal run is in tmux)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from harness.uat.checklist import load_checklist
from harness.uat.record import RecordSession, cases_to_record
from harness.uat.results import UatStatus, load_results
from tests.uat import project
from tests.uat.project import UatProject

uat_project = project.uat_project


def test_records_each_answer_and_saves_as_it_goes(uat_project: UatProject, tmp_path: Path) -> None:
    checklist = load_checklist(uat_project.checklist)
    answers = "\n".join(
        [
            "刘芳",  # tester
            "pass", "回执正确", "no/such/file.png", str(uat_project.evidence), "y",  # C-1, a wrong path first
            "fail", "", "状态未刷新", "", "n",  # C-2: comment required, then not confirmed...
            "blocked", "环境无数据", "", "y",  # ...answered again
            "skip",  # C-3
        ]
    ) + "\n"  # fmt: skip
    out = io.StringIO()
    session = RecordSession(checklist, uat_project.results, Console(file=out, width=100), stream=io.StringIO(answers))
    session.run(list(checklist.cases), tester=None)
    results = load_results(uat_project.results)
    assert set(results.results) == {"C-1", "C-2"}
    assert results.results["C-1"].status is UatStatus.PASS and results.results["C-1"].tester == "刘芳"
    assert results.results["C-1"].evidence[0].file == "portal-evidence/C-1/receipt.txt"
    assert (uat_project.results.parent / "portal-evidence" / "C-1" / "receipt.txt").is_file()
    assert results.results["C-2"].status is UatStatus.BLOCKED and results.results["C-2"].comment == "环境无数据"
    screen = out.getvalue()
    assert "not found" in screen and "required for fail/blocked" in screen and "recorded 2 case(s)" in screen
    assert [c.id for c in cases_to_record(checklist, results, [], False)] == ["C-3"]
    changed = checklist.model_copy(
        update={"cases": [checklist.cases[0].model_copy(update={"expected": "新"}), *checklist.cases[1:]]}
    )
    assert [c.id for c in cases_to_record(changed, results, [], False)] == ["C-1", "C-3"]
