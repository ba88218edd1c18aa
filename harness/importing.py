"""``harness import``: add results that other tools produced to a run directory as a suite of
``kind: import``, run through the same pipeline as ``harness run`` (plan, run, finalise, judge — baselines
included —, verdict, evidence writer and exports, history), so the imported suite counts in the same
verdict, report and CI exports as native suites.

The suite runs in a staging directory first: a malformed file leaves the run directory untouched.
"""

from __future__ import annotations

import glob
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.cancel import CancelToken
from harness.criteria import Criterion
from harness.errors import ImportRefused as ImportRefused  # defined in errors.py; kept importable from here
from harness.errors import ProfileError, ProfileIssue, RunnerSetupError
from harness.gates import decide_verdict
from harness.history import HistoryLocation, RunHistory
from harness.pipeline import SuiteEnvironment, run_suite
from harness.plan import PlannedSuite, SuiteContext, plan_suite
from harness.profile.environment import process_environment
from harness.profile.scope import Scope
from harness.profile.source import secret_environment
from harness.progress import QuietProgress
from harness.redaction import Redactor
from harness.reports.pdf import is_signed
from harness.results.importers import Importer
from harness.results.messages import error_reason, message
from harness.results.model import Message, ProfileInfo, ProjectInfo, ReportMeta, RunResult, SuiteResult, SuiteStatus
from harness.results.rundir import RAW_DIR, RunDirectory, new_run_id
from harness.results.severity import FailOn
from harness.runners.base import PreflightContext, PreparedSuite
from harness.runners.imports import ImportOptions, ImportRunner
from harness.target.handle import TargetHandle
from harness.writer import EvidenceWriter

IMPORT_KIND = "import"
NO_BASELINE_HINT = "pass --baseline last-pass (or previous, a run id, or a tag) and --history"


@dataclass(frozen=True)
class ImportRequest:
    sources: tuple[Path, ...]
    importer: Importer
    suite: str
    kind: str
    criteria: tuple[str, ...] = ()  # empty: the defaults of the results' kind (harness/criteria/defaults.py)
    replace: bool = False
    fail_on: FailOn | None = None  # security formats: the severity threshold (default high)
    baseline: str | None = None  # what ``baseline.*`` and ``findings.*`` criteria compare with (needs history)
    history: HistoryLocation | None = None  # the run history: baselines come from it, the run is recorded in it


@dataclass(frozen=True)
class ImportOutcome:
    run: RunResult
    run_dir: Path
    suite: SuiteResult
    export_errors: tuple[str, ...]


def plan_import(request: ImportRequest) -> PlannedSuite:
    """The import as a planned suite of ``kind: import``: options validated, criteria parsed and checked
    against the metrics the importer produces — what ``harness validate`` does for a profile's suite.

    Raises:
        ProfileError: a criterion does not parse or names a metric the importer does not produce, reads a
            baseline when none is given, or ``fail_on`` is given for a format without findings.
    """
    if not request.sources:
        raise ProfileError([ProfileIssue("FILES", None, "", "no file to import: name result files or directories")])
    runner = ImportRunner(IMPORT_KIND, {request.importer.format: request.importer})
    options = ImportOptions(
        format=request.importer.format,
        paths=[glob.escape(str(source)) for source in request.sources],
        kind=request.kind,
        fail_on=request.fail_on,
    )
    prepared = PreparedSuite(request.suite, IMPORT_KIND, options, ())
    context = SuiteContext(
        preflight=PreflightContext(base_dir=Path.cwd(), scope=None),
        has_baseline=request.baseline is not None,
        no_baseline_hint=NO_BASELINE_HINT,
        producer=f"{request.importer.format} imports",
    )
    planned, problems = plan_suite(prepared, runner, [(text, None) for text in request.criteria], context)
    if problems or planned is None:
        raise ProfileError([ProfileIssue(_option_name(key), None, "", problem) for key, problem in problems])
    return planned


def _option_name(key: tuple[str | int, ...]) -> str:
    """Where a problem is, in the words of the command line: ``--criterion``, ``--fail-on``."""
    return "--criterion" if key[:1] == ("criteria",) else "--" + str(key[-1]).replace("_", "-")


def parse_criteria(request: ImportRequest) -> tuple[Criterion, ...]:
    """The request's criteria (or its kind's defaults), checked as :func:`plan_import` checks them.

    Raises:
        ProfileError: see :func:`plan_import`.
    """
    planned = plan_import(request)
    return planned.suite.criteria or planned.default_criteria


