"""The ASGI middleware in front of every page: host check, credentials, and headers that keep pages inert.

Pages carry no JavaScript at all, and the Content-Security-Policy says so: even if some run data slipped
through escaping, a browser would not run it. Raw files a run produced (a scanner's HTML report full of
attack payloads) are served sandboxed (``pages.py`` sets their own policy).
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.serve.access import REALM, Credentials, host_allowed

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
}


class Guard:
    def __init__(self, app: ASGIApp, credentials: Credentials, bound_host: str) -> None:
        self.app = app
        self.credentials = credentials
        self.bound_host = bound_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not host_allowed(headers.get("host"), self.bound_host, self.credentials):
            await _plain(send, 421, "this dashboard answers only requests for its loopback address\n")
            return
        if not self.credentials.accepts(headers.get("authorization")):
            await _plain(send, 401, "credentials required\n", {"www-authenticate": REALM})
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in COMMON_HEADERS.items():
                    out.setdefault(name, value)
                out.setdefault("content-security-policy", PAGE_POLICY)
            await send(message)

        await self.app(scope, receive, send_secured)


async def _plain(send: Send, status: int, text: str, extra: dict[str, str] | None = None) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in {**COMMON_HEADERS, **(extra or {})}.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
