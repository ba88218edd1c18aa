"""A forward HTTP proxy on 127.0.0.1 that keeps a scan engine inside the scope, hop by hop.

Scanners follow redirects and links by themselves; wapiti cannot be told to refuse a redirect to another
host, and ZAP 2.9.0 cannot limit a header to one origin. Routed through this proxy (wapiti ``--proxy``,
ZAP's upstream proxy), every request the engine sends is checked here:

- a request (or a ``CONNECT`` tunnel) to a host outside ``target.scope`` is answered ``403`` and never
  sent: a redirect to another host therefore ends at the proxy;
- credential headers the harness owns are removed from every plain-HTTP request that does not go to the
  target's origin, and ``inject`` headers are added only to requests that do (so ZAP 2.9.0 can scan
  with a token it never holds);
- a request whose URL matches one of the suite's ``exclude`` regexes (whole URL) is answered ``403``;
- with ``tunnel_only_target`` (the engine itself holds a credential), HTTPS tunnels are allowed only to
  the target's origin, since headers inside a tunnel cannot be seen.

It counts the requests it forwarded and that got an answer, per origin (the scan's request figure), and
those it refused.
"""

from __future__ import annotations

import base64
import hmac
import http.client
import json
import re
import select
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from harness.profile.scope import Scope

_HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
        "trailer", "transfer-encoding", "upgrade",
    }
)  # fmt: skip
_MAX_BODY = 64 * 1024 * 1024  # a response larger than this is cut (a scanner needs the start of it)
_REFUSED_KEPT = 50
_SEEN_KEPT = 200_000


def origin_of(url: str) -> str:
    """``scheme://host:port`` with the default port written out (``http://a`` -> ``http://a:80``)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


class ScopeProxy:
    """``with ScopeProxy(scope, target_url) as proxy: proxy.url`` — see the module docstring."""

    def __init__(
        self,
        scope: Scope,
        target_url: str,
        *,
        inject: Mapping[str, str] | None = None,
        credential_names: Iterable[str] = (),
        tunnel_only_target: bool = False,
        exclude: Iterable[str] = (),
        password: str = "",
        timeout: float = 30.0,
    ) -> None:
        self.scope = scope
        self.target_origin = origin_of(target_url)
        self.inject = dict(inject or {})
        self.credential_names = {n.lower() for n in credential_names} | {n.lower() for n in self.inject}
        self.tunnel_only_target = tunnel_only_target
        self.exclude = [re.compile(regex) for regex in exclude]
        # with a password, only clients that know it may use the proxy (other local users may not borrow the
        # credentials it adds): Basic proxy auth, user "harness"
        self._expected = "Basic " + base64.b64encode(f"harness:{password}".encode()).decode() if password else ""
        self.timeout = timeout
        self.phase = "scan"  # a label the engine sets ("crawl", "attack"): seen() tells URLs per phase
        self._seen: dict[tuple[str, str], set[str]] = {}  # (method, URL without query) -> phases
        self.forwarded: Counter[str] = Counter()  # origin -> requests forwarded
        self.refused: list[str] = []  # the first refused URLs / tunnels, for the notes
        self.refused_count = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(self.forwarded.values())

    def start(self) -> ScopeProxy:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="scope-proxy", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> ScopeProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- decisions ---------------------------------------------------------------------------------
    def url_with_password(self, password: str) -> str:
        return f"http://harness:{password}@127.0.0.1:{self.port}"

    def authorised(self, header: str | None) -> bool:
        return not self._expected or hmac.compare_digest(header or "", self._expected)

    def write_summary(self, path: Path) -> None:
        """Evidence: requests forwarded per origin and the (first 50) refused, as JSON."""
        with self._lock:
            summary = {
                "forwarded": dict(self.forwarded),
                "refused_count": self.refused_count,
                "refused": list(self.refused),
            }
        path.write_text(json.dumps(summary, indent=1), encoding="utf-8")

    def seen(self, phase: str = "") -> list[tuple[str, str]]:
        """(method, URL without query) of the plain-HTTP requests forwarded (in ``phase``, or in any)."""
        with self._lock:
            return [key for key, phases in self._seen.items() if not phase or phase in phases]

    def refusal(self, origin: str, tunnel: bool, url: str = "") -> str:
        """Why a request to ``origin`` (``url``) is refused ("" when it may go)."""
        host = urlsplit(origin).hostname or ""
        if not self.scope.allows_host(host):
            return f"{host} is outside target.scope"
        for regex in self.exclude:
            if url and regex.fullmatch(url):
                return f"matches exclude {regex.pattern!r}"
        if tunnel and self.tunnel_only_target and origin != self.target_origin:
            return "the scan engine holds a credential: HTTPS tunnels go to the target's origin only"
        return ""

    def record(self, origin: str, what: str, refused: bool, method: str = "", url: str = "") -> None:
        with self._lock:
            if refused:
                self.refused_count += 1
                if len(self.refused) < _REFUSED_KEPT:
                    self.refused.append(what)
                return
            self.forwarded[origin] += 1
            if url and len(self._seen) < _SEEN_KEPT:
                self._seen.setdefault((method, url.split("?", 1)[0]), set()).add(self.phase)

    def outgoing_headers(self, origin: str, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The request's headers as forwarded: hop-by-hop dropped, credentials only for the target."""
        own_origin = origin == self.target_origin
        drop = {k.lower() for k in self.inject} if own_origin else self.credential_names
        kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP and k.lower() not in drop]
        if own_origin:
            kept += list(self.inject.items())
        return kept


