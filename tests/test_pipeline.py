"""The pipeline's judgement of suites cut short, with real pytest runs stopped by their suite timeout:
one had already failed a test (its default criterion is broken for good: FAIL, and it says it was cut
short), one had not (INCOMPLETE, with its partial value in the report)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from harness.pipeline import execute
from harness.plan import make_plan
from harness.profile.loader import load_profile
from harness.results.model import SuiteResult, SuiteStatus
from harness.runners.base import PreparedSuite, RunContext, RunnerBase
from harness.target.handle import TargetHandle


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_suites_cut_short_are_judged_on_what_they_gathered(
    tmp_path: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    for name, first in (("broken", "assert 1 + 1 == 3"), ("clean", "assert 1 + 1 == 2")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"test_{name}.py").write_text(
            f"import time\n\ndef test_first():\n    {first}\n\ndef test_second():\n    time.sleep(300)\n",
            encoding="utf-8",
        )
    profile = write_profile(
        """
        project: {name: cut short}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: broken, kind: unit, timeout: 20, options: {paths: [broken], allure: false}}
          - {name: clean, kind: unit, timeout: 20, options: {paths: [clean], allure: false}}
        report: {language: en}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), timeout=300)
    assert result.code == 1, result.stdout + result.stderr  # broken's failure is final
    summary = result.json()
    suites = {s["name"]: s for s in summary["suites"]}
    broken, clean = suites["broken"], suites["clean"]
    assert broken["status"] == "failed" and broken["tests"]["failed"] == 1
    assert broken["stopped"]["cause"] == "time-cap" and broken["stopped"]["option"] == "suites.broken.timeout"
    assert clean["status"] == "incomplete" and clean["tests"]["passed"] == 1
    criteria = {c["suite"]: c for c in summary["criteria"]}
    assert criteria["broken"]["outcome"] == "failed" and criteria["broken"]["partial"]
    assert criteria["clean"]["outcome"] == "error" and criteria["clean"]["measured_text"] == "100 %"
    reasons = summary["verdict_reasons"]
    assert reasons[0].startswith("broken: pass_rate >= 100% failed (measured 0 %) on what the suite gathered")
    assert any(
        r.startswith("suite broken stopped early after") and "suite timeout time cap (20 s)" in r for r in reasons
    )
    assert any("raise suites.broken.timeout" in r for r in reasons)
    report = pdftotext(Path(summary["run_dir"]) / "report.pdf")
    row = next(line for line in report.splitlines() if line.lstrip().startswith("clean") and ">= 100%" in line)
    assert "100 %" in row and "not final" in row  # the partial value, not "—"
    assert "failed (and stopped early)" in report


class _Nothing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Watching(RunnerBase):
    """A runner with a companion: records when it starts and stops, and what each suite saw."""

    options_model: ClassVar[type[BaseModel]] = _Nothing
    events: ClassVar[list[str]] = []

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return frozenset({"earlier"})

    @contextmanager
    def _started(self, target: TargetHandle) -> Iterator[str]:
        self.events.append(f"start {target.base_url}")
        yield f"companion of {self.kind}"
        self.events.append("stop")

    def companion(self, options: BaseModel, target: TargetHandle) -> AbstractContextManager[object] | None:
        if self.kind == "broken":
            raise RuntimeError("cannot start")
        return self._started(target)

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        self.events.append(f"run {suite.name}: {ctx.companion} after {[s.name for s in ctx.earlier]}")
        assert all(s.started is not None and s.finished is not None for s in ctx.earlier)
        return SuiteResult(
            name=suite.name, kind=self.kind, status=SuiteStatus.PASSED, metrics={"earlier": len(ctx.earlier)}
        )


def test_companions_live_as_long_as_the_target_and_suites_see_the_earlier_ones(
    demo_url: str, write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    profile = write_profile(f"""
        project: {{name: companions}}
        target: {{base_url: "{demo_url}", scope: [127.0.0.1]}}
        suites:
          - {{name: first, kind: watching, criteria: ["earlier == 0"]}}
          - {{name: second, kind: broken}}
          - {{name: third, kind: watching, criteria: ["earlier == 2"]}}
        """)  # fmt: skip
    _Watching.events.clear()
    plan = make_plan(load_profile(profile), {"watching": _Watching("watching"), "broken": _Watching("broken")})
    outcome = execute(
        plan, selected={"first", "second", "third"}, out_dir=tmp_path / "runs", history=tmp_path / "h.sqlite"
    )
    statuses = {s.name: s.status for s in outcome.run.suites}
    assert statuses == {"first": SuiteStatus.PASSED, "second": SuiteStatus.ERROR, "third": SuiteStatus.PASSED}
    assert "cannot start" in outcome.run.suites[1].error
    assert _Watching.events == [
        f"start {demo_url}", f"start {demo_url}",  # both companions, before the first suite
        "run first: companion of watching after []",
        "run third: companion of watching after ['first', 'second']",
        "stop", "stop",  # with the target, after the last suite
    ]  # fmt: skip
