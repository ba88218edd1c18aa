"""The runner plug-in contract (DESIGN §4, docs/plugins.md).

A runner turns one suite of the profile into one :class:`SuiteResult`. Built-in runners register under
the entry-point group ``harness.runners`` exactly as third-party ones do; the entry-point name is the
suite ``kind`` written in profiles, and the registered class is instantiated with that kind. Subclass
:class:`RunnerBase` to get the optional members' defaults.

Contract:
- ``run`` returns a result for whatever happened to the tests: failing tests are data.
- ``run`` raises :class:`~harness.errors.RunnerSetupError` only when the suite cannot run at all; the
  pipeline records the suite as ``error`` and goes on with the next one.
- ``run`` checks ``ctx.cancel`` between steps, stops its subprocesses when it is set, and then returns
  what it gathered with status ``incomplete``.
- Everything a runner writes goes into ``ctx.raw_dir``; the pipeline hashes it into the manifest.
- A runner contacts only URLs that ``ctx.target.scope`` allows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from harness.cancel import CancelToken
from harness.criteria import Criterion
from harness.profile.scope import Scope
from harness.progress import Progress
from harness.redaction import Redactor
from harness.results.model import SuiteResult
from harness.target.handle import TargetHandle

OptionsT = TypeVar("OptionsT", bound=BaseModel)
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class PreparedSuite:
    """A profile suite with its options validated by its runner and its criteria parsed."""

    name: str
    kind: str
    options: BaseModel
    criteria: tuple[Criterion, ...] = ()
    timeout: float | None = None
    description: str = ""

    def options_as(self, model: type[OptionsT]) -> OptionsT:
        if not isinstance(self.options, model):
            raise TypeError(f"suite {self.name!r} options are {type(self.options).__name__}, not {model.__name__}")
        return self.options


@dataclass(frozen=True)
class RunContext:
    """Everything a runner may use; runners reach nothing else of the run."""

    target: TargetHandle
    run_dir: Path
    raw_dir: Path  # raw/<suite>/, created before the runner starts
    base_dir: Path  # the profile's directory: relative paths in options are relative to it
    progress: Progress
    cancel: CancelToken
    redactor: Redactor
    log: logging.Logger
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)  # for subprocesses
    earlier: tuple[SuiteResult, ...] = ()  # the suites that ran before this one in the run (their times: windows)
    companion: object | None = None  # what the runner's ``companion`` yielded for this suite, if it has one

    def steps(self, items: Sequence[ItemT], detail: Callable[[ItemT], str]) -> Iterator[ItemT]:
        """``items`` one at a time, each shown on the progress display (``detail(item)``), until the run is
        cancelled: a loop over it stops between two steps, and fewer results than items tell it was cut short.
        """
        for index, item in enumerate(items):
            if self.cancel.cancelled:
                return
            self.progress.update(completed=index, total=len(items), detail=detail(item))
            yield item


@dataclass(frozen=True)
class PreflightContext:
    """What ``harness validate`` knows about a suite before anything runs."""

    base_dir: Path  # the profile's directory: relative paths in options are relative to it
    scope: Scope | None  # the profile's target scope; None when the target section itself is invalid


OptionIssue = tuple[tuple[str | int, ...], str]
"""A problem ``preflight`` finds: the key path below the suite's ``options`` (``("host",)``) and a message
that says what to do; ``harness validate`` shows it at that key's FILE:LINE."""


@runtime_checkable
class Runner(Protocol):
    """What the harness asks of a suite kind; members marked optional have defaults in :class:`RunnerBase`."""

    kind: str
    options_model: ClassVar[type[BaseModel]]
    """The pydantic model the suite's ``options`` are validated with (``validate`` locates its errors)."""
    default_criteria: ClassVar[tuple[str, ...]]
    """Criteria applied when a suite lists none (e.g. no failed tests for a test suite). Optional: ()."""

    def needs_target(self, options: BaseModel) -> bool:
        """Whether the suite sends requests to the target (and so cannot run when it is down)."""
        ...

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        """The metrics this suite will produce, so ``validate`` catches a misspelt criterion early.

        Per-endpoint values (``endpoint("GET /x").p95``) are checked against results instead; ``duration``
        (wall-clock seconds) is added by the pipeline to every suite and need not be listed. A metric's
        unit follows from its name (:func:`harness.results.metrics.dimension_of`).
        """
        ...

    def default_criteria_for(self, options: BaseModel) -> tuple[str, ...]:
        """Optional: defaults that depend on the options (``kind: import`` by format); else ``default_criteria``."""
        ...

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        """Optional: how the runner judges beyond its criteria, for ``validate`` (a scan's severity policy)."""
        ...

    def preflight(self, options: BaseModel, context: PreflightContext) -> Sequence[OptionIssue]:
        """Optional: what the run would refuse, found before it starts (``harness validate``, ``harness run``):
        a URL outside the scope, a file that does not exist. Never contacts anything."""
        ...

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult: ...


class RunnerBase:
    """The defaults of a runner's optional members; a runner subclasses it and adds the required ones
    (``options_model``, ``metric_names``, ``run``)."""

    default_criteria: ClassVar[tuple[str, ...]] = ()

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def needs_target(self, options: BaseModel) -> bool:
        return True

    def default_criteria_for(self, options: BaseModel) -> tuple[str, ...]:
        return self.default_criteria

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        return ()

    def preflight(self, options: BaseModel, context: PreflightContext) -> Sequence[OptionIssue]:
        return ()

    def companion(self, options: BaseModel, target: TargetHandle) -> AbstractContextManager[object] | None:
        """Optional (not part of :class:`Runner`, so runners written before it still fit): something the suite
        needs running for as long as the target runs — entered right after the target is up (before the
        first suite), left when it stops; what it yields reaches ``run`` as ``ctx.companion``. E.g. a local
        Prometheus scraping the target, so the suite sees what earlier suites did to it. A problem it can
        describe is yielded, not raised (``run`` then raises ``RunnerSetupError`` with it). None: nothing."""
        return None
