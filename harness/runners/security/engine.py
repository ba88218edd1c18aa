"""What a scan engine (ZAP, wapiti) is given and what it hands back to the security runner."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from harness.results.findings import FindingSet
from harness.results.model import Message, ScanCoverage, SkippedItem, StopRecord, ToolInfo
from harness.runners.base import RunContext
from harness.runners.security.options import SecurityOptions


@dataclass(frozen=True)
class ScanPlan:
    """A scan, resolved and scope-checked: engines never see an out-of-scope URL."""

    suite: str
    target_url: str  # where the scan starts (base URL + path)
    base_url: str  # the target's base URL: the scan context
    include: tuple[str, ...]  # URL regexes that make up the scan context
    exclude: tuple[str, ...]  # URL regexes never requested
    headers: Mapping[str, str] = field(repr=False, default_factory=dict)  # auth, secret
    openapi_url: str | None = None
    openapi_file: Path | None = None  # for api mode: the spec as the engines get it (servers rewritten)
    options: SecurityOptions = field(default_factory=SecurityOptions)
    operations: tuple[Operation, ...] = ()  # api mode: the spec's operations, as they will be requested
    servers_replaced: tuple[str, ...] = ()  # api mode: the spec's servers that were replaced by the target

    @property
    def budget(self) -> float:
        """Seconds the suite's scan may take (``max_minutes``)."""
        return self.options.max_minutes * 60

    @property
    def mode(self) -> str:
        return self.options.mode


@dataclass(frozen=True)
class Operation:
    """One operation of an OpenAPI document: ``GET /pets/{id}``, matched against requested URLs."""

    method: str
    path: str  # the path template as written in the spec, server base path included
    pattern: str  # a regex matching the URL path of a request to it

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Coverage:
    """What the scan covered, filled in as the engine reports it (None: the engine did not say)."""

    urls_found: int | None = None
    urls_scanned: int | None = None
    requests: int | None = None
    rules_run: list[str] = field(default_factory=list)
    rules_refused: list[SkippedItem] = field(default_factory=list)
    operations_imported: int | None = None
    operations_scanned: int | None = None
    operations_skipped: list[SkippedItem] = field(default_factory=list)
    spec_servers_replaced: list[str] = field(default_factory=list)

    def freeze(self) -> ScanCoverage:
        return ScanCoverage(
            urls_found=self.urls_found,
            urls_scanned=self.urls_scanned,
            requests=self.requests,
            rules_run=tuple(dict.fromkeys(self.rules_run)),
            rules_refused=tuple(self.rules_refused),
            operations_imported=self.operations_imported,
            operations_scanned=self.operations_scanned,
            operations_skipped=tuple(self.operations_skipped),
            spec_servers_replaced=tuple(self.spec_servers_replaced),
        )


@dataclass
class ScanOutcome:
    """Filled in while the scan runs, so whatever was gathered survives an engine that dies."""

    findings: FindingSet
    tool: ToolInfo
    notes: list[Message] = field(default_factory=list)  # catalogue sentences: the report renders them
    incomplete: str = ""  # why the scan stopped early ("" when it ran to its end)
    stopped: StopRecord | None = None  # the same, for the report: which cap fired, or cancelled, ...
    coverage: Coverage = field(default_factory=Coverage)
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 1)

    def stop(
        self, message: str, cause: str, *, cap: str = "", option: str = "", limit: float | None = None, detail: str = ""
    ) -> None:
        """Record that the scan was cut short (the first reason wins: later ones are consequences)."""
        if self.incomplete:
            return
        self.incomplete = message
        self.stopped = StopRecord(
            cause=cause, cap=cap, option=option, limit=limit, elapsed=self.elapsed(), detail=detail
        )  # fmt: skip


class Deadline:
    """A point in monotonic time; ``left()`` never goes below zero."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self._end - time.monotonic())

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._end


@runtime_checkable
class Engine(Protocol):
    name: str

    def available(self, options: SecurityOptions, ctx: RunContext) -> bool:
        """Whether this engine can run here (installed, or a daemon is configured)."""
        ...

    def scan(self, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome) -> None:
        """Run the scan, adding findings and notes to ``outcome`` as they come.

        Raises:
            RunnerSetupError: the scan could not start (engine missing or unreachable, bad key, ...).
                Once the scan has started, failures set ``outcome.incomplete`` instead.
        """
        ...
