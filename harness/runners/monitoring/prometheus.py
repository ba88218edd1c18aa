"""Prometheus's HTTP API as the monitoring suite uses it: readiness, instant and range queries, targets.

Every request goes through a :class:`ScopedSession` bound to Prometheus's base URL: the URL and every
redirect hop are checked against the scope (a local Prometheus the harness started is allowed on
127.0.0.1 only). An answer Prometheus gives is returned as it is (``status``, the JSON); a request that
gets no answer raises :class:`PrometheusUnavailable`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from harness.errors import ScopeError
from harness.profile.scope import Scope
from harness.target.http import ScopedSession

ANSWER_KEPT = 20_000  # characters of an answer kept as evidence


class PrometheusUnavailable(Exception):
    """Prometheus gave no answer (refused, timed out, outside the scope); the text says which."""


@dataclass(frozen=True)
class Answer:
    """One API answer: the HTTP status, its JSON (``{}`` when it was not JSON) and the request as sent."""

    endpoint: str
    params: Mapping[str, str]
    status: int
    payload: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""  # the body as received, cut to ANSWER_KEPT characters

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.payload.get("status") == "success"

    @property
    def data(self) -> Mapping[str, Any]:
        data = self.payload.get("data")
        return data if isinstance(data, Mapping) else {}

    @property
    def error(self) -> tuple[str, str]:
        """Prometheus's ``errorType`` and ``error`` (400 bad_data for a PromQL syntax error, 422 execution)."""
        return str(self.payload.get("errorType", "")), str(self.payload.get("error", "") or self.text[:300])

    @property
    def warnings(self) -> tuple[str, ...]:
        found = self.payload.get("warnings")
        return tuple(str(w) for w in found) if isinstance(found, list) else ()


def timestamp(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"


class PrometheusApi:
    def __init__(self, url: str, scope: Scope, timeout: float, headers: Mapping[str, str] | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.headers = dict(headers or {})  # may hold a credential: never logged or stored
        self._session = ScopedSession(self.url, scope, timeout, dict(headers or {}), True)

    def close(self) -> None:
        self._session.close()

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        try:
            return self._session.get(path, params=dict(params or {}), timeout=self.timeout)
        except ScopeError as exc:
            raise PrometheusUnavailable(str(exc)) from None
        except requests.RequestException as exc:
            raise PrometheusUnavailable(f"{self.url}: {type(exc).__name__}: {_short(exc)}") from None

    def ready(self) -> str:
        """The empty string when Prometheus answers ``/-/ready`` with 200, else what it answered.

        Raises:
            PrometheusUnavailable: no answer at all.
        """
        response = self._get("/-/ready")
        return "" if response.status_code == 200 else f"HTTP {response.status_code} {response.text.strip()[:200]}"

    def call(self, endpoint: str, params: Mapping[str, str]) -> Answer:
        """GET ``/api/v1/<endpoint>``; Prometheus's answer, error answers included (they carry the reason).

        Raises:
            PrometheusUnavailable: no answer at all.
        """
        response = self._get(f"/api/v1/{endpoint}", params)
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        return Answer(
            endpoint=f"/api/v1/{endpoint}",
            params=dict(params),
            status=response.status_code,
            payload=payload if isinstance(payload, Mapping) else {},
            text=response.text[:ANSWER_KEPT],
        )

    def query(self, promql: str, at: datetime) -> Answer:
        return self.call("query", {"query": promql, "time": timestamp(at), "timeout": f"{self.timeout:g}s"})

    def query_range(self, promql: str, start: datetime, end: datetime, step: float) -> Answer:
        params = {"query": promql, "start": timestamp(start), "end": timestamp(end), "step": f"{step:g}s"}
        return self.call("query_range", {**params, "timeout": f"{self.timeout:g}s"})


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"
