"""The zh-CN report is Chinese: every sentence the harness writes is translated; text from a tool stays as
it is (and is marked). Checked on the text a reader gets (pdftotext) of a rich run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from rich_runs import make_rich_run

from harness.reports.pdf.i18n import CWE_TITLES, TEXT, Translator
from harness.results.messages import MESSAGES, catalogue_problems, message, render
from harness.results.model import Message, RunResult

# Three or more Latin words in a row: a sentence (or a phrase) someone wrote in English.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z']+(?:[ ,;:()/-]+[A-Za-z][A-Za-z']+){2,}")


COMMANDS = (  # command lines the report tells its readers to type
    "harness verify report.pdf --trust",
    "harness sign report.pdf --party project|business|supervision --key",
)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _squeezed(value: str) -> str:
    return re.sub(r"\s+", "", value)


def tool_texts(run: RunResult) -> list[str]:
    """Everything in the run that a tool wrote (scanner findings, test output, failure messages, the
    tool's words when it stopped) or that names something (paths, URLs, names): allowed as it is."""
    texts: list[str] = [run.project.name, run.profile.path, run.target.base_url, run.run_id, *COMMANDS]
    for suite in run.suites:
        texts += [suite.name, suite.tool.name if suite.tool else "", *(a.path for a in suite.artifacts)]
        texts += [f"{c.message} {c.details} {c.name} {c.id}" for c in suite.cases]
        texts += [f.message for f in suite.failures]
        texts += [e.name for e in suite.endpoints]
        if suite.stopped is not None:
            texts.append(suite.stopped.detail)
        for finding in (*suite.findings, *suite.false_positives):
            texts += [finding.name, finding.description, finding.solution, finding.rule_id, finding.source]
            for instance in finding.instances:
                texts += [instance.url, instance.param, instance.attack, instance.evidence, instance.other]
                texts.append(instance.request)
        if suite.coverage is not None:
            texts += [item.name for item in (*suite.coverage.rules_refused, *suite.coverage.operations_skipped)]
            texts += [", ".join(suite.coverage.rules_run)]  # module names, as listed
        for note in suite.notes:
            if isinstance(note, Message):  # parameters are data: paths, URLs, engine names
                texts += [str(value) for value in note.params.values()]
    return [t for t in texts if t]


@pytest.fixture(scope="module")
def rich_zh(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, str]:
    rundir = make_rich_run(tmp_path_factory.mktemp("rich-zh"), "zh-CN")
    return rundir.read_run(), pdftotext(rundir.path / "report.pdf")


def test_the_zh_report_has_no_english_sentence_the_harness_wrote(rich_zh: tuple[RunResult, str]) -> None:
    run, text = rich_zh
    allowed = _squeezed(" ".join(tool_texts(run)))
    harness_english = [
        fragment
        for fragment in ENGLISH.findall(text)
        if _squeezed(fragment) not in allowed and fragment not in ("Run ID",)
    ]
    assert harness_english == []
    # and what it translated is there, in Chinese
    for expected in (
        "运行 602 秒后被提前停止：触发了扫描总时长 max_minutes 时限（600 秒）",
        "负载由单个 Locust 进程产生",
        "使用 wapiti 3.2.3 对 http://127.0.0.1:8000/ 进行完整扫描",
        "SQL 注入",
        "跨站脚本（XSS）",
        "误报",
        "扫描覆盖范围",
        "被测系统不可用",
        "会从互联网下载其数据库",
        "描述（引擎原文）",
        "（原文）",
    ):
        assert expected in text.replace("\n", ""), expected


def test_the_zh_report_still_says_what_the_tools_said(rich_zh: tuple[RunResult, str]) -> None:
    _, text = rich_zh
    flat = _squeezed(text)
    for tool_words in ("SQLInjection", "[!]Maxscantimewasreached,stopping.", "'OR'1'='1", "Authorization:***"):
        assert tool_words in flat, tool_words


def test_the_english_detector_catches_an_untranslated_note(tmp_path: Path) -> None:
    # the same check on a report with a plain English note must fail: the test can fail
    rundir = make_rich_run(tmp_path, "zh-CN")
    run = rundir.read_run()
    unit = run.suites[0].model_copy(update={"notes": ("the harness wrote this note in English",)})
    broken = run.model_copy(update={"suites": (unit, *run.suites[1:])})
    from harness.reports.pdf import render_report

    render_report(broken, tmp_path / "broken.pdf")
    allowed = _squeezed(" ".join(tool_texts(broken)))
    found = [f for f in ENGLISH.findall(pdftotext(tmp_path / "broken.pdf")) if _squeezed(f) not in allowed]
    assert any("harness wrote this note" in fragment for fragment in found)


def test_every_message_and_report_text_has_both_languages() -> None:
    assert catalogue_problems() == []
    marks = ("foreign_mark", "engine_mark")  # empty in English on purpose: nothing there is foreign
    for key, pair in {**TEXT, **MESSAGES}.items():
        assert len(pair) == 2 and pair[0] and (pair[1] or key in marks), key
        words = re.sub(r"\{[^}]*\}", "", pair[1])  # placeholders are not words
        if re.search(r"[A-Za-z]{3,}", words):  # English words: the zh-CN side must say it in Chinese
            zh = re.sub(r"\{[^}]*\}", "", pair[0])
            assert re.search(r"[\u4e00-\u9fff]", zh) or not re.search(r"[A-Za-z]{3,}", zh), f"{key}: no Chinese"
    assert len(CWE_TITLES) >= 30


def test_messages_render_in_each_language_and_keep_their_english_text() -> None:
    note = message("note.import.sources", files="a.jtl")
    assert note.text == "imported from a.jtl" and str(note) == note.text and "a.jtl" in note
    assert render(note, "zh-CN") == "结果导入自 a.jtl"
    t = Translator("zh-CN")
    assert t.text(note) == "结果导入自 a.jtl"
    assert t.text("a tool said this") == "a tool said this（原文）"
    assert t.text("只有中文") == "只有中文"
    assert Translator("en").text("a tool said this") == "a tool said this"
    assert (
        t.cwe_title(89) == "SQL 注入" and t.cwe_title(None) == "" and Translator("en").cwe_title(79).startswith("Cross")
    )
    unknown = Message(key="note.from-a-newer-harness", text="kept as written")
    assert render(unknown, "zh-CN") == "kept as written"
