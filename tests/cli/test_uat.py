"""``harness uat template|import|record`` through the console script."""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
from harness_cli import CliResult
from openpyxl import load_workbook

from harness.uat.results import UatStatus, load_results
from tests.uat import project
from tests.uat.project import UatProject

uat_project = project.uat_project


def test_template_fill_import(run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path) -> None:
    sheet = tmp_path / "handover" / "portal.xlsx"
    sheet.parent.mkdir()
    made = run_cli("uat", "template", str(uat_project.profile), "--suite", "acceptance", "--output", str(sheet))
    assert made.code == 0, made.stderr
    (sheet.parent / "screen.png").write_bytes(b"\x89PNG\r\n\x1a\n fake but hashed")
    workbook = load_workbook(sheet)
    rows = workbook["UAT"]
    rows["F2"], rows["G2"], rows["H2"], rows["J2"] = "pass", "刘芳", "2025-03-14", "screen.png"
    workbook.save(sheet)
    imported = run_cli("uat", "import", str(sheet), cwd=tmp_path)
    assert imported.code == 0, imported.stderr
    assert "recorded 1 result(s)" in imported.stdout and "still pending: C-2, C-3" in imported.stdout
    record = load_results(uat_project.results).results["C-1"]
    assert record.evidence[0].file == "portal-evidence/C-1/screen.png"


def test_errors(run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path) -> None:
    wrong = run_cli("uat", "template", str(uat_project.profile), "--suite", "nope")
    assert wrong.code == 2 and "no uat suite named 'nope' (uat suites: acceptance)" in wrong.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run_cli("uat", "import", str(bad))
    assert result.code == 2 and "bad.csv:1: missing column(s)" in result.stderr
    record = run_cli("uat", "record", str(uat_project.profile), "--suite", "acceptance", "--case", "C-9")
    assert record.code == 2 and "no case 'C-9'" in record.stderr


def test_record_without_a_terminal_stops_cleanly(run_cli: Callable[..., CliResult], uat_project: UatProject) -> None:
    result = run_cli("uat", "record", str(uat_project.profile), "--suite", "acceptance", "--tester", "x")
    assert result.code == 3 and "0 case(s) saved" in result.stderr


def _harness() -> str:
    return str(Path(sys.executable).with_name("harness"))


def test_record_in_a_real_terminal_takes_chinese_answers(uat_project: UatProject, tmp_path: Path) -> None:
    """``uat record`` in a pseudo-terminal (pexpect), a zh-CN profile: Chinese prompts, 通过/不通过/受阻/跳过."""
    env = {**os.environ, "COLUMNS": "100", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    argv = ["uat", "record", str(uat_project.profile), "--suite", "acceptance"]
    child = pexpect.spawn(_harness(), argv, env=env, cwd=str(tmp_path), encoding="utf-8", timeout=60)
    try:
        child.expect("测试人姓名")
        child.sendline("刘芳")
        child.expect("结果（通过 / 不通过 / 受阻 / 跳过）")
        child.sendline("也许")  # not a result: asked again, in Chinese
        child.expect("请回答 通过、不通过、受阻 或 跳过")
        child.expect("结果（通过 / 不通过 / 受阻 / 跳过）")
        child.sendline("不通过")
        child.expect("说明")
        child.sendline("")  # a failure needs a comment
        child.expect("必填")
        child.sendline("回执缺少办理时限")
        child.expect("证据文件")
        child.sendline(str(uat_project.evidence))
        child.expect("保存 C-1：不通过，1 个证据文件？")
        child.sendline("是")
        child.expect("已保存")
        child.expect("结果（通过")
        child.sendline("受阻")
        child.expect("说明")
        child.sendline("测试环境无数据")
        child.expect("证据文件")
        child.sendline("")
        child.expect("保存 C-2")
        child.sendline("")  # Enter confirms
        child.expect("结果（通过")
        child.sendline("跳过")
        child.expect("已跳过")
        child.expect("本次共记录 2 个用例")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    results = load_results(uat_project.results).results
    assert results["C-1"].status is UatStatus.FAIL and results["C-1"].comment == "回执缺少办理时限"
    assert results["C-1"].evidence[0].file == "portal-evidence/C-1/receipt.txt"
    assert results["C-2"].status is UatStatus.BLOCKED and "C-3" not in results


def test_record_prompts_in_english_for_an_english_profile(uat_project: UatProject, tmp_path: Path) -> None:
    uat_project.profile.write_text(uat_project.profile.read_text(encoding="utf-8") + "report: {language: en}\n",
                                   encoding="utf-8")  # fmt: skip
    child = pexpect.spawn(_harness(), ["uat", "record", str(uat_project.profile), "--suite", "acceptance",
                                       "--tester", "Liu Fang", "--case", "C-2"],
                          env={**os.environ, "LC_ALL": "C.UTF-8"}, cwd=str(tmp_path), encoding="utf-8", timeout=60)  # fmt: skip
    try:
        child.expect(r"Result \(pass / fail / blocked / skip\)")
        child.sendline("通过")  # Chinese answers work whatever the language
        child.expect("Comment")
        child.sendline("")
        child.expect("Evidence files")
        child.sendline("")
        child.expect(r"save C-2: pass, 0 evidence file\(s\)\? \(y/n\)")
        child.sendline("y")
        child.expect("recorded 1 case")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert load_results(uat_project.results).results["C-2"].status is UatStatus.PASS


def test_import_lists_every_problem_and_reports_changed_results(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    sheet = tmp_path / "portal.csv"
    assert run_cli("uat", "template", str(uat_project.profile), "--suite", "acceptance", "--output", str(sheet)).code == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    rows[2][5:10] = ["通过", "刘芳", "2025-03-14", "", "screen.png"]
    rows[3][5:8] = ["也许", "刘芳", "2025-03-14"]

    def save() -> None:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        sheet.write_text(buffer.getvalue(), encoding="utf-8-sig")

    save()
    refused = run_cli("uat", "import", str(sheet))
    assert refused.code == 2 and not uat_project.results.exists()
    lines = [line for line in refused.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2 and "evidence file 'screen.png' not found (looked for" in lines[0]
    assert f"{tmp_path / 'screen.png'}" in lines[0] and "result '也许'" in lines[1]
    assert "nothing recorded: fix the 2 problems above" in refused.stderr
    (tmp_path / "screen.png").write_bytes(b"\x89PNG fake")
    rows[3][5:8] = ["", "", ""]
    save()
    assert run_cli("uat", "import", str(sheet)).code == 0
    rows[2][5:10] = ["不通过", "王磊", "2025-03-20", "复测未通过", "screen.png"]
    save()
    again = run_cli("uat", "import", str(sheet))
    assert again.code == 0 and "changed: C-1: pass -> fail (was recorded by 刘芳 on 2025-03-14)" in again.stdout
