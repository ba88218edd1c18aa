"""Execute a plan: target up, suites one by one, gate, exports, report — and a valid run directory
however it ends (failed suite, target down, Ctrl-C, SIGTERM)."""

from __future__ import annotations

import getpass
import logging
import os
import platform
import socket
import traceback
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.cancel import CancelToken, cancel_on_signals
from harness.errors import RunnerSetupError
from harness.gates import decide_verdict, mark_judged
from harness.history import HistoryLocation, RunHistory, history_location
from harness.plan import Plan, PlannedSuite
from harness.profile import LoadedProfile
from harness.profile.scope import Scope
from harness.progress import QuietProgress, SuiteProgress
from harness.redaction import RedactingFilter, Redactor
from harness.reports import write_exports
from harness.results.messages import message
from harness.results.metrics import headline
from harness.results.model import (
    CriterionResult,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    RunResult,
    Signatory,
    StopRecord,
    SuiteResult,
    SuiteStatus,
    TargetInfo,
)
from harness.results.rundir import RunDirectory, new_run_id, redact_files
from harness.runners.base import RunContext
from harness.target import OpenTarget, TargetHandle, open_target

log = logging.getLogger("harness")


@dataclass(frozen=True)
class RunOutcome:
    run: RunResult
    run_dir: Path
    export_errors: tuple[str, ...] = ()


def execute(
    plan: Plan,
    *,
    selected: set[str],
    out_dir: Path | None = None,
    progress: SuiteProgress | None = None,
    environ: Mapping[str, str] | None = None,
    cancel: CancelToken | None = None,
    history: HistoryLocation | Path | str | None = None,
) -> RunOutcome:
    """Run the selected suites of ``plan`` and write the run directory; never raises for test outcomes.

    Raises:
        HistoryError: before anything runs, when the run history database cannot be used.
    """
    loaded = plan.loaded
    progress = progress or QuietProgress()
    cancel = cancel or CancelToken()
    child_environ = dict(os.environ if environ is None else environ)
    redactor = Redactor(loaded.secrets)
    base = out_dir if out_dir is not None else Path(loaded.profile.output.dir)
    recorder = RunHistory.open(loaded, history_location(loaded, base, history))
    run_id = new_run_id(loaded.name)
    rundir = RunDirectory.create(base, run_id)
    run = _initial_run(run_id, loaded)
    rundir.write_run(run)
    with _run_log(rundir.log_file, redactor), cancel_on_signals(cancel, second_interrupt_aborts=True):
        log.info("run %s of %s (harness %s)", run_id, loaded.path, __version__)
        recorder.begin(run, rundir.path)
        environment = _SuiteEnvironment(loaded, None, rundir, cancel, progress, redactor, child_environ, recorder)
        try:
            for current in _suite_runs(plan, selected, run, environment):
                run = current  # kept when a later suite raises: the report shows what was gathered
                rundir.write_run(run)
        finally:
            progress.close()
            interrupted = cancel.cancelled
            verdict, reasons = decide_verdict(run.suites, run.criteria, interrupted)
            run = run.model_copy(
                update={
                    "finished": datetime.now(UTC),
                    "verdict": verdict,
                    "verdict_reasons": reasons,
                    "interrupted": interrupted,
                    "comparison": recorder.comparison(run),
                }
            )
            rundir.write_run(run)
            log.info("verdict %s%s", verdict.value, "".join(f"\n  {r}" for r in reasons))
            export_errors = recorder.finish(run, rundir.path) + write_exports(run, rundir)
    return RunOutcome(run, rundir.path, tuple(export_errors))


def _suite_runs(plan: Plan, selected: set[str], run: RunResult, env: _SuiteEnvironment) -> Iterator[RunResult]:
    """Yield the run after each suite. The target lives exactly as long as this generator, so it is
    stopped (and its files are final) before the verdict and the exports."""
    needs_target = any(p.runner.needs_target(p.suite.options) for p in plan.suites if p.suite.name in selected)
    with ExitStack() as stack:
        if needs_target:
            opened = stack.enter_context(open_target(env.loaded.profile.target, env.rundir.path / "target"))
            env = replace(env, opened=opened)
            run = run.model_copy(update={"target": _target_info(opened, run.target)})
            yield run
        for planned in plan.suites:
            result = _run_one(planned, planned.suite.name in selected, env)
            criteria = _criteria_for(planned, result, env.history)
            result = mark_judged(result, criteria)  # failed wherever a blocking criterion failed
            if result.status is not SuiteStatus.SKIPPED:  # the status shown live is the judged one
                env.progress.end_suite(result.name, result.status.value, headline(result))
            run = run.model_copy(update={"suites": (*run.suites, result), "criteria": (*run.criteria, *criteria)})
            yield run


