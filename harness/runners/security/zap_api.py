"""Calls to ZAP's JSON API through the official client (``zaproxy``: ``from zapv2 import ZAPv2``).

The client does not raise for API errors: ZAP answers ``{"code": "bad_api_key", "message": ...}`` and the
client returns the first value, the code. :meth:`ZapApi.call` turns those codes into exceptions, bounds
each call in time (the client sets no timeout), and names the daemon's URL in every message — never
the API key, which only travels in the ``X-ZAP-API-Key`` header.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TypeVar

import requests
from zapv2 import ZAPv2

from harness.errors import ZapError as ZapError  # defined in errors.py; kept importable from here
from harness.errors import ZapUnavailable as ZapUnavailable

T = TypeVar("T")

# ApiException.Type of ZAP 2.x, as the API spells them (lower case)
ERROR_CODES = frozenset(
    {
        "bad_format", "bad_type", "no_implementor", "bad_action", "bad_view", "bad_other", "bad_pconn",
        "internal_error", "missing_parameter", "url_not_found", "href_not_found", "scan_in_progress",
        "disabled", "already_exists", "does_not_exist", "illegal_parameter", "context_not_found",
        "content_type_not_supported", "user_not_found", "url_not_in_context", "bad_api_key",
        "script_not_found", "bad_script_format", "no_access", "mode_violation", "bad_external_data",
        "bad_state",
    }
)  # fmt: skip


def _closed_without_reply(exc: BaseException) -> bool:
    """Whether a requests error is an accepted connection closed unanswered (not "connection refused")."""
    seen: set[int] = set()
    current: BaseException | None = exc
    text = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text += f" {type(current).__name__} {current}"
        current = current.__cause__ or current.__context__ or (current.args[-1] if current.args and isinstance(
            current.args[-1], BaseException) else None)  # fmt: skip
    if "Connection refused" in text or "NewConnectionError" in text:
        return False
    return "RemoteDisconnected" in text or "without response" in text or "Connection reset" in text


class ZapApi:
    def __init__(self, api_url: str, api_key: str, timeout: float = 60.0) -> None:
        self.url = api_url.rstrip("/")
        self.timeout = timeout
        self.proxies = {"http": self.url, "https": self.url}
        self.client = ZAPv2(apikey=api_key or None, proxies=self.proxies)

    def raw_view(self, path: str) -> object:
        """A call the client has no method for (e.g. probing whether an add-on is installed)."""
        client = self.client
        return next(iter(client._request(client.base + path).values()))

    def version_without_key(self) -> str | None:
        """``core/view/version`` asked without any key (None when that gets no JSON answer either)."""
        keyless = ZAPv2(apikey=None, proxies=self.proxies)
        try:
            value = self.call("core/view/version", lambda: keyless.core.version)
        except (ZapUnavailable, ZapError):
            return None
        return str(value)

    def call(self, what: str, function: Callable[[], T]) -> T:
        """Run one client call; ``what`` names it in errors (e.g. ``"spider/action/scan"``).

        Raises:
            ZapUnavailable: no answer within the time limit, or a connection error.
            ZapError: ZAP answered with an API error code (wrong key, unknown scan, missing add-on, ...).
        """
        answers: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                answers.put((True, function()))
            except BaseException as exc:  # handed to the caller's thread
                answers.put((False, exc))

        # A daemon thread: a ZAP that hangs forever cannot keep the harness from finishing.
        threading.Thread(target=work, name=f"zap-api {what}", daemon=True).start()
        try:
            ok, value = answers.get(timeout=self.timeout)
        except queue.Empty:
            raise ZapUnavailable(f"ZAP API at {self.url} did not answer {what} within {self.timeout:g}s") from None
        if not ok:
            assert isinstance(value, BaseException)
            if isinstance(value, requests.RequestException):
                if _closed_without_reply(value):
                    raise ZapUnavailable(
                        f"ZAP API at {self.url} closed the connection without a reply to {what}", closed=True
                    ) from None
                raise ZapUnavailable(f"ZAP API at {self.url} is unreachable ({what}: {type(value).__name__})") from None
            if isinstance(value, ValueError):  # not JSON: something else listens there
                raise ZapError(
                    f"ZAP API at {self.url} answered {what} with something that is not ZAP's JSON", "bad_format"
                )
            raise value
        if isinstance(value, str) and value in ERROR_CODES:
            hint = (
                " (check the API key in the environment variable named by zap.api_key_env)"
                if value == "bad_api_key"
                else ""
            )
            raise ZapError(f"ZAP API at {self.url} refused {what}: {value}{hint}", value)
        return value  # type: ignore[return-value]
