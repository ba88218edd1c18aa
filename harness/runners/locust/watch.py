"""Follow the plug-in's live stats: progress for the user, windowed abort criteria, workers and warnings.

The plug-in (plugin.py, inside Locust) writes one JSON line per event on a pipe; a thread here reads
them, keeps a copy in ``live.jsonl`` (the evidence of an abort decision), and calls ``on_trigger``
once when an abort criterion has held for its window.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.criteria import Criterion, Reference
from harness.criteria.window import Trigger, WindowWatch, sample_resolver
from harness.progress import Progress
from harness.results.metrics import format_metric, format_value


@dataclass
class LiveState:
    """What the live stats said; read after the reader thread has ended."""

    initialised: bool = False
    started: bool = False
    finished: bool = False  # the test is over (stopping or quitting): workers leaving now are not lost
    last: dict[str, Any] = field(default_factory=dict)
    workers_peak: int = 0
    workers_lost: int = 0
    cpu_warnings: int = 0
    scope_violation: str = ""  # why the test left the scope (a request or a redirect refused)
    stop_reasons: list[str] = field(default_factory=list)
    trigger: Trigger | None = None


def describe(trigger: Trigger) -> str:
    criterion = trigger.criterion
    dimension = criterion.left.dimension if isinstance(criterion.left, Reference) else None
    value = format_value(trigger.measured, dimension) if dimension else f"{trigger.measured:.6g}"
    return (
        f"{criterion.text}: held from {trigger.since:.0f}s to {trigger.at:.0f}s of the test "
        f"(last value {value}); the test was stopped there"
    )


class LiveWatch:
    def __init__(
        self,
        descriptor: int,
        criteria: Sequence[Criterion],
        progress: Progress,
        record: Path,
        on_trigger: Callable[[Trigger], None],
        duration: float,
    ) -> None:
        self.state = LiveState()
        self._descriptor = descriptor
        self._watches = [WindowWatch(c) for c in criteria if c.window is not None]
        self._progress = progress
        self._record = record
        self._on_trigger = on_trigger
        self._duration = duration
        self._thread = threading.Thread(target=self._read, name="locust-live", daemon=True)

    def start(self) -> None:
        self._progress.update(total=self._duration, completed=0, detail="starting Locust")
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _read(self) -> None:
        with (
            os.fdopen(self._descriptor, "r", encoding="utf-8", errors="replace") as stream,
            self._record.open("w", encoding="utf-8") as record,
        ):
            for line in stream:
                record.write(line)
                record.flush()  # the live record is evidence even if the harness is killed mid-run
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    self._handle(event)

    def _handle(self, event: dict[str, Any]) -> None:
        state = self.state
        kind = event.get("event")
        if kind == "init":
            state.initialised = True
        elif kind == "test_start":
            state.started = True
        elif kind == "sample":
            self._sample(event)
        elif kind == "cpu_warning":
            state.cpu_warnings += 1
            self._progress.log(f"load generator CPU at {event.get('cpu', 0):.0f} %: results may understate the target")
        elif kind == "scope_violation" and not state.scope_violation:
            url = str(event.get("url", ""))
            state.scope_violation = str(event.get("reason") or f"the locustfile requested {url}, outside target.scope")
        elif kind == "stopping":
            state.stop_reasons.append(str(event.get("reason", "")))
            state.finished = True
        elif kind == "quitting":
            state.finished = True

    def _sample(self, sample: dict[str, Any]) -> None:
        state = self.state
        state.workers_peak = max(state.workers_peak, int(sample.get("workers", 0)))
        state.workers_lost = max(state.workers_lost, int(sample.get("workers_lost", 0)))
        if "t" not in sample:
            if "workers" in sample:
                self._progress.update(detail=f"waiting for workers: {sample['workers']} connected")
            return
        state.last = sample
        if sample.get("state") in ("stopping", "stopped"):
            state.finished = True
        t = float(sample["t"])
        self._progress.update(completed=min(t, self._duration), detail=_summary(sample))
        if sample.get("state") not in ("spawning", "running") or state.trigger is not None:
            return
        values = {k: float(v) for k, v in sample.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        resolve = sample_resolver(values, sample.get("endpoints"))
        for watch in self._watches:
            trigger = watch.feed(t, resolve)
            if trigger is not None:
                state.trigger = trigger
                self._progress.log(f"abort: {describe(trigger)}")
                self._on_trigger(trigger)
                return


def _summary(sample: dict[str, Any]) -> str:
    parts = [f"{sample.get('users', 0)} users", f"{float(sample.get('rps', 0)):.1f} req/s"]
    if sample.get("p95") is not None:
        parts.append(f"p95 {format_metric('p95', float(sample['p95']))}")
    if sample.get("failures"):
        parts.append(f"{sample['failures']} failures")
    if "workers" in sample:
        parts.append(f"{sample['workers']} workers")
    return " · ".join(parts)
