"""The pipeline's judgement of suites cut short, with real pytest runs stopped by their suite timeout:
one had already failed a test (its default criterion is broken for good: FAIL, and it says it was cut
short), one had not (INCOMPLETE, with its partial value in the report). And suites that could not start:
the reason a runner gave as a catalogue message is in the report's language."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from harness.errors import RunnerSetupError
from harness.pipeline import execute
from harness.plan import load_plan, make_plan, select
from harness.profile.loader import load_profile
from harness.results.messages import error_reason
from harness.results.model import RunResult, SuiteResult, SuiteStatus, Verdict
from harness.runners.base import PreparedSuite, RunContext, RunnerBase
from harness.runners.registry import load_runners
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
class _PluginOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _PlainWordsRunner(RunnerBase):
    """A third-party runner that cannot start and says so in its own (English) words."""

    options_model: ClassVar[type[BaseModel]] = _PluginOptions

    def needs_target(self, options: BaseModel) -> bool:
        return False

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return frozenset({"duration"})

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        raise RunnerSetupError("the vendor service is down: start it before the run")


@pytest.fixture(scope="module")
def could_not_start(tmp_path_factory: pytest.TempPathFactory, demo_url: str) -> tuple[RunResult, Path]:
    """A zh-CN run of three suites that cannot start: a security suite whose wapiti command does not exist,
    a load test whose locustfile is gone by the time it runs, a plug-in's suite raising plain words."""
    base = tmp_path_factory.mktemp("could-not-start")
    locustfile = base / "locustfile.py"
    locustfile.write_text("from locust import HttpUser, task\n", encoding="utf-8")
    profile = base / "profile.yaml"
    profile.write_text(
        f"""
project: {{name: 无法启动的套件}}
target: {{base_url: "{demo_url}", scope: [127.0.0.1]}}
suites:
  - {{name: scan, kind: security, options: {{engine: wapiti, wapiti: {{executable: "{base}/no-such-wapiti"}}}}}}
  - {{name: load, kind: performance, options: {{locustfile: locustfile.py, users: 1, run_time: 5s}}}}
  - {{name: vendor, kind: vendor-check}}
report: {{language: zh-CN}}
""",
        encoding="utf-8",
    )
    plan = load_plan(profile, {**load_runners(), "vendor-check": _PlainWordsRunner("vendor-check")})
    locustfile.unlink()  # valid when the profile was loaded, gone when the suite starts
    outcome = execute(plan, selected=select(plan, ()), out_dir=base / "runs", history=base / "history.sqlite")
    return outcome.run, outcome.run_dir


@pytest.mark.slow
def test_a_suite_that_could_not_start_says_why_in_the_reports_language(
    could_not_start: tuple[RunResult, Path],
) -> None:
    run, run_dir = could_not_start
    assert run.verdict is Verdict.INCOMPLETE
    suites = {s.name: s for s in run.suites}
    assert all(s.status is SuiteStatus.ERROR for s in suites.values())
    # run.json, summary.json, JUnit and the CLI keep the English text; the message rides along as a note
    scan, load, vendor = suites["scan"], suites["load"], suites["vendor"]
    assert scan.error.startswith("wapiti is not installed: run `make setup`")
    assert load.error == f"locustfile not found: {run_dir.parent.parent / 'locustfile.py'}"
    assert vendor.error == "the vendor service is down: start it before the run"
    reasons = [error_reason(s.notes) for s in (scan, load)]
    assert [r.key if r else None for r in reasons] == ["setup.wapiti.missing", "setup.locust.locustfile_missing"]
    assert error_reason(vendor.notes) is None
    text = re.sub(r"\s+", "", pdftotext(run_dir / "report.pdf"))
    wapiti = "未安装wapiti：请运行`makesetup`（会将wapiti3安装到.venv/tools/wapiti），或设置options.wapiti.executable"
    assert wapiti in text and wapiti + "（原文）" not in text
    missing = "找不到locustfile：" + str(run_dir.parent.parent / "locustfile.py")
    assert missing in text and missing + "（原文）" not in text
    assert "wapiti is not installed" not in text and "locustfile not found" not in text
    assert "thevendorserviceisdown:startitbeforetherun（原文）" in text  # a plug-in's own words, marked
