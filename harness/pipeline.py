"""Execute a plan: target up, suites one by one, gate, exports, report — and a valid run directory
however it ends (failed suite, target down, Ctrl-C, SIGTERM)."""

from __future__ import annotations

import getpass
import logging
import platform
import socket
import traceback
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.cancel import CancelToken, cancel_on_signals
from harness.errors import HarnessError, RunDirectoryError, RunnerSetupError, Sentence
from harness.gates import decide_verdict, judge, mark_judged
from harness.history import HistoryLocation, RunHistory, history_location
from harness.plan import Plan, PlannedSuite
from harness.processes import reap_orphans
from harness.profile import LoadedProfile
from harness.profile.environment import process_environment
from harness.profile.scope import Scope
from harness.profile.source import secret_environment
from harness.progress import QuietProgress, SuiteProgress
from harness.redaction import RedactingFilter, Redactor
from harness.reports.preload import preload_report_libraries
from harness.results.messages import message
from harness.results.metrics import headline
from harness.results.model import (
    PARTIES,
    Artifact,
    CriterionResult,
    Message,
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
from harness.results.rundir import RunDirectory, new_run_id
from harness.runners.base import RunContext
from harness.stages.runtime import judged_record, opening_record
from harness.target.handle import TargetHandle
from harness.target.opening import OpenTarget, open_target
from harness.target.reachable import unreachable_reason
from harness.writer import EvidenceWriter, redacted_model

log = logging.getLogger("harness")


@dataclass(frozen=True)
class RunOutcome:
    run: RunResult
    run_dir: Path
    export_errors: tuple[str, ...] = ()  # what could not be written or recorded (the verdict accounts for it)


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
    """Run the selected suites of ``plan`` and write the run directory; never raises for test outcomes,
    nor for a disk that refuses a write once the run has started (see :mod:`harness.writer`).

    Raises:
        RunDirectoryError: before anything runs, when the run directory cannot be created or written.
        HistoryError: before anything runs, when the run history database cannot be used.
    """
    loaded = plan.loaded
    progress = progress or QuietProgress()
    cancel = cancel or CancelToken()
    child_environ = process_environment() if environ is None else dict(environ)
    base = out_dir if out_dir is not None else loaded.output_dir
    base_existed = base.exists()
    rundir = RunDirectory.create(base, new_run_id(loaded.name))
    writer = EvidenceWriter(rundir, Redactor(loaded.secrets | secret_environment(child_environ)))
    run = _initial_run(rundir.path.name, loaded)
    try:
        location = history_location(loaded, history)
        recorder = RunHistory.open(loaded, location)
        run = run.model_copy(update={"stage": opening_record(loaded.profile, location)})
        if not writer.write_run(run):
            raise RunDirectoryError(f"{writer.problems[0]}; pass --out with a directory you can write to")
    except HarnessError:
        rundir.remove()  # nothing ran: nothing is left behind, not even the base directory it created
        if not base_existed:
            with suppress(OSError):
                base.rmdir()
        raise
    with _run_log(rundir.log_file, writer) as log_filter, cancel_on_signals(cancel, second_interrupt_aborts=True):
        log.info("run %s of %s (harness %s)", run.run_id, loaded.path, __version__)
        # what a run that died (SIGKILL, OOM) left running; once this run has started, so a command refused
        # for its arguments changes nothing, and each stop is written to this run's harness.log
        reaped = reap_orphans()
        if reaped:
            log.warning("stopped %d process(es) left running by an earlier harness run that died", reaped)
        recorder.begin(writer.redact(run), rundir.path)
        environment = SuiteEnvironment(
            loaded.base_dir, _declared_target(loaded), None, rundir, cancel, progress, writer, child_environ, recorder
        )
        preload_report_libraries()  # while the suites run: the report at the end need not wait for them
        stopped_for_evidence = False
        try:
            for current in _suite_runs(plan, selected, run, environment):
                run = current  # kept when a later suite raises: the report shows what was gathered
                log_filter.redactor = writer.redactor  # it may have learnt a secret (a login's token)
                if not writer.write_run(run) and not cancel.cancelled:
                    # no point spending time on suites whose results cannot be kept: the rest are skipped
                    stopped_for_evidence = True
                    cancel.cancel(f"the run's evidence cannot be written ({writer.problems[0]})")
        finally:
            progress.close()
            interrupted = cancel.cancelled and not stopped_for_evidence
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
            run = run.model_copy(update={"stage": judged_record(loaded.profile, run)})
            run = writer.finish(run)
            log.info("verdict %s%s", run.verdict.value, "".join(f"\n  {r}" for r in run.verdict_reasons))
            problems = writer.all_problems + recorder.finish(run, rundir.path)
    return RunOutcome(run, rundir.path, tuple(problems))


def _suite_runs(plan: Plan, selected: set[str], run: RunResult, env: SuiteEnvironment) -> Iterator[RunResult]:
    """Yield the run after each suite. The target lives exactly as long as this generator, so it is
    stopped (and its files are final) before the verdict and the exports."""
    needs_target = any(p.runner.needs_target(p.suite.options) for p in plan.suites if p.suite.name in selected)
    with ExitStack() as stack:
        if needs_target:
            opened = stack.enter_context(open_target(plan.loaded.profile.target, env.rundir.path / "target"))
            env.writer.add_secrets(_credentials(opened.handle))
            env = replace(env, opened=opened, companions=_companions(plan, selected, opened, stack))
            run = run.model_copy(update={"target": _target_info(opened, run.target)})
            yield run
        for planned in plan.suites:
            result, criteria = run_suite(planned, env, selected=planned.suite.name in selected, earlier=run.suites)
            if result.status is not SuiteStatus.SKIPPED:  # the status shown live is the judged one
                env.progress.end_suite(result.name, result.status.value, headline(result))
            run = run.model_copy(update={"suites": (*run.suites, result), "criteria": (*run.criteria, *criteria)})
            yield run


def _companions(plan: Plan, selected: set[str], opened: OpenTarget, stack: ExitStack) -> dict[str, object]:
    """Start what the selected suites need running as long as the target runs (``RunnerBase.companion``:
    a local Prometheus scraping it); ``stack`` stops them with the target. One that raises is kept as the
    exception: its suite becomes ``error`` with it, the others run."""
    started: dict[str, object] = {}
    if opened.problem:
        return started
    for planned in plan.suites:
        hook = getattr(planned.runner, "companion", None)
        if planned.suite.name not in selected or hook is None:
            continue
        try:
            manager = hook(planned.suite.options, opened.handle)
            if manager is not None:
                started[planned.suite.name] = stack.enter_context(manager)
        except Exception as exc:  # a plug-in's bug must not stop the run
            log.error("suite %s: its companion did not start:\n%s", planned.suite.name, traceback.format_exc())
            started[planned.suite.name] = exc
    return started


def _credentials(handle: TargetHandle) -> list[str]:
    """The auth header values the target handle sends (a login's token is learnt only now), and the
    credential inside each (``Bearer <token>`` -> the token)."""
    values: list[str] = []
    for value in handle.headers.values():
        values += [value, value.rpartition(" ")[2]]
    return values


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
                for party in PARTIES
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
class SuiteEnvironment:
    """What every suite of one run shares (``harness run`` and ``harness import`` alike)."""

    base_dir: Path  # relative paths in suite options are relative to it (the profile's directory)
    declared: TargetHandle  # the target as declared, for suites that do not need it running
    opened: OpenTarget | None
    rundir: RunDirectory
    cancel: CancelToken
    progress: SuiteProgress
    writer: EvidenceWriter
    environ: dict[str, str]
    history: RunHistory
    companions: Mapping[str, object] = field(default_factory=dict)  # by suite: what RunnerBase.companion yielded

    def target_handle(self) -> TargetHandle:
        return self.opened.handle if self.opened is not None else self.declared


def run_suite(
    planned: PlannedSuite,
    env: SuiteEnvironment,
    *,
    selected: bool = True,
    earlier: tuple[SuiteResult, ...] = (),
) -> tuple[SuiteResult, list[CriterionResult]]:
    """One suite through the pipeline: run by its runner (or ``error``/``skipped`` with the reason), its
    times, ``duration``, artifacts and redaction added, its criteria (or its kind's defaults) judged —
    baselines from ``env.history`` — and its status ``failed`` where a blocking criterion failed.
    ``earlier``: the results of the suites that ran before it in the run (``ctx.earlier``)."""
    result = _run_one(planned, selected, env, earlier)
    criteria = _criteria_for(planned, result, env.history)
    return mark_judged(result, criteria), criteria


def _declared_target(loaded: LoadedProfile) -> TargetHandle:
    target = loaded.profile.target
    return TargetHandle(name=target.name, base_url=target.base_url or "", scope=Scope(target.effective_scope()))


def _run_one(
    planned: PlannedSuite, is_selected: bool, env: SuiteEnvironment, earlier: tuple[SuiteResult, ...] = ()
) -> SuiteResult:
    suite = planned.suite
    opened, rundir, cancel, progress, writer = env.opened, env.rundir, env.cancel, env.progress, env.writer
    skipped = SuiteResult(name=suite.name, kind=suite.kind, status=SuiteStatus.SKIPPED)
    if not is_selected:
        note = "note.not_selected" if planned.enabled else "note.disabled"
        return skipped.model_copy(update={"notes": (message(note),)})
    if cancel.cancelled:
        return skipped.model_copy(update={"notes": (message("note.not_started", reason=cancel.reason),)})
    needs_target = planned.runner.needs_target(suite.options)
    started = datetime.now(UTC)
    progress.begin_suite(suite.name, suite.kind)
    unusable = _target_problem(opened) if needs_target else None
    if unusable is not None:
        result = could_not_run(SuiteResult(name=suite.name, kind=suite.kind, status=SuiteStatus.ERROR), unusable)
    else:
        result = _call_runner(planned, env, earlier)
    finished = datetime.now(UTC)
    raw = rundir.path / "raw" / suite.name
    if raw.is_dir():
        writer.redact_directory(raw)
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
            "artifacts": _artifacts(rundir, raw),
            "stopped": stopped,
        }
    )
    result = redacted_model(result, writer.redactor)
    log.info("suite %s: %s %s", suite.name, result.status.value, result.error)
    return result


