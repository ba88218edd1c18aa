"""One scheduled run in its own process: ``python -m harness.schedule.worker PROFILE ...``.

Started by the scheduler, it runs the profile as ``harness run`` would, records it in the scheduler's
history and writes the summary JSON to ``--summary``. It watches its parent: when the scheduler dies —
even by ``kill -9`` — it stops its run the graceful way (as on SIGTERM), so the run ends INCOMPLETE in
the history and no process is left behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

from harness.errors import HarnessError
from harness.exitcodes import VERDICT_EXIT
from harness.files import write_json_atomic
from harness.history.database import Database
from harness.history.location import HistoryLocation
from harness.pipeline import execute
from harness.plan import make_plan, select
from harness.profile import load_profile
from harness.reports.summary import build_summary
from harness.runners.registry import load_runners
from harness.schedule.locks import join_profile_lock

PARENT_POLL = 0.5  # seconds


def _watch_parent(parent: int) -> None:
    """SIGTERM ourselves once ``parent`` is gone (we are re-parented); the pipeline turns it into a clean stop."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-scheduler", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.schedule.worker", description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--suite", action="append", default=[])
    parser.add_argument("--history", required=True, help="the history's path, or - to read a URL from stdin")
    parser.add_argument("--summary", type=Path, required=True)
    parser.add_argument("--parent", type=int, required=True)
    args = parser.parse_args(argv)
    _watch_parent(args.parent)
    lock = None
    try:
        history = HistoryLocation.parse(sys.stdin.readline().strip() if args.history == "-" else args.history)
        plan = make_plan(load_profile(args.profile), load_runners())
        if history.url is not None:  # hold the profile's advisory lock with the scheduler (a file lock is inherited)
            lock = join_profile_lock(Database.open(history), plan.loaded.name)
        outcome = execute(plan, selected=select(plan, args.suite), history=history)
    except HarnessError as exc:
        write_json_atomic(args.summary, {"error": str(exc)})
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if lock is not None:
            lock.release()
    summary = {**build_summary(outcome.run), "run_dir": str(outcome.run_dir)}
    if outcome.export_errors:
        summary["export_errors"] = list(outcome.export_errors)
    write_json_atomic(args.summary, summary)
    return int(VERDICT_EXIT[outcome.run.verdict.value])


if __name__ == "__main__":
    sys.exit(main())
