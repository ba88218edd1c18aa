"""``engine: zap`` — OWASP ZAP through its JSON API, like zap-baseline / zap-full-scan / zap-api-scan.

Before anything changes in the daemon: its version, whether the API key is accepted, and whether the
add-ons the mode needs are installed (spider and passive scanner, AJAX spider, OpenAPI; the reports
add-on or its fallback). Then, each change recorded for undo (:mod:`.zap_setup`): a context per run
(include/exclude regexes; everything outside the scope's hosts excluded from spider, active scan and
proxy), ZAP's upstream proxy pointed at the harness's scope proxy (every hop checked against the scope,
``exclude`` enforced, requests counted), header auth limited to the target's origin, spider options.
Then spider (+ AJAX spider), a bounded wait for the passive-scan queue, in ``api`` mode an OpenAPI
import with the target as server, and in ``full``/``api`` an active scan bounded by ``max_minutes``.
Alerts are paged from ``core/view/alerts`` while the scan runs (:mod:`.zap_alerts`), so what was found
survives a ZAP that dies; ZAP's own report is kept. Every change is undone when the suite ends.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from harness.errors import RunnerSetupError
from harness.results.findings import zap_api_alert
from harness.results.messages import message
from harness.results.model import Message, ToolInfo
from harness.runners.base import RunContext
from harness.runners.security.engine import Deadline, ScanOutcome, ScanPlan
from harness.runners.security.options import SecurityOptions
from harness.runners.security.scope_proxy import ScopeProxy, origin_of
from harness.runners.security.zap_alerts import AlertPager
from harness.runners.security.zap_api import ZapApi, ZapError, ZapUnavailable
from harness.runners.security.zap_daemon import find_zap, started_zap
from harness.runners.security.zap_report import keep_report, measure
from harness.runners.security.zap_setup import (
    RULE_PREFIX,
    Changes,
    as_list,
    replacer_has_url,
    rule_scoped,
    run_token,
    stale_rules,
)

T = TypeVar("T")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ScanStopped(Exception):
    """A scan phase ended early; the message says why (recorded as the suite's incomplete reason)."""

    def __init__(self, message: str, cause: str = "tool-died") -> None:
        super().__init__(message)
        self.cause = cause


class ZapEngine:
    name = "zap"

    def available(self, options: SecurityOptions, ctx: RunContext) -> bool:
        return options.zap.api_url is not None or find_zap(options.zap.home, ctx.environ) is not None

    def scan(self, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome) -> None:
        zap = plan.options.zap
        if zap.api_url:
            key = ctx.environ.get(zap.api_key_env, "")
            local = (urlsplit(zap.api_url).hostname or "") in _LOOPBACK
            ZapScan(ZapApi(zap.api_url, key, zap.request_timeout), plan, ctx, outcome, local=local).run()
            return
        command = find_zap(zap.home, ctx.environ)
        if command is None:
            raise RunnerSetupError(message("setup.zap.missing"))
        with started_zap(
            command,
            ctx.raw_dir / "zap-daemon.log",
            startup_timeout=zap.startup_timeout,
            cancel=ctx.cancel,
            environ=ctx.environ,
        ) as daemon:
            outcome.notes.append(message("note.zap.started", version=daemon.version, url=daemon.api_url))
            ZapScan(ZapApi(daemon.api_url, daemon.api_key, zap.request_timeout), plan, ctx, outcome, local=True).run()


def scope_guard(scope_entries: list[str]) -> str | None:
    """A Java/Python regex matching every URL whose host is NOT in scope (None when the scope has CIDR
    networks, which a regex cannot express; the context and the scope proxy still confine the scan)."""
    hosts = []
    for entry in scope_entries:
        if "/" in entry:
            return None
        hosts.append("[^/:@]*" + re.escape(entry[1:]) if entry.startswith("*") else re.escape(entry))
    return rf"^(?!https?://(?:{'|'.join(hosts)})(?::\d+)?(?:[/?#]|$)).*$"


class ZapScan:
    def __init__(
        self, api: ZapApi, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome, *, local: bool = True
    ) -> None:
        self.api = api
        self.client = api.client
        self.plan = plan
        self.ctx = ctx
        self.outcome = outcome
        self.zap = plan.options.zap
        self.local = local
        self.version = ""
        self.token = run_token()
        self.context_name = f"harness-{plan.suite}-{self.token}"
        self.context_id = ""
        self.changes = Changes(api)
        self.pager = AlertPager(self._fetch_alerts, self.zap.page_size)
        self.proxy: ScopeProxy | None = None
        self.reports_addon = False
        self.spider_id = ""
        self.ascan_id = ""
        self.out_of_scope_alerts = 0

    # -- calls -------------------------------------------------------------------------------------
    def setup_call(self, what: str, function: Callable[[], T]) -> T:
        """A call before the scan started: any failure means the suite cannot run."""
        try:
            return self.api.call(what, function)
        except ZapUnavailable as exc:
            if exc.closed:
                raise RunnerSetupError(self._key_refused(what)) from None
            raise RunnerSetupError(message("setup.zap.api_failed", detail=str(exc))) from None
        except ZapError as exc:
            if exc.code == "bad_api_key":
                raise RunnerSetupError(self._key_refused(what, answered=True)) from None
            raise RunnerSetupError(message("setup.zap.api_failed", detail=str(exc))) from None

    def scan_call(self, what: str, function: Callable[[], T]) -> T:
        """A call once scanning started: a dead ZAP stops the scan, keeping what was gathered."""
        try:
            return self.api.call(what, function)
        except ZapUnavailable as exc:
            raise ScanStopped(f"ZAP stopped answering: {exc}") from None
        except ZapError as exc:
            raise ScanStopped(str(exc)) from None

    def _key_refused(self, what: str, answered: bool = False) -> Message:
        env, url = self.zap.api_key_env, self.api.url
        if answered:
            return message("setup.zap.key_refused", url=url, env=env)
        version = self.version or self.api.version_without_key()
        if version is None:
            return message("setup.zap.closed_unknown", url=url, call=what, env=env)
        return message("setup.zap.key_closed", url=url, version=version, call=what, env=env)

    # -- the scan ----------------------------------------------------------------------------------
    def run(self) -> None:
        self.version = str(self.setup_call("core/view/version", lambda: self.client.core.version))
        self.outcome.tool = ToolInfo(name="ZAP", version=self.version)
        self.ctx.log.info(
            "ZAP %s at %s: %s scan of %s", self.version, self.api.url, self.plan.mode, self.plan.target_url
        )
        self.check_addons()
        try:
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
                self._record_stop(stopped)
            finally:
                self._write_alerts()
            measure(self)
        finally:
            problems = self.changes.revert()
            if problems:
                self.outcome.notes.append(message("note.zap.undo_failed", problems="; ".join(problems)))
            if self.proxy is not None:
                self.proxy.stop()
                self.proxy.write_summary(self.ctx.raw_dir / "scope-proxy.json")
                self._proxy_notes()
        if self.out_of_scope_alerts:
            self.outcome.notes.append(message("note.security.out_of_scope_dropped", count=self.out_of_scope_alerts))

    def _record_stop(self, stopped: ScanStopped) -> None:
        if stopped.cause == "time-cap":
            budget = self.plan.budget
            self.outcome.stop(
                str(stopped), "time-cap", cap="max_minutes",
                option=f"suites.{self.plan.suite}.options.max_minutes", limit=budget,
            )  # fmt: skip
        else:
            self.outcome.stop(str(stopped), stopped.cause)

    def check_addons(self) -> None:
        """Refuse before any change when an add-on the mode needs is missing (answers no_implementor)."""
        needed = [("spider/view/scans", "spider", "spider"), ("pscan/view/recordsToScan", "pscan", "pscan")]
        if self.zap.ajax_spider:
            needed.append(("ajaxSpider/view/status", "spiderAjax", "ajax_spider"))
        if self.plan.mode == "api":
            needed.append(("openapi/view/importUrl", "openapi", "openapi"))
        for path, addon, purpose in needed:
            if self._has(path) is False:
                why = message(f"setup.zap.purpose.{purpose}")
                found = message("setup.zap.addon_missing", version=self.version, url=self.api.url, addon=addon, purpose=why)
                raise RunnerSetupError(found)
        self.reports_addon = bool(self._has("reports/view/templates"))

    def _has(self, path: str) -> bool | None:
        """False when ZAP answers no_implementor (add-on missing); True otherwise (even bad_view)."""
        try:
            self.api.call(path, lambda: self.api.raw_view(path + "/"))
        except ZapError as exc:
            return exc.code != "no_implementor"
        except ZapUnavailable as exc:
            if exc.closed:
                raise RunnerSetupError(self._key_refused(path)) from None
            raise RunnerSetupError(message("setup.zap.api_failed", detail=str(exc))) from None
        return True

    def prepare(self) -> None:
        core, context, spider = self.client.core, self.client.context, self.client.spider
        replacer = self.client.replacer
        for stale in stale_rules(self.setup_call("replacer/view/rules", lambda: replacer.rules)):
            self.setup_call("replacer/action/removeRule", partial(replacer.remove_rule, stale))
            self.outcome.notes.append(message("note.zap.stale_rule_removed", rule=stale))
        if self.zap.new_session:
            self.setup_call("core/action/newSession", lambda: core.new_session(overwrite=True))
        self.context_id = str(
            self.setup_call("context/action/newContext", lambda: context.new_context(self.context_name))
        )
        self.changes.add("context/action/removeContext", partial(context.remove_context, self.context_name))
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
        self._add_excludes("spider", lambda: spider.excluded_from_scan, spider.exclude_from_scan,
                           spider.clear_excluded_from_scan, excludes)  # fmt: skip
        ascan = self.client.ascan
        self._add_excludes("ascan", lambda: ascan.excluded_from_scan, ascan.exclude_from_scan,
                           ascan.clear_excluded_from_scan, excludes)  # fmt: skip
        self._add_excludes("core", lambda: core.excluded_from_proxy, core.exclude_from_proxy,
                           core.clear_excluded_from_proxy, excludes)  # fmt: skip
        self._set_option("spider", "MaxDepth", self.zap.spider_depth)
        self._set_option("spider", "MaxDuration", max(1, math.ceil(self.zap.spider_minutes)))
        if self.zap.ajax_spider:
            self._set_option("ajaxSpider", "MaxDuration", max(1, math.ceil(self.zap.ajax_spider_minutes)))
        if self.plan.mode in ("full", "api") and self.zap.policy:
            names = self.setup_call("ascan/view/scanPolicyNames", lambda: self.client.ascan.scan_policy_names)
            if self.zap.policy not in (names if isinstance(names, list) else []):
                raise RunnerSetupError(
                    message(
                        "setup.zap.no_policy", url=self.api.url, policy=self.zap.policy, names=", ".join(map(str, names))
                    )
                )
        legacy_auth = self._header_auth()
        if self.zap.scope_proxy:
            self._route_through_proxy(legacy_auth)

    def _add_excludes(
        self,
        component: str,
        view: Callable[[], object],
        add: Callable[[str], object],
        clear: Callable[[], object],
        regexes: list[str],
    ) -> None:
        name = "excludeFromProxy" if component == "core" else "excludeFromScan"
        listed = "excludedFromProxy" if component == "core" else "excludedFromScan"
        before = as_list(self.setup_call(f"{component}/view/{listed}", view))
        self.changes.add(
            f"{component}/action/clear{listed[0].upper()}{listed[1:]}", partial(_restore_list, clear, add, before)
        )
        for regex in regexes:
            if regex not in before:
                self.setup_call(f"{component}/action/{name}", partial(add, regex))

    def _set_option(self, component: str, option: str, value: int) -> None:
        api = getattr(self.client, component)
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", option).lower()
        before = self.setup_call(f"{component}/view/option{option}", lambda: getattr(api, f"option_{snake}"))
        setter = getattr(api, f"set_option_{snake}")
        self.setup_call(f"{component}/action/setOption{option}", partial(setter, value))
        if str(before).lstrip("-").isdigit():
            self.changes.add(f"{component}/action/setOption{option}", partial(setter, int(str(before))))

    def _header_auth(self) -> dict[str, str]:
        """Add the auth headers as replacer rules limited to the target's origin, where the daemon can.

        Returns the headers the scope proxy must add instead (daemons whose replacer has no ``url``).
        """
        headers = dict(self.plan.headers)
        if not headers:
            return {}
        scoped = replacer_has_url(self.version)
        if scoped is not False:
            parts = urlsplit(self.plan.base_url)
            url_regex = "^" + re.escape(f"{parts.scheme}://{parts.netloc}") + "(?:[/?#].*)?$"
            replacer = self.client.replacer
            for number, (header, value) in enumerate(headers.items()):
                description = f"{RULE_PREFIX}{self.token}-{number}"
                self.setup_call(
                    "replacer/action/addRule",
                    lambda h=header, v=value, d=description: replacer.add_rule(  # type: ignore[misc]
                        description=d, enabled=True, matchtype="REQ_HEADER", matchregex=False, matchstring=h,
                        replacement=v, initiators="", url=url_regex,
                    ),
                )  # fmt: skip
                self.changes.add("replacer/action/removeRule", partial(replacer.remove_rule, description))
                rules = self.setup_call("replacer/view/rules", lambda: replacer.rules)
                if not rule_scoped(rules, description, url_regex):
                    self.setup_call("replacer/action/removeRule", partial(replacer.remove_rule, description))
                    self.changes.undo.pop()
                    scoped = False
                    break
            else:
                self.outcome.notes.append(message("note.zap.header_by_replacer", url=self.plan.base_url))
                return {}
        if urlsplit(self.plan.base_url).scheme == "http" and self.zap.scope_proxy:
            self.outcome.notes.append(
                message("note.zap.header_by_proxy", version=self.version, origin=origin_of(self.plan.base_url))
            )
            return headers
        why = message("setup.zap.why.https" if self.zap.scope_proxy else "setup.zap.why.proxy_off")
        raise RunnerSetupError(message("setup.zap.header_unscoped", version=self.version, url=self.api.url, why=why))

    def _route_through_proxy(self, inject: dict[str, str]) -> None:
        if not self.local:
            raise RunnerSetupError(message("setup.zap.remote_proxy", url=self.api.url))
        self.proxy = ScopeProxy(
            self.ctx.target.scope, self.plan.base_url, inject=inject, credential_names=self.plan.headers,
            exclude=self.plan.exclude,
        ).start()  # fmt: skip
        port = self.proxy.port
        if self._has("network/view/getHttpProxy"):
            network = self.client.network
            before = self.setup_call("network/view/getHttpProxy", lambda: network.get_http_proxy)
            enabled = str(self.setup_call("network/view/isHttpProxyEnabled", lambda: network.is_http_proxy_enabled))
            self.setup_call("network/action/setHttpProxy", lambda: network.set_http_proxy("127.0.0.1", port))
            host = str(before.get("host", "")) if isinstance(before, dict) else ""
            if host:
                old_port = str(before.get("port", "8080"))
                self.changes.add("network/action/setHttpProxy", partial(network.set_http_proxy, host, old_port))
            self.setup_call("network/action/setHttpProxyEnabled", lambda: network.set_http_proxy_enabled(True))
            self.changes.add("network/action/setHttpProxyEnabled", partial(network.set_http_proxy_enabled, enabled))
        else:
            core = self.client.core
            name = str(self.setup_call("core/view/optionProxyChainName", lambda: core.option_proxy_chain_name))
            old_port = str(self.setup_call("core/view/optionProxyChainPort", lambda: core.option_proxy_chain_port))
            used = str(self.setup_call("core/view/optionUseProxyChain", lambda: core.option_use_proxy_chain))
            self.setup_call(
                "core/action/setOptionProxyChainName", lambda: core.set_option_proxy_chain_name("127.0.0.1")
            )
            self.changes.add("core/action/setOptionProxyChainName", partial(core.set_option_proxy_chain_name, name))
            self.setup_call("core/action/setOptionProxyChainPort", lambda: core.set_option_proxy_chain_port(port))
            if old_port.isdigit():
                self.changes.add(
                    "core/action/setOptionProxyChainPort", partial(core.set_option_proxy_chain_port, old_port)
                )
            self.setup_call("core/action/setOptionUseProxyChain", lambda: core.set_option_use_proxy_chain(True))
            self.changes.add("core/action/setOptionUseProxyChain", partial(core.set_option_use_proxy_chain, used))
        before_count = self.proxy.requests
        self.setup_call("core/action/accessUrl", lambda: self.client.core.access_url(self.plan.target_url))
        if self.proxy.requests == before_count:
            raise RunnerSetupError(message("setup.zap.proxy_unreached", url=self.api.url, port=port))

    def _proxy_notes(self) -> None:
        proxy = self.proxy
        if proxy is None or not proxy.refused_count:
            return
        shown = ", ".join(proxy.refused[:5])
        self.outcome.notes.append(message("note.security.proxy_refused", count=proxy.refused_count, examples=shown))

    def import_openapi(self) -> None:
        api = self.client.openapi
        if self.plan.openapi_url:
            host = urlsplit(self.plan.base_url).netloc
            url = self.plan.openapi_url
            answer = self.scan_call(
                "openapi/action/importUrl", lambda: api.import_url(url, hostoverride=host, contextid=self.context_id)
            )
        else:
            path = str(self.plan.openapi_file)
            answer = self.scan_call(
                "openapi/action/importFile",
                lambda: api.import_file(path, target=self.plan.base_url, contextid=self.context_id),
            )
        warnings = [str(w) for w in answer] if isinstance(answer, list) else []
        self.outcome.notes.append(message("note.zap.openapi_imported", count=len(warnings)))
        self.outcome.notes.extend(message("note.zap.openapi_warning", warning=w) for w in warnings[:10])

    def spider(self) -> None:
        spider = self.client.spider
        self._phase("crawl")
        self.spider_id = scan_id = str(
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
            if self._stop_requested(deadline):
                self.scan_call("spider/action/stop", lambda: spider.stop(scan_id))
                self._raise_if_cancelled()
                self.outcome.notes.append(
                    message("note.zap.spider_stopped", progress=progress, minutes=self.zap.spider_minutes)
                )
                return

    def ajax_spider(self) -> None:
        ajax = self.client.ajaxSpider
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
            if self._stop_requested(deadline):
                self.scan_call("ajaxSpider/action/stop", ajax.stop)
                self._raise_if_cancelled()
                self.outcome.notes.append(message("note.zap.ajax_spider_stopped", minutes=self.zap.ajax_spider_minutes))
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
            if self._stop_requested(deadline):
                self._raise_if_cancelled()
                self.outcome.notes.append(
                    message("note.zap.passive_not_drained", minutes=self.zap.passive_wait_minutes, left=left)
                )
                return

    def active_scan(self) -> None:
        ascan = self.client.ascan
        policy = self.zap.policy
        self._phase("attack")
        self.ascan_id = scan_id = str(
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
        deadline = Deadline(self.plan.budget)
        while True:
            progress = _percent(self.scan_call("ascan/view/status", lambda: ascan.status(scan_id)))
            self.ctx.progress.update(total=100, completed=progress, detail=f"active scan {progress}%")
            self.collect()
            if progress >= 100:
                return
            if self._stop_requested(deadline):
                # ZAP went on while we slept: read its progress once more, as it stands at the stop
                progress = _percent(self.scan_call("ascan/view/status", lambda: ascan.status(scan_id)))
                self.scan_call("ascan/action/stop", lambda: ascan.stop(scan_id))
                self.ctx.progress.update(total=100, completed=progress, detail=f"active scan stopped at {progress}%")
                self.collect()
                self._raise_if_cancelled()
                minutes = self.plan.options.max_minutes
                raise ScanStopped(
                    f"active scan stopped at {progress}% after {self.outcome.elapsed():g} s: the suite's max_minutes "
                    f"budget ({minutes:g} min) ran out; raise suites.{self.plan.suite}.options.max_minutes to let "
                    "it finish",
                    cause="time-cap",
                )

    def _phase(self, name: str) -> None:
        if self.proxy is not None:
            self.proxy.phase = name

    def _stop_requested(self, deadline: Deadline) -> bool:
        """Sleep one poll interval; True when the phase must stop (deadline passed or run cancelled)."""
        if self.ctx.cancel.cancelled or deadline.passed:
            return True
        return self.ctx.cancel.wait(min(self.zap.poll_seconds, deadline.left())) or deadline.passed

    def _raise_if_cancelled(self) -> None:
        if self.ctx.cancel.cancelled:
            raise ScanStopped(f"stopped: {self.ctx.cancel.reason}", cause="cancelled")

    # -- results -----------------------------------------------------------------------------------
    def _fetch_alerts(self, start: int, count: int) -> list[Any]:
        core = self.client.core
        page = self.scan_call(
            "core/view/alerts", lambda: core.alerts(baseurl=self.plan.base_url, start=start, count=count)
        )
        if not isinstance(page, list):
            raise ScanStopped(f"ZAP at {self.api.url} answered core/view/alerts with {type(page).__name__}")
        return page

    def collect(self) -> None:
        """Fetch the alerts raised since the last call and turn the in-scope ones into findings."""
        for alert in self.pager.new_alerts():
            url = str(alert.get("url", ""))
            if not self.ctx.target.scope.allows_host(urlsplit(url).hostname or ""):
                self.out_of_scope_alerts += 1
                continue
            rule, instance = zap_api_alert(alert)
            self.outcome.findings.add(rule, instance)

    def _write_alerts(self) -> None:
        path = self.ctx.raw_dir / "zap-alerts.json"
        text = json.dumps({"alerts": self.pager.alerts}, indent=1, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")

    def report(self) -> None:
        try:
            keep_report(self)
        except ZapUnavailable as exc:
            raise ScanStopped(f"ZAP stopped answering: {exc}") from None

    def operations_requested(self) -> list[tuple[str, str]]:
        """(method, URL) of the requests ZAP sent, as seen by the scope proxy, else ZAP's URL list."""
        if self.proxy is not None:
            return self.proxy.seen()
        urls = self.api.call("core/view/urls", lambda: self.client.core.urls(baseurl=self.plan.base_url))
        return [("", str(u)) for u in (urls if isinstance(urls, list) else [])]


def _restore_list(clear: Callable[[], object], add: Callable[[str], object], before: list[str]) -> None:
    clear()
    for regex in before:
        add(regex)


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