def _handler(proxy: ScopeProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = proxy.timeout
        # a response goes out as two writes (head, then body): with Nagle's algorithm on, the body waits for
        # the client's delayed ACK of the head, ~40 ms per request on Linux, which made a scan through the
        # proxy four to six times slower than without it
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _refuse(self, what: str, reason: str) -> None:
            body = f"refused by the harness's scope proxy: {reason}\n".encode()
            self.send_response(403, "Forbidden by scope")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _challenge(self) -> bool:
            """Answer 407 to a client without the proxy password; True when it was answered so."""
            if proxy.authorised(self.headers.get("Proxy-Authorization")):
                return False
            length = int(self.headers.get("Content-Length") or 0)
            if length and self.command != "CONNECT":
                self.rfile.read(length)
            self.send_response(407, "Proxy Authentication Required")
            self.send_header("Proxy-Authenticate", 'Basic realm="harness scope proxy"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True

        def do_CONNECT(self) -> None:
            if self._challenge():
                return
            host, _, port_text = self.path.rpartition(":")
            origin = f"https://{host.strip('[]').lower()}:{port_text or '443'}"
            reason = proxy.refusal(origin, tunnel=True)
            if reason:
                proxy.record(origin, f"CONNECT {self.path}", refused=True)
                self._refuse(self.path, reason)
                self.close_connection = True
                return
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port_text or 443)), timeout=proxy.timeout)
            except (OSError, ValueError) as exc:
                self.send_error(502, f"cannot connect: {exc}")
                return
            proxy.record(origin, f"CONNECT {self.path}", refused=False)
            self.send_response(200, "Connection established")
            self.end_headers()
            self.close_connection = True
            _tunnel(self.connection, upstream, proxy.timeout)

        def _forward(self) -> None:
            if self._challenge():
                return
            url = self.path
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                self._refuse(url, "only absolute http URLs are proxied")
                return
            origin = origin_of(url)
            reason = proxy.refusal(origin, tunnel=False, url=url)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if reason:
                proxy.record(origin, f"{self.command} {url}", refused=True)
                self._refuse(url, reason)
                return
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            connection = connection_class(parts.hostname, parts.port, timeout=proxy.timeout)
            try:
                connection.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
                headers = proxy.outgoing_headers(origin, self.headers.items())
                if not any(k.lower() == "host" for k, _ in headers):
                    headers.insert(0, ("Host", parts.netloc))
                for key, value in headers:
                    connection.putheader(key, value)
                if body is not None:
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body)
                response = connection.getresponse()
                payload = response.read(_MAX_BODY)
            except (OSError, http.client.HTTPException) as exc:
                self.send_error(502, f"upstream error: {type(exc).__name__}")
                return
            finally:
                connection.close()
            proxy.record(origin, f"{self.command} {url}", refused=False, method=self.command, url=url)
            self.send_response_only(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_TRACE = _forward

    return Handler


def _tunnel(client: socket.socket, upstream: socket.socket, timeout: float) -> None:
    """Copy bytes both ways until one side closes or nothing moves for ``timeout`` seconds."""
    sockets = [client, upstream]
    try:
        while True:
            readable, _, failed = select.select(sockets, [], sockets, timeout)
            if failed or not readable:
                return
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                (upstream if source is client else client).sendall(data)
    except OSError:
        return
    finally:
        upstream.close()