def new_run(base: Path, project: str, language: str) -> tuple[RunDirectory, RunResult]:
    """An empty run directory for results that only come from imports."""
    run_id = new_run_id("import")
    rundir = RunDirectory.create(base, run_id)
    run = RunResult(
        run_id=run_id,
        profile=ProfileInfo(name="import", path="(harness import)", sha256=""),
        project=ProjectInfo(name=project),
        report=ReportMeta(language=language),
        started=datetime.now(UTC),
        tools={"acceptance-harness": __version__},
    )
    rundir.write_run(run)
    return rundir, run


def import_into(
    rundir: RunDirectory, request: ImportRequest, *, environ: Mapping[str, str] | None = None
) -> ImportOutcome:
    """Import ``request.sources`` as suite ``request.suite`` of the run: run, judge, re-decide the verdict,
    re-export, record in the history (when one is given). ``environ`` (default: this process's) is what the
    suite sees; values of secret-looking variables in it are redacted from the evidence, as in a run.

    Raises:
        ImportRefused: the suite exists (without ``replace``) or the report is already signed.
        RunnerSetupError: a source is malformed (``FILE:LINE: reason``); the run directory is unchanged.
        ProfileError: a criterion is invalid.
        RunDirectoryError: the run directory cannot be read.
        HistoryError: the history database cannot be used.
    """
    run = rundir.read_run()
    planned = plan_import(request)
    _check_allowed(rundir, run, request)
    environ = process_environment() if environ is None else dict(environ)
    redactor = Redactor(secret_environment(environ))
    recorder = RunHistory.at(request.history, run.profile.name, request.baseline)
    recorder.begin(run, rundir.path)
    with tempfile.TemporaryDirectory(prefix=".import-", dir=rundir.path) as staging:
        stage = RunDirectory(Path(staging))
        env = SuiteEnvironment(
            base_dir=Path.cwd(),
            declared=TargetHandle(name=run.target.name, base_url=run.target.base_url, scope=Scope([])),
            opened=None,
            rundir=stage,
            cancel=CancelToken(),
            progress=QuietProgress(),
            writer=EvidenceWriter(stage, redactor),
            environ=environ,
            history=recorder,
        )
        result, criteria = run_suite(planned, env)
        if result.status is SuiteStatus.ERROR:  # the runner could not read the files: nothing changes
            raise RunnerSetupError(_why_not(result, request.importer.format))
        raw = rundir.path / RAW_DIR / request.suite
        if raw.exists():
            shutil.rmtree(raw)
        raw.parent.mkdir(exist_ok=True)
        (stage.path / RAW_DIR / request.suite).rename(raw)
    suites = (*(s for s in run.suites if s.name != request.suite), result)
    all_criteria = (*(c for c in run.criteria if c.suite != request.suite), *criteria)
    verdict, reasons = decide_verdict(suites, all_criteria, run.interrupted)
    run = run.model_copy(
        update={
            "suites": suites,
            "criteria": all_criteria,
            "verdict": verdict,
            "verdict_reasons": reasons,
            "finished": result.finished or datetime.now(UTC),
        }
    )
    run = run.model_copy(update={"comparison": recorder.comparison(run) or run.comparison})
    writer = EvidenceWriter(rundir, redactor)
    run = writer.finish(run)
    problems = writer.all_problems + recorder.finish(run, rundir.path)
    return ImportOutcome(run, rundir.path, result, tuple(problems))


def _why_not(result: SuiteResult, format_name: str) -> Message:
    """Why the import runner could not read the files: its catalogue reason, else its error as written."""
    if result.error:
        return error_reason(result.notes) or message("setup.import.error", detail=result.error)
    return message("setup.import.failed", format=format_name)


def _check_allowed(rundir: RunDirectory, run: RunResult, request: ImportRequest) -> None:
    if run.suite(request.suite) is not None and not request.replace:
        raise ImportRefused(
            f"the run already has a suite named {request.suite!r}; choose another --suite or pass --replace"
        )
    report = rundir.path / "report.pdf"
    if report.is_file() and is_signed(report):
        raise ImportRefused(
            f"{report} is already signed: importing would change a signed run; "
            "copy the run directory and import into the copy"
        )
