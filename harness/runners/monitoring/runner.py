"""``kind: monitoring``: service level indicators from Prometheus, judged by the suite's criteria
(docs/monitoring.md).

Each SLI is a PromQL query answering one number over a window (an earlier suite of the run, the last 7 days,
fixed times); it becomes the metric ``sli.<name>``, so the normal criteria language judges it — ``: warn``
objectives and ``baseline.sli.<name>`` comparisons included. An SLI Prometheus cannot answer with one number
is "not measured" with the reason, and never passes: a suite where none could be measured is ``error``,
one where some could not is ``failed``.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import requests
from pydantic import BaseModel

from harness.errors import HarnessError, RunnerSetupError, ScopeError
from harness.profile.scope import Scope
from harness.results.messages import message
from harness.results.metrics import format_metric
from harness.results.model import CaseStatus, Message, StopRecord, SuiteResult, SuiteStatus, TestCase, ToolInfo
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.monitoring.local import LocalPrometheus, local_prometheus, target_health
from harness.runners.monitoring.options import MonitoringOptions, Sli, metric_name
from harness.runners.monitoring.prometheus import Answer, PrometheusApi, PrometheusUnavailable
from harness.runners.monitoring.sli import Reading, read
from harness.runners.monitoring.window import Span, WindowProblem, fill, resolve, step_for
from harness.target.connect import auth_headers
from harness.target.handle import TargetHandle

COUNTS = frozenset({"sli.measured", "sli.unmeasured"})
EVIDENCE = "monitoring.json"
SCRAPE_WAIT = 15.0  # seconds beyond a few scrape intervals to wait for a scrape after the window's end


class MonitoringRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = MonitoringOptions
    default_criteria: ClassVar[tuple[str, ...]] = ("sli.unmeasured == 0",)

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, MonitoringOptions)
        return COUNTS | {metric_name(name) for name in options.slis}

    def needs_target(self, options: BaseModel) -> bool:
        assert isinstance(options, MonitoringOptions)
        return options.prometheus.start == "local"  # a running Prometheus is asked even when the target is down

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        return ("an SLI Prometheus cannot answer with one number (no series, several, NaN, a refused query) is not "
                "measured and never passes: the suite is error with the reason",)  # fmt: skip

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        assert isinstance(options, MonitoringOptions)
        source = options.prometheus
        issues: list[OptionIssue] = []
        if source.url is not None and context.scope is not None:
            try:
                context.scope.check_url(source.url)
            except ScopeError as exc:
                issues.append((("prometheus", "url"), str(exc)))
        if source.start == "local" and shutil.which(source.binary) is None:
            issues.append((("prometheus", "binary"), str(message("setup.monitoring.no_binary", binary=source.binary))))
        return issues

    def companion(self, options: BaseModel, target: TargetHandle) -> AbstractContextManager[object] | None:
        assert isinstance(options, MonitoringOptions)
        source = options.prometheus
        if source.start != "local":
            return None
        return local_prometheus(
            target.base_url, source.metrics_path, source.scrape_interval, source.binary, target.verify_tls
        )

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(MonitoringOptions)
        try:
            span = resolve(options.window, ctx.earlier, datetime.now(UTC))
        except WindowProblem as exc:
            raise RunnerSetupError(message("setup.monitoring.window", reason=exc.reason)) from None
        notes: list[Message] = []
        local_start = options.prometheus.start == "local"
        padding = options.window.padding
        padding = (options.prometheus.scrape_interval if local_start else 0.0) if padding is None else padding
        span = span.padded(padding).on_millisecond_grid()
        with self._api(options, ctx) as (api, local):
            _check_ready(api)
            if local is not None:
                first = _parse_time(local.first_scrape)
                if first is not None and span.end <= first:
                    reason = message("monitoring.window_before_local", first=first.isoformat(timespec="seconds"))
                    raise RunnerSetupError(message("setup.monitoring.window", reason=reason))
                if first is not None and span.start < first:  # it has no data before: that is the window
                    # on the millisecond grid that is the first sample's own time: a range starting there
                    # holds it (Prometheus 2 ranges include their start) and an offset to there finds it
                    span = Span(first, span.end, span.source).on_millisecond_grid()
                    notes.append(message("note.monitoring.clamped", first=first.isoformat(timespec="milliseconds")))
                _save_local_files(local, ctx.raw_dir)
                _wait_for_scrape_after(local, span.end, options.prometheus.scrape_interval)
                interval = f"{options.prometheus.scrape_interval:g}s"
                notes.append(message("note.monitoring.local", scrape_url=local.scrape_url, interval=interval))
            else:
                _wait_until(span.end, ctx)
            notes.insert(0, _window_note(api.url, span, padding))
            readings: dict[str, Reading] = {}
            records: list[dict[str, Any]] = []
            for name, sli in ctx.steps(list(options.slis.items()), lambda named: named[0]):
                reading, record = _measure(api, sli, span, options.prometheus.scrape_interval)
                readings[name] = reading
                records.append({"sli": name, **record})
                notes += [message("note.monitoring.warning", name=name, warning=w) for w in record.get("warnings", ())]
            version = _version(api)
        evidence = {"prometheus": api.url, "window": _span_json(span), "slis": records}
        redactor = ctx.redactor.with_secrets(
            [*api.headers.values(), *(v.rpartition(" ")[2] for v in api.headers.values())]
        )
        (ctx.raw_dir / EVIDENCE).write_text(
            redactor.redact(json.dumps(evidence, ensure_ascii=False, indent=1)), encoding="utf-8"
        )
        cancelled = len(readings) < len(options.slis)
        return _result(suite, self.kind, options, span, readings, notes, cancelled, version)

    @contextmanager
    def _api(
        self, options: MonitoringOptions, ctx: RunContext
    ) -> Iterator[tuple[PrometheusApi, LocalPrometheus | None]]:
        source = options.prometheus
        local: LocalPrometheus | None = None
        headers: dict[str, str] = {}
        if source.start == "local":
            if not isinstance(ctx.companion, LocalPrometheus):
                raise RunnerSetupError(message("setup.monitoring.no_local"))
            if ctx.companion.problem is not None:
                raise RunnerSetupError(ctx.companion.problem)
            local = ctx.companion
            api = PrometheusApi(local.url, Scope(["127.0.0.1"]), source.timeout)
        else:
            url = source.url or ""
            scope = ctx.target.scope
            try:
                scope.check_url(url)
                headers = auth_headers(source.auth, url, scope, source.timeout, True)
            except ScopeError:
                raise RunnerSetupError(message("setup.monitoring.outside_scope", url=url)) from None
            except HarnessError as exc:
                raise RunnerSetupError(message("setup.monitoring.unreachable", url=url, reason=str(exc))) from None
            api = PrometheusApi(url, scope, source.timeout, headers)
        try:
            yield api, local
        finally:
            api.close()


def _version(api: PrometheusApi) -> str:
    try:
        answer = api.call("status/buildinfo", {})
    except PrometheusUnavailable:
        return ""
    return str(answer.data.get("version", "")) if answer.ok else ""


def _check_ready(api: PrometheusApi) -> None:
    try:
        answer = api.ready()
    except PrometheusUnavailable as exc:
        raise RunnerSetupError(message("setup.monitoring.unreachable", url=api.url, reason=str(exc))) from None
    if answer:
        raise RunnerSetupError(message("setup.monitoring.not_ready", url=api.url, answer=answer))


def _wait_until(moment: datetime, ctx: RunContext) -> None:
    """A padded window ends in the future: its last samples exist only once it is over."""
    while not ctx.cancel.cancelled and datetime.now(UTC) < moment:
        time.sleep(min(0.2, max(0.0, (moment - datetime.now(UTC)).total_seconds())))


def _wait_for_scrape_after(local: LocalPrometheus, end: datetime, interval: float) -> None:
    """Wait until the local Prometheus scraped the target after ``end`` (so the window's last part is in its
    data); then the scrape must have worked.

    Raises:
        RunnerSetupError: no such scrape within a bound, or the target's metrics could not be scraped.
    """
    bound = 3 * interval + SCRAPE_WAIT
    deadline = time.monotonic() + bound
    health: tuple[str, str, str] | None = None
    while time.monotonic() < deadline:
        try:
            health = target_health(local.url)
        except (requests.RequestException, ValueError):
            health = None
        scraped = _parse_time(health[2]) if health is not None else None
        if scraped is not None and scraped > end:
            break
        time.sleep(min(0.1, interval / 4))
    else:
        raise RunnerSetupError(message("setup.monitoring.no_scrape_after", seconds=bound))
    if health is not None and health[0] != "up":
        raise RunnerSetupError(
            message("setup.monitoring.scrape_failed", url=local.scrape_url, error=health[1] or health[0])
        )


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _parse_time(text: str) -> datetime | None:
    """Prometheus's RFC 3339 times carry nanoseconds; Python reads microseconds."""
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.year > 1 else None  # 0001-01-01: never scraped


