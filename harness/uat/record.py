"""``harness uat record``: walk a tester through the checklist in the terminal (rich prompts).

Each answer is saved as soon as it is confirmed, so stopping (Ctrl-C, closing the window) loses at most
the case being answered. Cases already recorded are skipped unless asked for (``--all`` / ``--case``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm, Prompt
from rich.table import Table
from rich.text import Text

from harness.uat.checklist import Checklist, ChecklistCase
from harness.uat.results import UatResults, UatStatus, load_results, make_record, save_results, with_record

SKIP = "skip"
_STATUS_STYLE = {"pass": "green", "fail": "red", "blocked": "yellow", "pending": "dim"}


@dataclass
class RecordSession:
    """One tester's session over some cases of a checklist."""

    checklist: Checklist
    results_file: Path
    console: Console
    stream: TextIO | None = None  # input; None: the terminal
    recorded: list[str] = field(default_factory=list)

    def ask(self, prompt: str, *, choices: list[str] | None = None, default: str | None = None) -> str:
        if default is None:
            return Prompt.ask(prompt, console=self.console, choices=choices, stream=self.stream)
        return Prompt.ask(prompt, console=self.console, choices=choices, default=default, stream=self.stream)

    def run(self, cases: Sequence[ChecklistCase], tester: str | None) -> UatResults:
        results = load_results(self.results_file)
        self.console.print(
            f"[bold]{self.checklist.checklist}[/] — {len(cases)} case(s) to record; "
            f"answers are saved to {self.results_file} as you go. Ctrl-C stops."
        )
        name = tester or self.ask("测试人 Tester name")
        while not name.strip():
            name = self.ask("测试人 Tester name (required)")
        for position, case in enumerate(cases, start=1):
            self._show(case, position, len(cases), results)
            results = self._record(case, name.strip(), results)
        self._summary(results)
        return results

    def _show(self, case: ChecklistCase, position: int, total: int, results: UatResults) -> None:
        body = Text()
        if case.preconditions:
            body.append("前置条件 Preconditions\n", style="bold")
            body.append("".join(f"  • {p}\n" for p in case.preconditions))
        body.append("操作步骤 Steps\n", style="bold")
        body.append("".join(f"  {i}. {s}\n" for i, s in enumerate(case.steps, start=1)))
        body.append("预期结果 Expected\n", style="bold")
        body.append(f"  {case.expected}")
        if case.check:
            body.append(f"\n自动检查 Automated check: {case.check}", style="dim")
        previous = results.results.get(case.id)
        if previous:
            body.append(
                f"\n已记录 Recorded: {previous.status.value} by {previous.tester} on {previous.date}", style="dim"
            )
        self.console.print(Panel(body, title=f"[{position}/{total}] {case.id} {case.title}", title_align="left"))

    def _record(self, case: ChecklistCase, tester: str, results: UatResults) -> UatResults:
        while True:
            choice = self.ask(
                "结果 Result", choices=[s.value for s in UatStatus] + [SKIP], default=UatStatus.PASS.value
            )
            if choice == SKIP:
                self.console.print("  skipped: the case stays as it was")
                return results
            comment = self.ask("说明 Comment", default="")
            if choice != UatStatus.PASS.value:
                while not comment.strip():
                    comment = self.ask("说明 Comment (required for fail/blocked: what happened?)")
            files = self._evidence()
            confirmed = Confirm.ask(
                f"  save {case.id}: {choice}, {len(files)} evidence file(s)?",
                console=self.console,
                default=True,
                stream=self.stream,
            )
            if not confirmed:
                continue
            record = make_record(
                status=UatStatus(choice),
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
            self.console.print(f"  [green]saved[/] {case.id}")
            return results

    def _evidence(self) -> list[Path]:
        while True:
            answer = self.ask("证据文件 Evidence files (paths, separated by ';'; empty for none)", default="")
            files = [Path(p.strip()).expanduser() for p in answer.split(";") if p.strip()]
            missing = [str(f) for f in files if not f.is_file()]
            if not missing:
                return files
            self.console.print(f"  [red]not found[/]: {', '.join(missing)} — try again")

    def _summary(self, results: UatResults) -> None:
        table = Table(title="UAT", show_edge=False, header_style="bold")
        for column in ("case", "title", "result", "tester", "date"):
            table.add_column(column)
        for case in self.checklist.cases:
            record = results.results.get(case.id)
            status = record.status.value if record else "pending"
            table.add_row(
                case.id,
                case.title,
                f"[{_STATUS_STYLE[status]}]{status}[/]",
                record.tester if record else "",
                str(record.date) if record else "",
            )
        self.console.print(table)
        self.console.print(f"recorded {len(self.recorded)} case(s) in this session → {self.results_file}")


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
