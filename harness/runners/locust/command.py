"""Locust command lines and where their outputs go: profile options -> argv, nothing else."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.runners.locust.options import LocustOptions

PLUGIN = Path(__file__).with_name("plugin.py")
"""Loaded by Locust next to the locustfile; see plugin.py for what it does."""

LOCUST = (sys.executable, "-m", "locust")
STARTUP_ALLOWANCE = 20.0
"""Seconds a single Locust process may take to import the locustfile and start (the hard timeout adds it)."""


@dataclass(frozen=True)
class Outputs:
    """The files of one run in ``raw/<suite>/``."""

    raw: Path

    @property
    def csv_prefix(self) -> Path:
        return self.raw / "locust"

    def csv(self, role: str) -> Path:
        return self.raw / f"locust_{role}.csv"

    @property
    def json_stem(self) -> Path:
        return self.raw / "locust"  # Locust appends ".json"

    @property
    def json(self) -> Path:
        return self.raw / "locust.json"

    @property
    def html(self) -> Path:
        return self.raw / "locust.html"

    @property
    def log(self) -> Path:
        return self.raw / "locust.log"

    @property
    def output(self) -> Path:
        return self.raw / "locust.out"

    @property
    def live(self) -> Path:
        return self.raw / "live.jsonl"

    def worker_log(self, index: int) -> Path:
        return self.raw / f"worker-{index}.log"

    def worker_output(self, index: int) -> Path:
        return self.raw / f"worker-{index}.out"

    def csv_files(self) -> dict[str, Path]:
        """The CSV files that exist, by role, as read by the locust-csv importer."""
        roles = {"stats": "stats", "history": "stats_history", "failures": "failures", "exceptions": "exceptions"}
        return {role: self.csv(suffix) for role, suffix in roles.items() if self.csv(suffix).is_file()}


def _files(locustfile: Path) -> str:
    return f"{locustfile},{PLUGIN}"


def _selection(options: LocustOptions) -> list[str]:
    argv: list[str] = []
    if options.tags:
        argv += ["--tags", *options.tags]
    if options.exclude_tags:
        argv += ["--exclude-tags", *options.exclude_tags]
    return argv


def main_argv(options: LocustOptions, locustfile: Path, out: Outputs, master_port: int | None) -> list[str]:
    """The master's (or the single process's) command line: headless, bounded, every output on disk.

    The host is not on it: it goes in ``LOCUST_HOST`` (:func:`host_environment`), because a base URL may
    carry a token in its query and command lines are readable by every local user.
    User classes come first: ``--tags`` takes any number of values and would swallow them.
    """
    argv = [*LOCUST, *options.user_classes, "-f", _files(locustfile), "--headless"]
    argv += ["--csv", str(out.csv_prefix), "--csv-full-history", "--json-file", str(out.json_stem)]
    argv += ["--only-summary", "--logfile", str(out.log), "--loglevel", "INFO"]
    argv += ["--stop-timeout", f"{options.stop_timeout:g}"]
    if options.html:
        argv += ["--html", str(out.html)]
    if not options.stages:
        argv += ["--users", str(options.users), "--spawn-rate", f"{options.effective_spawn_rate:g}"]
        argv += ["--run-time", f"{math.ceil(options.duration)}s"]
    if master_port is not None:
        bind = options.master.host if options.master else "127.0.0.1"
        argv += ["--master", "--master-bind-host", bind, "--master-bind-port", str(master_port)]
        argv += ["--expect-workers", str(options.expected_workers)]
        argv += ["--expect-workers-max-wait", str(math.ceil(options.worker_timeout))]
    return argv + _selection(options) + list(options.args)


def host_environment(host: str) -> dict[str, str]:
    """The host to load, for the main process's environment (Locust reads ``LOCUST_HOST`` as ``--host``)."""
    return {"LOCUST_HOST": host}


def worker_argv(options: LocustOptions, locustfile: Path, out: Outputs, index: int, master_port: int) -> list[str]:
    """A local worker, connecting to the master's interface (loopback when it listens on all of them)."""
    bind = options.master.host if options.master else "127.0.0.1"
    master_host = "127.0.0.1" if bind in ("0.0.0.0", "*", "", "::") else bind
    argv = [*LOCUST, "-f", _files(locustfile), "--worker", "--master-host", master_host]
    argv += ["--master-port", str(master_port), "--logfile", str(out.worker_log(index)), "--loglevel", "INFO"]
    return argv + _selection(options)


def stage_plan(options: LocustOptions) -> list[dict[str, float]]:
    """The ``stages`` as the plug-in's LoadTestShape reads them (spawn rate defaulted per stage)."""
    return [
        {"duration": s.duration, "users": s.users, "spawn_rate": s.spawn_rate or max(1.0, float(s.users))}
        for s in options.stages
    ]


def hard_timeout(options: LocustOptions, suite_timeout: float | None) -> float:
    """Seconds after which the run is killed, whatever state it is in: the suite's own ``timeout`` if set,
    else startup (or the wait for workers) + load duration + the users' stop timeout + grace."""
    if suite_timeout is not None:
        return suite_timeout
    startup = max(STARTUP_ALLOWANCE, options.worker_timeout if options.distributed else 0.0)
    return startup + options.duration + options.stop_timeout + options.grace