def _measure(api: PrometheusApi, sli: Sli, span: Span, interval: float) -> tuple[Reading, dict[str, Any]]:
    """Ask Prometheus for one SLI; the reading and the evidence record (the request as sent, the answer)."""
    sent = fill(sli.query, span)
    record: dict[str, Any] = {"query": sli.query, "sent": sent}
    try:
        if sli.over is None:
            answer = api.query(sent, span.end)
        else:
            answer = api.query_range(sent, span.start, span.end, step_for(span, sli.step, interval))
    except PrometheusUnavailable as exc:
        reading = Reading(reason=message("monitoring.request_failed", reason=str(exc)))
        return reading, {**record, "reason": reading.reason.text if reading.reason else ""}
    record.update(_answer_json(answer))
    if answer.ok:
        reading = read(answer.data, sli)
    else:
        kind, error = answer.error
        reading = Reading(reason=message("monitoring.query_error", status=answer.status, type=kind or "?", error=error))
    record.update(
        {"value": reading.value, "points": reading.points, "reason": reading.reason.text if reading.reason else ""}
    )
    return reading, record


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "endpoint": answer.endpoint,
        "params": dict(answer.params),
        "http_status": answer.status,
        "answer": answer.payload if answer.payload else answer.text,
        "warnings": list(answer.warnings),
    }


