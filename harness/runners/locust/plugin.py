"""The harness's Locust plug-in: loaded BY LOCUST next to the locustfile, never imported by the harness.

The runner starts ``locust -f LOCUSTFILE,<this file>``; Locust imports it (after gevent has patched the
standard library) in the master, in a single-process run, and in local workers. Without the
``HARNESS_LOCUST_*`` environment it does nothing, so workers on other machines may load it too
(``--locustfile -`` downloads it from the master).

What it does, and why inside Locust rather than by polling Locust's web API:

- **Live stats** (master or single process): once a second one JSON line on the pipe
  ``HARNESS_LOCUST_FD`` with the current users, workers, request rate and 10-second-window
  percentiles, straight from the runner's own aggregate. The harness evaluates windowed abort
  criteria on them. A plug-in needs no web UI (``--headless`` stays headless), no listening port that
  could collide or be reached by others, and no HTTP polling load on the load generator.
- **Stop on request**: SIGUSR1 makes the runner quit the way ``--run-time`` does, so the CSV, JSON and
  HTML outputs are complete; the harness sends it when an abort criterion triggers or the run is
  cancelled.
- **Final CSVs**: Locust rewrites its CSV files once a second, so they may miss the last second of a
  run; on ``quitting`` the plug-in waits one more CSV cycle, so the CSVs (the run's evidence) hold the
  same final figures as Locust's JSON and HTML.
- **Workers lost**: counts workers that went missing (no heartbeat) or left while the test ran, and
  ends the test when none is left.
- **Scope guard** (wherever requests are made): every request and every redirect hop is checked against
  the profile's ``target.scope`` *before it is sent*, in both HTTP clients Locust offers (``FastHttpUser``'s
  geventhttpclient and ``HttpUser``'s requests); one outside it (an absolute URL in a locustfile, or a
  redirect of the target) is refused — nothing reaches that host — and stops the test at once; the harness
  reports it. The profile's auth headers (``HARNESS_TARGET``) are removed from any request to an origin
  other than the one under load, so a redirect never carries them elsewhere.
- **Stages** (``HARNESS_LOCUST_STAGES``): a LoadTestShape built from the profile's ``stages``.
- **Per-request samples** (``HARNESS_LOCUST_SAMPLES``, a file; single-process runs only): a uniform random
  sample of at most ``HARNESS_LOCUST_SAMPLES_MAX`` requests (reservoir sampling: bounded memory whatever the
  run's length) with each one's time into the test, response time and outcome, plus exact per-second
  request and failure counts, written to that file as JSON when Locust quits. The canary suite
  (harness/runners/canary/) tests them; performance suites do not set it and record nothing.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import time
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import LoadTestShape, events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner
from locust.stats import CSV_STATS_INTERVAL_SEC, StatsEntry

log = logging.getLogger("harness")

_FD = int(os.environ["HARNESS_LOCUST_FD"]) if os.environ.get("HARNESS_LOCUST_FD") else None
_SCOPE: list[str] | None = json.loads(os.environ.get("HARNESS_LOCUST_SCOPE", "null"))
_STAGES: list[dict[str, float]] = json.loads(os.environ.get("HARNESS_LOCUST_STAGES", "[]"))
_ENDPOINTS = os.environ.get("HARNESS_LOCUST_ENDPOINTS") == "1"
_CREDENTIALS = frozenset(
    name.lower() for name in json.loads(os.environ.get("HARNESS_TARGET", "{}")).get("headers", {})
) | {"authorization", "proxy-authorization"}
_SCOPE_MESSAGE = "harness_scope_violation"
_SAMPLES = os.environ.get("HARNESS_LOCUST_SAMPLES") or None
_SAMPLES_MAX = max(1, int(os.environ.get("HARNESS_LOCUST_SAMPLES_MAX") or 20_000))


class _State:
    started: float | None = None  # monotonic time of test_start
    seen: set[str] = set()  # noqa: RUF012  (one process, one test)
    lost: set[str] = set()  # noqa: RUF012
    had_workers = False
    stopping = False
    violation = ""  # why the test was stopped for leaving the scope
    origins: dict[str, bool] = {}  # noqa: RUF012  scheme://host:port -> allowed


def _emit(event: str, **data: Any) -> None:
    global _FD
    if _FD is None:
        return
    line = json.dumps({"event": event, **data}, separators=(",", ":")) + "\n"
    try:
        os.write(_FD, line.encode())
    except OSError:  # the harness went away; keep the test running, it ends by its own --run-time
        _FD = None


def _quit(environment: Environment, reason: str) -> None:
    if _State.stopping or environment.runner is None:
        return
    _State.stopping = True
    log.warning("harness: stopping the test: %s", reason)
    _emit("stopping", reason=reason)
    gevent.spawn(environment.runner.quit)


def _seconds(value: float | None) -> float | None:
    return None if value is None else value / 1000


def _figures(entry: StatsEntry) -> dict[str, float | None]:
    rps = float(entry.current_rps or 0)
    failing = float(entry.current_fail_per_sec or 0)
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": rps,
        "failures_per_s": failing,
        "error_rate": min(1.0, failing / rps) if rps else (1.0 if failing else 0.0),
        **{f"p{p}": _seconds(entry.get_current_response_time_percentile(p / 100)) for p in (50, 90, 95, 99)},
    }


def _workers(environment: Environment) -> dict[str, int]:
    runner = environment.runner
    if not isinstance(runner, MasterRunner):
        return {}
    present = {node.id: node.state for node in runner.clients.all}
    _State.seen |= present.keys()
    _State.lost |= {node_id for node_id, state in present.items() if state == "missing"}
    if runner.state in ("spawning", "running"):
        _State.lost |= _State.seen - present.keys()  # left while the test ran (killed, crashed, Ctrl-C)
    connected = runner.worker_count
    _State.had_workers = _State.had_workers or connected > 0
    return {"workers": connected, "workers_lost": len(_State.lost)}


def _sample(environment: Environment) -> None:
    runner = environment.runner
    if runner is None:
        return
    stats = runner.stats
    data: dict[str, Any] = {"state": runner.state, "users": runner.user_count, **_workers(environment)}
    if _State.started is not None:
        data["t"] = round(time.monotonic() - _State.started, 3)
        data.update(_figures(stats.total))
        if _ENDPOINTS:
            data["endpoints"] = {
                f"{entry.method} {entry.name}" if entry.method else entry.name: _figures(entry)
                for entry in stats.entries.values()
            }
    _emit("sample", **data)
    running = runner.state in ("spawning", "running")
    if isinstance(runner, MasterRunner) and running and _State.had_workers and runner.worker_count == 0:
        _quit(environment, f"all {len(_State.seen)} workers were lost")


def _sampler(environment: Environment) -> None:
    while True:
        gevent.sleep(1.0)
        try:
            _sample(environment)
        except Exception:  # a statistics hiccup must not end the test
            log.exception("harness: sampling failed")


def _allowed(url: str) -> bool:
    origin = "/".join(url.split("/", 3)[:3])
    known = _State.origins.get(origin)
    if known is None:
        from harness.profile.scope import Scope  # only where the harness (and its scope) is installed

        known = bool(_SCOPE) and Scope(_SCOPE or []).allows_host(urlsplit(url).hostname or "")
        _State.origins[origin] = known
    return known


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    if _SCOPE is not None and not isinstance(runner, MasterRunner):
        _guard_scope(environment)
    if _FD is None or runner is None or isinstance(runner, WorkerRunner):
        return
    if isinstance(runner, MasterRunner):
        runner.register_message(
            _SCOPE_MESSAGE,
            lambda environment, msg, **_: _scope_violation(
                environment, str(msg.data["url"]), str(msg.data.get("reason", ""))
            ),
        )
    gevent.signal_handler(signal.SIGUSR1, lambda: _quit(environment, "requested by the harness"))
    gevent.spawn(_sampler, environment)
    _emit("init", runner=type(runner).__name__, pid=os.getpid())


def _guard_scope(environment: Environment) -> None:
    def check(url: str | None = None, **_: Any) -> None:
        if url and not _allowed(url):
            _report_violation(environment, url, f"the locustfile requested {url}, outside target.scope")

    environment.events.request.add_listener(check)
    _guard_clients(environment)


def _report_violation(environment: Environment, url: str, reason: str) -> None:
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        if not _State.stopping:
            _State.stopping = True
            runner.send_message(_SCOPE_MESSAGE, {"url": url, "reason": reason})
    else:
        _scope_violation(environment, url, reason)


def _scope_violation(environment: Environment, url: str, reason: str = "") -> None:
    if _State.violation:
        return  # the first one stops the test; the users refused meanwhile say the same
    _State.violation = reason or f"the locustfile requested {url}, outside target.scope"
    _emit("scope_violation", url=url, reason=_State.violation)
    _quit(environment, _State.violation)


def _guard_clients(environment: Environment) -> None:
    """Check every request and redirect hop before it is sent, in both of Locust's HTTP clients, and keep
    the profile's credentials on the origin under load. Patched once per process (Locust runs one test)."""
    import requests
    from locust.contrib.fasthttp import LocustUserAgent

    from harness.profile.scope import Scope, shown  # only where the harness (and its scope) is installed
    from harness.target.http import same_site

    scope = Scope(_SCOPE or [])

    class ScopeRefused(requests.exceptions.ConnectionError):
        """Raised instead of sending a request outside target.scope; Locust records it as a failure."""

    def refuse(url: str, redirected: bool, source: str = "") -> None:
        problem = scope.problem(url)
        if not problem:
            return
        if redirected:
            origin = f" from {shown(source)}" if source else ""
            reason = f"the target redirected{origin} to {shown(url)}: {problem}; the redirect was not followed"
        else:
            reason = f"the locustfile requested {shown(url)}: {problem}; the request was not sent"
        _report_violation(environment, shown(url), reason)
        raise ScopeRefused(reason)

    def strip_credentials(url: str, headers: Any) -> None:
        host = environment.host or ""
        if host and not same_site(host, url):
            for name in [n for n in headers if str(n).lower() in _CREDENTIALS]:
                del headers[name]

    fast_urlopen = LocustUserAgent._urlopen

    def guarded_urlopen(self: LocustUserAgent, request: Any) -> Any:
        # geventhttpclient follows redirects by changing the request in place and sending it again here
        url = str(request.url)
        previous = getattr(request, "harness_sent_to", "")
        refuse(url, redirected=bool(previous) and previous != url, source=previous)
        strip_credentials(url, request.headers)
        request.harness_sent_to = url
        return fast_urlopen(self, request)

    session_send = requests.Session.send
    session_rebuild_auth = requests.Session.rebuild_auth

    def guarded_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        url = request.url or ""
        refuse(url, redirected=False)
        strip_credentials(url, request.headers)
        return session_send(self, request, **kwargs)

    def guarded_rebuild_auth(
        self: requests.Session, prepared: requests.PreparedRequest, response: requests.Response
    ) -> None:
        refuse(prepared.url or "", redirected=True, source=response.url)
        session_rebuild_auth(self, prepared, response)

    LocustUserAgent._urlopen = guarded_urlopen  # type: ignore[method-assign]
    requests.Session.send = guarded_send  # type: ignore[method-assign]
    requests.Session.rebuild_auth = guarded_rebuild_auth  # type: ignore[method-assign,assignment]