def _target_problem(opened: OpenTarget | None) -> Message | None:
    """Why a suite that needs the target cannot run: it was never usable, or it stopped answering since
    (killed during an earlier suite): checked right before each such suite starts."""
    if opened is None:
        return message("note.target_missing")
    if opened.problem:
        return message("note.target_unavailable", reason=opened.problem)
    handle = opened.handle
    down = unreachable_reason(handle.base_url, min(handle.timeout, 5.0))
    return message("note.target_stopped_answering", reason=down) if down else None


def _call_runner(planned: PlannedSuite, env: SuiteEnvironment, earlier: tuple[SuiteResult, ...] = ()) -> SuiteResult:
    suite = planned.suite
    error = SuiteResult(name=suite.name, kind=suite.kind, status=SuiteStatus.ERROR)
    companion = env.companions.get(suite.name)
    if isinstance(companion, Exception):
        return error.model_copy(update={"error": f"what the suite needs could not start: {companion!r}"})
    try:
        raw_dir = env.rundir.raw_dir(suite.name)
    except OSError as exc:
        return could_not_run(error, message("setup.any.raw_dir", path=f"raw/{suite.name}/", detail=_os_words(exc)))
    ctx = RunContext(
        target=env.target_handle(),
        run_dir=env.rundir.path,
        raw_dir=raw_dir,
        base_dir=env.base_dir,
        progress=env.progress,
        cancel=env.cancel,
        redactor=env.writer.redactor,
        log=log.getChild(suite.name),
        environ=env.environ,
        earlier=earlier,
        companion=companion,
    )
    try:
        return planned.runner.run(suite, ctx)
    except RunnerSetupError as exc:
        return could_not_run(error, exc.reason)
    except OSError as exc:  # the disk the raw files go to refused (full, read-only)
        log.error("suite %s: %s", suite.name, exc)
        detail = _os_words(exc)
        return could_not_run(
            error,
            message("setup.any.cannot_write_file", file=str(exc.filename), detail=detail)
            if exc.filename
            else message("setup.any.cannot_write", detail=detail),
        )
    except Exception as exc:  # a runner bug must not cost the other suites their results
        log.error("runner %s crashed:\n%s", suite.kind, traceback.format_exc())
        return could_not_run(error, message("setup.any.crashed", detail=repr(exc)))


