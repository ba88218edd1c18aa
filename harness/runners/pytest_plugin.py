"""The harness's pytest plug-in, loaded into suite runs with ``-p harness.runners.pytest_plugin``.

It gives tests the system under test:

- ``target``   — :class:`Target`: name, base URL, version, and ``session(auth=...)`` for new sessions
- ``base_url`` — the target's base URL
- ``api``      — a ``requests.Session`` with the base URL, the profile's auth headers and timeouts,
                 which refuses URLs outside the profile's scope, redirect hops included, and sends the
                 auth headers only to the target's own origin (:mod:`harness.target.http`)

The harness passes the target in the ``HARNESS_TARGET`` environment variable (JSON). To run a suite
by hand against a running system, set ``HARNESS_BASE_URL`` instead (no auth, scope = that host).
Progress events go to the file descriptor in ``HARNESS_EVENTS_FD`` as JSON lines.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from harness.profile.scope import Scope
    from harness.target.http import ScopedSession

__all__ = ["ScopedSession", "Target"]


def __getattr__(name: str) -> object:
    # loaded when a test asks for it: the profile layer (pydantic) and requests cost every suite run
    # ~0.2 s of start-up, and most unit suites never touch the target
    if name == "ScopedSession":
        from harness.target.http import ScopedSession

        return ScopedSession
    raise AttributeError(name)


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    version: str
    scope: Scope
    timeout: float = 10.0
    verify_tls: bool = True
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    def session(self, auth: bool = True) -> ScopedSession:
        """A fresh session; ``auth=False`` for requests that must be anonymous."""
        from harness.target.http import ScopedSession

        return ScopedSession(self.base_url, self.scope, self.timeout, self.headers if auth else {}, self.verify_tls)


def _target_from_environment() -> Target | None:
    from harness.profile.scope import Scope

    raw = os.environ.get("HARNESS_TARGET")
    if raw:
        data = json.loads(raw)
        return Target(
            name=data["name"],
            base_url=data["base_url"],
            version=data.get("version", ""),
            scope=Scope(data["scope"]),
            timeout=float(data.get("timeout", 10.0)),
            verify_tls=bool(data.get("verify_tls", True)),
            headers=dict(data.get("headers", {})),
        )
    base_url = os.environ.get("HARNESS_BASE_URL")
    if base_url:
        return Target("manual", base_url.rstrip("/"), "", Scope([urlsplit(base_url).hostname or ""]))
    return None


@pytest.fixture(scope="session")
def target() -> Target:
    found = _target_from_environment()
    if found is None:
        pytest.skip("no target: run through `harness run`, or set HARNESS_BASE_URL")
    return found


@pytest.fixture(scope="session")
def base_url(target: Target) -> str:
    return target.base_url


@pytest.fixture
def api(target: Target) -> Iterator[ScopedSession]:
    with target.session() as session:
        yield session


class _EventWriter:
    """Writes progress events for the harness; silent when not run by it."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream

    def emit(self, **event: object) -> None:
        if self.stream is not None:
            try:
                self.stream.write(json.dumps(event) + "\n")
                self.stream.flush()
            except OSError:
                self.stream = None  # the harness went away; the tests still finish


_events = _EventWriter(None)


def pytest_configure(config: pytest.Config) -> None:
    descriptor = os.environ.get("HARNESS_EVENTS_FD")
    if descriptor and _events.stream is None:
        _events.stream = os.fdopen(int(descriptor), "w", buffering=1)


def pytest_collection_finish(session: pytest.Session) -> None:
    _events.emit(event="collected", count=len(session.items))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if (
        report.when == "call"
        or (report.when == "setup" and not report.passed)
        or (report.when == "teardown" and report.failed)
    ):
        _events.emit(event="test", nodeid=report.nodeid, outcome=report.outcome, when=report.when)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Hypothesis's plug-in imports all of Hypothesis in its terminal summary (0.3 s of CPU, seconds where
    # byte code is not cached) even when no test used it. Then it has nothing to report: with a test or a
    # --hypothesis-* option that used it, Hypothesis is imported by now and the plug-in stays.
    if "hypothesis" not in sys.modules:
        plugin = session.config.pluginmanager.get_plugin("hypothesispytest")
        if plugin is not None:
            session.config.pluginmanager.unregister(plugin)
