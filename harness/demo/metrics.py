"""The demo target's Prometheus metrics (``python -m harness.demo --metrics``; off by default).

An ASGI middleware counts every request by method, route template and status, and times it in a latency
histogram by method and route; ``GET /metrics`` answers the text exposition format. Labels carry route
templates (``/api/applications/{application_id}``), never raw paths, so a scan or a load test that invents
paths cannot make the number of series grow without bound: a request that matches no route is counted
under ``<unmatched>``. The histogram's series of every route exist from the start (at zero), so a window's
``rate()`` sees every request; the counter's series appear with their first request (statuses are not
known in advance): count a window's requests by status as the difference of sums (docs/monitoring.md). Scrapes of ``/metrics`` itself are not counted. Each app has its own registry (no
process-wide state), so two apps in one process never mix their counts.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

METRICS_PATH = "/metrics"
# the text format every Prometheus 2.x reads (newer clients announce version=1.0.0, which 2.x does not know)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "<unmatched>"
# seconds; the demo answers in milliseconds, a loaded one in tens to hundreds of them
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)


class DemoMetrics:
    """The demo's request metrics in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests", "HTTP requests answered, by method, route template and status",
            ("method", "route", "status"), registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "http_request_duration_seconds", "Time to answer an HTTP request, by method and route template",
            ("method", "route"), buckets=LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip

    def initialise(self, routes: Iterable[object]) -> None:
        """Create every (method, route) series of the histogram at zero, before the first request: a series
        that first appears with a count in it hides that count from ``rate()`` and ``increase()``."""
        for route in routes:
            path = getattr(route, "path", None)
            for method in sorted(getattr(route, "methods", None) or ()):
                if isinstance(path, str) and method != "HEAD":
                    self.latency.labels(method, path)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Count and time every HTTP request of ``app``; serve ``/metrics``."""

    def __init__(self, app: ASGIApp, metrics: DemoMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and scope["method"] in ("GET", "HEAD"):
            await self._expose(send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the response started is what the client sees as a 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")  # set by the router once a route matched (FastAPI's APIRoute)
            template = getattr(route, "path", None) or UNMATCHED
            method = str(scope["method"])
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)

    async def _expose(self, send: Send) -> None:
        body = self.metrics.exposition()
        headers = [(b"content-type", CONTENT_TYPE.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
