"""The typed public API for programs that embed the harness: run a profile, read a run. Re-exported by
``harness`` itself (``from harness import run_profile``); guarded by tests/test_api.py.

Raises only :class:`harness.errors.HarnessError` subclasses for what the caller can act on; test outcomes
are in the returned run (``outcome.run.verdict``), never exceptions. Exit codes are the CLI's business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.pipeline import RunOutcome, execute
from harness.plan import load_plan, select
from harness.results.model import RunResult
from harness.results.rundir import RunDirectory
from harness.runners.registry import load_runners


def run_profile(
    profile: Path | str,
    *,
    suites: Sequence[str] = (),
    out_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    history: Path | str | None = None,
) -> RunOutcome:
    """Run ``profile`` as ``harness run`` does: the named ``suites`` (default: every enabled one), the run
    directory under ``out_dir`` (default: the profile's ``output.dir``).

    Raises:
        ProfileError: the profile is invalid (every problem located, as ``harness validate`` prints them).
        RunDirectoryError: the run directory cannot be created or written.
        HistoryError: the run history cannot be used.
    """
    plan = load_plan(Path(profile), load_runners())
    return execute(plan, selected=select(plan, suites), out_dir=out_dir, environ=environ, history=history)


def read_run(run_dir: Path | str) -> RunResult:
    """The run recorded in ``run_dir`` (its ``run.json``).

    Raises:
        RunDirectoryError: not a run directory, unreadable, or written by a newer harness.
    """
    return RunDirectory.open(Path(run_dir)).read_run()