class _Samples:
    """Per-request samples for the canary suite: a reservoir of requests and exact per-second counts."""

    kept: list[tuple[float, float, int]] = []  # noqa: RUF012  (t, response time ms, failed)
    seen = 0
    failures = 0
    seconds: dict[int, list[int]] = {}  # noqa: RUF012  whole second of the test -> [requests, failures]
    chooser = random.Random(20_171)  # which requests the reservoir keeps; unrelated to what they measured


def _record_sample(response_time: float | None = None, exception: object = None, **_: Any) -> None:
    if _State.started is None or response_time is None:
        return  # before the test started (nothing to compare) or a request Locust could not time
    t = time.monotonic() - _State.started
    failed = int(exception is not None)
    _Samples.seen += 1
    _Samples.failures += failed
    bucket = _Samples.seconds.setdefault(int(t), [0, 0])
    bucket[0] += 1
    bucket[1] += failed
    sample = (round(t, 3), round(float(response_time), 3), failed)
    if len(_Samples.kept) < _SAMPLES_MAX:
        _Samples.kept.append(sample)
    else:  # Algorithm R: each request seen so far is kept with the same probability
        slot = _Samples.chooser.randrange(_Samples.seen)
        if slot < _SAMPLES_MAX:
            _Samples.kept[slot] = sample


