"""A ZAP 2.x JSON-API test double: a real HTTP server on 127.0.0.1 answering like a ZAP daemon.

The ZAP engine cannot be installed here, so the ZAP runner's tests talk to this instead — through the
official ``zaproxy`` client, unchanged: the client sends ``GET http://zap/JSON/<component>/<type>/<name>/``
to the daemon as its HTTP proxy, with the API key in ``X-ZAP-API-Key``. What is mimicked, from ZAP's API
documentation, the zap-api-python client and the 2.9.0 transcript in tests/data/zap/:

- endpoints, parameter names (``scanId``, ``contextName``, ``baseurl``, ``start``, ``count``, ...),
  every value a string (``{"scan": "0"}``, ``{"status": "45"}``), risk and confidence as words;
- error bodies ``{"code": ..., "message": ...}`` with HTTP 400: ``bad_api_key``, ``does_not_exist``,
  ``missing_parameter``, ``illegal_parameter``, ``url_not_in_context``, ``no_implementor`` (unknown
  component, e.g. ``reports`` on 2.9.0), ``bad_view`` / ``bad_action`` (e.g. ``pscan/view/currentTasks``);
- paging of ``core/view/alerts`` by ``start`` / ``count``; spider, passive queue and active scan that
  progress with each status poll, releasing the transcript's passive then active alerts, rewritten to
  the scanned origin.

Two generations, chosen per test with :meth:`Behaviour.legacy` (2.9.0, the default) or
:meth:`Behaviour.current` (2.16): as the real 2.9.0 daemon, the legacy double pages ``core/view/alerts``
1-based above ``start=0``, closes the connection without a reply on a wrong API key (while
``core/view/version`` without a key answers), has a replacer without ``url`` whose rules apply to every
request and survive ``newSession`` (they live in the daemon's configuration), no reports add-on, the
upstream proxy in ``core`` options, and a ``core/other/jsonreport`` that leaves out empty ``otherinfo``,
``cweid``/``wascid`` of 10104/10108 and empty instance fields. The current double has the reports add-on,
a replacer with ``url``, ``alertRef`` and the other newer alert fields, the network add-on's upstream proxy,
and answers a wrong key with ``bad_api_key``.

The double really requests the target (tests/zapdouble/sender.py), so tests can count what reached each
origin with which headers (``sent``). Every API request is recorded (``requests``) so tests can prove
what was, and was not, sent to ZAP. ``die_after_ascan_polls`` makes the daemon vanish mid-scan.
"""

from __future__ import annotations

import json
import lzma
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.zapdouble import sender
from tests.zapdouble.report import traditional_report
from tests.zapdouble.sender import Sent

TRANSCRIPT = Path(__file__).resolve().parent.parent / "data" / "zap" / "alerts-2.9.0-httpbin.json.xz"
TRANSCRIPT_ORIGIN = "http://127.0.0.1:18080"

MESSAGES = {
    "bad_api_key": "Bad API Key",
    "does_not_exist": "Does Not Exist",
    "missing_parameter": "Missing Parameter",
    "illegal_parameter": "Illegal Parameter",
    "no_implementor": "No Implementor",
    "bad_view": "Bad View",
    "bad_action": "Bad Action",
    "bad_other": "Bad Other",
    "bad_type": "Bad Type",
    "already_exists": "Already Exists",
    "context_not_found": "Context Not Found",
    "url_not_in_context": "URL Not In Context",
    "url_not_found": "URL Not Found",
}


