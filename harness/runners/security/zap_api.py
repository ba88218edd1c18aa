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

from harness.errors import HarnessError

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


class ZapError(HarnessError):
    """ZAP answered a call with an API error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class ZapUnavailable(HarnessError):
    """ZAP did not answer (not running, died, or hung past the call's time limit)."""


class ZapApi:
    def __init__(self, api_url: str, api_key: str, timeout: float = 60.0) -> None:
        self.url = api_url.rstrip("/")
        self.timeout = timeout
        self.client = ZAPv2(apikey=api_key or None, proxies={"http": self.url, "https": self.url})

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
