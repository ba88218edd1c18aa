"""The same Locust load against the baseline and the canary at the same time.

Two single-process Locust runs start together, one per deployment, with the same locustfile, users and
run time, so whatever else happens on the machines during the test (other load, a noisy neighbour) falls on
both alike. Each run's files go to ``raw/<suite>/<role>/``; the harness's Locust plug-in records the
per-request samples there (``samples.json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.cancel import CancelToken
from harness.criteria.window import Trigger
from harness.profile.scope import Scope
from harness.progress import Progress, QuietProgress
from harness.runners.canary.options import LoadOptions
from harness.runners.locust.command import Outputs, host_environment, main_argv
from harness.runners.locust.command import hard_timeout as locust_hard_timeout
from harness.runners.locust.options import LocustOptions
from harness.runners.locust.session import Launch, SessionEnd, run_session
from harness.runners.locust.watch import LiveState, LiveWatch
from harness.target.handle import TargetHandle

SAMPLES_FILE = "samples.json"
SOFT_MARGIN = 10.0
"""Seconds past the run time before the harness asks a Locust run to stop (a locustfile overrunning)."""


@dataclass(frozen=True)
class SideRun:
    """How one deployment's Locust run went: its files, how it ended, what its live stats said."""

    role: str
    handle: TargetHandle
    out: Outputs
    end: SessionEnd
    live: LiveState

    @property
    def samples(self) -> Path:
        return self.out.raw / SAMPLES_FILE


def locust_options(load: LoadOptions, locustfile: Path) -> LocustOptions:
    """The performance runner's options for one side: single process, no HTML report."""
    return LocustOptions(
        locustfile=str(locustfile),
        user_classes=load.user_classes,
        tags=load.tags,
        exclude_tags=load.exclude_tags,
        users=load.users,
        spawn_rate=load.effective_spawn_rate,
        run_time=load.run_time,
        html=False,
        env=load.env,
    )


def side_environment(
    load: LoadOptions, handle: TargetHandle, scope: Scope, environ: Mapping[str, str], out: Outputs
) -> dict[str, str]:
    """The environment of one side's Locust: the caller's minus ``LOCUST_*`` (only the profile sets Locust's
    options), the suite's ``env``, the deployment as target and host, the profile's scope, the samples file."""
    env = {k: v for k, v in environ.items() if not k.startswith("LOCUST_")}
    env.update(load.env)
    env["HARNESS_TARGET"] = json.dumps(
        {"name": handle.name, "base_url": handle.base_url, "headers": dict(handle.headers)}
    )
    env["HARNESS_LOCUST_SCOPE"] = json.dumps(scope.entries)
    env["HARNESS_LOCUST_SAMPLES"] = str(out.raw / SAMPLES_FILE)
    env["HARNESS_LOCUST_SAMPLES_MAX"] = str(load.max_samples)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return {**env, **host_environment(handle.base_url.rstrip("/"))}


def run_both(
    sides: Mapping[str, TargetHandle],
    load: LoadOptions,
    locustfile: Path,
    raw_dir: Path,
    scope: Scope,
    environ: Mapping[str, str],
    cancel: CancelToken,
    progress: Progress,
    suite_timeout: float | None,
) -> dict[str, SideRun]:
    """Run Locust against every side at once (one thread each, waiting on its processes); their outcomes.

    The progress shows the canary's run (both advance together).
    """
    options = locust_options(load, locustfile)

    def one(role: str, handle: TargetHandle) -> SideRun:
        out = Outputs(raw_dir / role)
        out.raw.mkdir(parents=True, exist_ok=True)
        launch = Launch(
            main=main_argv(options, locustfile, out, None),
            workers=[],
            env=side_environment(load, handle, scope, environ, out),
            cwd=out.raw,
            main_output=out.output,
            worker_outputs=[],
            soft_deadline=options.duration + SOFT_MARGIN,
            hard_timeout=locust_hard_timeout(options, suite_timeout),
        )
        shown: Progress = progress if role == "canary" else QuietProgress()

        def watch(descriptor: int, stop: Callable[[str], None]) -> LiveWatch:
            def never(trigger: Trigger) -> None:  # no abort criteria: the judge needs the whole run
                stop("abort criterion")

            return LiveWatch(descriptor, (), shown, out.live, never, options.duration)

        end, live = run_session(launch, watch, cancel)
        return SideRun(role, handle, out, end, live.state)

    with ThreadPoolExecutor(max_workers=len(sides), thread_name_prefix="canary-load") as pool:
        futures = {role: pool.submit(one, role, handle) for role, handle in sides.items()}
        return {role: future.result() for role, future in futures.items()}
