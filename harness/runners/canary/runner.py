"""``kind: canary``: the same Locust load on a baseline and a canary at once, each metric judged by a
one-sided Mann-Whitney U test and an effect-size threshold, and a score (docs/canary.md)."""

from __future__ import annotations

import json
import tempfile
from contextlib import ExitStack
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel

from harness.errors import RunnerSetupError, ScopeError
from harness.profile.model import Target
from harness.profile.scope import shown
from harness.results.messages import message
from harness.results.model import StopRecord, SuiteResult, SuiteStatus, Text, ToolInfo
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.canary.judge import Classification, Judgement, judge_error_rate, judge_latency, judge_throughput
from harness.runners.canary.load import SideRun, run_both
from harness.runners.canary.options import CanaryOptions
from harness.runners.canary.samples import Samples, SamplesError, read_samples
from harness.runners.canary.verdicts import case, metric_names, notes, ordered, suite_metrics
from harness.runners.locust.results import RunFacts, build_result
from harness.target.handle import TargetHandle
from harness.target.opening import open_target
from harness.target.reachable import unreachable_reason

ROLES = ("baseline", "canary")
JUDGEMENT_FILE = "canary-judgement.json"


class CanaryRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = CanaryOptions
    default_criteria: ClassVar[tuple[str, ...]] = (
        "canary.score >= 80",
        "canary.failed_metrics == 0",
        "canary.unjudged_metrics == 0",
    )

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, CanaryOptions)
        return metric_names(options.metrics)

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        assert isinstance(options, CanaryOptions)
        return (
            f"each of {', '.join(options.metrics.enabled())} is judged by a one-sided Mann-Whitney U test "
            f"(alpha {options.alpha:g}) and an effect-size threshold: pass, marginal or fail; a metric with fewer "
            "samples than its min_samples is not judged (never a pass)",
        )

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """Deployments the run would refuse: a base_url outside the profile's scope."""
        assert isinstance(options, CanaryOptions)
        issues: list[OptionIssue] = []
        if context.scope is None:
            return issues
        for role in ROLES:
            target: Target | None = getattr(options, role)
            if target is not None and target.base_url:
                problem = context.scope.problem(target.base_url)
                if problem:
                    issues.append(((role, "base_url"), f"{problem}; the run would refuse to load it"))
        return issues

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(CanaryOptions)
        locustfile = Path(options.load.locustfile)
        locustfile = locustfile if locustfile.is_absolute() else (ctx.base_dir / locustfile)
        if not locustfile.is_file():
            raise RunnerSetupError(message("setup.canary.locustfile", path=str(locustfile)))
        with ExitStack() as stack:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="harness-canary-")))
            handles = {role: _deployment(role, getattr(options, role), ctx, workdir, stack) for role in ROLES}
            if handles["baseline"].base_url.rstrip("/") == handles["canary"].base_url.rstrip("/"):
                raise RunnerSetupError(message("setup.canary.same", url=shown(handles["canary"].base_url)))
            runs = run_both(
                handles, options.load, locustfile, ctx.raw_dir, ctx.target.scope, ctx.environ, ctx.cancel,
                ctx.progress, suite.timeout,
            )  # fmt: skip
        _redact_evidence(runs, ctx)
        return self._result(suite, options, runs, ctx)

    def _result(
        self, suite: PreparedSuite, options: CanaryOptions, runs: dict[str, SideRun], ctx: RunContext
    ) -> SuiteResult:
        tool = ToolInfo(name="locust + scipy", version=f"{_version('locust')} / {_version('scipy')}")
        load = options.load
        notes_: list[Text] = [
            message(
                "note.canary.load", baseline=shown(runs["baseline"].handle.base_url), canary=shown(runs["canary"].handle.base_url),
                users=load.users, run_time=load.run_time, warmup=load.effective_warmup,
            )
        ]  # fmt: skip
        stopped = _stopped(runs)
        if stopped is not None:
            return SuiteResult(
                name=suite.name, kind=self.kind, status=SuiteStatus.INCOMPLETE, tool=tool, notes=tuple(notes_),
                error=stopped.detail, stopped=stopped,
            )  # fmt: skip
        samples: dict[str, Samples] = {}
        for role in ROLES:
            run = runs[role]
            side = build_result(RunFacts(suite.name, self.kind, "", message("note.load.single"), 0), run.out, run.end,
                                run.live, 0)  # fmt: skip
            if side.status is SuiteStatus.ERROR:
                raise RunnerSetupError(message("setup.canary.load_failed", role=role, detail=side.error))
            try:
                samples[role] = read_samples(run.samples, load.effective_warmup, load.run_time)
            except SamplesError as exc:
                raise RunnerSetupError(message("setup.canary.no_samples", role=role, detail=str(exc))) from None
            got = samples[role]
            notes_.append(message("note.canary.requests", role=role, requests=got.requests, failures=got.failures))
            if got.sampled:
                notes_.append(message("note.canary.sampled", role=role, limit=got.limit))
        judgements = ordered(_judge(options, samples["baseline"], samples["canary"]))
        notes_.append(message("note.canary.method", alpha=options.alpha))
        notes_ += notes(judgements)
        (ctx.raw_dir / JUDGEMENT_FILE).write_text(
            json.dumps({"alpha": options.alpha, "metrics": [_evidence(j) for j in judgements]}, indent=1),
            encoding="utf-8",
        )
        bad = any(j.classification in (Classification.FAIL, Classification.NOT_JUDGED) for j in judgements)
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=SuiteStatus.FAILED if bad else SuiteStatus.PASSED,  # the pipeline then applies the criteria
            tool=tool,
            cases=tuple(case(j, options.alpha, options.metrics) for j in judgements),
            metrics=suite_metrics(judgements),
            notes=tuple(notes_),
        )