def _write_samples(path: str) -> None:
    document = {
        "format": "harness-locust-samples/1",
        "requests": _Samples.seen,
        "failures": _Samples.failures,
        "limit": _SAMPLES_MAX,
        "samples": sorted(_Samples.kept),
        "seconds": [[second, *counts] for second, counts in sorted(_Samples.seconds.items())],
    }
    partial = f"{path}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(document, handle, separators=(",", ":"))
    os.replace(partial, path)  # a reader never sees half a file


@events.init.add_listener
def _on_init_samples(environment: Environment, **_: Any) -> None:
    path = _SAMPLES
    if path is None:
        return
    if isinstance(environment.runner, MasterRunner | WorkerRunner):
        log.warning("harness: per-request samples are recorded in single-process runs only")
        return
    environment.events.request.add_listener(_record_sample)

    def write(**_: Any) -> None:
        try:
            _write_samples(path)
        except OSError:
            log.exception("harness: could not write the per-request samples")

    environment.events.quitting.add_listener(write)


@events.test_start.add_listener
def _on_test_start(environment: Environment, **_: Any) -> None:
    if not isinstance(environment.runner, WorkerRunner):
        _State.started = time.monotonic()
        _emit("test_start")


@events.cpu_warning.add_listener
def _on_cpu_warning(environment: Environment, cpu_usage: float, **_: Any) -> None:
    _emit("cpu_warning", cpu=cpu_usage)


@events.quitting.add_listener
def _on_quitting(environment: Environment, **_: Any) -> None:
    if _FD is None or isinstance(environment.runner, WorkerRunner):
        return
    _sample(environment)
    options = environment.parsed_options
    if options is not None and getattr(options, "csv_prefix", None):
        gevent.sleep(CSV_STATS_INTERVAL_SEC + 0.3)  # one more write of Locust's CSV files, now final
    _emit("quitting")


if _STAGES and _FD is not None:

    class HarnessStages(LoadTestShape):
        """The profile's ``stages``: each holds its user count until its duration has passed."""

        def tick(self) -> tuple[int, float] | None:
            elapsed = self.get_run_time()
            end = 0.0
            for stage in _STAGES:
                end += stage["duration"]
                if elapsed < end:
                    return int(stage["users"]), float(stage["spawn_rate"])
            return None