class ApiError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def load_transcript() -> dict[str, Any]:
    with lzma.open(TRANSCRIPT, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@dataclass
class Behaviour:
    version: str = "2.9.0"
    reports_addon: bool = False  # the reports add-on arrived with 2.11; 2.9.0 answers no_implementor
    openapi_addon: bool = True
    ajax_addon: bool = True
    network_addon: bool = False  # 2.12+: the upstream proxy is network/...; before, core/...Option*ProxyChain*
    replacer_url: bool = False  # replacer 11 (ZAP 2.12) added a rule's url regex; replacer 8 ignores it
    alert_ref: bool = False  # alertRef, nodeName, inputVector, sourceMessageId, tags (newer alerts)
    paging_one_based: bool = True  # 2.9.0: core/view/alerts start=N (N > 0) returns from the N-th alert
    fail_silently: bool = True  # 2.9.0's default: a wrong API key gets the connection closed, no reply
    version_without_key: bool = True  # core/view/version answers without any key
    legacy_report: bool = True  # 2.9.0's jsonreport leaves out empty otherinfo, some cweid/wascid, ...
    spider_polls: int = 3  # status polls until the spider reports 100
    pscan_records: int = 4  # passive-scan queue length after spidering, one record drained per poll
    ascan_polls: int = 3
    ascan_never_finishes: bool = False
    die_after_ascan_polls: int | None = None
    policies: tuple[str, ...] = ("Default Policy",)
    probe_url: str = ""  # a URL the active scan also requests (as rule 10106 requests https://host/)

    @classmethod
    def legacy(cls, **changes: Any) -> Behaviour:
        """ZAP 2.9.0 with its bundled add-ons (the real daemon of tests/data/zap/)."""
        return cls(**changes)

    @classmethod
    def current(cls, **changes: Any) -> Behaviour:
        """A current ZAP (2.16): reports and network add-ons, replacer with url, newer alert fields."""
        base: dict[str, Any] = {
            "version": "2.16.0", "reports_addon": True, "network_addon": True, "replacer_url": True,
            "alert_ref": True, "paging_one_based": False, "fail_silently": False, "legacy_report": False,
        }  # fmt: skip
        return cls(**{**base, **changes})


@dataclass
class Config:
    """What a ZAP daemon keeps in its config.xml: it survives newSession (and, for real, restarts)."""

    replacer: dict[str, dict[str, str]] = field(default_factory=dict)
    options: dict[str, str] = field(
        default_factory=lambda: {"spider.MaxDepth": "5", "spider.MaxDuration": "0", "ajaxSpider.MaxDuration": "60"}
    )
    chain_enabled: bool = False
    chain_host: str = ""
    chain_port: str = "8080"

    def upstream_proxy(self) -> str:
        return f"http://{self.chain_host}:{self.chain_port}" if self.chain_enabled and self.chain_host else ""


@dataclass
class Scan:
    url: str
    polls: int = 0
    stopped: bool = False
    percent: int = 0


@dataclass
class State:
    """A ZAP session: newSession starts a fresh one."""

    behaviour: Behaviour
    passive: list[dict[str, str]]
    active: list[dict[str, str]]
    released: list[dict[str, str]] = field(default_factory=list)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    spiders: dict[str, Scan] = field(default_factory=dict)
    ascans: dict[str, Scan] = field(default_factory=dict)
    excluded: dict[str, list[str]] = field(default_factory=lambda: {"spider": [], "ascan": [], "proxy": []})
    origin: str = ""
    records: int = 0
    passive_released: int = 0
    ajax: str = "stopped"
    ajax_polls: int = 0
    spidered: dict[str, list[str]] = field(default_factory=dict)  # spider scan id -> URLs fetched
    spider_out_of_scope: list[str] = field(default_factory=list)
    ascan_requests: dict[str, int] = field(default_factory=dict)
    next_context_id: int = 2  # the Default Context is 1


class ZapDouble:
    """``with ZapDouble(api_key="k") as zap: zap.api_url``; ``zap.requests`` lists every call."""

    def __init__(self, api_key: str = "", behaviour: Behaviour | None = None, port: int = 0) -> None:
        self.api_key = api_key
        self.behaviour = behaviour or Behaviour()
        transcript = load_transcript()
        self.meta: dict[str, Any] = transcript["meta"]
        alerts = transcript["alerts"]
        self._seed_passive = [a for a in alerts if a["sourceid"] != "1"]
        self._seed_active = [a for a in alerts if a["sourceid"] == "1"]
        self.state = self._fresh_state()
        self.config = Config()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent: list[Sent] = []  # requests the double sent to targets, as ZAP would
        self.lock = threading.Lock()
        self.dead = False
        self.shutdown_requested = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    def _fresh_state(self) -> State:
        return State(self.behaviour, [dict(a) for a in self._seed_passive], [dict(a) for a in self._seed_active])

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ZapDouble:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def die(self) -> None:
        """Vanish like a killed daemon: stop accepting and close the listening socket."""
        self.dead = True
        threading.Thread(target=self.stop, daemon=True).start()

    def __enter__(self) -> ZapDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if not self.dead:
            self.stop()

    # -- what tests look at ------------------------------------------------------------------------
    def calls(self, endpoint: str) -> list[dict[str, str]]:
        """The parameters of every call to ``endpoint`` (e.g. ``"spider/action/scan"``)."""
        return [params for path, params in self.requests if path == endpoint]

    def sent_to(self, origin: str) -> list[Sent]:
        """The requests sent to ``origin`` (``http://127.0.0.1:8000``; default ports may be left out)."""
        wanted = _origin(origin)
        return [sent for sent in self.sent if sent.origin == wanted]

    def alerts_for(self, baseurl: str) -> list[dict[str, str]]:
        """Every alert the daemon holds for ``baseurl`` (what core/view/alerts pages through)."""
        with self.lock:
            return [dict(a) for a in self.state.released if a["url"].startswith(baseurl)]

    def sent_urls(self) -> list[str]:
        """Every parameter value that is a URL, as sent to the daemon."""
        return [v for _, params in self.requests for v in params.values() if re.match(r"^https?://", v)]

    # -- the API -----------------------------------------------------------------------------------
    def handle(self, path: str, params: dict[str, str], key: str) -> tuple[int, str, str] | None:
        """(status, content type, body) for one API request; None: close the connection unanswered."""
        match = re.match(r"^/(JSON|OTHER)/([A-Za-z]+)/(view|action|other)/([A-Za-z]+)/?$", path)
        if match is None:
            return 404, "text/plain", "Not Found"
        form, component, kind, name = match.groups()
        endpoint = f"{component}/{kind}/{name}"
        with self.lock:
            self.requests.append((endpoint, dict(params)))
            try:
                if self.api_key and key != self.api_key:
                    if endpoint == "core/view/version" and not key and self.behaviour.version_without_key:
                        return 200, "application/json; charset=UTF-8", json.dumps({"version": self.behaviour.version})
                    if self.behaviour.fail_silently:
                        return None  # 2.9.0's default: "fail silently", the connection is closed
                    raise ApiError("bad_api_key")
                value = self._dispatch(component, kind, name, params)
            except ApiError as error:
                body = {"code": error.code, "message": MESSAGES.get(error.code, error.code)}
                if error.detail:
                    body["detail"] = error.detail
                return 400, "application/json; charset=UTF-8", json.dumps(body)
        if form == "OTHER" and isinstance(value, str):
            return 200, "application/json; charset=UTF-8", value
        return 200, "application/json; charset=UTF-8", json.dumps(value)

    def _dispatch(self, component: str, kind: str, name: str, params: dict[str, str]) -> Any:
        handlers = {
            "core": self._core,
            "context": self._context,
            "spider": self._spider,
            "ajaxSpider": self._ajax,
            "pscan": self._pscan,
            "ascan": self._ascan,
            "replacer": self._replacer,
        }
        if self.behaviour.openapi_addon:
            handlers["openapi"] = self._openapi
        if self.behaviour.reports_addon:
            handlers["reports"] = self._reports
        if self.behaviour.network_addon:
            handlers["network"] = self._network
        if not self.behaviour.ajax_addon:
            del handlers["ajaxSpider"]
        handler = handlers.get(component)
        if handler is None:
            raise ApiError("no_implementor")
        return handler(kind, name, params)

    @staticmethod
    def _need(params: dict[str, str], *names: str) -> list[str]:
        for name in names:
            if not params.get(name):
                raise ApiError("missing_parameter", name)
        return [params[n] for n in names]

    @staticmethod
    def _int(params: dict[str, str], name: str, default: int | None = None) -> int:
        value = params.get(name, "")
        if value == "" and default is not None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ApiError("illegal_parameter", name) from None

    @staticmethod
    def _bad(kind: str) -> ApiError:
        return ApiError({"view": "bad_view", "action": "bad_action", "other": "bad_other"}[kind])

    def _core(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("view", "version"):
            return {"version": self.behaviour.version}
        if (kind, name) == ("action", "newSession"):
            self.state = self._fresh_state()  # contexts, excludes, alerts go; config (replacer) stays
            return {"Result": "OK"}
        if (kind, name) == ("action", "excludeFromProxy"):
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            state.excluded["proxy"].append(regex)
            return {"Result": "OK"}
        if (kind, name) == ("view", "excludedFromProxy"):
            return {"excludedFromProxy": list(state.excluded["proxy"])}
        if (kind, name) == ("action", "clearExcludedFromProxy"):
            state.excluded["proxy"].clear()
            return {"Result": "OK"}
        if (kind, name) == ("view", "alerts"):
            selected = self._alerts(params)
            start = self._int(params, "start", 0)
            count = self._int(params, "count", 0)
            if start > 0 and self.behaviour.paging_one_based:
                start -= 1  # 2.9.0: start=0 and start=1 both begin with the first alert
            page = selected[start:] if count <= 0 else selected[start : start + count]
            return {"alerts": page}
        if (kind, name) == ("view", "numberOfAlerts"):
            return {"numberOfAlerts": str(len(self._alerts(params)))}
        if (kind, name) == ("view", "alertsSummary"):
            summary = {"High": 0, "Medium": 0, "Low": 0, "Informational": 0}
            for alert in self._alerts(params):
                summary[alert["risk"]] += 1
            return {"alertsSummary": summary}
        if (kind, name) == ("view", "urls"):
            base = params.get("baseurl", "")
            urls = sorted({s.url for s in self.sent if s.url.startswith(base)})
            return {"urls": urls}
        if (kind, name) == ("action", "accessUrl"):
            (url,) = self._need(params, "url")
            response = sender.send(self, url)
            code = str(response.status_code) if response is not None else ""
            return {"accessUrl": [{"requestHeader": f"GET {url} HTTP/1.1", "responseHeader": code}]}
        chain = self._chain(kind, name, params)
        if chain is not None:
            return chain
        if (kind, name) == ("other", "jsonreport"):
            return json.dumps(self.traditional_report(), indent=1)
        if (kind, name) == ("other", "htmlreport"):
            rows = "".join(f"<tr><td>{a['risk']}</td><td>{a['alert']}</td></tr>" for a in state.released)
            return f"<html><head><title>ZAP Scanning Report</title></head><body><table>{rows}</table></body></html>"
        if (kind, name) == ("action", "shutdown"):
            self.shutdown_requested.set()
            return {"Result": "OK"}
        raise self._bad(kind)

    def _chain(self, kind: str, name: str, params: dict[str, str]) -> Any:
        """2.9.0's upstream proxy ("proxy chain") options in core; gone from current ZAP (network add-on)."""
        if self.behaviour.network_addon:
            return None
        config = self.config
        if (kind, name) == ("view", "optionUseProxyChain"):
            return {"UseProxyChain": str(config.chain_enabled).lower()}
        if (kind, name) == ("view", "optionProxyChainName"):
            return {"ProxyChainName": config.chain_host}
        if (kind, name) == ("view", "optionProxyChainPort"):
            return {"ProxyChainPort": config.chain_port}
        if (kind, name) == ("action", "setOptionUseProxyChain"):
            (value,) = self._need(params, "Boolean")
            config.chain_enabled = value.lower() == "true"
            return {"Result": "OK"}
        if (kind, name) == ("action", "setOptionProxyChainName"):
            config.chain_host = params.get("String", "")
            return {"Result": "OK"}
        if (kind, name) == ("action", "setOptionProxyChainPort"):
            config.chain_port = str(self._int(params, "Integer"))
            return {"Result": "OK"}
        return None

    def _network(self, kind: str, name: str, params: dict[str, str]) -> Any:
        config = self.config
        if (kind, name) == ("view", "getHttpProxy"):
            return {"httpProxy": {"host": config.chain_host, "port": config.chain_port, "realm": "", "username": "",
                                  "password": ""}}  # fmt: skip
        if (kind, name) == ("view", "isHttpProxyEnabled"):
            return {"enabled": str(config.chain_enabled).lower()}
        if (kind, name) == ("action", "setHttpProxy"):
            host, _ = self._need(params, "host", "port")
            config.chain_host, config.chain_port = host, str(self._int(params, "port"))
            return {"Result": "OK"}
        if (kind, name) == ("action", "setHttpProxyEnabled"):
            (value,) = self._need(params, "enabled")
            if value.lower() == "true" and not config.chain_host:
                raise ApiError("illegal_parameter", "enabled")
            config.chain_enabled = value.lower() == "true"
            return {"Result": "OK"}
        raise self._bad(kind)

    def _alerts(self, params: dict[str, str]) -> list[dict[str, str]]:
        base = params.get("baseurl", "")
        risk = params.get("riskId", "")
        words = {"0": "Informational", "1": "Low", "2": "Medium", "3": "High"}
        return [
            a for a in self.state.released if a["url"].startswith(base) and (not risk or a["risk"] == words.get(risk))
        ]

    @staticmethod
    def _check_regex(regex: str) -> None:
        try:
            re.compile(regex)
        except re.error:
            raise ApiError("illegal_parameter", "regex") from None

    def _context(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        contexts = state.contexts
        if (kind, name) == ("action", "newContext"):
            (context,) = self._need(params, "contextName")
            if context in contexts:
                raise ApiError("already_exists", "contextName")
            contexts[context] = {"id": str(state.next_context_id), "include": [], "exclude": [], "inScope": "false"}
            state.next_context_id += 1
            return {"contextId": contexts[context]["id"]}
        if (kind, name) == ("action", "removeContext"):
            (context,) = self._need(params, "contextName")
            if context not in contexts:
                raise ApiError("context_not_found", "contextName")
            del contexts[context]
            return {"Result": "OK"}
        if name in ("includeInContext", "excludeFromContext", "setContextInScope") and kind == "action":
            (context,) = self._need(params, "contextName")
            if context not in contexts:
                raise ApiError("context_not_found", "contextName")
            if name == "setContextInScope":
                (value,) = self._need(params, "booleanInScope")
                contexts[context]["inScope"] = value.lower()
                return {"Result": "OK"}
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            contexts[context]["include" if name == "includeInContext" else "exclude"].append(regex)
            return {"Result": "OK"}
        if (kind, name) == ("view", "contextList"):
            return {"contextList": str(list(contexts))}
        raise self._bad(kind)

    def _in_context(self, context: str, url: str) -> bool:
        found = self.state.contexts.get(context)
        if found is None:
            raise ApiError("context_not_found", "contextName")
        included = any(re.fullmatch(r, url) for r in found["include"])
        return included and not any(re.fullmatch(r, url) for r in found["exclude"])

    def _spider(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("action", "scan"):
            url = params.get("url", "")
            context = params.get("contextName", "")
            if not url and not context:
                raise ApiError("missing_parameter", "url")
            if context and url and not self._in_context(context, url):
                raise ApiError("url_not_in_context", "url")
            scan_id = str(len(state.spiders))
            state.spiders[scan_id] = Scan(url)
            parts = urlsplit(url)
            state.origin = f"{parts.scheme}://{parts.netloc}"
            state.spidered[scan_id] = sender.spider(self, url, context)
            return {"scan": scan_id}
        if (kind, name) == ("view", "status"):
            scan = self._scan(state.spiders, params)
            scan.polls += 1
            percent = 100 if scan.stopped else min(100, scan.polls * 100 // max(self.behaviour.spider_polls, 1))
            if percent >= 100 and state.records == 0 and state.passive_released == 0:
                state.records = self.behaviour.pscan_records
                self._release_passive(fraction_done=0.25)
            return {"status": str(percent)}
        if (kind, name) == ("view", "results"):
            self._scan(state.spiders, params)
            return {"results": list(state.spidered[params["scanId"]])}
        if (kind, name) == ("view", "fullResults"):
            self._scan(state.spiders, params)
            in_scope = [
                {"processed": "true", "statusReason": "OK", "method": "GET", "reasonNotProcessed": "", "messageId": "1",
                 "url": url, "statusCode": "200"} for url in state.spidered[params["scanId"]]
            ]  # fmt: skip
            out = [{"url": url} for url in state.spider_out_of_scope]
            return {"fullResults": [{"urlsInScope": in_scope}, {"urlsOutOfScope": out}, {"urlsIoError": []}]}
        if (kind, name) == ("action", "stop"):
            self._scan(state.spiders, params).stopped = True
            return {"Result": "OK"}
        if (kind, name) == ("action", "excludeFromScan"):
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            state.excluded["spider"].append(regex)
            return {"Result": "OK"}
        if (kind, name) == ("view", "excludedFromScan"):
            return {"excludedFromScan": list(state.excluded["spider"])}
        if (kind, name) == ("action", "clearExcludedFromScan"):
            state.excluded["spider"].clear()
            return {"Result": "OK"}
        if kind == "action" and name in ("setOptionMaxDepth", "setOptionMaxDuration"):
            self.config.options[f"spider.{name.removeprefix('setOption')}"] = str(self._int(params, "Integer"))
            return {"Result": "OK"}
        if kind == "view" and name in ("optionMaxDepth", "optionMaxDuration"):
            return {name.removeprefix("option"): self.config.options[f"spider.{name.removeprefix('option')}"]}
        raise self._bad(kind)

    def _ajax(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("action", "scan"):
            state.ajax, state.ajax_polls = "running", 0
            return {"Result": "OK"}
        if (kind, name) == ("view", "status"):
            state.ajax_polls += 1
            if state.ajax_polls >= 2:
                state.ajax = "stopped"
            return {"status": state.ajax}
        if (kind, name) == ("action", "stop"):
            state.ajax = "stopped"
            return {"Result": "OK"}
        if (kind, name) == ("action", "setOptionMaxDuration"):
            self.config.options["ajaxSpider.MaxDuration"] = str(self._int(params, "Integer"))
            return {"Result": "OK"}
        if (kind, name) == ("view", "optionMaxDuration"):
            return {"MaxDuration": self.config.options["ajaxSpider.MaxDuration"]}
        if (kind, name) == ("view", "numberOfResults"):
            return {"numberOfResults": "0"}
        raise self._bad(kind)

    def _release_passive(self, fraction_done: float) -> None:
        state = self.state
        target = int(len(state.passive) * fraction_done)
        while state.passive_released < target:
            self._release(state.passive[state.passive_released])
            state.passive_released += 1

    def _release(self, alert: dict[str, str]) -> None:
        released = dict(alert)
        released["id"] = str(len(self.state.released))
        origin = self.state.origin or TRANSCRIPT_ORIGIN
        released["url"] = origin + alert["url"][len(TRANSCRIPT_ORIGIN) :]
        if self.behaviour.alert_ref:
            released.update(alertRef=alert["pluginId"], nodeName=released["url"], inputVector="",
                            sourceMessageId=alert["messageId"], tags={})  # fmt: skip
        self.state.released.append(released)

    def _pscan(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("view", "recordsToScan"):
            left = state.records
            if state.records > 0:
                state.records -= 1
                total = self.behaviour.pscan_records
                self._release_passive(0.25 + 0.75 * (total - state.records) / total)
            return {"recordsToScan": str(left)}
        if (kind, name) == ("view", "scanners"):
            return {"scanners": self._scanners(self._seed_passive)}
        raise self._bad(kind)  # currentTasks and friends do not exist in 2.9.0

    def _scanners(self, alerts: list[dict[str, str]]) -> list[dict[str, str]]:
        seen: dict[str, str] = {}
        for alert in alerts:
            seen.setdefault(alert["pluginId"], alert["alert"])
        return [
            {"id": i, "name": n, "enabled": "true", "alertThreshold": "DEFAULT", "quality": "release"}
            for i, n in seen.items()
        ]

    def _ascan(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("view", "scanPolicyNames"):
            return {"scanPolicyNames": list(self.behaviour.policies)}
        if (kind, name) == ("view", "scanners"):
            policy = self.meta["ascan_policy"]
            pairs = zip(policy["scanner_ids"], policy["scanner_names"], strict=True)
            return {"scanners": [{"id": i, "name": n, "enabled": "true", "quality": "release"} for i, n in pairs]}
        if (kind, name) == ("action", "scan"):
            url = params.get("url", "")
            policy = params.get("scanPolicyName", "")
            if policy and policy not in self.behaviour.policies:
                raise ApiError("does_not_exist", "scanPolicyName")
            if not url:
                raise ApiError("missing_parameter", "url")
            if not state.origin or not url.startswith(state.origin):
                raise ApiError("url_not_found", "url")  # ZAP scans only what is in its sites tree
            scan_id = str(len(state.ascans))
            state.ascans[scan_id] = Scan(url)
            urls = [u for fetched in state.spidered.values() for u in fetched if u.startswith(url)]
            state.ascan_requests[scan_id] = sender.active_scan(self, urls, params.get("contextId", ""))
            return {"scan": scan_id}
        if (kind, name) == ("view", "status"):
            scan = self._scan(state.ascans, params)
            if scan.stopped:
                return {"status": str(scan.percent)}
            scan.polls += 1
            die_after = self.behaviour.die_after_ascan_polls
            if die_after is not None and scan.polls > die_after:
                raise _Die()
            steps = max(self.behaviour.ascan_polls, 1)
            percent = min(100, scan.polls * 100 // steps)
            if self.behaviour.ascan_never_finishes:
                percent = min(scan.polls * 7, 42)
            scan.percent = percent
            released = len([a for a in state.released if a["sourceid"] == "1"])
            target = len(state.active) * min(scan.polls, steps) // steps
            for alert in state.active[released:target]:
                self._release(alert)
            return {"status": str(percent)}
        if (kind, name) == ("view", "scans"):
            return {"scans": [
                {"id": i, "progress": str(scan.percent), "state": "FINISHED" if scan.percent >= 100 else
                 ("PAUSED" if scan.stopped else "RUNNING"), "reqCount": str(state.ascan_requests.get(i, 0)),
                 "alertCount": "0", "newAlertCount": "0"} for i, scan in state.ascans.items()
            ]}  # fmt: skip
        if (kind, name) == ("view", "scanProgress"):
            scan = self._scan(state.ascans, params)
            policy = self.meta["ascan_policy"]
            done = len(policy["scanner_ids"]) * scan.percent // 100
            rows = [
                {"HostProcess": [
                    {"Plugin": [n, i, "release", "Complete" if k < done else "Pending", "12", "3", "0"]}
                    for k, (i, n) in enumerate(zip(policy["scanner_ids"], policy["scanner_names"], strict=True))
                ]}
            ]  # fmt: skip
            return {"scanProgress": [scan.url, {"HostProcess": rows[0]["HostProcess"]}]}
        if (kind, name) == ("action", "stop"):
            self._scan(state.ascans, params).stopped = True
            return {"Result": "OK"}
        if (kind, name) == ("action", "excludeFromScan"):
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            state.excluded["ascan"].append(regex)
            return {"Result": "OK"}
        if (kind, name) == ("view", "excludedFromScan"):
            return {"excludedFromScan": list(state.excluded["ascan"])}
        if (kind, name) == ("action", "clearExcludedFromScan"):
            state.excluded["ascan"].clear()
            return {"Result": "OK"}
        raise self._bad(kind)

    @staticmethod
    def _scan(scans: dict[str, Scan], params: dict[str, str]) -> Scan:
        scan_id = params.get("scanId", "")
        if scan_id not in scans:
            raise ApiError("does_not_exist", "scanId")
        return scans[scan_id]

    def _replacer(self, kind: str, name: str, params: dict[str, str]) -> Any:
        rules = self.config.replacer  # in config.xml: survives newSession
        if (kind, name) == ("action", "addRule"):
            description, _, match_type, _, _ = self._need(
                params, "description", "enabled", "matchType", "matchRegex", "matchString"
            )
            if description in rules:
                raise ApiError("already_exists", "description")
            if match_type not in (
                "REQ_HEADER", "REQ_HEADER_STR", "REQ_BODY_STR", "RESP_HEADER", "RESP_HEADER_STR", "RESP_BODY_STR",
            ):  # fmt: skip
                raise ApiError("illegal_parameter", "matchType")
            rule = {k: v for k, v in params.items() if k != "apikey"}
            if not self.behaviour.replacer_url:
                rule.pop("url", None)  # replacer 8 has no such parameter and ignores it
            elif rule.get("url"):
                self._check_regex(rule["url"])
            rules[description] = rule
            return {"Result": "OK"}
        if (kind, name) == ("action", "removeRule"):
            (description,) = self._need(params, "description")
            if description not in rules:
                raise ApiError("does_not_exist", "description")
            del rules[description]
            return {"Result": "OK"}
        if (kind, name) == ("view", "rules"):
            return {"rules": list(rules.values())}
        raise self._bad(kind)

    def _openapi(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("action", "importUrl"):
            (url,) = self._need(params, "url")
            response = sender.send(self, url)
            if response is None or response.status_code != 200:
                raise ApiError("bad_external_data", "url")
            override = params.get("hostOverride", "")
            if override and "://" not in override:
                override = f"{urlsplit(url).scheme}://{override}"
            state.origin = _origin_text(override or url)
            return {"importUrl": self._import(response.text, override, params.get("contextId", ""))}
        if (kind, name) == ("action", "importFile"):
            (file,) = self._need(params, "file")
            if not Path(file).is_file():
                raise ApiError("does_not_exist", "file")
            target = params.get("target", "")
            if target:
                state.origin = _origin_text(target)
            return {
                "importFile": self._import(Path(file).read_text(encoding="utf-8"), target, params.get("contextId", ""))
            }
        raise self._bad(kind)

    def _import(self, text: str, target: str, context_id: str) -> list[str]:
        """Request every operation as ZAP's import does (servers replaced by ``target``); warnings."""
        spec = json.loads(text)
        servers = [s.get("url", "") for s in spec.get("servers") or [] if isinstance(s, dict)]
        server = servers[0] if servers else ""
        if target:
            parts = urlsplit(target)
            path = parts.path.rstrip("/") or urlsplit(server).path.rstrip("/")
            server = f"{parts.scheme}://{parts.netloc}{path}"
        context = next((n for n, c in self.state.contexts.items() if c["id"] == context_id), "")
        imported: list[str] = []
        for path, item in (spec.get("paths") or {}).items():
            for method in ("get", "put", "post", "delete", "patch"):
                if isinstance(item, dict) and method in item:
                    url = server + re.sub(r"\{[^}/]+\}", "1", path)
                    if context and not self._in_context(context, url):
                        continue  # "Endpoints excluded by the Context will not be imported"
                    sender.send(self, url, method.upper())
                    imported.append(url)
        self.state.spidered.setdefault("openapi", []).extend(imported)
        return []

    def _reports(self, kind: str, name: str, params: dict[str, str]) -> Any:
        if (kind, name) == ("view", "templates"):
            return {"templates": ["traditional-json", "traditional-html", "traditional-xml", "sarif-json"]}
        if (kind, name) != ("action", "generate"):
            raise self._bad(kind)
        _, template = self._need(params, "title", "template")
        directory = Path(params.get("reportDir") or ".")
        file_name = params.get("reportFileName") or f"report.{template.rsplit('-', 1)[-1]}"
        path = directory / file_name
        if template == "traditional-json":
            path.write_text(json.dumps(self.traditional_report(), indent=1), encoding="utf-8")
        elif template == "traditional-html":
            path.write_text(self._core("other", "htmlreport", {}), encoding="utf-8")
        else:
            raise ApiError("does_not_exist", "template")
        return {"generate": str(path)}

    def traditional_report(self) -> dict[str, Any]:
        """The ``-J`` / ``core/other/jsonreport`` shape (tests/zapdouble/report.py)."""
        return traditional_report(self.state.released, self.behaviour.version, self.behaviour.legacy_report)


def _origin_text(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


class _Die(Exception):
    """Raised inside a request to make the daemon vanish before it answers."""


def _handler(double: ZapDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # head and body are two writes: no delayed-ACK wait between them

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _serve(self, body: bytes = b"") -> None:
            parts = urlsplit(self.path)  # absolute form: the client uses the daemon as its proxy
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            if body:
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            key = self.headers.get("X-ZAP-API-Key") or params.pop("apikey", "")
            if double.dead:
                self.close_connection = True
                return
            try:
                answer = double.handle(parts.path, params, key)
            except _Die:
                self.close_connection = True  # no answer at all: like a process that was killed
                double.die()
                return
            if answer is None:  # "fail silently": the connection is closed without a reply
                self.close_connection = True
                return
            status, content_type, text = answer
            payload = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Access-Control-Allow-Methods", "GET,POST,OPTIONS")
            self.end_headers()
            self.wfile.write(payload)
            if double.shutdown_requested.is_set():
                double.die()

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._serve(self.rfile.read(length) if length else b"")

    return Handler
