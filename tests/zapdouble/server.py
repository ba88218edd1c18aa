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

Every request is recorded (``requests``) so tests can prove what was, and was not, sent to ZAP.
``die_after_ascan_polls`` makes the daemon vanish mid-scan (connection dropped, socket closed).
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
    spider_polls: int = 3  # status polls until the spider reports 100
    pscan_records: int = 4  # passive-scan queue length after spidering, one record drained per poll
    ascan_polls: int = 3
    ascan_never_finishes: bool = False
    die_after_ascan_polls: int | None = None
    policies: tuple[str, ...] = ("Default Policy",)


@dataclass
class Scan:
    url: str
    polls: int = 0
    stopped: bool = False


@dataclass
class State:
    behaviour: Behaviour
    passive: list[dict[str, str]]
    active: list[dict[str, str]]
    released: list[dict[str, str]] = field(default_factory=list)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    spiders: dict[str, Scan] = field(default_factory=dict)
    ascans: dict[str, Scan] = field(default_factory=dict)
    replacer: dict[str, dict[str, str]] = field(default_factory=dict)
    excluded: dict[str, list[str]] = field(default_factory=lambda: {"spider": [], "ascan": [], "proxy": []})
    options: dict[str, str] = field(default_factory=dict)
    origin: str = ""
    records: int = 0
    passive_released: int = 0
    ajax: str = "stopped"
    ajax_polls: int = 0


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
        self.requests: list[tuple[str, dict[str, str]]] = []
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

    def sent_urls(self) -> list[str]:
        """Every parameter value that is a URL, as sent to the daemon."""
        return [v for _, params in self.requests for v in params.values() if re.match(r"^https?://", v)]

    # -- the API -----------------------------------------------------------------------------------
    def handle(self, path: str, params: dict[str, str], key: str) -> tuple[int, str, str]:
        """(status, content type, body) for one API request."""
        match = re.match(r"^/(JSON|OTHER)/([A-Za-z]+)/(view|action|other)/([A-Za-z]+)/?$", path)
        if match is None:
            return 404, "text/plain", "Not Found"
        form, component, kind, name = match.groups()
        endpoint = f"{component}/{kind}/{name}"
        with self.lock:
            self.requests.append((endpoint, dict(params)))
            try:
                if self.api_key and key != self.api_key:
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
            self.state = self._fresh_state()
            return {"Result": "OK"}
        if (kind, name) == ("action", "excludeFromProxy"):
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            state.excluded["proxy"].append(regex)
            return {"Result": "OK"}
        if (kind, name) == ("view", "alerts"):
            selected = self._alerts(params)
            start = self._int(params, "start", 0)
            count = self._int(params, "count", 0)
            page = selected[start:] if count <= 0 else selected[start : start + count]
            return {"alerts": page}
        if (kind, name) == ("view", "numberOfAlerts"):
            return {"numberOfAlerts": str(len(self._alerts(params)))}
        if (kind, name) == ("view", "alertsSummary"):
            summary = {"High": 0, "Medium": 0, "Low": 0, "Informational": 0}
            for alert in self._alerts(params):
                summary[alert["risk"]] += 1
            return {"alertsSummary": summary}
        if (kind, name) == ("other", "jsonreport"):
            return json.dumps(self.traditional_report(), indent=1)
        if (kind, name) == ("other", "htmlreport"):
            rows = "".join(f"<tr><td>{a['risk']}</td><td>{a['alert']}</td></tr>" for a in state.released)
            return f"<html><head><title>ZAP Scanning Report</title></head><body><table>{rows}</table></body></html>"
        if (kind, name) == ("action", "shutdown"):
            self.shutdown_requested.set()
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
        contexts = self.state.contexts
        if (kind, name) == ("action", "newContext"):
            (context,) = self._need(params, "contextName")
            if context in contexts:
                raise ApiError("already_exists", "contextName")
            contexts[context] = {"id": str(len(contexts) + 1), "include": [], "exclude": [], "inScope": "false"}
            return {"contextId": contexts[context]["id"]}
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
        included = any(re.fullmatch(r, url) or re.match(r, url) for r in found["include"])
        return bool(included) and not any(re.match(r, url) for r in found["exclude"])

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
            return {"scan": scan_id}
        if (kind, name) == ("view", "status"):
            scan = self._scan(state.spiders, params)
            scan.polls += 1
            percent = 100 if scan.stopped else min(100, scan.polls * 100 // max(self.behaviour.spider_polls, 1))
            if percent >= 100 and state.records == 0 and state.passive_released == 0:
                state.records = self.behaviour.pscan_records
                self._release_passive(fraction_done=0.25)
            return {"status": str(percent)}
        if (kind, name) == ("action", "stop"):
            self._scan(state.spiders, params).stopped = True
            return {"Result": "OK"}
        if (kind, name) == ("action", "excludeFromScan"):
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            state.excluded["spider"].append(regex)
            return {"Result": "OK"}
        if kind == "action" and name in ("setOptionMaxDepth", "setOptionMaxDuration", "setOptionMaxChildren"):
            state.options[f"spider.{name}"] = str(self._int(params, "Integer"))
            return {"Result": "OK"}
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
            state.options["ajaxSpider.maxDuration"] = str(self._int(params, "Integer"))
            return {"Result": "OK"}
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
            return {"scan": scan_id}
        if (kind, name) == ("view", "status"):
            scan = self._scan(state.ascans, params)
            scan.polls += 1
            die_after = self.behaviour.die_after_ascan_polls
            if die_after is not None and scan.polls > die_after:
                raise _Die()
            steps = max(self.behaviour.ascan_polls, 1)
            percent = min(100, scan.polls * 100 // steps)
            if self.behaviour.ascan_never_finishes:
                percent = min(percent, 42)
            if scan.stopped:
                percent = max(percent, 0)
            released = len([a for a in state.released if a["sourceid"] == "1"])
            target = len(state.active) * min(scan.polls, steps) // steps
            for alert in state.active[released:target]:
                self._release(alert)
            return {"status": str(percent)}
        if (kind, name) == ("action", "stop"):
            self._scan(state.ascans, params).stopped = True
            return {"Result": "OK"}
        if (kind, name) == ("action", "excludeFromScan"):
            (regex,) = self._need(params, "regex")
            self._check_regex(regex)
            state.excluded["ascan"].append(regex)
            return {"Result": "OK"}
        raise self._bad(kind)

    @staticmethod
    def _scan(scans: dict[str, Scan], params: dict[str, str]) -> Scan:
        scan_id = params.get("scanId", "")
        if scan_id not in scans:
            raise ApiError("does_not_exist", "scanId")
        return scans[scan_id]

    def _replacer(self, kind: str, name: str, params: dict[str, str]) -> Any:
        if (kind, name) == ("action", "addRule"):
            description, _, match_type, _, _ = self._need(
                params, "description", "enabled", "matchType", "matchRegex", "matchString"
            )
            if description in self.state.replacer:
                raise ApiError("already_exists", "description")
            if match_type not in (
                "REQ_HEADER",
                "REQ_HEADER_STR",
                "REQ_BODY_STR",
                "RESP_HEADER",
                "RESP_HEADER_STR",
                "RESP_BODY_STR",
            ):
                raise ApiError("illegal_parameter", "matchType")
            self.state.replacer[description] = dict(params)
            return {"Result": "OK"}
        if (kind, name) == ("view", "rules"):
            return {"rules": list(self.state.replacer.values())}
        raise self._bad(kind)

    def _openapi(self, kind: str, name: str, params: dict[str, str]) -> Any:
        state = self.state
        if (kind, name) == ("action", "importUrl"):
            (url,) = self._need(params, "url")
            host = params.get("hostOverride") or urlsplit(url).netloc
            state.origin = f"{urlsplit(url).scheme}://{host}"
            return {"importUrl": []}
        if (kind, name) == ("action", "importFile"):
            (file,) = self._need(params, "file")
            if not Path(file).is_file():
                raise ApiError("does_not_exist", "file")
            target = params.get("target", "")
            if target:
                parts = urlsplit(target)
                state.origin = f"{parts.scheme}://{parts.netloc}"
            return {"importFile": []}
        raise self._bad(kind)

    def _reports(self, kind: str, name: str, params: dict[str, str]) -> Any:
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
        """The ``-J`` / ``core/other/jsonreport`` shape: sites, alerts grouped by plugin, codes as strings."""
        risk_codes = {"High": "3", "Medium": "2", "Low": "1", "Informational": "0"}
        confidence_codes = {"False Positive": "0", "Low": "1", "Medium": "2", "High": "3", "Confirmed": "4"}
        sites: dict[str, dict[str, Any]] = {}
        for alert in self.state.released:
            parts = urlsplit(alert["url"])
            origin = f"{parts.scheme}://{parts.netloc}"
            site = sites.setdefault(
                origin,
                {
                    "@name": origin,
                    "@host": parts.hostname or "",
                    "@port": str(parts.port or 80),
                    "@ssl": "false",
                    "alerts": {},
                },
            )
            item = site["alerts"].setdefault(
                alert["pluginId"],
                {
                    "pluginid": alert["pluginId"],
                    "alert": alert["alert"],
                    "name": alert["name"],
                    "riskcode": risk_codes[alert["risk"]],
                    "confidence": confidence_codes.get(alert["confidence"], "2"),
                    "riskdesc": f"{alert['risk']} ({alert['confidence']})",
                    "desc": f"<p>{alert['description']}</p>",
                    "instances": [],
                    "count": "0",
                    "solution": f"<p>{alert['solution']}</p>",
                    "otherinfo": f"<p>{alert['other']}</p>" if alert["other"] else "",
                    "reference": "".join(f"<p>{line}</p>" for line in alert["reference"].splitlines()),
                    "cweid": alert["cweid"],
                    "wascid": alert["wascid"],
                    "sourceid": alert["sourceid"],
                },
            )
            item["instances"].append(
                {
                    k: alert[a]
                    for k, a in (
                        ("uri", "url"),
                        ("method", "method"),
                        ("param", "param"),
                        ("attack", "attack"),
                        ("evidence", "evidence"),
                    )
                }
            )
            item["count"] = str(len(item["instances"]))
        return {
            "@version": self.behaviour.version,
            "@generated": "Tue, 24 Nov 2026 12:00:00",
            "site": [{**site, "alerts": list(site["alerts"].values())} for site in sites.values()],
        }


class _Die(Exception):
    """Raised inside a request to make the daemon vanish before it answers."""


def _handler(double: ZapDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

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
                status, content_type, text = double.handle(parts.path, params, key)
            except _Die:
                self.close_connection = True  # no answer at all: like a process that was killed
                double.die()
                return
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