def could_not_run(error: SuiteResult, reason: Sentence | str) -> SuiteResult:
    """``error`` (a suite with status error) saying why: ``error`` is the English text; a catalogue message
    is also kept as a note, so every report language can render it (a plug-in's plain words are kept as they
    are)."""
    if isinstance(reason, Message):
        return error.model_copy(update={"error": str(reason), "notes": (*error.notes, reason)})
    return error.model_copy(update={"error": str(reason)})


def _os_words(exc: OSError) -> str:
    return str(exc.strerror or exc)


def _artifacts(rundir: RunDirectory, raw: Path) -> tuple[Artifact, ...]:
    try:
        return rundir.artifacts(raw) if raw.is_dir() else ()
    except OSError as exc:
        log.error("cannot list the files of %s: %s", raw, exc)
        return ()


def _criteria_for(planned: PlannedSuite, result: SuiteResult, history: RunHistory) -> list[CriterionResult]:
    if result.status is SuiteStatus.SKIPPED:
        return []
    written = planned.suite.criteria
    chosen = written or planned.default_criteria
    return [judge(criterion, result, history, default=not written) for criterion in chosen]


class _RunLogHandler(logging.FileHandler):
    """harness.log; a disk that refuses a line costs that line, never a traceback on the terminal."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


@contextmanager
def _run_log(path: Path, writer: EvidenceWriter) -> Iterator[RedactingFilter]:
    handler = _RunLogHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    redacting = RedactingFilter(writer.redactor)
    handler.addFilter(redacting)
    log.addHandler(handler)
    previous = log.level
    log.setLevel(logging.INFO)
    try:
        yield redacting
    finally:
        log.removeHandler(handler)
        log.setLevel(previous)
        handler.close()
