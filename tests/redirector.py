"""A target that redirects off-scope, and the off-scope host that counts who arrived.

Scope tests need a server the harness is allowed to reach (``127.0.0.1``) that answers some requests
with a redirect to a host outside the profile's scope (``127.0.0.2``, also loopback, so nothing leaves the
machine), plus a way to prove that nothing followed it: the outside server records every request it
receives, with its headers, so a test can assert there were none and that no credential crossed.

    with redirecting_target(pages={"/": "<a href='/next'>next</a>"}) as site:
        ...  # point a profile's base_url at site.url, scope [127.0.0.1]
    assert site.outside.requests == []

Every path not in ``pages`` answers ``302 Location: http://127.0.0.2:<port>/landed<path>`` (``status``
picks 301/302/303/307/308). ``pages`` maps a path to the HTML (or JSON) served with 200.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUTSIDE_HOST = "127.0.0.2"  # loopback, but not in a scope of [127.0.0.1, localhost]


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class RecordingServer:
    url: str
    requests: list[ReceivedRequest] = field(default_factory=list)

    def received_header(self, name: str) -> list[str]:
        """The values of header ``name`` across every request received (case-insensitive name)."""
        lowered = name.lower()
        return [v for r in self.requests for k, v in r.headers.items() if k.lower() == lowered]


@dataclass
class RedirectingSite:
    url: str  # the in-scope front server, e.g. http://127.0.0.1:41234
    outside: RecordingServer  # the out-of-scope server the redirects point at
    front_requests: list[ReceivedRequest] = field(default_factory=list)


def _handler(record: list[ReceivedRequest], lock: threading.Lock, respond: object) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # head and body are two writes: no delayed-ACK wait between them

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with lock:
                record.append(ReceivedRequest(self.command, self.path, dict(self.headers.items())))
            status, headers, body = respond(self.path)  # type: ignore[operator]
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def _serve(host: str, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def redirecting_target(pages: Mapping[str, str] | None = None, status: int = 302) -> Iterator[RedirectingSite]:
    """An in-scope server whose unknown paths redirect to an out-of-scope recording server."""
    lock = threading.Lock()
    outside_requests: list[ReceivedRequest] = []
    front_requests: list[ReceivedRequest] = []
    served = dict(pages or {})

    def outside(path: str) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>outside the scope</body></html>"

    with _serve(OUTSIDE_HOST, _handler(outside_requests, lock, outside)) as outside_url:

        def front(path: str) -> tuple[int, dict[str, str], bytes]:
            page = served.get(path.split("?", 1)[0])
            if page is not None:
                kind = "application/json" if page.lstrip().startswith(("{", "[")) else "text/html; charset=utf-8"
                return 200, {"Content-Type": kind}, page.encode()
            return status, {"Location": f"{outside_url}/landed{path}"}, b""

        with _serve("127.0.0.1", _handler(front_requests, lock, front)) as front_url:
            yield RedirectingSite(front_url, RecordingServer(outside_url, outside_requests), front_requests)