def _span_json(span: Span) -> dict[str, Any]:
    return {
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "seconds": span.seconds,
        "source": span.source,
    }


def _window_note(url: str, span: Span, padding: float) -> Message:
    return message(
        "note.monitoring.window",
        url=url,
        start=span.start.isoformat(timespec="milliseconds"),
        end=span.end.isoformat(timespec="milliseconds"),
        length=format_metric("duration", span.seconds),
        source=span.source,
        padding=f"{padding:g}s",
    )


def _save_local_files(local: LocalPrometheus, raw_dir: Path) -> None:
    (raw_dir / "prometheus.yml").write_text(local.config, encoding="utf-8")


def _result(
    suite: PreparedSuite,
    kind: str,
    options: MonitoringOptions,
    span: Span,
    readings: dict[str, Reading],
    notes: list[Message],
    cancelled: bool,
    version: str = "",
) -> SuiteResult:
    metrics: dict[str, float] = {}
    cases: list[TestCase] = []
    unmeasured: list[str] = []
    for name, sli in options.slis.items():
        reading = readings.get(name)
        properties = {
            "sli.query": sli.query,
            "sli.sent": fill(sli.query, span),
            "window.start": span.start.isoformat(),
            "window.end": span.end.isoformat(),
            "window.source": span.source,
        }
        if sli.over is not None:
            properties["sli.over"] = sli.over
        if reading is None:  # cancelled before it was asked
            cases.append(TestCase(id=metric_name(name), name=name, status=CaseStatus.SKIPPED,
                                  message=message("monitoring.cancelled").text, properties=properties))  # fmt: skip
            continue
        if reading.value is None:
            unmeasured.append(name)
            reason = reading.reason or message("monitoring.not_a_number")
            notes.append(message("note.monitoring.not_measured", name=name, reason=reason))
            cases.append(TestCase(id=metric_name(name), name=name, status=CaseStatus.ERROR, message=reason.text,
                                  properties=properties))  # fmt: skip
            continue
        metrics[metric_name(name)] = reading.value
        properties["sli.value"] = format_metric(metric_name(name), reading.value)
        cases.append(TestCase(id=metric_name(name), name=name, status=CaseStatus.PASSED, properties=properties))
    measured = len(readings) - len(unmeasured)
    metrics["sli.measured"] = measured
    metrics["sli.unmeasured"] = len(unmeasured)
    error = ""
    stopped = None
    if cancelled:
        status = SuiteStatus.INCOMPLETE
        stopped = StopRecord(cause="cancelled")
    elif unmeasured:
        # error, not failed: a failed suite whose criteria all hold is tolerated, and an SLI no criterion
        # names would then pass unmeasured; the values that were measured stay in the results and the report
        status = SuiteStatus.ERROR
        reasons = "; ".join(f"{c.name}: {c.message}" for c in cases if c.status is CaseStatus.ERROR)
        key = "setup.monitoring.none_measured" if measured == 0 else "setup.monitoring.some_unmeasured"
        why = message(key, count=len(options.slis), unmeasured=len(unmeasured), names=", ".join(unmeasured))
        error = f"{why}: {reasons}"
        notes.insert(0, why)
    else:
        status = SuiteStatus.PASSED
    return SuiteResult(
        name=suite.name,
        kind=kind,
        status=status,
        tool=ToolInfo(name="prometheus", version=version),
        cases=tuple(cases),
        metrics=metrics,
        error=error,
        notes=tuple(notes),
        stopped=stopped,
    )
