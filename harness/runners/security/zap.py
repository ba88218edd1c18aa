"""``engine: zap`` — OWASP ZAP through its JSON API, like zap-baseline / zap-full-scan / zap-api-scan.

Steps: a context per run (include/exclude regexes; everything outside the scope's hosts excluded from
spider, active scan and proxy), header auth as a replacer rule, spider (+ AJAX spider), a bounded wait
for the passive-scan queue, then in ``full`` / ``api`` mode an OpenAPI import (``api``) and an active
scan bounded by ``max_minutes``. Alerts are paged from ``core/view/alerts`` while the scan runs, so what
was found survives a ZAP that dies; ZAP's own report is kept (``reports/action/generate``, or
``core/other/jsonreport`` on daemons without the reports add-on, e.g. 2.9.0).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from harness.errors import RunnerSetupError
from harness.results.findings import zap_api_alert
from harness.results.model import ToolInfo
from harness.runners.base import RunContext
from harness.runners.security.engine import Deadline, ScanOutcome, ScanPlan
from harness.runners.security.options import SecurityOptions
from harness.runners.security.zap_api import ZapApi, ZapError, ZapUnavailable
from harness.runners.security.zap_daemon import find_zap, started_zap

T = TypeVar("T")


class ScanStopped(Exception):
    """A scan phase ended early; the message says why (recorded as the suite's incomplete reason)."""


class ZapEngine:
    name = "zap"

    def available(self, options: SecurityOptions, ctx: RunContext) -> bool:
        return options.zap.api_url is not None or find_zap(options.zap.home, ctx.environ) is not None

    def scan(self, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome) -> None:
        zap = plan.options.zap
        if zap.api_url:
            key = ctx.environ.get(zap.api_key_env, "")
            ZapScan(ZapApi(zap.api_url, key, zap.request_timeout), plan, ctx, outcome).run()
            return
        command = find_zap(zap.home, ctx.environ)
        if command is None:
            raise RunnerSetupError(
                "ZAP is not installed: put zap.sh on PATH, set $ZAP_HOME or zap.home, or give zap.api_url"
            )
        with started_zap(
            command,
            ctx.raw_dir / "zap-daemon.log",
            startup_timeout=zap.startup_timeout,
            cancel=ctx.cancel,
            environ=ctx.environ,
        ) as daemon:
            outcome.notes.append(f"ZAP {daemon.version} started by the harness on {daemon.api_url}")
            ZapScan(ZapApi(daemon.api_url, daemon.api_key, zap.request_timeout), plan, ctx, outcome).run()


def scope_guard(scope_entries: list[str]) -> str | None:
    """A Java/Python regex matching every URL whose host is NOT in scope (None when the scope has CIDR
    networks, which a regex cannot express; the context still confines the scan then)."""
    hosts = []
    for entry in scope_entries:
        if "/" in entry:
            return None
        hosts.append("[^/:@]*" + re.escape(entry[1:]) if entry.startswith("*") else re.escape(entry))
    return rf"^(?!https?://(?:{'|'.join(hosts)})(?::\d+)?(?:[/?#]|$)).*$"


class ZapScan:
    def __init__(self, api: ZapApi, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome) -> None:
        self.api = api
        self.client = api.client
        self.plan = plan
        self.ctx = ctx
        self.outcome = outcome
        self.zap = plan.options.zap
        self.alerts: list[dict[str, Any]] = []
        self.out_of_scope_alerts = 0
        self.context_name = f"harness-{plan.suite}"
        self.context_id = ""

    # -- calls -------------------------------------------------------------------------------------
    def setup_call(self, what: str, function: Callable[[], T]) -> T:
        """A call before the scan started: any failure means the suite cannot run."""
        try:
            return self.api.call(what, function)
        except (ZapUnavailable, ZapError) as exc:
            raise RunnerSetupError(str(exc)) from None

    def scan_call(self, what: str, function: Callable[[], T]) -> T:
        """A call once scanning started: a dead ZAP stops the scan, keeping what was gathered."""
        try:
            return self.api.call(what, function)
        except ZapUnavailable as exc:
            raise ScanStopped(f"ZAP stopped answering: {exc}") from None
        except ZapError as exc:
            raise ScanStopped(str(exc)) from None

    # -- the scan ----------------------------------------------------------------------------------
    def run(self) -> None:
        version = str(self.setup_call("core/view/version", lambda: self.client.core.version))
        self.outcome.tool = ToolInfo(name="ZAP", version=version)
        self.ctx.log.info("ZAP %s at %s: %s scan of %s", version, self.api.url, self.plan.mode, self.plan.target_url)
        self.prepare()
        try:
            if self.plan.mode == "api":
                self.import_openapi()
            self.spider()
            if self.zap.ajax_spider:
                self.ajax_spider()
            self.passive_wait()
            if self.plan.mode in ("full", "api"):
                self.active_scan()
            self.collect()
            self.report()
        except ScanStopped as stopped:
            self.outcome.incomplete = str(stopped)
        finally:
            self.write_alerts()
        if self.out_of_scope_alerts:
            self.outcome.notes.append(f"{self.out_of_scope_alerts} alerts on hosts outside the scope were dropped")

    def prepare(self) -> None:
        core, context = self.client.core, self.client.context
        if self.zap.new_session:
            self.setup_call("core/action/newSession", lambda: core.new_session(overwrite=True))
        self.context_id = str(
            self.setup_call("context/action/newContext", lambda: context.new_context(self.context_name))
        )
        for regex in self.plan.include:
            self.setup_call(
                "context/action/includeInContext", partial(context.include_in_context, self.context_name, regex)
            )
        self.setup_call(
            "context/action/setContextInScope", lambda: context.set_context_in_scope(self.context_name, True)
        )
        excludes = list(self.plan.exclude)
        guard = scope_guard(self.ctx.target.scope.entries)
        if guard:
            excludes.append(guard)
        for regex in excludes:
            self.setup_call(
                "context/action/excludeFromContext", partial(context.exclude_from_context, self.context_name, regex)
            )
            self.setup_call("spider/action/excludeFromScan", partial(self.client.spider.exclude_from_scan, regex))
            self.setup_call("ascan/action/excludeFromScan", partial(self.client.ascan.exclude_from_scan, regex))
            self.setup_call("core/action/excludeFromProxy", partial(core.exclude_from_proxy, regex))
        target_regex = "^" + re.escape(self.plan.base_url) + ".*"
        for number, (header, value) in enumerate(self.plan.headers.items()):
            self.setup_call(
                "replacer/action/addRule",
                lambda h=header, v=value, n=number: self.client.replacer.add_rule(  # type: ignore[misc]
                    description=f"harness-auth-{n}", enabled=True, matchtype="REQ_HEADER", matchregex=False,
                    matchstring=h, replacement=v, initiators="", url=target_regex,
                ),
            )  # fmt: skip
        spider = self.client.spider
        self.setup_call("spider/action/setOptionMaxDepth", lambda: spider.set_option_max_depth(self.zap.spider_depth))
        minutes = max(1, math.ceil(self.zap.spider_minutes))
        self.setup_call("spider/action/setOptionMaxDuration", lambda: spider.set_option_max_duration(minutes))
        if self.plan.mode in ("full", "api") and self.zap.policy:
            names = self.setup_call("ascan/view/scanPolicyNames", lambda: self.client.ascan.scan_policy_names)
            if self.zap.policy not in (names if isinstance(names, list) else []):
                raise RunnerSetupError(
                    f"ZAP at {self.api.url} has no scan policy {self.zap.policy!r}; it has: {', '.join(map(str, names))}"
                )

    def import_openapi(self) -> None:
        openapi = self.client.openapi
        try:
            if self.plan.openapi_url:
                host = urlsplit(self.plan.base_url).netloc
                url = self.plan.openapi_url
                answer = self.api.call(
                    "openapi/action/importUrl",
                    lambda: openapi.import_url(url, hostoverride=host, contextid=self.context_id),
                )
            else:
                path = str(self.plan.openapi_file)
                answer = self.api.call(
                    "openapi/action/importFile",
                    lambda: openapi.import_file(path, target=self.plan.base_url, contextid=self.context_id),
                )
        except ZapError as exc:
            if exc.code == "no_implementor":
                raise RunnerSetupError(f"ZAP at {self.api.url} has no OpenAPI add-on (openapi): install it") from None
            raise ScanStopped(f"OpenAPI import failed: {exc}") from None
        except ZapUnavailable as exc:
            raise ScanStopped(f"ZAP stopped answering: {exc}") from None
        warnings = [str(w) for w in answer] if isinstance(answer, list) else []
        self.outcome.notes.append(f"OpenAPI imported into ZAP ({len(warnings)} warnings)")
        self.outcome.notes.extend(f"OpenAPI import: {w}" for w in warnings[:10])

    def spider(self) -> None:
        spider = self.client.spider
        scan_id = str(
            self.scan_call(
                "spider/action/scan",
                lambda: spider.scan(url=self.plan.target_url, contextname=self.context_name, recurse=True),
            )
        )
        deadline = Deadline(self.zap.spider_minutes * 60 + 30)  # ZAP's own max duration stops it first
        while True:
            progress = _percent(self.scan_call("spider/view/status", lambda: spider.status(scan_id)))
            self.ctx.progress.update(total=100, completed=progress, detail=f"spider {progress}%")
            self.collect()
            if progress >= 100:
                return
            if self._stop_requested(deadline, "spider"):
                self.scan_call("spider/action/stop", lambda: spider.stop(scan_id))
                self.outcome.notes.append(f"spider stopped at {progress}% after {self.zap.spider_minutes:g} min")
                self._raise_if_cancelled()
                return

    def ajax_spider(self) -> None:
        ajax = self.client.ajaxSpider
        self.scan_call(
            "ajaxSpider/action/setOptionMaxDuration",
            lambda: ajax.set_option_max_duration(max(1, math.ceil(self.zap.ajax_spider_minutes))),
        )
        self.scan_call(
            "ajaxSpider/action/scan",
            lambda: ajax.scan(url=self.plan.target_url, inscope=True, contextname=self.context_name),
        )
        deadline = Deadline(self.zap.ajax_spider_minutes * 60 + 30)
        while True:
            status = str(self.scan_call("ajaxSpider/view/status", lambda: ajax.status))
            self.ctx.progress.update(total=None, detail=f"AJAX spider {status}")
            self.collect()
            if status != "running":
                return
            if self._stop_requested(deadline, "AJAX spider"):
                self.scan_call("ajaxSpider/action/stop", ajax.stop)
                self.outcome.notes.append(f"AJAX spider stopped after {self.zap.ajax_spider_minutes:g} min")
                self._raise_if_cancelled()
                return

    def passive_wait(self) -> None:
        pscan = self.client.pscan
        deadline = Deadline(self.zap.passive_wait_minutes * 60)
        first: int | None = None
        while True:
            left = _count(self.scan_call("pscan/view/recordsToScan", lambda: pscan.records_to_scan))
            first = left if first is None else max(first, left)
            done = (first - left) if first else 0
            self.ctx.progress.update(total=max(first, 1), completed=done, detail=f"passive scan: {left} records left")
            self.collect()
            if left == 0:
                return
            if self._stop_requested(deadline, "passive scan"):
                self.outcome.notes.append(
                    f"passive scan queue not drained after {self.zap.passive_wait_minutes:g} min ({left} records left)"
                )
                self._raise_if_cancelled()
                return

    def active_scan(self) -> None:
        ascan = self.client.ascan
        policy = self.zap.policy
        scan_id = str(
            self.scan_call(
                "ascan/action/scan",
                lambda: ascan.scan(
                    url=self.plan.target_url if self.plan.mode == "full" else self.plan.base_url,
                    recurse=True, inscopeonly=True, scanpolicyname=policy, contextid=self.context_id,
                ),
            )
        )  # fmt: skip
        if not scan_id.isdigit():
            raise ScanStopped(f"ZAP at {self.api.url} did not start an active scan (answered {scan_id!r})")
        deadline = Deadline(self.plan.options.max_minutes * 60)
        while True:
            progress = _percent(self.scan_call("ascan/view/status", lambda: ascan.status(scan_id)))
            self.ctx.progress.update(total=100, completed=progress, detail=f"active scan {progress}%")
            self.collect()
            if progress >= 100:
                return
            if self._stop_requested(deadline, "active scan"):
                self.scan_call("ascan/action/stop", lambda: ascan.stop(scan_id))
                self.collect()
                self._raise_if_cancelled()
                raise ScanStopped(
                    f"active scan stopped at {progress}%: it did not finish within max_minutes "
                    f"({self.plan.options.max_minutes:g} min)"
                )

    def _stop_requested(self, deadline: Deadline, phase: str) -> bool:
        """Sleep one poll interval; True when the phase must stop (deadline passed or run cancelled)."""
        if self.ctx.cancel.cancelled or deadline.passed:
            return True
        return self.ctx.cancel.wait(min(self.zap.poll_seconds, deadline.left())) or deadline.passed

    def _raise_if_cancelled(self) -> None:
        if self.ctx.cancel.cancelled:
            raise ScanStopped(f"stopped: {self.ctx.cancel.reason}")

    # -- results -----------------------------------------------------------------------------------
    def collect(self) -> None:
        """Fetch the alerts raised since the last call, one page at a time."""
        core = self.client.core
        size = self.zap.page_size
        for _ in range(100_000):  # bounded: at most 100k pages
            start = len(self.alerts) + self.out_of_scope_alerts
            page = self.scan_call(
                "core/view/alerts",
                lambda s=start: core.alerts(baseurl=self.plan.base_url, start=s, count=size),  # type: ignore[misc]
            )
            if not isinstance(page, list):
                raise ScanStopped(f"ZAP at {self.api.url} answered core/view/alerts with {type(page).__name__}")
            for alert in page:
                if not isinstance(alert, dict):
                    continue
                url = str(alert.get("url", ""))
                if not self.ctx.target.scope.allows_host(urlsplit(url).hostname or ""):
                    self.out_of_scope_alerts += 1
                    continue
                self.alerts.append(alert)
                rule, instance = zap_api_alert(alert)
                self.outcome.findings.add(rule, instance)
            if len(page) < size:
                return

    def write_alerts(self) -> None:
        path = self.ctx.raw_dir / "zap-alerts.json"
        path.write_text(json.dumps({"alerts": self.alerts}, indent=1, ensure_ascii=False), encoding="utf-8")

    def report(self) -> None:
        """Keep ZAP's own report: reports.generate (ZAP 2.11+), else core.jsonreport/htmlreport."""
        raw = self.ctx.raw_dir
        reports = self.client.reports
        try:
            for template, name in (("traditional-json", "zap-report.json"), ("traditional-html", "zap-report.html")):
                written = self.api.call(
                    "reports/action/generate",
                    lambda t=template, n=name: reports.generate(  # type: ignore[misc]
                        title=f"ZAP scan of {self.plan.target_url}",
                        template=t,
                        reportdir=str(raw),
                        reportfilename=n,
                        contexts=self.context_name,
                    ),
                )
                if not (raw / name).is_file():
                    raise ZapError(f"ZAP wrote its report to {written!r}, not into the run directory", "no_access")
            return
        except ZapError as exc:
            if exc.code not in ("no_implementor", "no_access", "bad_action"):
                self.outcome.notes.append(f"ZAP report not generated: {exc}")
                return
        except ZapUnavailable as exc:
            raise ScanStopped(f"ZAP stopped answering: {exc}") from None
        core = self.client.core
        for function, name, what in (
            (core.jsonreport, "zap-report.json", "core/other/jsonreport"),
            (core.htmlreport, "zap-report.html", "core/other/htmlreport"),
        ):
            text = self.scan_call(what, function)
            _write(raw / name, str(text))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _percent(value: object) -> int:
    try:
        return max(0, min(100, int(str(value))))
    except ValueError:
        raise ScanStopped(f"ZAP answered a scan status of {value!r}") from None


def _count(value: object) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        raise ScanStopped(f"ZAP answered a queue length of {value!r}") from None
