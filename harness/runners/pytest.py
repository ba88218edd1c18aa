"""Unit and integration suites: pytest in a subprocess, results from its JUnit XML (DESIGN §4 "pytest").

The subprocess gives isolation (suites import what they like) and a clean stop on Ctrl-C: pytest is
sent SIGINT, writes the JUnit XML of what ran, and the suite is recorded as ``incomplete``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from harness.criteria.defaults import DEFAULTS
from harness.errors import RunnerSetupError
from harness.processes import ChildProcess
from harness.profile.paths import PathSpec
from harness.results.importers.junit import parse_junit
from harness.results.messages import message
from harness.results.metrics import CASE_METRICS, case_metrics
from harness.results.model import CaseStatus, Message, StopRecord, SuiteResult, SuiteStatus, ToolInfo
from harness.runners.base import PreparedSuite, RunContext, RunnerBase

PLUGIN = "harness.runners.pytest_plugin"

# pytest's exit codes (pytest.ExitCode) that mean the suite itself could not run properly
_SETUP_FAILURES = {2: "interrupted", 3: "internal", 4: "usage", 5: "no_tests"}  # error.pytest.* by exit code


class PytestOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    paths: Annotated[list[str], PathSpec("test path", "any", node_ids=True)] = Field(
        min_length=1, description="test files, directories or node ids, relative to the file that writes them"
    )
    args: list[str] = Field(default_factory=list, description="extra pytest arguments")
    markers: str | None = Field(default=None, description="pytest -m expression")
    keyword: str | None = Field(default=None, description="pytest -k expression")
    needs_target: bool | None = Field(default=None, description="default: true for integration suites")
    coverage: list[str] = Field(default_factory=list, description="packages to measure (pytest-cov)")
    allure: bool = Field(default=True, description="also write allure-results/")
    env: dict[str, str] = Field(default_factory=dict, description="extra environment variables")


class PytestRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = PytestOptions
    default_criteria: ClassVar[tuple[str, ...]] = DEFAULTS["tests"]

    def needs_target(self, options: BaseModel) -> bool:
        assert isinstance(options, PytestOptions)
        return options.needs_target if options.needs_target is not None else self.kind == "integration"

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, PytestOptions)
        return CASE_METRICS | {"coverage"} if options.coverage else CASE_METRICS

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(PytestOptions)
        paths = [ctx.base_dir / p for p in options.paths]
        missing = [str(p) for p in paths if not Path(str(p).split("::")[0]).exists()]  # node ids too
        if missing:
            raise RunnerSetupError(message("setup.pytest.paths_missing", paths=", ".join(missing)))
        junit = ctx.raw_dir / "junit.xml"
        coverage_file = ctx.raw_dir / "coverage.json"
        argv = self._argv(options, paths, ctx.raw_dir, junit, coverage_file)
        read_end, write_end = os.pipe()
        env = self._environment(options, ctx, write_end)
        log_path = ctx.raw_dir / "pytest.log"
        ctx.log.info("suite %s: %s", suite.name, " ".join(argv[1:]))
        with log_path.open("wb") as log:
            try:
                child = ChildProcess(argv, cwd=ctx.raw_dir, env=env, stdout=log, stderr=log, pass_fds=[write_end])
            finally:
                os.close(write_end)
            reader = threading.Thread(target=self._follow_events, args=(read_end, ctx), daemon=True)
            reader.start()
            began = time.monotonic()
            code = child.wait(timeout=suite.timeout, cancel=ctx.cancel)
            stopped = ""
            record = None
            if code is None:
                elapsed = time.monotonic() - began
                if ctx.cancel.cancelled:
                    stopped = ctx.cancel.reason
                    record = StopRecord(cause="cancelled", elapsed=elapsed, detail=stopped)
                else:
                    stopped = f"time limit of {suite.timeout:g}s reached"
                    option = f"suites.{suite.name}.timeout"
                    record = StopRecord(
                        cause="time-cap", cap="timeout", option=option, limit=suite.timeout, elapsed=elapsed
                    )
                child.stop(grace=10.0)
                code = child.returncode
            reader.join(timeout=5.0)
        result = self._result(suite, options, junit, coverage_file, log_path, code, stopped)
        return result.model_copy(update={"stopped": record}) if record else result

    def _argv(
        self, options: PytestOptions, paths: list[Path], raw: Path, junit: Path, coverage_file: Path
    ) -> list[str]:
        argv = [sys.executable, "-m", "pytest", *map(str, paths), "-p", PLUGIN, f"--junitxml={junit}"]
        argv += [
            "-o",
            "junit_family=xunit2",
            "-o",
            "junit_logging=all",
            "-o",
            "junit_log_passing_tests=False",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rfE",
        ]
        if options.allure:
            argv.append(f"--alluredir={raw / 'allure-results'}")
        if options.markers:
            argv += ["-m", options.markers]
        if options.keyword:
            argv += ["-k", options.keyword]
        for package in options.coverage:
            argv.append(f"--cov={package}")
        if options.coverage:
            argv += [f"--cov-report=json:{coverage_file}", "--cov-report=term"]
        return argv + list(options.args)

    def _environment(self, options: PytestOptions, ctx: RunContext, events_fd: int) -> dict[str, str]:
        env = dict(ctx.environ)
        env.update(options.env)
        target = ctx.target
        env["HARNESS_TARGET"] = json.dumps(
            {
                "name": target.name,
                "base_url": target.base_url,
                "version": target.version,
                "scope": target.scope.entries,
                "timeout": target.timeout,
                "verify_tls": target.verify_tls,
                "headers": dict(target.headers),
            }
        )
        env["HARNESS_EVENTS_FD"] = str(events_fd)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["COVERAGE_FILE"] = str(ctx.raw_dir / ".coverage")
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    @staticmethod
    def _follow_events(descriptor: int, ctx: RunContext) -> None:
        with os.fdopen(descriptor, "r", encoding="utf-8", errors="replace") as stream:
            for line in stream:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("event") == "collected":
                    ctx.progress.update(total=event.get("count", 0), completed=0)
                elif event.get("event") == "test" and event.get("when") in ("call", "setup"):
                    ctx.progress.update(advance=1, detail=str(event.get("nodeid", "")))
                    if event.get("outcome") == "failed":
                        ctx.progress.log(f"✘ {event.get('nodeid')}")

    def _result(
        self,
        suite: PreparedSuite,
        options: PytestOptions,
        junit: Path,
        coverage_file: Path,
        log_path: Path,
        code: int | None,
        stopped: str,
    ) -> SuiteResult:
        cases = tuple(parse_junit(junit)) if junit.is_file() and junit.stat().st_size else ()
        metrics = case_metrics(cases)
        if coverage_file.is_file():
            totals = json.loads(coverage_file.read_text(encoding="utf-8")).get("totals", {})
            if "percent_covered" in totals:
                metrics["coverage"] = float(totals["percent_covered"]) / 100
        error = ""
        notes: tuple[Message, ...] = ()
        if stopped:
            status = SuiteStatus.INCOMPLETE
            error = f"stopped: {stopped}"
        elif code not in (0, 1):
            status = SuiteStatus.ERROR
            if code is not None and code in _SETUP_FAILURES:
                why = message(f"error.pytest.{_SETUP_FAILURES[code]}", code=code)
            else:
                why = message("error.pytest.exit", code=str(code))
            output = _error_lines(log_path)
            error = f"{why}\n{output}".strip()
            notes = (message("error.any.tool_output", why=why, output=output) if output else why,)  # for the report
        else:
            bad = any(c.status in (CaseStatus.FAILED, CaseStatus.ERROR) for c in cases)
            status = SuiteStatus.FAILED if bad or code == 1 else SuiteStatus.PASSED
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=ToolInfo(name="pytest", version=_version("pytest")),
            cases=cases,
            metrics=metrics,
            error=error,
            notes=notes,
        )


def _error_lines(log_path: Path, limit: int = 25) -> str:
    """The lines of pytest's output that explain a failure to start: errors and exceptions."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    picked = [line for line in lines if line.startswith(("E ", "ERROR", "ImportError", "ModuleNotFoundError"))]
    return "\n".join((picked or lines[-limit:])[:limit])


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""
