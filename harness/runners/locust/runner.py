"""``kind: performance`` — load tests with Locust (DESIGN §4 "locust").

Locust always runs as a subprocess, never imported here: it monkey-patches the standard library with
gevent on import, which would break the harness (threads, subprocesses, signals). Distributed runs use
Locust's own engine: one ``--master`` and N ``--worker`` processes, plus workers from other machines
when ``master:`` is given.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import ClassVar

from pydantic import BaseModel

from harness.criteria import Criterion
from harness.criteria.defaults import DEFAULTS
from harness.criteria.window import Trigger
from harness.errors import RunnerSetupError, ScopeError
from harness.profile.scope import shown
from harness.results.messages import message
from harness.results.model import Message, SuiteResult
from harness.results.performance import SAMPLE_METRICS
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.locust.command import (
    Outputs,
    hard_timeout,
    host_environment,
    main_argv,
    stage_plan,
    worker_argv,
)
from harness.runners.locust.options import LocustOptions
from harness.runners.locust.results import RunFacts, build_result
from harness.runners.locust.session import Launch, free_port, run_session
from harness.runners.locust.watch import LiveWatch, describe
from harness.target.reachable import unreachable_reason

SOFT_MARGIN = 10.0
"""Seconds past the planned load duration before the harness asks Locust to stop (a shape overrunning)."""


class LocustRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = LocustOptions
    default_criteria: ClassVar[tuple[str, ...]] = DEFAULTS["load"]

    def needs_target(self, options: BaseModel) -> bool:
        return True

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, LocustOptions)
        names = SAMPLE_METRICS | {"users", "users_mean", "exceptions", "aborted"}
        return names | {"workers", "workers_lost"} if options.distributed else names

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """``harness validate``: a ``host`` the run would refuse."""
        assert isinstance(options, LocustOptions)
        scope = context.scope
        problem = scope.problem(options.host) if scope is not None and options.host else ""
        return [(("host",), f"{problem}; the run would refuse to load it")] if problem else []

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(LocustOptions)
        check_watchable(suite.criteria)
        locustfile = (ctx.base_dir / options.locustfile).resolve()
        if not locustfile.is_file():
            raise RunnerSetupError(message("setup.locust.locustfile_missing", path=str(locustfile)))
        host = (options.host or ctx.target.base_url).rstrip("/")
        if not host:
            raise RunnerSetupError(message("setup.locust.no_host"))
        try:
            ctx.target.scope.check_url(host)
        except ScopeError as exc:
            raise RunnerSetupError(message("setup.any.out_of_scope", detail=str(exc))) from None
        refused = unreachable_reason(host, min(ctx.target.timeout, 5.0))
        if refused:
            raise RunnerSetupError(message("setup.locust.refused", detail=refused))

        out = Outputs(ctx.raw_dir)
        port = None
        if options.distributed:
            port = options.master.port if options.master else free_port()
        env = self._environment(options, suite.criteria, ctx)
        main_env = {**env, **host_environment(host)}
        if options.stages:
            main_env["HARNESS_LOCUST_STAGES"] = json.dumps(stage_plan(options))
        launch = Launch(
            main=main_argv(options, locustfile, out, port),
            workers=[worker_argv(options, locustfile, out, i, port or 0) for i in range(1, options.workers + 1)],
            env=main_env,
            cwd=ctx.raw_dir,
            main_output=out.output,
            worker_outputs=[out.worker_output(i) for i in range(1, options.workers + 1)],
            soft_deadline=options.duration + options.stop_timeout + SOFT_MARGIN,
            hard_timeout=hard_timeout(options, suite.timeout),
        )
        ctx.log.info("suite %s: %s (host %s)", suite.name, " ".join(launch.main[1:]), shown(host))

        def watch(descriptor: int, stop: Callable[[str], None]) -> LiveWatch:
            def abort(trigger: Trigger) -> None:
                stop(f"abort criterion triggered: {describe(trigger)}")

            return LiveWatch(descriptor, suite.criteria, ctx.progress, out.live, abort, options.duration)

        end, live = run_session(launch, watch, ctx.cancel)
        facts = RunFacts(suite.name, self.kind, _version(), _mode(options), options.expected_workers)
        return build_result(facts, out, end, live.state, options.workers)

    @staticmethod
    def _environment(options: LocustOptions, criteria: tuple[Criterion, ...], ctx: RunContext) -> dict[str, str]:
        # Locust reads LOCUST_* variables as options: only the profile may set them, not the caller's shell.
        env = {k: v for k, v in ctx.environ.items() if not k.startswith("LOCUST_")}
        env.update(options.env)
        target = ctx.target
        env["HARNESS_TARGET"] = json.dumps(
            {"name": target.name, "base_url": target.base_url, "headers": dict(target.headers)}
        )
        env["HARNESS_LOCUST_SCOPE"] = json.dumps(target.scope.entries)
        if any(_per_endpoint(c) for c in criteria if c.window is not None):
            env["HARNESS_LOCUST_ENDPOINTS"] = "1"  # live per-endpoint stats cost a little: only when watched
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env


def _mode(options: LocustOptions) -> Message:
    """How the load was generated, as a translatable note."""
    if not options.distributed:
        return message("note.load.single")
    local, master = options.workers, options.master
    if master is None:
        return message("note.load.local", local=local)
    via = f"{master.host}:{master.port}"
    if not local:
        return message("note.load.remote", remote=master.remote_workers, master=via)
    return message("note.load.mixed", local=local, remote=master.remote_workers, master=via)


def _version() -> str:
    try:
        return version("locust")
    except PackageNotFoundError:
        return ""


LIVE_VALUES = frozenset(
    {"users", "rps", "failures_per_s", "error_rate", "p50", "p90", "p95", "p99", "requests", "failures"}
)
"""What the plug-in's live samples carry, for the whole test and per endpoint (plus workers, workers_lost)."""


def _per_endpoint(criterion: Criterion) -> bool:
    return any(r.segments[0].name == "endpoint" for r in criterion.references)


def check_watchable(criteria: tuple[Criterion, ...]) -> None:
    """Raise RunnerSetupError for a windowed criterion naming a value the live statistics do not have:
    it could never trigger, and would pass without having been checked."""
    for criterion in criteria:
        if criterion.window is None:
            continue
        for reference in criterion.references:
            name = reference.segments[-1].name
            plain = len(reference.segments) == 1 and name in LIVE_VALUES | {"workers", "workers_lost"}
            endpoint = reference.segments[0].name == "endpoint" and len(reference.segments) == 2 and name in LIVE_VALUES
            if not (plain or endpoint):
                raise RunnerSetupError(
                    message(
                        "setup.locust.abort_not_live",
                        criterion=criterion.text,
                        name=reference.dotted,
                        values=", ".join(sorted(LIVE_VALUES)),
                    )
                )
