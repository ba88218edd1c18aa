"""``harness import``: add results that other tools produced to a run directory, then re-gate and
re-export it, so the imported suite counts in the same verdict, report and CI exports as native suites.

The import happens in a staging directory first: a malformed file leaves the run directory untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.criteria import Criterion, CriterionSyntaxError, Reference, parse_criterion
from harness.criteria.syntax import BinaryOp, Expression, Negate
from harness.errors import HarnessError, ProfileError, ProfileIssue
from harness.gates import decide_verdict, evaluate, mark_judged
from harness.reports import write_exports
from harness.results.importers import Importer
from harness.results.model import ProfileInfo, ProjectInfo, ReportMeta, RunResult, SuiteResult
from harness.results.rundir import RAW_DIR, RunDirectory, new_run_id
from harness.results.severity import FailOn
from harness.runners.imports import import_defaults, import_rules, import_sources, is_security_format, judge_findings

SIGNED_MARKER = b"/ByteRange"  # every PDF signature dictionary has one


class ImportRefused(HarnessError):
    """The run directory cannot take this import (suite name taken, report already signed)."""


@dataclass(frozen=True)
class ImportRequest:
    sources: tuple[Path, ...]
    importer: Importer
    suite: str
    kind: str
    criteria: tuple[str, ...] = ()  # empty: the defaults of the results' kind (harness/criteria/defaults.py)
    replace: bool = False
    fail_on: FailOn | None = None  # security formats: the severity threshold (default high)


@dataclass(frozen=True)
class ImportOutcome:
    run: RunResult
    run_dir: Path
    suite: SuiteResult
    export_errors: tuple[str, ...]


def parse_criteria(request: ImportRequest) -> tuple[Criterion, ...]:
    """The request's criteria (or its kind's defaults), checked against the metrics the importer produces.

    Raises:
        ProfileError: a criterion does not parse or names a metric the importer does not produce, or
            ``fail_on`` is given for a format without findings.
    """
    if request.fail_on is not None and not is_security_format(request.importer):
        raise ProfileError(
            [ProfileIssue("--fail-on", None, "", f"applies to security formats, not to {request.importer.format!r}")]
        )
    texts = request.criteria or import_defaults(request.importer, request.kind)
    known = request.importer.metric_names | {"duration"}
    parsed: list[Criterion] = []
    issues: list[ProfileIssue] = []
    for text in texts:
        try:
            criterion = parse_criterion(text)
        except CriterionSyntaxError as exc:
            issues.append(ProfileIssue("--criterion", None, "", str(exc)))
            continue
        unknown = [name for name in _metric_names(criterion.left) + _metric_names(criterion.right) if name not in known]
        if unknown:
            issues.append(
                ProfileIssue(
                    "--criterion",
                    None,
                    "",
                    f"metric {unknown[0]!r} is not produced by {request.importer.format} imports; "
                    f"they produce: {', '.join(sorted(known))}",
                )
            )
            continue
        parsed.append(criterion)
    if issues:
        raise ProfileError(issues)
    return tuple(parsed)


def _metric_names(expression: Expression) -> list[str]:
    """Plain metric names in an expression (``endpoint("...")`` calls are checked against results)."""
    if isinstance(expression, Reference):
        return [] if any(s.args is not None for s in expression.segments) else [expression.dotted]
    if isinstance(expression, Negate):
        return _metric_names(expression.operand)
    if isinstance(expression, BinaryOp):
        return _metric_names(expression.left) + _metric_names(expression.right)
    return []


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


def import_into(rundir: RunDirectory, request: ImportRequest) -> ImportOutcome:
    """Import ``request.sources`` as suite ``request.suite`` of the run, re-gate, re-export.

    Raises:
        ImportRefused: the suite exists (without ``replace``) or the report is already signed.
        RunnerSetupError: a source is malformed (``FILE:LINE: reason``); the run directory is unchanged.
        ProfileError: a criterion is invalid.
        RunDirectoryError: the run directory cannot be read.
    """
    run = rundir.read_run()
    criteria = parse_criteria(request)
    _check_allowed(rundir, run, request)
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix=".import-", dir=rundir.path) as staging:
        staged = Path(staging) / request.suite
        staged.mkdir()
        result = import_sources(request.importer, list(request.sources), staged, request.suite, request.kind)
        if is_security_format(request.importer):
            result = judge_findings(result, import_rules(request.fail_on, {}, None), request.fail_on)
        raw = rundir.path / RAW_DIR / request.suite
        if raw.exists():
            shutil.rmtree(raw)
        raw.parent.mkdir(exist_ok=True)
        staged.rename(raw)
    finished = datetime.now(UTC)
    metrics = dict(result.metrics)
    metrics.setdefault("duration", (finished - started).total_seconds())
    result = result.model_copy(
        update={"started": started, "finished": finished, "metrics": metrics, "artifacts": rundir.artifacts(raw)}
    )
    evaluated = [evaluate(c, result, default=not request.criteria) for c in criteria]
    result = mark_judged(result, evaluated)
    suites = (*(s for s in run.suites if s.name != request.suite), result)
    kept = tuple(c for c in run.criteria if c.suite != request.suite)
    all_criteria = (*kept, *evaluated)
    verdict, reasons = decide_verdict(suites, all_criteria, run.interrupted)
    run = run.model_copy(
        update={
            "suites": suites,
            "criteria": all_criteria,
            "verdict": verdict,
            "verdict_reasons": reasons,
            "finished": finished,
        }
    )
    rundir.write_run(run)
    errors = write_exports(run, rundir)
    return ImportOutcome(run, rundir.path, result, tuple(errors))


def _check_allowed(rundir: RunDirectory, run: RunResult, request: ImportRequest) -> None:
    if run.suite(request.suite) is not None and not request.replace:
        raise ImportRefused(
            f"the run already has a suite named {request.suite!r}; choose another --suite or pass --replace"
        )
    report = rundir.path / "report.pdf"
    if report.is_file() and _is_signed(report):
        raise ImportRefused(
            f"{report} is already signed: importing would change a signed run; "
            "copy the run directory and import into the copy"
        )


def _is_signed(pdf: Path) -> bool:
    with pdf.open("rb") as handle:
        previous = b""
        for block in iter(lambda: handle.read(1 << 20), b""):
            if SIGNED_MARKER in previous[-16:] + block:
                return True
            previous = block
    return False
