"""Opening the target for a run: start the demo or reach the URL, check the scope, authenticate."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.demo.weaknesses import demo_weaknesses
from harness.errors import HarnessError, ScopeError
from harness.profile.model import Target
from harness.profile.scope import Scope
from harness.target.connect import auth_headers, read_version
from harness.target.handle import TargetHandle
from harness.target.managed import demo_target
from harness.target.reachable import unreachable_reason

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenTarget:
    handle: TargetHandle
    problem: str = ""  # why suites that need the target cannot run ("" when it is usable)


@contextmanager
def open_target(target: Target, workdir: Path) -> Iterator[OpenTarget]:
    """Start or reach the target for the length of a run.

    An unreachable or unstartable target is not an exception here: suites that do not need it still
    run, and those that do are recorded as ``error`` with ``problem`` as the reason. A URL outside the
    scope *is* an exception (:class:`ScopeError`): nothing may be sent there.
    """
    scope = Scope(target.effective_scope())
    with ExitStack() as stack:
        problem = ""
        base_url = target.base_url or ""
        version_path = target.version_path
        if target.start == "demo":
            version_path = version_path or "/version"
            try:
                base_url = stack.enter_context(
                    demo_target(
                        workdir,
                        demo_weaknesses(target.demo.weaknesses),
                        target.startup_timeout,
                        target.demo.version,
                        metrics=target.demo.metrics,
                        added_latency_ms=target.demo.added_latency_ms,
                    )
                )
            except HarnessError as exc:
                problem = str(exc)
        if base_url:
            scope.check_url(base_url)
        headers: dict[str, str] = {}
        version = ""
        if not problem:
            problem = unreachable_reason(base_url, min(target.timeout, 5.0))
        if not problem:
            try:
                headers = auth_headers(target.auth, base_url, scope, target.timeout, target.verify_tls)
            except ScopeError:
                raise
            except HarnessError as exc:
                problem = str(exc)
        if not problem and version_path:
            version = read_version(base_url, version_path, headers, scope, target.timeout, target.verify_tls)
        if problem:
            log.warning("target unusable: %s", problem)
        handle = TargetHandle(
            name=target.name or (base_url or "target"),
            base_url=base_url,
            scope=scope,
            headers=headers,
            timeout=target.timeout,
            verify_tls=target.verify_tls,
            version=version,
            managed=target.start is not None,
        )
        yield OpenTarget(handle, problem)
