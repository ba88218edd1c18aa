"""A finished Locust session -> SuiteResult: figures from Locust's CSVs, status and notes from how it ended."""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ImportFormatError
from harness.results.importers.locust_csv import read_locust_csv
from harness.results.model import AbortRecord, SuiteResult, SuiteStatus, ToolInfo
from harness.runners.locust.command import Outputs
from harness.runners.locust.session import SessionEnd, WorkerExit
from harness.runners.locust.watch import LiveState, describe

_LOG_ERROR = re.compile(r"^\[[^\]]*\] [^/]*/(ERROR|CRITICAL)/[^:]*: (.*)$")
_REFUSED = ("ConnectionRefused", "Connection refused")
MAX_ERROR_LINES = 20


@dataclass(frozen=True)
class RunFacts:
    """What the runner knows besides the files: the suite, Locust's version, how the load was generated."""

    suite: str
    kind: str
    version: str
    mode: str  # e.g. "1 master + 2 local workers"
    expected_workers: int


def locust_errors(paths: list[Path]) -> str:
    """Locust's own explanation of a failed start: the end of a traceback, and ERROR lines of its logs."""
    found: list[str] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "Traceback (most recent call last)" in text:
            tail = text[text.rindex("Traceback (most recent call last)") :].strip().splitlines()
            found += [line for line in tail[-6:] if line.strip()]
        for line in text.splitlines():
            match = _LOG_ERROR.match(line)
            if match:
                found.append(match.group(2))
    unique = list(dict.fromkeys(found))
    return "\n".join(unique[:MAX_ERROR_LINES])


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"was ended by {signal.Signals(-code).name}"
        except ValueError:
            return f"was ended by signal {-code}"
    return f"exited with code {code}"


def _lost_note(lost: int, expected: int, exits: list[WorkerExit]) -> str:
    details = "; ".join(f"worker {w.index} (pid {w.pid}) {_exit_text(w.code)} at {w.at:.0f}s" for w in exits)
    noun = "worker was" if lost == 1 else "workers were"
    return (
        f"{lost} of {expected} {noun} lost during the run{f' ({details})' if details else ''}; "
        "the figures include what they reported before"
    )


def _log_files(out: Outputs, workers: int) -> list[Path]:
    files = [out.output, out.log]
    for index in range(1, workers + 1):
        files += [out.worker_output(index), out.worker_log(index)]
    return files


def build_result(facts: RunFacts, out: Outputs, end: SessionEnd, live: LiveState, local_workers: int) -> SuiteResult:
    base = SuiteResult(
        name=facts.suite,
        kind=facts.kind,
        status=SuiteStatus.ERROR,
        tool=ToolInfo(name="locust", version=facts.version),
        notes=(f"load from {facts.mode} (Locust {facts.version})",),
    )
    logs = _log_files(out, local_workers)
    if not live.started:
        if end.cancelled:
            return base.model_copy(update={"status": SuiteStatus.INCOMPLETE, "error": f"stopped: {end.stopped}"})
        why = f"Locust {_exit_text(end.code)}" if end.code is not None else "Locust did not start the test"
        if end.killed:
            why = f"Locust did not start the test: {end.killed}"
        details = locust_errors(logs)
        return base.model_copy(update={"error": f"{why} before the test started\n{details}".strip()})
    files = out.csv_files()
    try:
        parsed = read_locust_csv(files) if "stats" in files else None
    except ImportFormatError as exc:
        return base.model_copy(
            update={"status": SuiteStatus.INCOMPLETE, "error": f"Locust's results are unreadable: {exc}"}
        )
    if parsed is None:
        return base.model_copy(
            update={
                "status": SuiteStatus.INCOMPLETE,
                "error": f"Locust wrote no statistics\n{locust_errors(logs)}".strip(),
            }
        )
    metrics = dict(parsed.metrics)
    notes = list(base.notes)
    lost = max(live.workers_lost, len(end.lost_workers))
    if facts.expected_workers:
        metrics["workers"] = float(live.workers_peak)
        metrics["workers_lost"] = float(lost)
        if lost:
            notes.append(_lost_note(lost, facts.expected_workers, end.lost_workers))
    metrics["aborted"] = 1.0 if live.trigger is not None else 0.0
    abort = None
    if live.trigger is not None:
        abort = AbortRecord(
            criterion=live.trigger.criterion.text,
            at=live.trigger.at,
            measured=live.trigger.measured,
            message=describe(live.trigger),
        )
        notes.append(f"stopped early by an abort criterion: {abort.message}")
    if live.cpu_warnings:
        notes.append("the load generator's CPU went above 90 %: the figures may understate what the target can do")
    if end.code not in (0, 1, None) and not end.killed:
        last = (locust_errors(logs).splitlines() or ["see locust.log"])[-1]
        notes.append(f"Locust {_exit_text(end.code)}: {last}")
    if out.html.is_file():
        notes.append("Locust's own HTML report is attached as locust.html")
    result = base.model_copy(
        update={
            "metrics": metrics,
            "endpoints": tuple(parsed.endpoints),
            "timeseries": parsed.timeseries,
            "failures": parsed.failures,
            "abort": abort,
            "notes": tuple(notes),
        }
    )
    return result.model_copy(update=_status(result, end, live))


def _status(result: SuiteResult, end: SessionEnd, live: LiveState) -> dict[str, object]:
    metrics = result.metrics
    requests, failures = metrics.get("requests", 0.0), metrics.get("failures", 0.0)
    if live.scope_violation:
        return {
            "status": SuiteStatus.ERROR,
            "error": f"the locustfile requested {live.scope_violation}, outside target.scope; the test was stopped",
        }
    if end.killed:
        return {"status": SuiteStatus.INCOMPLETE, "error": f"stopped: {end.killed}"}
    if end.cancelled:
        return {"status": SuiteStatus.INCOMPLETE, "error": f"stopped: {end.stopped}"}
    if requests and failures >= requests and all(any(r in f.message for r in _REFUSED) for f in result.failures):
        return {
            "status": SuiteStatus.ERROR,
            "error": "the target refused every connection: no request reached it (is it running?)",
        }
    if not requests:
        return {"status": SuiteStatus.ERROR, "error": "the test made no request: check the locustfile's tasks"}
    if result.abort is not None or failures:
        return {"status": SuiteStatus.FAILED}
    return {"status": SuiteStatus.PASSED}