def _deployment(role: str, target: Target | None, ctx: RunContext, workdir: Path, stack: ExitStack) -> TargetHandle:
    """Start or reach one deployment (the profile's target when ``baseline`` is not given), inside the scope.

    Raises:
        RunnerSetupError: it is outside the profile's scope, cannot start, or does not answer.
    """
    if target is None:
        handle = ctx.target
        if not handle.base_url:
            raise RunnerSetupError(message("setup.canary.no_baseline"))
        down = unreachable_reason(handle.base_url, min(handle.timeout, 5.0))
        if down:
            raise RunnerSetupError(message("setup.canary.unreachable", role=role, reason=down))
        return handle
    try:
        if target.base_url:
            ctx.target.scope.check_url(target.base_url)  # before anything is sent there
        opened = stack.enter_context(open_target(target, workdir / role))
        ctx.target.scope.check_url(opened.handle.base_url)
    except ScopeError as exc:
        raise RunnerSetupError(message("setup.canary.out_of_scope", role=role, detail=str(exc))) from None
    if opened.problem:
        raise RunnerSetupError(message("setup.canary.unreachable", role=role, reason=opened.problem))
    return opened.handle


def _redact_evidence(runs: dict[str, SideRun], ctx: RunContext) -> None:
    """Take the deployments' auth headers (tokens from their logins, which the run's redactor does not know)
    out of what Locust wrote, before the pipeline hashes and embeds it."""
    secrets = {value.split(" ", 1)[-1] for run in runs.values() for value in run.handle.headers.values()}
    secrets |= {value for run in runs.values() for value in run.handle.headers.values()}
    redactor = ctx.redactor.with_secrets(secrets)
    if not redactor:
        return
    for run in runs.values():
        for path in run.out.raw.iterdir():
            if path.is_file():
                data = path.read_bytes()
                cleaned = redactor.redact_bytes(data)
                if cleaned != data:
                    path.write_bytes(cleaned)


def _stopped(runs: dict[str, SideRun]) -> StopRecord | None:
    """Why the comparison was cut short, if it was: cancelled, or a Locust run had to be killed."""
    for run in runs.values():
        if run.end.cancelled:
            return StopRecord(cause="cancelled", detail=run.end.stopped, elapsed=run.end.elapsed)
    for run in runs.values():
        if run.end.killed:
            return StopRecord(cause="other", detail=f"{run.role}: {run.end.killed}", elapsed=run.end.elapsed)
    return None


def _judge(options: CanaryOptions, baseline: Samples, canary: Samples) -> list[Judgement]:
    chosen, alpha = options.metrics, options.alpha
    found = []
    if chosen.latency.enabled:
        found.append(judge_latency(baseline.latencies, canary.latencies, chosen.latency, alpha))
    if chosen.error_rate.enabled:
        found.append(judge_error_rate(baseline.outcomes, canary.outcomes, chosen.error_rate, alpha))
    if chosen.throughput.enabled:
        found.append(judge_throughput(baseline.per_second, canary.per_second, chosen.throughput, alpha))
    return found


def _evidence(j: Judgement) -> dict[str, object]:
    found = asdict(j)
    found["classification"] = j.classification.value
    found["why"] = j.why.value
    return found


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""


__all__ = ["CanaryRunner"]
