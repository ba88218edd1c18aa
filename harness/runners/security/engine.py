"""What a scan engine (ZAP, wapiti) is given and what it hands back to the security runner."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.results.findings import FindingSet
from harness.results.model import ToolInfo
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
    openapi_file: Path | None = None
    options: SecurityOptions = field(default_factory=SecurityOptions)

    @property
    def mode(self) -> str:
        return self.options.mode


@dataclass
class ScanOutcome:
    """Filled in while the scan runs, so whatever was gathered survives an engine that dies."""

    findings: FindingSet
    tool: ToolInfo
    notes: list[str] = field(default_factory=list)
    incomplete: str = ""  # why the scan stopped early ("" when it ran to its end)


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
