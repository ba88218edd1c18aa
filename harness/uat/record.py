"""``harness uat record``: walk a tester through the checklist in the terminal (rich prompts).

Each answer is saved as soon as it is confirmed, so stopping (Ctrl-C, closing the window) loses at most
the case being answered. Cases already recorded are skipped unless asked for (``--all`` / ``--case``).
The prompts follow the profile's report language, and a result may be answered in either language
(通过 / 不通过 / 受阻 / 跳过, pass / fail / blocked / skip) — the words the sheets accept too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Table
from rich.text import Text

from harness.uat.checklist import Checklist, ChecklistCase
from harness.uat.results import (
    STATUS_LABELS,
    UatResults,
    UatStatus,
    load_results,
    make_record,
    parse_status,
    save_results,
    with_record,
)

SKIP = "skip"
SKIP_WORDS = ("skip", "s", "跳过", "略过")
YES = ("y", "yes", "是", "好", "确认", "对")
NO = ("n", "no", "否", "不", "取消")
_STATUS_STYLE = {"pass": "green", "fail": "red", "blocked": "yellow", "pending": "dim"}

PROMPTS: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "intro": (
        "{checklist} — 共 {count} 个用例待记录；每条结果确认后立即保存到 {file}。按 Ctrl-C 可随时停止。",
        "{checklist} — {count} case(s) to record; answers are saved to {file} as you go. Ctrl-C stops.",
    ),
    "tester": ("测试人姓名", "Tester name"),
    "tester_required": ("测试人姓名（必填）", "Tester name (required)"),
    "preconditions": ("前置条件", "Preconditions"),
    "steps": ("操作步骤", "Steps"),
    "expected": ("预期结果", "Expected"),
    "check": ("自动检查", "Automated check"),
    "recorded_before": ("已记录：{status}，测试人 {tester}，日期 {date}", "Recorded: {status} by {tester} on {date}"),
    "result": ("结果（通过 / 不通过 / 受阻 / 跳过）", "Result (pass / fail / blocked / skip)"),
    "result_invalid": (
        "请回答 通过、不通过、受阻 或 跳过（也可以用 pass、fail、blocked、skip）",
        "Please answer pass, fail, blocked or skip (通过, 不通过, 受阻, 跳过 also work)",
    ),
    "skipped": ("已跳过：该用例保持原状", "skipped: the case stays as it was"),
    "comment": ("说明", "Comment"),
    "comment_required": (
        "说明（不通过或受阻时必填：发生了什么？）",
        "Comment (required for fail/blocked: what happened?)",
    ),
    "evidence": (
        "证据文件（路径，多个用 ; 分隔；没有则直接回车）",
        "Evidence files (paths, separated by ';'; empty for none)",
    ),
    "not_found": (
        "找不到文件：{files}（在 {cwd} 下查找）— 请重新输入",
        "not found: {files} (looked in {cwd}) — try again",
    ),
    "confirm": (
        "保存 {case}：{status}，{count} 个证据文件？（是/否）",
        "save {case}: {status}, {count} evidence file(s)? (y/n)",
    ),
    "confirm_invalid": ("请回答 是 或 否（也可以用 y 或 n）", "Please answer y or n (是 or 否 also work)"),
    "saved": ("已保存", "saved"),
    "summary_recorded": ("本次共记录 {count} 个用例 → {file}", "recorded {count} case(s) in this session → {file}"),
    "case": ("用例", "case"),
    "title": ("标题", "title"),
    "result_column": ("结果", "result"),
    "tester_column": ("测试人", "tester"),
    "date": ("日期", "date"),
    "pending": ("待测", "pending"),
}


@dataclass
class RecordSession:
    """One tester's session over some cases of a checklist."""

    checklist: Checklist
    results_file: Path
    console: Console
    stream: TextIO | None = None  # input; None: the terminal
    recorded: list[str] = field(default_factory=list)
    language: str = "en"  # the profile's report.language: zh-CN or en

    def say(self, key: str, **values: object) -> str:
        chinese, english = PROMPTS[key]
        text = chinese if self.language == "zh-CN" else english
        return text.format(**values) if values else text

    def status_text(self, status: UatStatus | str) -> str:
        if status == "pending":
            return self.say("pending")
        chinese, english = STATUS_LABELS[UatStatus(status)]
        return chinese if self.language == "zh-CN" else english

    def ask(self, prompt: str, *, default: str | None = None) -> str:
        shown = escape(prompt)
        if default is None:
            return Prompt.ask(shown, console=self.console, stream=self.stream)
        return Prompt.ask(shown, console=self.console, default=default, stream=self.stream, show_default=bool(default))

    def run(self, cases: Sequence[ChecklistCase], tester: str | None) -> UatResults:
        results = load_results(self.results_file)
        intro = self.say("intro", checklist=self.checklist.checklist, count=len(cases), file=self.results_file)
        self.console.print(Text(intro, style="bold"))
        name = tester or self.ask(self.say("tester"))
        while not name.strip():
            name = self.ask(self.say("tester_required"))
        for position, case in enumerate(cases, start=1):
            self._show(case, position, len(cases), results)
            results = self._record(case, name.strip(), results)
        self._summary(results)
        return results

    def _show(self, case: ChecklistCase, position: int, total: int, results: UatResults) -> None:
        body = Text()
        if case.preconditions:
            body.append(self.say("preconditions") + "\n", style="bold")
            body.append("".join(f"  • {p}\n" for p in case.preconditions))
        body.append(self.say("steps") + "\n", style="bold")
        body.append("".join(f"  {i}. {s}\n" for i, s in enumerate(case.steps, start=1)))
        body.append(self.say("expected") + "\n", style="bold")
        body.append(f"  {case.expected}")
        if case.check:
            body.append(f"\n{self.say('check')}: {case.check}", style="dim")
        previous = results.results.get(case.id)
        if previous:
            status = self.status_text(previous.status)
            body.append("\n" + self.say("recorded_before", status=status, tester=previous.tester, date=previous.date),
                        style="dim")  # fmt: skip
        title = Text(f"[{position}/{total}] {case.id} {case.title}")
        self.console.print(Panel(body, title=title, title_align="left"))

    def _result(self) -> UatStatus | None:
        """The tester's answer: a result, or None to skip; asked again until it is one of the words."""
        while True:
            answer = self.ask(self.say("result"), default=self.status_text(UatStatus.PASS)).strip()
            if answer.lower() in SKIP_WORDS:
                return None
            status = parse_status(answer)
            if status is not None:
                return status
            self.console.print(Text("  " + self.say("result_invalid"), style="red"))

    def _confirm(self, case: ChecklistCase, status: UatStatus, files: list[Path]) -> bool:
        prompt = "  " + self.say("confirm", case=case.id, status=self.status_text(status), count=len(files))
        while True:
            answer = self.ask(prompt, default="").strip().lower()
            if answer in ("", *YES):
                return True
            if answer in NO:
                return False
            self.console.print(Text("  " + self.say("confirm_invalid"), style="red"))

    def _record(self, case: ChecklistCase, tester: str, results: UatResults) -> UatResults:
        while True:
            status = self._result()
            if status is None:
                self.console.print(Text("  " + self.say("skipped")))
                return results
            comment = self.ask(self.say("comment"), default="")
            if status is not UatStatus.PASS:
                while not comment.strip():
                    comment = self.ask(self.say("comment_required"))
            files = self._evidence()
            if not self._confirm(case, status, files):
                continue
            record = make_record(
                status=status,
                tester=tester,
                when=date.today(),
                comment=comment.strip(),
                evidence=files,
                results_file=self.results_file,
                case_id=case.id,
                fingerprint=case.fingerprint(),
                source="harness uat record",
            )
            results = with_record(results, case.id, record)
            save_results(self.results_file, results)
            self.recorded.append(case.id)
            self.console.print(Text.assemble("  ", (self.say("saved"), "green"), f" {case.id}"))
            return results

    def _evidence(self) -> list[Path]:
        while True:
            answer = self.ask(self.say("evidence"), default="")
            files = [Path(p.strip()).expanduser() for p in answer.replace("；", ";").split(";") if p.strip()]
            missing = [str(f) for f in files if not f.is_file()]
            if not missing:
                return files
            self.console.print(
                Text("  " + self.say("not_found", files=", ".join(missing), cwd=Path.cwd()), style="red")
            )

    def _summary(self, results: UatResults) -> None:
        table = Table(title="UAT", show_edge=False, header_style="bold")
        for key in ("case", "title", "result_column", "tester_column", "date"):
            table.add_column(self.say(key))
        for case in self.checklist.cases:
            record = results.results.get(case.id)
            status = record.status.value if record else "pending"
            table.add_row(
                case.id,
                case.title,
                Text(self.status_text(status), style=_STATUS_STYLE[status]),
                record.tester if record else "",
                str(record.date) if record else "",
            )
        self.console.print(table)
        self.console.print(Text(self.say("summary_recorded", count=len(self.recorded), file=self.results_file)))


def cases_to_record(
    checklist: Checklist, results: UatResults, only: Sequence[str], everything: bool
) -> list[ChecklistCase]:
    """The named cases, else every case (``everything``), else the ones without a valid result."""
    if only:
        return [c for c in checklist.cases if c.id in only]
    if everything:
        return list(checklist.cases)
    return [
        c
        for c in checklist.cases
        if c.id not in results.results or results.results[c.id].case_fingerprint != c.fingerprint()
    ]