def _initial_run(run_id: str, loaded: LoadedProfile) -> RunResult:
    profile = loaded.profile
    target = profile.target
    return RunResult(
        run_id=run_id,
        profile=ProfileInfo(name=loaded.name, path=str(loaded.path), sha256=loaded.sha256, resolved=loaded.resolved),
        project=ProjectInfo(**profile.project.model_dump()),
        target=TargetInfo(name=target.name, base_url=target.base_url or "", managed=target.start is not None),
        report=ReportMeta(
            language=profile.report.language,
            title=profile.report.title,
            environment=target.environment,
            signatories={
                party: Signatory(**getattr(profile.report.signatories, party).model_dump())
                for party in ("project", "business", "supervision")
            },
            attachment_limit_mb=profile.report.attachment_limit_mb,
        ),
        started=datetime.now(UTC),
        host={
            "hostname": socket.gethostname(),
            "user": _user(),
            "os": f"{platform.system()} {platform.release()}",
            "machine": platform.machine(),
            "python": platform.python_version(),
        },
        tools={"acceptance-harness": __version__},
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _target_info(opened: OpenTarget, current: TargetInfo) -> TargetInfo:
    handle = opened.handle
    return TargetInfo(
        name=current.name or handle.name, base_url=handle.base_url, version=handle.version, managed=handle.managed
    )


@dataclass(frozen=True)
class _SuiteEnvironment:
    """What every suite of one run shares."""

    loaded: LoadedProfile
    opened: OpenTarget | None
    rundir: RunDirectory
    cancel: CancelToken
    progress: SuiteProgress
    redactor: Redactor
    environ: dict[str, str]
    history: RunHistory

    def target_handle(self) -> TargetHandle:
        if self.opened is not None:
            return self.opened.handle
        target = self.loaded.profile.target
        return TargetHandle(name=target.name, base_url=target.base_url or "", scope=Scope(target.effective_scope()))


def _run_one(planned: PlannedSuite, is_selected: bool, env: _SuiteEnvironment) -> SuiteResult:
    suite = planned.suite
    opened, rundir, cancel, progress, redactor = env.opened, env.rundir, env.cancel, env.progress, env.redactor
    skipped = SuiteResult(name=suite.name, kind=suite.kind, status=SuiteStatus.SKIPPED)
    if not is_selected:
        return skipped.model_copy(update={"notes": (message("note.not_selected"),)})
    if cancel.cancelled:
        return skipped.model_copy(update={"notes": (message("note.not_started", reason=cancel.reason),)})
    needs_target = planned.runner.needs_target(suite.options)
    started = datetime.now(UTC)
    progress.begin_suite(suite.name, suite.kind)
    if needs_target and (opened is None or opened.problem):
        reason = opened.problem if opened else "no target"
        result = SuiteResult(
            name=suite.name, kind=suite.kind, status=SuiteStatus.ERROR, error=f"target unavailable: {reason}",
            notes=(message("note.target_unavailable", reason=reason),),
        )  # fmt: skip
    else:
        ctx = RunContext(
            target=env.target_handle(),
            run_dir=rundir.path,
            raw_dir=rundir.raw_dir(suite.name),
            base_dir=env.loaded.base_dir,
            progress=progress,
            cancel=cancel,
            redactor=redactor,
            log=log.getChild(suite.name),
            environ=env.environ,
        )
        try:
            result = planned.runner.run(suite, ctx)
        except RunnerSetupError as exc:
            result = SuiteResult(name=suite.name, kind=suite.kind, status=SuiteStatus.ERROR, error=str(exc))
        except Exception as exc:  # a runner bug must not cost the other suites their results
            log.error("runner %s crashed:\n%s", suite.kind, traceback.format_exc())
            result = SuiteResult(
                name=suite.name, kind=suite.kind, status=SuiteStatus.ERROR, error=f"runner crashed: {exc!r}"
            )
    finished = datetime.now(UTC)
    raw = rundir.path / "raw" / suite.name
    if raw.is_dir():
        redact_files((p for p in raw.rglob("*") if p.is_file()), redactor)
    metrics = dict(result.metrics)
    metrics.setdefault("duration", (finished - started).total_seconds())
    stopped = result.stopped
    if stopped is None and result.status is SuiteStatus.INCOMPLETE and cancel.cancelled:
        elapsed = (finished - started).total_seconds()
        stopped = StopRecord(cause="cancelled", elapsed=elapsed, detail=cancel.reason)
    result = result.model_copy(
        update={
            "started": started,
            "finished": finished,
            "metrics": metrics,
            "artifacts": rundir.artifacts(raw) if raw.is_dir() else (),
            "stopped": stopped,
        }
    )
    if redactor:
        result = SuiteResult.model_validate_json(redactor.redact(result.model_dump_json()))
    log.info("suite %s: %s %s", suite.name, result.status.value, result.error)
    return result


def _criteria_for(planned: PlannedSuite, result: SuiteResult, history: RunHistory) -> list[CriterionResult]:
    if result.status is SuiteStatus.SKIPPED:
        return []
    written = planned.suite.criteria
    chosen = written or planned.default_criteria
    return [history.evaluate(criterion, result, default=not written) for criterion in chosen]


@contextmanager
def _run_log(path: Path, redactor: Redactor) -> Iterator[None]:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(redactor))
    log.addHandler(handler)
    previous = log.level
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(previous)
        handler.close()
